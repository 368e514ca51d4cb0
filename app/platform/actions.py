"""What every section's actions share: the refusal Fieldkit makes before (or instead of) Odoo.

Routes treat :class:`ActionRefused` like Odoo's ``UserError``: the same page again, with the
message and what the user typed (see ``app/routes/records.py``).
"""


class ActionRefused(Exception):
    """An action Fieldkit refuses; ``user_message`` is written for the person who tried it."""

    def __init__(self, user_message):
        # A plain str (a lazy_gettext constant is translated here, in the request's language):
        # it goes into flashes, JSON and the session.
        self.user_message = str(user_message)
        super().__init__(user_message)
