"""Invoices: the invoice of a job, made from its sales order as Odoo's "Create Invoice" does.

A job's order is the quote written from it (``sale.order.origin`` = the job's name, see
:func:`app.services.sales.create_quote`). ``sale.advance.payment.inv`` (regular invoice) makes the
invoice from the order's lines, so parts delivered and time logged flow in when Odoo's invoicing
policies say so. The context carries ``open_invoices`` so 16 answers the invoice action as 18
does (16 answers ``act_window_close`` without it: i_inv_wizard_create_invoices).
"""

from __future__ import annotations

import logging

from markupsafe import Markup

from app.odoo.client import (
    AccessError,
    OdooError,
    OdooUnavailable,
    SessionExpired,
    UserError,
)
from app.platform import chatter
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.services import inventory, jobs
from app.services.invoices.common import (
    MODEL,
    OFFICE_WILL_INVOICE,
    ORDER_FIELDS,
    ORDER_MODEL,
    WIZARD,
    InvoiceRefused,
    InvoiceViewer,
)

logger = logging.getLogger(__name__)
CONFIRMED = ("sale", "done")
# The summary of the activity that puts a job in the office's "To invoice" filter
# (app/services/dispatch.py TO_INVOICE_DOMAIN).
TO_INVOICE = "To invoice"


def job_orders(odoo, viewer: InvoiceViewer, job_id: int) -> tuple[dict, list[dict]]:
    """The job and the sales orders written from it that the viewer may read (2 RPCs).

    Odoo's record rules leave out orders a salesman may not read (another salesperson's).
    """
    job = jobs.fetch_order(odoo, viewer, job_id, ["name"])
    if not job.get("name"):
        return job, []
    try:
        orders = odoo.search_read(ORDER_MODEL, [("origin", "=", job["name"])], ORDER_FIELDS,
                                  order="id desc", limit=5)
    except AccessError:  # no sales rights at all
        orders = []
    return job, orders


def invoice_plan(odoo, viewer: InvoiceViewer, job_id: int) -> dict:
    """What "Get paid" can do for a job: its invoice, or invoicing its order, or why not."""
    job, orders = job_orders(odoo, viewer, job_id)
    invoiced = [o for o in orders if o.get("invoice_ids")]
    plan = {"job": job, "orders": orders, "invoice_id": None, "order": None, "reason": None}
    if invoiced:
        plan["invoice_id"] = max(invoiced[0]["invoice_ids"])
    ready = [o for o in orders if o.get("state") in CONFIRMED
             and o.get("invoice_status") == "to invoice"]
    if ready:
        plan["order"] = ready[0]
    elif not invoiced:
        quotes = [o for o in orders if o.get("state") in ("draft", "sent")]
        if quotes:
            plan["reason"] = _("The quote %(name)s is not confirmed yet: confirm it (or have "
                               "the customer sign it) before invoicing.", name=quotes[0]["name"])
            plan["quote_id"] = quotes[0]["id"]
        else:
            plan["reason"] = str(OFFICE_WILL_INVOICE)
            # Only for users who see every order: a salesman's search hides the others'.
            plan["can_quote"] = viewer.sales_access == "all"
    return plan


def invoice_job(odoo, viewer: InvoiceViewer, job_id: int, *, base_url: str) -> tuple[int, str]:
    """Invoice the job's confirmed order; post it when the viewer may (then the portal link
    has its token). Returns ``(invoice id, message)``.

    :raises InvoiceRefused: nothing Fieldkit can invoice (no order, a quote not confirmed);
        UserError: Odoo's refusal (no sale journal, nothing to invoice).
    """
    plan = invoice_plan(odoo, viewer, job_id)
    order = plan["order"]
    if order is None:
        if plan["invoice_id"]:
            return plan["invoice_id"], _("This job is already invoiced.")
        raise InvoiceRefused(plan["reason"] or str(OFFICE_WILL_INVOICE))
    context = {"active_model": ORDER_MODEL, "active_ids": [order["id"]],
               "active_id": order["id"], "open_invoices": True}
    wizard = odoo.call(WIZARD, "create", {"advance_payment_method": "delivered"},
                       context=context)
    wizard = wizard[0] if isinstance(wizard, list) else wizard
    action = odoo.call(WIZARD, "create_invoices", [wizard], context=context)
    invoice_id = action.get("res_id") if isinstance(action, dict) else None
    if not invoice_id:  # several invoices or an older server's answer: ask the order
        found = odoo.read(ORDER_MODEL, [order["id"]], ["invoice_ids"])
        invoice_id = max(found[0]["invoice_ids"]) if found and found[0]["invoice_ids"] else None
    if not invoice_id:
        raise InvoiceRefused(_("Odoo made no invoice for this order."))
    name = _post_if_allowed(odoo, viewer, invoice_id)
    _note_on_job(odoo, viewer, job_id, name)
    _close_office_request(odoo, job_id)
    if viewer.may_post:
        return invoice_id, _("Invoice %(name)s created and posted: the customer can pay now.",
                             name=name)
    return invoice_id, _("Draft invoice %(name)s created: the office will post it, then the "
                         "customer can pay.", name=name)


def _post_if_allowed(odoo, viewer: InvoiceViewer, invoice_id: int) -> str:
    if viewer.may_post:
        odoo.call(MODEL, "action_post", [invoice_id])
        # The public portal.mixin method fills access_token (the private ones are refused).
        odoo.call(MODEL, "get_portal_url", [invoice_id])
    found = odoo.read(MODEL, [invoice_id], ["name"])
    name = (found[0].get("name") if found else "") or "/"
    return f"#{invoice_id}" if name == "/" else name


def post_invoice(odoo, viewer: InvoiceViewer, invoice_id: int) -> str:
    """The office posts a draft (the "to post" list); Odoo refuses users without the group."""
    if not viewer.may_post:
        raise InvoiceRefused(_("Only users with Odoo's invoicing rights can post invoices."))
    found = odoo.read(MODEL, [invoice_id], ["state"])
    if not found:
        raise InvoiceRefused(_("This invoice no longer exists."))
    if found[0]["state"] != "draft":
        raise InvoiceRefused(_("This invoice is not a draft any more."))
    name = _post_if_allowed(odoo, viewer, invoice_id)
    return _("Invoice %(name)s posted: the customer can pay now.", name=name)


def _note_on_job(odoo, viewer, job_id, name):
    try:
        chatter.post_note(odoo, viewer.version, jobs.MODEL, job_id,
                          Markup("<p>{}</p>").format(
                              _("Invoice %(name)s made from this job.", name=name)))
    except (ActionRefused, UserError):
        logger.info("job %s: the invoice note was refused", job_id)


def hand_to_office(odoo, viewer: InvoiceViewer, job_id: int) -> str:
    """"The office will invoice this": a To-Do activity "To invoice" on the job (the office's
    jobs filter), as the user; once per job."""
    job = jobs.fetch_order(odoo, viewer, job_id, ["name", "activity_ids"])
    if _open_requests(odoo, job_id, job.get("activity_ids")):
        return _("The office already has this job in its “To invoice” list.")
    odoo.call(jobs.MODEL, "activity_schedule", [job_id],
              act_type_xmlid="mail.mail_activity_data_todo", summary=TO_INVOICE,
              note=_("Invoice %(job)s: the technician could not.",
                     job=job.get("name") or _("this job")))
    return _("Sent to the office: the job is in its “To invoice” list.")


def _open_requests(odoo, job_id, activity_ids=None) -> list[int]:
    domain = [("res_model", "=", jobs.MODEL), ("res_id", "=", job_id),
              ("summary", "=", TO_INVOICE)]
    if activity_ids is not None:
        if not activity_ids:
            return []
        domain.append(("id", "in", list(activity_ids)))
    return [a["id"] for a in odoo.search_read("mail.activity", domain, ["id"])]


def _close_office_request(odoo, job_id):
    """The job is invoiced: its "To invoice" activity is done (it leaves the office's list)."""
    try:
        for activity_id in _open_requests(odoo, job_id):
            odoo.call("mail.activity", "action_feedback", [activity_id],
                      feedback=_("Invoiced from Fieldkit."))
    except (AccessError, UserError):
        logger.info("job %s: its To invoice activity could not be closed", job_id)


# --------------------------------------------------------------------------- a job without order

LABOR_NAMES = ("labor", "labour", "hour", "service")


def quote_from_job(odoo, viewer: InvoiceViewer, job_id: int) -> tuple[int, str]:
    """A quote for a job that has none, from the parts used (its delivery's moves) and the hours
    logged on it (timesheet lines with ``fsm_order_id``, where the OCA add-on gives them), as
    the user; left as a quote so the technician (or the customer) checks it and confirms it
    before "Invoice now". Returns ``(quote id, message)``.

    :raises InvoiceRefused: nothing used or logged, no customer, or an order exists already.
    """
    if viewer.sales_access != "all":
        raise InvoiceRefused(_("Another salesperson's order may exist for this job: "
                               "%(reason)s", reason=OFFICE_WILL_INVOICE))
    job = jobs.fetch_order(odoo, viewer, job_id, ["name", "location_id"])
    _job, orders = job_orders(odoo, viewer, job_id)
    if orders:
        raise InvoiceRefused(_("This job has the order %(name)s already.",
                                       name=orders[0]["name"]))
    location = job.get("location_id")
    found = odoo.read("fsm.location", [location[0]], ["owner_id"]) if location else []
    partner = (found[0].get("owner_id") or [None])[0] if found else None
    if not partner:
        raise InvoiceRefused(_("The job's location has no customer to invoice."))
    lines = [(0, 0, {"product_id": m["product_id"][0], "product_uom_qty": m["product_uom_qty"]})
             for m in inventory.job_moves(odoo, job["name"]) if m.get("product_id")]
    hours = _hours_logged(odoo, job_id)
    if hours:
        labor = _labor_product(odoo)
        if labor:
            lines.append((0, 0, {"product_id": labor, "product_uom_qty": round(hours, 2)}))
    if not lines:
        raise InvoiceRefused(_("No parts were used and no time was logged on this job: write "
                               "the quote by hand."))
    quote = odoo.create(ORDER_MODEL, {"partner_id": partner, "user_id": viewer.user_id,
                                      "origin": job["name"], "order_line": lines})
    name = (odoo.read(ORDER_MODEL, [quote], ["name"]) or [{}])[0].get("name") or f"#{quote}"
    try:
        chatter.post_note(odoo, viewer.version, jobs.MODEL, job_id,
                          Markup("<p>{}</p>").format(
                              _("Quote %(name)s written from the parts and time of this job.",
                                name=name)))
    except (ActionRefused, UserError):
        logger.info("job %s: the quote note was refused", job_id)
    return quote, _("Quote %(name)s written from the parts and time: check it and confirm it, "
                    "then invoice.", name=name)


def _hours_logged(odoo, job_id) -> float:
    """Hours of the job's timesheet lines; 0 where Odoo links none to orders (no add-on)."""
    try:
        rows = odoo.search_read("account.analytic.line", [("fsm_order_id", "=", job_id)],
                                ["unit_amount"], limit=500)
    except OdooError as exc:
        if isinstance(exc, (OdooUnavailable, SessionExpired)):
            raise
        return 0.0
    return sum(r.get("unit_amount") or 0.0 for r in rows)


def _labor_product(odoo) -> int | None:
    services = odoo.search_read("product.product", [("type", "=", "service"),
                                                    ("sale_ok", "=", True)],
                                ["display_name"], limit=20, order="id")
    for word in LABOR_NAMES:
        for row in services:
            if word in (row.get("display_name") or "").lower():
                return row["id"]
    return services[0]["id"] if services else None
