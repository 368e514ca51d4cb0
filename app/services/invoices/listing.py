"""Invoices: the office's list (unpaid, overdue, paid today, drafts to post) with totals per
currency, and the dashboard's counts. Customer invoices only (``move_type`` out_invoice)."""

from __future__ import annotations

from app.odoo.client import OdooCall
from app.platform import currency
from app.platform import timezone as tzs
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import Filter, ListSpec, page_info, search_domain
from app.services.invoices.common import (
    INVOICE_TYPES,
    LIST_FIELDS,
    MODEL,
    ORDER_MODEL,
    PAID_STATES,
    UNPAID_STATES,
    InvoicesForbidden,
    InvoiceViewer,
    m2o_name,
    money,
    number_of,
    payment_badge,
)

SPEC = ListSpec(
    filters=(
        Filter("unpaid", lazy_gettext("Unpaid")),
        Filter("overdue", lazy_gettext("Overdue")),
        Filter("paid_today", lazy_gettext("Paid today")),
        Filter("to_post", lazy_gettext("To post")),
        Filter("all", lazy_gettext("All")),
    ),
    default_filter="unpaid",
    sorts={"due": "invoice_date_due", "ref": "name", "customer": "partner_id",
           "total": "amount_total", "date": "invoice_date"},
    default_sort=("due", "asc"),
    page_size=20,
    search_label=lazy_gettext("Search by number, customer or order"),
)


def require_office(viewer: InvoiceViewer):
    if viewer.is_technician:
        raise InvoicesForbidden()


def filter_domain(viewer: InvoiceViewer, key: str, *, now=None) -> list:
    now = now or tzs.now_utc()
    today = tzs.today(viewer.tz, now)
    base = [("move_type", "in", list(INVOICE_TYPES))]
    posted = base + [("state", "=", "posted")]
    if key == "unpaid":
        return posted + [("payment_state", "in", list(UNPAID_STATES))]
    if key == "overdue":
        return posted + [("payment_state", "in", list(UNPAID_STATES)),
                         ("invoice_date_due", "<", today.isoformat())]
    if key == "paid_today":
        # account.move has no payment date: the invoice changed today and is paid (the
        # payments' own dates are in account.payment, for users with invoicing rights).
        start, end = tzs.day_range_utc(today, viewer.tz)
        return posted + [("payment_state", "in", list(PAID_STATES)),
                         ("write_date", ">=", start), ("write_date", "<", end)]
    if key == "to_post":
        return base + [("state", "=", "draft")]
    return base + [("state", "!=", "cancel")]


def list_invoices(odoo, viewer: InvoiceViewer, query, *, now=None) -> dict:
    """One page of invoices and the totals per currency (its counts make the page count),
    sent together: 2 RPCs."""
    require_office(viewer)
    domain = filter_domain(viewer, query.filter, now=now) + \
        search_domain(query.q, ["name", "partner_id", "invoice_origin"])
    rows, groups = odoo.parallel([
        OdooCall("search_read", MODEL, domain, LIST_FIELDS, limit=query.limit,
                 offset=query.offset, order=query.order()),
        OdooCall("read_group", MODEL, domain, ["amount_total:sum", "amount_residual:sum"],
                 ["currency_id"]),
    ])
    values = [r.get("currency_id") for r in rows] + [g.get("currency_id") for g in groups]
    currencies = currency.lookup(odoo, values)
    total = sum(g.get("currency_id_count") or g.get("__count") or 0 for g in groups)
    totals = [{"currency": m2o_name(g.get("currency_id")),
               "count": g.get("currency_id_count") or g.get("__count") or 0,
               "total": money(g.get("amount_total"), g, currencies),
               "due": money(g.get("amount_residual"), g, currencies)} for g in groups]
    return {
        "rows": [{"id": r["id"],
                  "name": number_of(r),
                  "customer": m2o_name(r.get("partner_id")),
                  "origin": r.get("invoice_origin") or "",
                  "due": r.get("invoice_date_due") or "",
                  "total": money(r.get("amount_total"), r, currencies),
                  "draft": r.get("state") == "draft",
                  "payment": payment_badge(r.get("payment_state"))
                  if r.get("state") == "posted" else {"label": _("Draft"), "tone": "info"}}
                 for r in rows],
        "totals": totals,
        "query": query,
        "info": page_info(query, total, len(rows)),
    }


def dashboard_calls(viewer: InvoiceViewer) -> list[OdooCall]:
    """The dashboard's two counts, to send with its other reads: orders to invoice (confirmed
    with something left to invoice) and unpaid posted invoices."""
    return [OdooCall("search_count", ORDER_MODEL, [("invoice_status", "=", "to invoice")]),
            OdooCall("search_count", MODEL, filter_domain(viewer, "unpaid"))]
