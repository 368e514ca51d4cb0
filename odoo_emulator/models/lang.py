"""base: res.lang, the languages a database has (installed = active).

Odoo's base data creates every language inactive but en_US; loading one (Settings > Languages)
activates it. res.partner.lang / res.users.lang are a selection of the active languages
(``_lang_get``), so writing any other code is refused; translatable fields answer in the
context's language when it is active (see ``Env.lang`` and ``Field.translate`` in orm.py).
"""

from ..exceptions import UserError
from ..orm import BaseModel, Boolean, Char, Selection, api_model

WEEK_DAYS = [["1", "Monday"], ["2", "Tuesday"], ["3", "Wednesday"], ["4", "Thursday"],
             ["5", "Friday"], ["6", "Saturday"], ["7", "Sunday"]]


class Lang(BaseModel):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"
    name = Char("Name", required=True)
    code = Char("Locale Code", required=True)
    iso_code = Char("ISO code")
    url_code = Char("URL Code", required=True)
    active = Boolean("Active", default=False)
    direction = Selection([["ltr", "Left-to-Right"], ["rtl", "Right-to-Left"]], "Direction",
                          required=True, default="ltr")
    date_format = Char("Date Format", required=True, default="%m/%d/%Y")
    time_format = Char("Time Format", required=True, default="%H:%M:%S")
    week_start = Selection(WEEK_DAYS, "First Day of Week", required=True, default="7")
    grouping = Char("Separator Format", required=True, default="[]")
    decimal_point = Char("Decimal Separator", required=True, default=".")
    thousands_sep = Char("Thousands Separator", default=",")

    @api_model
    def get_installed(self):
        """The active languages' (code, name) pairs by name (what ``_lang_get`` offers)."""
        rows = sorted((r for r in self.records.values() if r.get("active")),
                      key=lambda r: r.get("name") or "")
        return [[r["code"], r["name"]] for r in rows] or [["en_US", "English (US)"]]

    def _before_write(self, ids, vals):
        # base/models/res_lang.py write(): a language in use stays active
        if "active" in vals and not vals["active"]:
            codes = {self.records[rid].get("code") for rid in ids}
            users = self.env.store.data.get("res.users", {}).values()
            partners = self.env.store.data.get("res.partner", {})
            if any(partners.get(u.get("partner_id"), {}).get("lang") in codes
                   for u in users if u.get("active", True)):
                raise UserError("Cannot deactivate a language that is currently used by users.")


def lang_selection(model):
    """res.partner / res.users ``_lang_get``: the installed languages."""
    return model.env.sudo()["res.lang"].get_installed()


MODELS = [Lang]
