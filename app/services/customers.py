"""Customers (``res.partner``): find anyone fast, see everything about them, add and edit.

* Search is one ``search_read``: name, email and reference by ``ilike``; phone numbers through
  ``phone_mobile_search``, Odoo's own search field that ignores formatting (spaces, dashes,
  parentheses, "+"), which a plain ``ilike`` on ``phone`` does not (see the recordings). A query
  in E.164 also matches numbers stored in national format by its national digits.
* The customer page reads the partner and then its sections (contacts, jobs, quotes,
  opportunities, equipment, open tickets) together in one parallel round (`OdooAPI.parallel`),
  all filtered on the commercial partner so a contact shows their company's records. A section
  Odoo refuses (no sales rights, helpdesk not installed) is left out, not an error.
* Creating warns about possible duplicates (same phone by any formatting, same email) first.
* Odoo's access rules decide who may create and edit; a refusal is shown on the form.
"""

from __future__ import annotations

import logging
import re

import phonenumbers
from werkzeug.exceptions import NotFound

from app.services import jobs
from app.services.odoo_api import AccessError, OdooCall, OdooError, OdooUnavailable

log = logging.getLogger(__name__)

PAGE_SIZE = 30
SECTION_LIMIT = 8
MIN_PHONE_DIGITS = 3  # Odoo refuses a phone search on fewer than 3 characters
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EDITABLE = ("phone", "mobile", "email", "street", "street2", "city", "zip")


class CustomerError(Exception):
    """A refusal of the form, written for people; `status` is the page's HTTP status."""

    def __init__(self, user_message, status=422):
        super().__init__(user_message)
        self.user_message = user_message
        self.status = status


def list_fields(version: int) -> list[str]:
    fields = ["name", "display_name", "is_company", "parent_id", "phone", "email", "ref",
              "city", "active"]
    if version <= 18:
        fields.append("mobile")
    return fields


def detail_fields(version: int) -> list[str]:
    return list_fields(version) + ["street", "street2", "zip", "state_id", "country_id",
                                   "commercial_partner_id", "function", "type"]


# --------------------------------------------------------------------------- search


def search_domain(q: str, *, archived: bool = False) -> list:
    """Odoo domain for the search box; empty `q` lists top-level contacts."""
    q = (q or "").strip()
    domain = [("active", "in", [True, False])] if archived else []
    if not q:
        return domain + [("parent_id", "=", False)]
    leaves = [("complete_name", "ilike", q), ("email", "ilike", q), ("ref", "ilike", q)]
    digits = re.sub(r"\D", "", q)
    if len(digits) >= MIN_PHONE_DIGITS and re.fullmatch(r"[\d\s+().\-/]+", q):
        leaves.append(("phone_mobile_search", "ilike", q))
        national = _national_digits(q)
        if national and national != digits:
            leaves.append(("phone_mobile_search", "ilike", national))
    return domain + ["|"] * (len(leaves) - 1) + leaves


def _national_digits(q: str) -> str:
    """"+1 804 555 0116" -> "8045550116", so it also finds "(804) 555-0116"."""
    if not q.startswith("+"):
        return ""
    try:
        parsed = phonenumbers.parse(q, None)
    except phonenumbers.NumberParseException:
        return ""
    return str(parsed.national_number) if parsed.national_number else ""


def search_customers(odoo, viewer, q: str = "", *, archived: bool = False, page: int = 1):
    """One page of customers matching `q` (1 RPC)."""
    page = max(1, page)
    rows = odoo.search_read("res.partner", search_domain(q, archived=archived),
                            list_fields(viewer.version), limit=PAGE_SIZE + 1,
                            offset=(page - 1) * PAGE_SIZE, order="complete_name asc, id desc")
    return {"customers": [summarize(r) for r in rows[:PAGE_SIZE]], "q": q or "",
            "archived": archived, "page": page, "has_next": len(rows) > PAGE_SIZE}


def summarize(row: dict) -> dict:
    phone = row.get("phone") or ""
    mobile = row.get("mobile") or ""
    return {
        "id": row["id"], "name": row.get("display_name") or row.get("name") or "",
        "is_company": bool(row.get("is_company")), "phone": phone, "mobile": mobile,
        "email": row.get("email") or "", "ref": row.get("ref") or "",
        "city": row.get("city") or "", "archived": row.get("active") is False,
        "tel_url": jobs.tel_url(mobile or phone), "sms_url": jobs.sms_url(mobile or phone),
    }


# --------------------------------------------------------------------------- detail


def _sections(commercial: int, viewer) -> list[tuple]:
    """(key, model, domain, fields, order) of each section of the customer page."""
    mine = jobs.own_domain(viewer.partner_id) if viewer.is_technician else []
    return [
        ("contacts", "res.partner", [("parent_id", "=", commercial)],
         ["name", "function", "phone", "email"], "name asc"),
        ("jobs", "fsm.order", [("location_id.owner_id", "child_of", commercial), *mine],
         ["name", "stage_id", "scheduled_date_start", "is_closed"],
         "scheduled_date_start desc, id desc"),
        ("quotes", "sale.order", [("partner_id", "child_of", commercial)],
         ["name", "state", "amount_total", "date_order"], "date_order desc, id desc"),
        ("opportunities", "crm.lead", [("partner_id", "child_of", commercial)],
         ["name", "stage_id", "expected_revenue", "probability"], "id desc"),
        ("equipment", "fsm.equipment", [("owner_id", "child_of", commercial)],
         ["name", "serial", "location_id"], "name asc"),
        ("tickets", "helpdesk.ticket",
         [("partner_id", "child_of", commercial), ("stage_id.closed", "=", False)],
         ["name", "stage_id", "priority"], "id desc"),
    ]


def _section_rows(outcome, model):
    """A section's rows, or None when Odoo refused it (rights, module not installed): the page
    shows what the user may see. A transport failure still fails the page (503 with retry)."""
    if isinstance(outcome, OdooUnavailable):
        raise outcome
    if isinstance(outcome, OdooError):  # AccessError, "Object helpdesk.ticket doesn't exist"
        log.info("customer section %s left out: %s", model, outcome.message)
        return None
    return outcome


def customer_detail(odoo, viewer, customer_id: int) -> dict:
    """The customer page: the partner (1 RPC), then its six sections read together in one
    parallel round (6 RPCs, about one round trip).
    :raises NotFound: when the partner does not exist."""
    rows = odoo.read("res.partner", [customer_id], detail_fields(viewer.version))
    if not rows:
        raise NotFound("This customer does not exist (any more).")
    row = rows[0]
    commercial = jobs._m2o_id(row.get("commercial_partner_id")) or customer_id
    specs = _sections(commercial, viewer)
    outcomes = odoo.parallel(
        [OdooCall("search_read", model, domain, fields, limit=SECTION_LIMIT, order=order)
         for _key, model, domain, fields, order in specs], return_errors=True)
    sections = {spec[0]: _section_rows(outcome, spec[1])
                for spec, outcome in zip(specs, outcomes, strict=True)}
    contacts = [c for c in sections.pop("contacts") or [] if c["id"] != customer_id]
    address = ", ".join(p for p in (row.get("street"), row.get("street2"), row.get("city"),
                                    jobs._m2o_name(row.get("state_id")), row.get("zip")) if p)
    customer = summarize(row)
    customer.update({
        "street": row.get("street") or "", "street2": row.get("street2") or "",
        "zip": row.get("zip") or "", "function": row.get("function") or "",
        "address": address, "maps_url": jobs.maps_url(address),
        "mailto": f"mailto:{row['email']}" if row.get("email") else "",
        "company": {"id": commercial, "name": jobs._m2o_name(row.get("commercial_partner_id"))}
        if commercial != customer_id else None,
        "country": jobs._m2o_name(row.get("country_id")),
        "numbers": [{"field": f, "label": label, "number": row[f]}
                    for f, label in (("mobile", "Mobile"), ("phone", "Phone")) if row.get(f)],
    })
    return {"customer": customer, "contacts": [_contact(c) for c in contacts],
            **{key: _rows(key, value) for key, value in sections.items()}}


def _contact(row):
    return {"id": row["id"], "name": row.get("name") or "", "function": row.get("function") or "",
            "phone": row.get("phone") or "", "tel_url": jobs.tel_url(row.get("phone")),
            "email": row.get("email") or ""}


def _rows(key, rows):
    """A section as list items {id, title, meta}; None stays None (not available)."""
    if rows is None:
        return None
    out = []
    for r in rows:
        if key == "jobs":
            meta = jobs._m2o_name(r.get("stage_id"))
        elif key == "quotes":
            meta = f"{(r.get('state') or '').title()} · {r.get('amount_total') or 0:,.2f}"
        elif key == "opportunities":
            meta = f"{jobs._m2o_name(r.get('stage_id'))} · {r.get('probability') or 0:.0f}%"
        elif key == "equipment":
            meta = " · ".join(p for p in (r.get("serial"), jobs._m2o_name(r.get("location_id")))
                              if p)
        else:
            meta = jobs._m2o_name(r.get("stage_id"))
        out.append({"id": r["id"], "title": r.get("name") or f"#{r['id']}", "meta": meta})
    return out


# --------------------------------------------------------------------------- create and edit


def clean_form(form, region) -> dict:
    """Validated values from a create/edit form (phones in international format).
    :raises CustomerError: with the first problem found."""
    vals = {key: (form.get(key) or "").strip() for key in ("name", *EDITABLE)}
    if len(vals["name"]) > 200 or any(len(v) > 200 for v in vals.values()):
        raise CustomerError("That's too long: 200 characters at most per field.")
    if vals["email"] and not EMAIL_RE.match(vals["email"]):
        raise CustomerError(f"“{vals['email']}” is not an email address.")
    for key in ("phone", "mobile"):
        if vals[key]:
            vals[key] = format_phone(vals[key], region)
    return vals


def format_phone(raw, region) -> str:
    """A typed number in international format ("+1 804-555-0116").
    :raises CustomerError: when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise CustomerError(f"“{raw[:40]}” is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def find_duplicates(odoo, viewer, vals) -> list[dict]:
    """Contacts with the same phone (any formatting) or email (1 RPC, none without either)."""
    leaves = []
    for key in ("phone", "mobile"):
        digits = re.sub(r"\D", "", vals.get(key) or "")
        if len(digits) >= 7:
            # The national part, without the country code (of any length) or a trunk "0":
            # "+1 804-555-0116" finds "(804) 555-0116", "+32 470 12 34 56" finds
            # "0470 12 34 56". `clean_form` has made the number international.
            national = _national_digits("+" + digits) or digits[-10:]
            leaves.append(("phone_mobile_search", "ilike", national))
    if vals.get("email"):
        leaves.append(("email", "=ilike", vals["email"]))
    if not leaves:
        return []
    domain = [("active", "in", [True, False])] + ["|"] * (len(leaves) - 1) + leaves
    rows = odoo.search_read("res.partner", domain, list_fields(viewer.version), limit=5)
    return [summarize(r) for r in rows]


def create_customer(odoo, viewer, form, region, *, confirmed=False) -> dict:
    """Create the customer, unless duplicates exist and the user has not confirmed.
    Returns {"id"} or {"duplicates": [...]}. :raises CustomerError:."""
    vals = clean_form(form, region)
    if not vals["name"]:
        raise CustomerError("Give the customer a name.")
    if not confirmed:
        duplicates = find_duplicates(odoo, viewer, vals)
        if duplicates:
            return {"duplicates": duplicates}
    create = {k: v for k, v in vals.items() if v and (k != "mobile" or viewer.version <= 18)}
    if form.get("is_company"):
        create["is_company"] = True
    try:
        new_id = odoo.create("res.partner", create)
    except AccessError:
        raise CustomerError("Odoo doesn't let you create customers. Ask the office.",
                            status=403) from None
    return {"id": new_id}


def update_customer(odoo, viewer, customer_id, form, region) -> None:
    """Write phone, email and address. :raises CustomerError: invalid or refused by Odoo."""
    vals = clean_form({**form, "name": "x"}, region)
    vals.pop("name")
    if viewer.version >= 19:
        vals.pop("mobile", None)
    try:
        odoo.write("res.partner", [customer_id], {k: v or False for k, v in vals.items()})
    except AccessError:
        raise CustomerError("Odoo's access rules don't let you edit this customer.",
                            status=403) from None


def edit_values(odoo, viewer, customer_id) -> dict:
    """The current values for the edit form (1 RPC)."""
    fields = ["name", *[f for f in EDITABLE if f != "mobile" or viewer.version <= 18]]
    rows = odoo.read("res.partner", [customer_id], fields)
    if not rows:
        raise NotFound("This customer does not exist (any more).")
    return {k: (v or "") if k != "id" else v for k, v in rows[0].items()}
