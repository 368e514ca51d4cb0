"""What every section's actions share: the refusal Fieldkit makes before (or instead of) Odoo.

Routes treat :class:`ActionRefused` like Odoo's ``UserError``: the same page again, with the
message and what the user typed (see ``app/routes/records.py``).
"""


class ActionRefused(Exception):
    """An action Fieldkit refuses; ``user_message`` is written for the person who tried it."""

    def __init__(self, user_message):
        self.user_message = user_message
        super().__init__(user_message)
