"""CRM: a new lead, from a customer, from a job ("more work for this customer") or empty; the
create form's starting values and the creation (with the job's note). The rest of CRM is in
app/services/crm.py, whose helpers and refusals this module uses."""

from __future__ import annotations

from markupsafe import Markup, escape

from app.odoo.client import UserError
from app.platform import formatting as fmt
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.platform.sanitize import text_to_html
from app.services import jobs
from app.services.crm import (
    _EMAIL_RE,
    CrmActionError,
    _int,
    _m2o_id,
    _m2o_name,
    _post_note,
    _text,
)
from app.services.viewer import Viewer

# The job's location with its owner (the customer), read with the order on 17+ (web_read).
_LOCATION_SPEC = {"display_name": {}, "owner_id": {
    "fields": {"name": {}, "display_name": {}, "email": {}, "phone": {}}}}


def job_for_lead(odoo, viewer: Viewer, job_id: int) -> dict:
    """The job a lead comes from, with its customer (the location's owner): 1 RPC on 17+ (the
    owner nested in the order's read, with what the form starts from), else 2.

    :raises JobNotFound, JobForbidden: as the job page does for that job.
    """
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", "location_id"],
                             nested={"location_id": _LOCATION_SPEC})
    location = order.get("location_id")
    job = {"id": order["id"], "name": order.get("name") or f"#{job_id}"}
    if isinstance(location, dict):  # read nested (17+)
        owner = location.get("owner_id") or {}
        partner = {"id": owner["id"], "name": owner.get("name") or "",
                   "email": owner.get("email"), "phone": owner.get("phone")} if owner else None
        return {**job, "customer_id": owner.get("id"), "partner": partner,
                "customer": owner.get("display_name") or location.get("display_name") or ""}
    customer_id, customer = None, ""
    location_id = _m2o_id(location)
    if location_id:
        found = odoo.read("fsm.location", [location_id], ["owner_id"])
        if found:
            customer_id = _m2o_id(found[0].get("owner_id"))
            customer = _m2o_name(found[0].get("owner_id"))
    return {**job, "customer_id": customer_id, "customer": customer or _m2o_name(location)}


def new_lead_defaults(odoo, viewer: Viewer, *, partner_id=None, job=None) -> dict:
    """The create form's starting values: from a customer, from a job, or empty (1 RPC for
    the customer, none when the job brought it)."""
    values = {"type": "opportunity", "name": "", "partner_id": None, "partner": "",
              "contact_name": "", "email_from": "", "phone": "", "expected_revenue": "",
              "note": "", "job_id": None, "job": ""}
    partner_id = _int(partner_id)
    if job:
        values.update(job_id=job["id"], job=job["name"],
                      name=_("More work for %(customer)s",
                             customer=job.get("customer") or job["name"]))
        partner_id = job.get("customer_id") or partner_id
    if partner_id:
        known = (job or {}).get("partner")
        found = [known] if known and known["id"] == partner_id else \
            odoo.read("res.partner", [partner_id], ["name", "email", "phone"])
        if found:
            p = found[0]
            values.update(partner_id=p["id"], partner=p.get("name") or "",
                          email_from=p.get("email") or "", phone=p.get("phone") or "")
            if not job:
                values["name"] = _("%(customer)s: new opportunity", customer=p.get("name") or "")
    return values


def create_lead(odoo, viewer: Viewer, form, *, job=None, job_url="") -> tuple[int, str | None]:
    """Create a lead/opportunity for the viewer; from a job, link it and note it on the job.

    Returns the new lead's id and a warning when the job's note could not be posted.

    :raises CrmActionError: when a required value is missing or malformed.
    """
    lead_type = form.get("type") if form.get("type") in ("lead", "opportunity") else None
    if lead_type is None:
        raise CrmActionError(_("Choose lead or opportunity."), field="type")
    name = _text(form, "name", required=True, label=_("A title"))
    email = _text(form, "email_from", label=_("The email"))
    if email and not _EMAIL_RE.match(email):
        raise CrmActionError(_("The email address does not look right."), field="email_from")
    revenue_raw = (form.get("expected_revenue") or "").strip()
    try:   # grouped or not, in the user's locale (1,234.50 / 1 234,50 / 1.234,50)
        revenue = float(fmt.parse_number(revenue_raw)) if revenue_raw else 0.0
    except ValueError as exc:
        raise CrmActionError(_("Expected revenue must be a number."),
                             field="expected_revenue") from exc
    if revenue < 0 or revenue > 1e12:
        raise CrmActionError(_("Expected revenue must be a positive amount."),
                             field="expected_revenue")
    vals = {"name": name, "type": lead_type, "user_id": viewer.user_id,
            "expected_revenue": revenue,
            "contact_name": _text(form, "contact_name", label=_("The contact")) or False,
            "email_from": email or False,
            "phone": _text(form, "phone", label=_("The phone")) or False}
    partner_id = _int(form.get("partner_id"))
    if partner_id:
        vals["partner_id"] = partner_id
    note = _text(form, "note", label=_("The note"))
    parts = []
    if note:
        parts.append(str(text_to_html(note)))
    if job:
        # The sentence translated, then the job put in (as a link when there is one).
        job_ref = Markup('<a href="{}">{}</a>').format(job_url, job["name"]) if job_url \
            else job["name"]
        link = Markup("<p>{}</p>").format(escape(_("From job %(job)s")) % {"job": job_ref})
        parts.append(str(link))
    if parts:
        vals["description"] = "".join(parts)
    lead_id = odoo.create("crm.lead", vals)
    if isinstance(lead_id, list):
        lead_id = lead_id[0]
    if job:
        note = Markup("<p>{}</p>").format(
            _("The customer wants more work: %(name)s opened in CRM (lead).", name=name)
            if lead_type == "lead" else
            _("The customer wants more work: %(name)s opened in CRM (opportunity).", name=name))
        try:
            _post_note(odoo, viewer, "fsm.order", job["id"], note)
        except (ActionRefused, UserError) as exc:
            # The lead exists now: refusing the whole form would invite a duplicate.
            return lead_id, _("The lead is created, but the job's note was refused: %(reason)s",
                              reason=exc.user_message)
    return lead_id, None
