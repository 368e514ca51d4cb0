"""Customers (``res.partner``): find anyone fast, see everything about them, add and edit.

* Search is one ``search_read``: name, email and reference by ``ilike``; phone numbers through
  ``phone_mobile_search``, Odoo's own search field that ignores formatting (spaces, dashes,
  parentheses, "+"), which a plain ``ilike`` on ``phone`` does not (see the recordings). A query
  in E.164 also matches numbers stored in national format by its national digits.
* The customer page reads the partner with its company's contacts (one call), then its jobs
  (one call); quotes, opportunities, equipment, open tickets and assets each have their own
  page (two calls), all filtered on the commercial partner so a contact shows their company's
  records. A section Odoo refuses (no sales rights, helpdesk not installed) says so, not an
  error.
* Creating warns about possible duplicates (same phone by any formatting, same email) first.
* Odoo's access rules decide who may create and edit; a refusal is shown on the form.
"""

from __future__ import annotations

import logging
import re

import phonenumbers
from werkzeug.exceptions import NotFound

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall, OdooError, OdooUnavailable
from app.platform import formatting as fmt
from app.platform import partners
from app.platform.i18n import _, lazy_gettext
from app.services import assets, jobs, sales

log = logging.getLogger(__name__)

PAGE_SIZE = 30
LOCATIONS_LIMIT = 200  # the locations shown with a page of customers
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
    if versions.has_field(version, "res.partner", "mobile"):
        fields.append("mobile")
    return fields


def detail_fields(version: int) -> list[str]:
    return list_fields(version) + ["street", "street2", "zip", "state_id", "country_id",
                                   "commercial_partner_id", "function", "type", "lang"]


# --------------------------------------------------------------------------- search


def search_domain(q: str, version: int, *, archived: bool = False) -> list:
    """Odoo domain for the search box; empty `q` lists top-level contacts. Service locations'
    own partners are left out (:mod:`app.platform.partners`): they show under their owner."""
    q = (q or "").strip()
    domain = [("active", "in", [True, False])] if archived else []
    domain += partners.CUSTOMERS
    if not q:
        return domain + [("parent_id", "=", False)]
    leaves = [(versions.partner_name_field(version), "ilike", q), ("email", "ilike", q),
              ("ref", "ilike", q)]
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
    """One page of customers matching `q`, each with its service locations: 1 RPC on 17+ (the
    locations nested in ``web_search_read``), else 2 (the locations only when a customer on
    the page owns one)."""
    page = max(1, page)
    name = versions.partner_name_field(viewer.version)
    domain = search_domain(q, viewer.version, archived=archived)
    fields = list_fields(viewer.version) + jobs.company_fields(viewer)
    paging = {"limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE,
              "order": f"{name} asc, id desc"}
    if versions.has_web_read(viewer.version):
        nested = {"owned_location_ids": partners.LOCATION_FIELDS}
        found = odoo.call("res.partner", "web_search_read", domain,
                          specification=jobs._web_spec(fields, nested), **paging)
        rows = [jobs._from_web(row, nested) for row in found["records"]]
        locations = [loc for row in rows[:PAGE_SIZE] for loc in row["owned_location_ids"]]
    else:
        rows = odoo.search_read("res.partner", domain, fields + ["owned_location_ids"], **paging)
        location_ids = sorted({lid for r in rows[:PAGE_SIZE]
                               for lid in r.get("owned_location_ids") or []})
        locations = odoo.read("fsm.location", location_ids[:LOCATIONS_LIMIT],
                              partners.LOCATION_FIELDS) if location_ids else []
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    by_owner = partners.group_by_owner(locations[:LOCATIONS_LIMIT])
    customers = [summarize(r) for r in rows]
    for customer in customers:
        customer["locations"] = by_owner.get(customer["id"], [])
    return {"customers": customers, "q": q or "", "archived": archived, "page": page,
            "has_next": has_next}


def summarize(row: dict) -> dict:
    phone = row.get("phone") or ""
    mobile = row.get("mobile") or ""
    return {
        "id": row["id"], "name": row.get("display_name") or row.get("name") or "",
        "is_company": bool(row.get("is_company")), "phone": phone, "mobile": mobile,
        "email": row.get("email") or "", "ref": row.get("ref") or "",
        "city": row.get("city") or "", "archived": row.get("active") is False,
        "tel_url": jobs.tel_url(mobile or phone), "sms_url": jobs.sms_url(mobile or phone),
        "company": jobs._m2o_name(row.get("company_id")),  # read with several companies only
    }


# --------------------------------------------------------------------------- detail


def _sections(commercial: int, viewer) -> dict[str, tuple]:
    """key -> (model, domain, fields, order) of each section of the customer."""
    mine = jobs.own_domain(viewer.partner_id) if viewer.is_technician else []
    return {
        "jobs": ("fsm.order", [("location_id.owner_id", "child_of", commercial), *mine],
                 ["name", "stage_id", "scheduled_date_start", "is_closed"],
                 "scheduled_date_start desc, id desc"),
        "quotes": ("sale.order", [("partner_id", "child_of", commercial)],
                   ["name", "state", "amount_total", "currency_id", "date_order"],
                   "date_order desc, id desc"),
        "opportunities": ("crm.lead", [("partner_id", "child_of", commercial)],
                          ["name", "stage_id", "expected_revenue", "probability"], "id desc"),
        # OCA service locations: partners of their own, shown under their owner
        "locations": ("fsm.location", [("owner_id", "child_of", commercial)],
                      ["name", "street", "city"], "name asc"),
        "equipment": ("fsm.equipment", [("owner_id", "child_of", commercial)],
                      ["name", "serial", "location_id"], "name asc"),
        "tickets": ("helpdesk.ticket",
                    [("partner_id", "child_of", commercial), ("stage_id.closed", "=", False)],
                    ["name", "stage_id", "priority"], "id desc"),
    }


# The sections on their own pages (/customers/<id>/<key>), each 2 RPCs: the customer page
# itself reads only the partner with its contacts and the jobs (issue: page RPC budgets).
MORE_SECTIONS = {"locations": lazy_gettext("Service locations"), "quotes": lazy_gettext("Quotes"),
                 "opportunities": lazy_gettext("Opportunities"),
                 "equipment": lazy_gettext("Equipment"), "tickets": lazy_gettext("Open tickets"),
                 "assets": lazy_gettext("Assets")}
# The partner and its company's contacts come in one search_read; a company with more people
# than this gets its partner read on its own (one call more) when the partner falls outside.
PEOPLE_LIMIT = 80


def _section_call(spec) -> OdooCall:
    model, domain, fields, order = spec
    return OdooCall("search_read", model, domain, fields, limit=SECTION_LIMIT, order=order)


def _section_rows(model, outcome):
    """A section's rows, or None when Odoo refused it (rights, module not installed): the page
    shows what the user may see. A transport failure still fails the page (503 with retry)."""
    if isinstance(outcome, OdooUnavailable):
        raise outcome
    if isinstance(outcome, OdooError):  # AccessError, "Object helpdesk.ticket doesn't exist"
        log.info("customer section %s left out: %s", model, outcome.message)
        return None
    return outcome


def _read_section(odoo, key, spec):
    """A section's rows read on their own (see :func:`_section_rows`)."""
    try:
        outcome = _section_call(spec).run(odoo)
    except OdooError as exc:
        outcome = exc
    return _section_rows(spec[0], outcome)


def _with_section(odoo, viewer, customer_id: int, partner_call: OdooCall, key: str):
    """The partner read and a section sent together (one round trip): the section's domain
    needs the commercial partner, taken to be the customer itself (a company, as most
    customers opened are); a contact of a company gets its section read again (a second
    round trip). Returns (the partner read's result, a function of the commercial partner
    giving the section's rows)."""
    guess = _sections(customer_id, viewer)[key]
    partner, section = odoo.parallel([partner_call, _section_call(guess)], return_errors=True)
    if isinstance(partner, Exception):
        raise partner

    def rows_for(commercial):
        if commercial == customer_id:
            return _section_rows(guess[0], section)
        return _read_section(odoo, key, _sections(commercial, viewer)[key])

    return partner, rows_for


def _people_call(viewer, customer_id: int) -> OdooCall:
    """The partner, its children and its siblings (the children of its parent), archived ones
    included so that an archived customer still opens."""
    return OdooCall("call", "res.partner", "search_read",
                    ["|", "|", ("id", "=", customer_id), ("parent_id", "=", customer_id),
                     ("parent_id.child_ids", "in", [customer_id])],
                    fields=detail_fields(viewer.version), limit=PEOPLE_LIMIT, order="name asc",
                    context={"active_test": False})


def _partner_and_people(odoo, viewer, customer_id: int, rows):
    """The partner and the contacts of its company from the rows of :func:`_people_call`: the
    contacts are the active children of the commercial partner. When the commercial partner
    is further up than the parent (nested companies), its contacts take a call of their own.
    :raises NotFound: when the partner does not exist."""
    row = next((r for r in rows if r["id"] == customer_id), None)
    if row is None:  # over PEOPLE_LIMIT people, sorted before it by name
        found = odoo.read("res.partner", [customer_id], detail_fields(viewer.version))
        if not found:
            raise NotFound(_("This customer does not exist (any more)."))
        row = found[0]
    commercial = jobs._m2o_id(row.get("commercial_partner_id")) or customer_id
    if commercial not in (customer_id, jobs._m2o_id(row.get("parent_id"))):
        rows = odoo.search_read("res.partner", [("parent_id", "=", commercial)],
                                ["name", "function", "phone", "email", "parent_id", "active"],
                                limit=SECTION_LIMIT + 1, order="name asc")
    contacts = [r for r in rows if r["id"] != customer_id and r.get("active") is not False
                and jobs._m2o_id(r.get("parent_id")) == commercial][:SECTION_LIMIT]
    return row, commercial, contacts


def customer_detail(odoo, viewer, customer_id: int) -> dict:
    """The customer page: the partner with its company's contacts and its jobs, sent together
    (2 RPCs, one round trip; see :func:`_with_section`). Quotes, opportunities, equipment,
    tickets and assets are a link each to their own page (:func:`customer_section`).
    :raises NotFound: when the partner does not exist."""
    people, jobs_for = _with_section(odoo, viewer, customer_id,
                                     _people_call(viewer, customer_id), "jobs")
    row, commercial, contacts = _partner_and_people(odoo, viewer, customer_id, people)
    return {"customer": _customer(row, customer_id, commercial),
            "contacts": [_contact(c) for c in contacts],
            "jobs": _rows("jobs", jobs_for(commercial)), "more": MORE_SECTIONS}


def customer_section(odoo, viewer, customer_id: int, key: str) -> dict:
    """One section of a customer on its own page: the partner and the section sent together
    (2 RPCs, one round trip; the assets through their partial's global).
    :raises NotFound: when the partner does not exist or `key` is no section."""
    if key not in MORE_SECTIONS:
        raise NotFound(_("No such section."))
    partner_call = OdooCall("read", "res.partner", [customer_id],
                            ["display_name", "commercial_partner_id"])
    found_assets, rows_for = None, lambda commercial: None
    if key in _sections(customer_id, viewer):
        rows, rows_for = _with_section(odoo, viewer, customer_id, partner_call, key)
    elif key == "assets":  # the partner and the customer's assets together
        rows, found_assets = odoo.parallel(
            [partner_call, assets.customer_assets_call(customer_id)], return_errors=True)
        for outcome in (rows, found_assets):
            if isinstance(outcome, Exception):
                raise outcome
    else:
        rows = partner_call.run(odoo)
    if not rows:
        raise NotFound(_("This customer does not exist (any more)."))
    commercial = jobs._m2o_id(rows[0].get("commercial_partner_id")) or customer_id
    found = rows_for(commercial)
    # Quotes say their state and total as the quotes list does ("Sales Order · $ 1,234.50").
    metas = sales.brief_lines(odoo, found) if key == "quotes" and found else None
    out = {"customer": {"id": customer_id, "name": rows[0].get("display_name") or ""},
           "key": key, "title": MORE_SECTIONS[key], "rows": _rows(key, found, metas)}
    if found_assets is not None:  # for assets/_customer_assets.html
        out["customer_asset_rows"] = assets.customer_assets(
            odoo, customer_id, with_tickets=False, records=found_assets)
    return out


def _customer(row, customer_id, commercial) -> dict:
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
        "lang": row.get("lang") or "",   # texts written for them (the SMS sheet's templates)
        "numbers": [{"field": f, "label": label, "number": row[f]}
                    for f, label in (("mobile", _("Mobile")), ("phone", _("Phone"))) if row.get(f)],
    })
    return customer


def _contact(row):
    return {"id": row["id"], "name": row.get("name") or "", "function": row.get("function") or "",
            "phone": row.get("phone") or "", "tel_url": jobs.tel_url(row.get("phone")),
            "email": row.get("email") or ""}


def _rows(key, rows, metas=None):
    """A section as list items {id, title, meta}; None stays None (not available). `metas`:
    the meta line of each row by id, when a section's service makes it."""
    if rows is None:
        return None
    out = []
    for r in rows:
        if key == "jobs":  # when, then where it stands
            when = fmt.format_date(r.get("scheduled_date_start")) \
                if r.get("scheduled_date_start") else _("Not scheduled")
            meta = f"{when} · {jobs._m2o_name(r.get('stage_id'))}"
        elif metas and r["id"] in metas:
            meta = metas[r["id"]]
        elif key == "opportunities":
            meta = f"{jobs._m2o_name(r.get('stage_id'))} · {r.get('probability') or 0:.0f}%"
        elif key == "locations":
            meta = ", ".join(p for p in (r.get("street"), r.get("city")) if p)
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
        raise CustomerError(_("That's too long: 200 characters at most per field."))
    if vals["email"] and not EMAIL_RE.match(vals["email"]):
        raise CustomerError(_("“%(email)s” is not an email address.", email=vals["email"]))
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
        raise CustomerError(_("“%(number)s” is not a valid phone number.", number=raw[:40]))
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
        raise CustomerError(_("Give the customer a name."))
    if not confirmed:
        duplicates = find_duplicates(odoo, viewer, vals)
        if duplicates:
            return {"duplicates": duplicates}
    create = {k: v for k, v in vals.items()
              if v and versions.has_field(viewer.version, "res.partner", k)}
    if form.get("is_company"):
        create["is_company"] = True
    try:
        new_id = odoo.create("res.partner", create)
    except AccessError:
        raise CustomerError(_("Odoo doesn't let you create customers. Ask the office."),
                            status=403) from None
    return {"id": new_id}


def update_customer(odoo, viewer, customer_id, form, region) -> None:
    """Write phone, email and address. :raises CustomerError: invalid or refused by Odoo."""
    vals = clean_form({**form, "name": "x"}, region)
    vals.pop("name")
    if not versions.has_field(viewer.version, "res.partner", "mobile"):
        vals.pop("mobile", None)
    try:
        odoo.write("res.partner", [customer_id], {k: v or False for k, v in vals.items()})
    except AccessError:
        raise CustomerError(_("Odoo's access rules don't let you edit this customer."),
                            status=403) from None


def edit_values(odoo, viewer, customer_id) -> dict:
    """The current values for the edit form (1 RPC)."""
    fields = ["name", *versions.fields_for(viewer.version, "res.partner", list(EDITABLE))]
    rows = odoo.read("res.partner", [customer_id], fields)
    if not rows:
        raise NotFound(_("This customer does not exist (any more)."))
    return {k: (v or "") if k != "id" else v for k, v in rows[0].items()}
