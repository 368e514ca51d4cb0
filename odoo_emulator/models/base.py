"""base: res.partner, res.users, res.company, res.groups, countries, currencies, ir.*."""

import re

import phonenumbers

from ..exceptions import AccessDenied, UserError, ValidationError
from ..orm import (
    BaseModel,
    Binary,
    Boolean,
    Char,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    Text,
    _as_ids,
    api_model,
)
from .lang import lang_selection

TZ_SELECTION = [["America/New_York", "America/New_York"], ["America/Chicago", "America/Chicago"],
                ["America/Denver", "America/Denver"], ["America/Los_Angeles", "America/Los_Angeles"],
                ["Europe/Brussels", "Europe/Brussels"], ["UTC", "UTC"]]


def _default_lang(model):
    """env.lang: the context's language when active, else none (a call without a context)."""
    lang = model.env.context.get("lang")
    return lang if lang in model.env.state.active_langs() else False


def phone_format(number, country_code):
    """E.164 of `number` read in `country_code`'s national format, or False (Odoo's
    phone_validation: unparsable, impossible or invalid numbers are not sanitized)."""
    if not number:
        return False
    try:
        parsed = phonenumbers.parse(number, region=country_code or None, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# What mail.thread.phone strips before comparing numbers (`_search_phone_mobile_search`).
PHONE_PUNCTUATION = re.compile(r"[\s\\./()\-]")


class Country(BaseModel):
    _name = "res.country"
    _description = "Country"
    name = Char("Country Name", required=True, translate=True)
    code = Char("Country Code")


class CountryState(BaseModel):
    _name = "res.country.state"
    _description = "Country state"
    name = Char("State Name", required=True)
    code = Char("State Code", required=True)
    country_id = Many2one("res.country", "Country", required=True)


class Currency(BaseModel):
    _name = "res.currency"
    _description = "Currency"
    name = Char("Currency", required=True)
    symbol = Char("Symbol")
    active = Boolean("Active", default=True)
    # As Odoo: the symbol's side of the amount, and decimals (computed from rounding in Odoo).
    position = Selection([["after", "After Amount"], ["before", "Before Amount"]],
                         "Symbol Position", default="after")
    rounding = Float("Rounding Factor", default=0.01)
    decimal_places = Integer("Decimal Places", default=2)


class Company(BaseModel):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    name = Char("Company Name", required=True)
    partner_id = Many2one("res.partner", "Partner", required=True)
    currency_id = Many2one("res.currency", "Currency")
    sequence = Integer("Sequence", default=10)
    email = Char("Email", related="partner_id.email")
    phone = Char("Phone", related="partner_id.phone")
    street = Char("Street", related="partner_id.street")
    city = Char("City", related="partner_id.city")
    zip = Char("Zip", related="partner_id.zip")
    state_id = Many2one("res.country.state", "Fed. State", related="partner_id.state_id")
    country_id = Many2one("res.country", "Country", related="partner_id.country_id")
    tz = Selection(TZ_SELECTION, "Timezone", related="partner_id.tz")
    # base/models/res_company.py: these are the company partner's fields too
    street2 = Char("Street2", related="partner_id.street2")
    vat = Char("Tax ID", related="partner_id.vat")
    website = Char("Website Link", related="partner_id.website")
    logo = Binary("Company Logo", related="partner_id.image_1920")
    parent_id = Many2one("res.company", "Parent Company")
    child_ids = One2many("res.company", "parent_id", "Branches")
    active = Boolean("Active", default=True)
    # resource
    resource_calendar_id = Many2one("resource.calendar", "Default Working Hours")
    # stock_sms
    stock_move_sms_validation = Boolean("SMS Confirmation", default=True)
    has_received_warning_stock_sms = Boolean()


class Partner(BaseModel):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    _parent_name = "parent_id"
    name = Char("Name")
    # base/models/res_partner.py: `complete_name` (stored) from 17.0; up to 16 the partner
    # stores `display_name` instead and orders by it.
    complete_name = Char("Complete Name", compute=True, store=True, versions=(17, None))
    is_company = Boolean("Is a Company", default=False)
    company_type = Selection([["person", "Individual"], ["company", "Company"]], "Company Type",
                             compute=True)
    parent_id = Many2one("res.partner", "Related Company")
    child_ids = One2many("res.partner", "parent_id", "Contact")
    type = Selection([["contact", "Contact"], ["invoice", "Invoice Address"],
                      ["delivery", "Delivery Address"], ["other", "Other Address"]],
                     "Address Type", default="contact")
    street = Char("Street")
    street2 = Char("Street2")
    city = Char("City")
    zip = Char("Zip")
    state_id = Many2one("res.country.state", "State")
    country_id = Many2one("res.country", "Country")
    email = Char("Email")
    phone = Char("Phone")
    mobile = Char("Mobile", versions=(None, 18))
    website = Char("Website Link")
    comment = Html("Notes")
    function = Char("Job Position")
    # base/models/res_partner.py: a selection of the installed languages (_lang_get), by
    # default the language of whoever creates the contact (env.lang)
    lang = Selection("_lang_get", "Language", default=lambda m: _default_lang(m))
    tz = Selection(TZ_SELECTION, "Timezone")
    user_ids = One2many("res.users", "partner_id", "Users")
    user_id = Many2one("res.users", "Salesperson")
    company_id = Many2one("res.company", "Company")
    category_id = Many2many("res.partner.category", "Tags")
    active = Boolean("Active", default=True)
    ref = Char("Reference")
    image_1920 = Binary("Image")
    image_128 = Binary("Image 128", store=False, compute=True)
    contact_address = Char("Complete Address", compute=True)
    commercial_partner_id = Many2one("res.partner", "Commercial Entity", compute=True)
    vat = Char("Tax ID")
    # mail.thread.phone (sms): E.164 of mobile, else phone; a search-only field matching any
    # formatting of either number.
    phone_sanitized = Char("Sanitized Number", compute=True, store=True)
    phone_mobile_search = Char("Phone/Mobile", store=False)
    email_normalized = Char("Normalized Email", compute=True)
    # OCA fieldservice (models/res_partner.py): fsm.location and fsm.person _inherit the
    # partner, so every service location and worker is a res.partner; creating one flags its
    # partner. A location's partner looks like a customer ("Bluewater Marina - Main").
    fsm_location = Boolean("Is a FS Location")
    fsm_person = Boolean("Is a FS Worker")
    service_location_id = Many2one("fsm.location", "Primary Service Location")
    owned_location_ids = One2many("fsm.location", "owner_id", "Owned Locations")
    owned_location_count = Integer("# of Owned Locations", compute=True)

    def _compute_owned_location_count(self, rid, rec):
        locations = self.env["fsm.location"]
        owners = set(self.env.sudo()["res.partner"]._search([("id", "child_of", [rid])]))
        return sum(1 for lrec in locations.records.values()
                   if lrec.get("owner_id") in owners and lrec.get("active", True))

    @property
    def order_default(self):
        return self._order if self.version >= 17 else "display_name ASC, id DESC"

    def _lang_get(self):
        return lang_selection(self)

    def _phone_fields(self):
        return [fn for fn in ("mobile", "phone") if fn in self.fields]

    def _phone_country_code(self, rid):
        """The partner's country, else the current user's company's (Odoo's _phone_get_country
        falls back on env.company)."""
        data = self.env.store.data
        country = self.records.get(rid, {}).get("country_id")
        if not country:
            company = data["res.users"].get(self.env.uid, {}).get("company_id")
            cpartner = data["res.company"].get(company, {}).get("partner_id")
            country = data["res.partner"].get(cpartner, {}).get("country_id")
        return data["res.country"].get(country, {}).get("code") if country else None

    def _compute_phone_sanitized(self, rid, rec):
        code = self._phone_country_code(rid)
        for fname in self._phone_fields():
            sanitized = phone_format(rec.get(fname), code)
            if sanitized:
                return sanitized
        return False

    def _compute_email_normalized(self, rid, rec):
        found = re.findall(r"[^\s<>\"',;]+@[^\s<>\"',;]+", rec.get("email") or "")
        return found[0].lower() if found else False

    def _search_phone_mobile_search(self, operator, value):
        """Odoo 16-19 mail.thread.phone: strip spaces, dots, slashes, parentheses and dashes
        from the stored numbers; "+..." or "00..." matches both prefixes from the start,
        anything else is a substring."""
        value = value.strip() if isinstance(value, str) else value
        fields = self._phone_fields()
        if (value is True or not value) and operator in ("=", "!="):
            has = [rid for rid, rec in self.records.items() if any(rec.get(f) for f in fields)]
            want_set = (value is True) == (operator == "=")
            return has if want_set else [rid for rid in self.records if rid not in has]
        if not isinstance(value, str) or len(value) < 3:
            raise UserError("Please enter at least 3 characters when searching a "
                            "Phone/Mobile number.")
        negative = operator in ("!=", "not like", "not ilike", "not =like", "not =ilike")
        exact = operator in ("=", "!=")
        if value.startswith("+") or value.startswith("00"):
            term = PHONE_PUNCTUATION.sub("", value[1 if value.startswith("+") else 2:])
            candidates = ("00" + term, "+" + term)

            def match(stored):
                return any(stored == c if exact else stored.startswith(c) for c in candidates)
        else:
            term = PHONE_PUNCTUATION.sub("", value)

            def match(stored):
                return stored == term if exact else term.lower() in stored.lower()
        out = []
        for rid, rec in self.records.items():
            numbers = [PHONE_PUNCTUATION.sub("", rec[f]) for f in fields if rec.get(f)]
            hit = any(match(n) for n in numbers)
            if hit != negative and (numbers or negative):
                out.append(rid)
        return out

    def _refresh_phone_sanitized(self, rid):
        rec = self.records[rid]
        rec["phone_sanitized"] = self._compute_phone_sanitized(rid, rec)
        self.env.store.save(self._name, rid)

    def _compute_display_name(self, rid, rec):
        name = rec.get("name") or ""
        parent = rec.get("parent_id")
        if parent and not rec.get("is_company"):
            pname = self.records.get(parent, {}).get("name") or ""
            if name:
                return f"{pname}, {name}"
            return pname
        return name

    def _compute_complete_name(self, rid, rec):
        return self._compute_display_name(rid, rec)

    def _compute_company_type(self, rid, rec):
        return "company" if rec.get("is_company") else "person"

    def _compute_commercial_partner_id(self, rid, rec):
        if rec.get("parent_id") and not rec.get("is_company"):
            return rec["parent_id"]
        return rid

    def _compute_contact_address(self, rid, rec):
        parts = [rec.get("street"), rec.get("street2")]
        state = rec.get("state_id")
        code = self.env["res.country.state"].records.get(state, {}).get("code") if state else ""
        city = " ".join(x for x in (rec.get("city"), code, rec.get("zip")) if x)
        parts.append(city)
        return "\n".join(p for p in parts if p)

    def _check_required(self, vals):
        if not vals.get("name") and not vals.get("parent_id"):
            raise ValidationError(
                "The operation cannot be completed: Contacts require a name")
        super()._check_required(vals)

    def _after_create(self, rid, vals):
        self._refresh_complete_name(rid)
        self._refresh_phone_sanitized(rid)

    def _after_write(self, ids, vals):
        if {"phone", "mobile", "country_id"} & set(vals):
            for rid in ids:
                self._refresh_phone_sanitized(rid)
        if "name" in vals or "parent_id" in vals or "is_company" in vals:
            for rid in ids:
                self._refresh_complete_name(rid)
                for cid, crec in self.records.items():
                    if crec.get("parent_id") == rid:
                        self._refresh_complete_name(cid)

    def _refresh_complete_name(self, rid):
        if "complete_name" not in self.fields:
            return
        rec = self.records[rid]
        rec["complete_name"] = self._compute_display_name(rid, rec)
        self.env.store.save(self._name, rid)


class PartnerCategory(BaseModel):
    _name = "res.partner.category"
    _description = "Partner Tags"
    name = Char("Tag Name", required=True)
    active = Boolean("Active", default=True)


class GroupCategory(BaseModel):
    _name = "ir.module.category"
    _description = "Application"
    name = Char("Name", required=True)


class Groups(BaseModel):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "name"
    name = Char("Name", required=True)
    category_id = Many2one("ir.module.category", "Application")
    implied_ids = Many2many("res.groups", "Inherits")
    full_name = Char("Group Name", compute=True)
    comment = Text("Comment")
    # Up to 18 `users` lists every member, those of groups implying this one too (res.users
    # stores the implied groups: base/models/res_users.py UsersImplied). 19 renamed it
    # `user_ids`, the users given the group directly, and added `all_user_ids` (implied too).
    # A many2many read leaves archived users out (active_test), so none is ever listed.
    users = Many2many("res.users", "Users", compute=True, versions=(None, 18))
    user_ids = Many2many("res.users", "Users", compute=True, versions=(19, None))
    all_user_ids = Many2many("res.users", "Users and implied users", compute=True,
                             versions=(19, None))
    all_implied_ids = Many2many("res.groups", "Transitively implied groups", compute=True,
                                versions=(19, None))

    def _compute_full_name(self, rid, rec):
        cat = rec.get("category_id")
        if cat:
            cname = self.env["ir.module.category"].records.get(cat, {}).get("name")
            return f"{cname} / {rec.get('name')}"
        return rec.get("name")

    def _compute_display_name(self, rid, rec):
        return self._compute_full_name(rid, rec)

    def _members(self, rid, implied):
        users = self.env["res.users"]
        gfield = _groups_field_name(self.version)
        state = self.env.state
        xmlid = next((x for x, (m, gid) in state.xmlids.items()
                      if m == "res.groups" and gid == rid), None)
        return [uid for uid, u in users.records.items() if u.get("active", True) and (
            rid in (u.get(gfield) or []) or (implied and xmlid in state.user_groups(uid)))]

    def _compute_users(self, rid, rec):
        return self._members(rid, implied=False)

    def _compute_user_ids(self, rid, rec):
        return self._members(rid, implied=False)

    def _compute_all_user_ids(self, rid, rec):
        return self._members(rid, implied=True)

    def _compute_all_implied_ids(self, rid, rec):
        seen, stack = set(), [rid]
        while stack:
            gid = stack.pop()
            if gid not in seen:
                seen.add(gid)
                stack.extend(self.records.get(gid, {}).get("implied_ids") or [])
        return sorted(seen)

    def implied_closure(self, gids):
        """``gids`` and every group they imply, transitively."""
        out = set()
        for gid in gids or []:
            out.update(self._compute_all_implied_ids(gid, None))
        return sorted(out)


def _groups_field_name(version):
    return "groups_id" if version <= 18 else "group_ids"


class Users(BaseModel):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _inherits = {"res.partner": "partner_id"}
    _rec_name = "name"
    login = Char("Login", required=True)
    password = Char("Password", groups="base.group_system")
    partner_id = Many2one("res.partner", "Related Partner", required=True)
    name = Char("Name", related="partner_id.name", delegate=True)
    email = Char("Email", related="partner_id.email", delegate=True)
    phone = Char("Phone", related="partner_id.phone", delegate=True)
    tz = Selection(TZ_SELECTION, "Timezone", related="partner_id.tz", delegate=True)
    lang = Selection("_lang_get", "Language", related="partner_id.lang", delegate=True)
    signature = Html("Email Signature")
    company_id = Many2one("res.company", "Company", default=1)
    company_ids = Many2many("res.company", "Companies", default=lambda m: [1])
    # sale_stock's "Default Warehouse" (user preferences); Fieldkit takes it as the van
    property_warehouse_id = Many2one("stock.warehouse", "Default Warehouse")
    groups_id = Many2many("res.groups", "Groups", versions=(None, 18))
    group_ids = Many2many("res.groups", "Groups", versions=(19, None))
    all_group_ids = Many2many("res.groups", "Groups and implied groups", compute=True,
                              versions=(19, None))
    active = Boolean("Active", default=True)
    share = Boolean("Share User", compute=True)
    login_date = Char("Latest authentication", compute=True)
    # auth_totp: the secret is readable by nobody (groups=fields.NO_ACCESS in Odoo)
    totp_secret = Char("Totp Secret", groups="base.group_system")
    totp_enabled = Boolean("Two-factor authentication", compute=True)

    # base/models/res_users.py: what a user may change on their own user (Preferences), written
    # as superuser; company_id is left out here (Odoo checks it against company_ids).
    SELF_WRITEABLE_FIELDS = ("signature", "email", "name", "image_1920", "lang", "tz")

    def _lang_get(self):
        return lang_selection(self)

    def write(self, ids, vals):
        if not self.env.su and _as_ids(ids) == [self.env.uid] and vals and all(
                key in self.SELF_WRITEABLE_FIELDS or key.startswith("context_") for key in vals):
            return type(self)(self.env.sudo()).write(ids, vals)
        return super().write(ids, vals)

    def _compute_totp_enabled(self, rid, rec):
        return bool(rec.get("totp_secret"))

    def _compute_share(self, rid, rec):
        return False

    def _compute_login_date(self, rid, rec):
        return False

    def _create_one(self, vals):
        gname = _groups_field_name(self.version)
        vals.setdefault(gname, [(6, 0, [self.env.ref("base.group_user")])])
        if "name" not in vals and not vals.get("partner_id"):
            vals["name"] = vals.get("login")
        return super()._create_one(vals)

    def _store_implied_groups(self, ids):
        """Up to 18 a user's ``groups_id`` holds the implied groups too (UsersImplied adds
        them on create and write: a Dispatcher is stored in "Own Documents Only"); 19 keeps
        only the groups given (``all_group_ids`` has the rest)."""
        if self.version >= 19:
            return
        groups = self.env["res.groups"]
        for rid in ids:
            rec = self.records.get(rid)
            if rec is None:
                continue
            closure = groups.implied_closure(rec.get("groups_id"))
            if closure != sorted(rec.get("groups_id") or []):
                rec["groups_id"] = closure
                self.env.store.save(self._name, rid)
        self.env.state.invalidate_groups()

    def _after_create(self, rid, vals):
        super()._after_create(rid, vals)
        self._store_implied_groups([rid])

    def _after_write(self, ids, vals):
        super()._after_write(ids, vals)
        if "groups_id" in vals:
            self._store_implied_groups(ids)

    def _compute_all_group_ids(self, rid, rec):
        return self.env["res.groups"].implied_closure(rec.get("group_ids"))

    @api_model
    def context_get(self):
        user = self.env.user
        partner = self.env["res.partner"].records.get(user.get("partner_id"), {})
        ctx = {"lang": partner.get("lang") or "en_US",
               "tz": partner.get("tz") or self.env.state.company_tz()}
        ctx["uid"] = self.env.uid
        return ctx

    @property
    def has_group(self):
        """The current user's group test up to 17 (@api.model); from 18 a method of the users
        it is called on, as the recordings show."""
        return self._has_group_of_users if self.version >= 18 else self._has_group_of_caller

    @api_model
    def _has_group_of_caller(self, group_ext_id):
        return self.env.has_group(group_ext_id)

    def _has_group_of_users(self, ids, group_ext_id):
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: res.users{tuple(ids)}")
        return group_ext_id in self.env.state.user_groups(ids[0])

    _has_group_of_caller.__qualname__ = _has_group_of_users.__qualname__ = "Users.has_group"

    def read(self, ids, fields=None, load="_classic_read"):
        return super().read(ids, fields, load)

    def _readable_fields(self):
        return [f for f in super()._readable_fields() if f not in ("password", "totp_secret")]


class IrModel(BaseModel):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _rec_name = "name"
    name = Char("Model Description", required=True)
    model = Char("Model", required=True)
    transient = Boolean("Transient Model")
    state = Selection([["manual", "Custom Object"], ["base", "Base Object"]], "Type",
                      default="base")
    field_id = One2many("ir.model.fields", "model_id", "Fields")
    modules = Char("In Apps")


class IrModelFields(BaseModel):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "name"
    name = Char("Field Name", required=True)
    field_description = Char("Field Label")
    model = Char("Model Name")
    model_id = Many2one("ir.model", "Model", required=True)
    ttype = Char("Field Type")
    relation = Char("Related Model")
    required = Boolean("Required")
    readonly = Boolean("Readonly")
    store = Boolean("Stored")
    state = Selection([["manual", "Custom Field"], ["base", "Base Field"]], "Type",
                      default="base")

    def _prepare_create(self, vals):
        if vals.get("model_id") and not vals.get("model"):
            vals["model"] = self.env.sudo()["ir.model"].records.get(vals["model_id"], {}).get(
                "model")
        if str(vals.get("name") or "").startswith("x_"):
            vals.setdefault("state", "manual")
        elif vals.get("state") == "manual":
            raise ValidationError("Custom fields must have a name that starts with 'x_'!")
        return vals

    def _after_create(self, rid, vals):
        # A custom field (Settings > Technical > Fields, or Studio) exists on its model at once.
        rec = self.records[rid]
        if rec.get("state") == "manual":
            self.env.state.add_manual_field(rec)

    def _unlink_one(self, rid):
        rec = self.records.get(rid) or {}
        if rec.get("state") == "manual":
            self.env.state.drop_manual_field(rec.get("model"), rec.get("name"))
        super()._unlink_one(rid)

    def _compute_display_name(self, rid, rec):
        if self.version >= 17:
            mname = self.env["ir.model"].records.get(rec.get("model_id"), {}).get("name")
            return f"{rec.get('field_description')} ({mname})"
        return rec.get("field_description") or rec.get("name")


class IrModelData(BaseModel):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    name = Char("External Identifier", required=True)
    module = Char("Module", required=True)
    model = Char("Model Name", required=True)
    res_id = Integer("Record ID")
    complete_name = Char("Complete ID", compute=True)
    noupdate = Boolean("Non Updatable")

    def _compute_complete_name(self, rid, rec):
        return f"{rec.get('module')}.{rec.get('name')}"

    def _compute_display_name(self, rid, rec):
        return self._compute_complete_name(rid, rec)

    @api_model
    def check_object_reference(self, module, xml_id, raise_on_access_error=False):
        key = f"{module}.{xml_id}"
        model, rid = self.env.state.xmlids.get(key, (None, None))
        if model is None:
            raise ValueError(f"External ID not found in the system: {key}")
        return [model, rid]

    @api_model
    def xmlid_to_res_model_res_id(self, xmlid, raise_if_not_found=False):
        model, rid = self.env.state.xmlids.get(xmlid, (False, False))
        return [model, rid]

    @api_model
    def _xmlid_to_res_id(self, xmlid, raise_if_not_found=False):
        return self.env.state.xmlids.get(xmlid, (False, False))[1]


class IrAttachment(BaseModel):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"
    name = Char("Name", required=True)
    res_model = Char("Resource Model")
    res_id = Integer("Resource ID")
    res_field = Char("Resource Field")
    type = Selection([["url", "URL"], ["binary", "File"]], "Type", default="binary")
    url = Char("Url")
    datas = Binary("File Content (base64)")
    mimetype = Char("Mime Type")
    file_size = Integer("File Size", compute=True)
    description = Text("Description")
    public = Boolean("Is public document")
    company_id = Many2one("res.company", "Company", default=1)

    def _compute_file_size(self, rid, rec):
        data = rec.get("datas") or ""
        return len(data) * 3 // 4

    def _prepare_create(self, vals):
        if vals.get("datas") and not vals.get("mimetype"):
            name = (vals.get("name") or "").lower()
            for ext, mt in ((".png", "image/png"), (".jpg", "image/jpeg"),
                            (".jpeg", "image/jpeg"), (".pdf", "application/pdf")):
                if name.endswith(ext):
                    vals["mimetype"] = mt
            vals.setdefault("mimetype", "application/octet-stream")
        return vals


class Uom(BaseModel):
    _name = "uom.uom"
    _description = "Product Unit of Measure"
    name = Char("Unit of Measure", required=True, translate=True)
    active = Boolean("Active", default=True)


class ApiKeys(BaseModel):
    """res.users.apikeys: the emulator keeps the demo key per user (hashed in Odoo)."""
    _name = "res.users.apikeys"
    _description = "Users API Keys"
    name = Char("Description", required=True)
    user_id = Many2one("res.users", "User", required=True)
    key = Char("Key", groups="base.group_no_one")
    scope = Char("Scope")


def check_credentials(env_state, uid, password):
    """True if password is the user's password or one of their API keys."""
    users = env_state.storage.data.get("res.users", {})
    user = users.get(uid)
    if not user or not user.get("active", True):
        raise AccessDenied()
    if password and password == user.get("password"):
        return True
    for key in env_state.storage.data.get("res.users.apikeys", {}).values():
        if key.get("user_id") == uid and key.get("key") == password:
            return True
    raise AccessDenied()


MODELS = [Country, CountryState, Currency, Company, Partner, PartnerCategory, GroupCategory,
          Groups, Users, IrModel, IrModelFields, IrModelData, IrAttachment, Uom, ApiKeys]
