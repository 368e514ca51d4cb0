"""Invoices: one invoice as the customer will see it (number, lines, taxes, total, due date, in
its currency), its payment link and QR code, its live payment state, and the cash and cheque
payments recorded through Odoo's ``account.payment.register`` wizard.
"""

from __future__ import annotations

import functools
import io
import logging

import segno
from markupsafe import Markup

from app.odoo.client import AccessError, OdooCall, UserError
from app.platform import chatter, currency
from app.platform import formatting as fmt
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.platform.ttl_cache import TTLCache, translated_key
from app.services import jobs
from app.services.invoices.common import (
    INVOICE_FIELDS,
    JOURNAL_MODEL,
    LINE_FIELDS,
    LINE_MODEL,
    MODEL,
    PAID_STATES,
    RECEIPT_PREFIX,
    REGISTER,
    InvoiceNotFound,
    InvoiceRefused,
    InvoiceViewer,
    m2o_id,
    m2o_name,
    money,
    number_of,
    payment_badge,
    portal_link,
)
from app.services.invoices.from_job import job_orders

logger = logging.getLogger(__name__)
JOURNAL_CACHE_SECONDS = 600
_journals = TTLCache(seconds=JOURNAL_CACHE_SECONDS)
MAX_AMOUNT = 1e9


def _lines_call(invoice_id):
    # invoice_line_ids are the product lines (display_type "product" since 16; sections and
    # notes kept for their text); tax and receivable lines are left out.
    return OdooCall("search_read", LINE_MODEL,
                    [("move_id", "=", invoice_id),
                     ("display_type", "in", ["product", "line_section", "line_note"])],
                    LINE_FIELDS, order="sequence, id")


def fetch_invoice(odoo, invoice_id: int, fields=None) -> dict:
    found = odoo.read(MODEL, [invoice_id], fields or INVOICE_FIELDS)
    if not found or found[0].get("move_type", "out_invoice") not in ("out_invoice", "out_refund"):
        raise InvoiceNotFound()
    return found[0]


def invoice_detail(odoo, viewer: InvoiceViewer, invoice_id: int, *, base_url: str) -> dict:
    """The invoice page: the invoice and its lines sent together (2 RPCs), the journals from
    the cache (a third call every 10 minutes at most, for users who may record payments)."""
    try:
        found, lines = odoo.parallel([
            OdooCall("read", MODEL, [invoice_id], INVOICE_FIELDS + ["move_type"]),
            _lines_call(invoice_id),
        ])
    except AccessError:
        raise InvoiceNotFound() from None
    if not found or found[0].get("move_type") not in ("out_invoice", "out_refund"):
        raise InvoiceNotFound()
    invoice = found[0]
    if invoice.get("state") == "posted" and not invoice.get("access_token"):
        # Posted in Odoo itself: its token is made once, by the public get_portal_url (the
        # page's one extra call, the first time only).
        invoice["access_token"] = _ensure_token(odoo, invoice_id)
    currencies = currency.lookup(odoo, [invoice.get("currency_id")])
    link = portal_link(base_url, invoice)
    state = invoice.get("payment_state") or "not_paid"
    return {
        "id": invoice["id"],
        "name": number_of(invoice),
        "state": invoice.get("state"),
        "draft": invoice.get("state") == "draft",
        "customer": m2o_name(invoice.get("partner_id")),
        "origin": invoice.get("invoice_origin") or "",
        "date": invoice.get("invoice_date") or "",
        "due": invoice.get("invoice_date_due") or "",
        "untaxed": money(invoice.get("amount_untaxed"), invoice, currencies),
        "tax": money(invoice.get("amount_tax"), invoice, currencies),
        "total": money(invoice.get("amount_total"), invoice, currencies),
        "due_text": money(amount_due(invoice), invoice, currencies),
        "amount_total": invoice.get("amount_total") or 0.0,
        "amount_due": amount_due(invoice),
        "currency": m2o_name(invoice.get("currency_id")),
        "payment": payment_badge(state),
        "paid": state in PAID_STATES,
        "lines": [{"name": _first_line(line.get("name") or m2o_name(line.get("product_id"))),
                   "quantity": f"{line.get('quantity') or 0:g}",
                   "price": money(line.get("price_unit"), invoice, currencies),
                   "subtotal": money(line.get("price_subtotal"), invoice, currencies)}
                  for line in lines],
        "link": link,
        "qr_svg": qr_svg(link, _("QR code of the payment link")) if link else None,
        "may_pay": viewer.may_post and invoice.get("state") == "posted"
        and state not in PAID_STATES,
        "may_post": viewer.may_post and invoice.get("state") == "draft",
        "may_send": viewer.may_post and invoice.get("state") == "posted",
        "journals": journals(odoo, viewer) if viewer.may_post else [],
    }


def _first_line(text) -> str:
    return (text or "").splitlines()[0] if text else ""


def _ensure_token(odoo, invoice_id) -> str | None:
    try:
        url = odoo.call(MODEL, "get_portal_url", [invoice_id])
    except AccessError:
        return None
    token = str(url or "").partition("access_token=")[2].split("&", 1)[0].split("#", 1)[0]
    return token or None


def amount_due(invoice) -> float:
    """What is left to pay: 18+ leave ``amount_residual`` untouched by a cash payment without
    outstanding accounts (i_pay_invoice_after_office1), so a paid state means nothing is due."""
    if (invoice.get("payment_state") or "") in PAID_STATES:
        return 0.0
    return round(invoice.get("amount_residual") or 0.0, 2)


@functools.lru_cache(maxsize=512)
def qr_svg(link: str, title: str = "QR code of the payment link") -> Markup:
    """The payment link as a QR code, an inline SVG (segno: pure Python, one path, ~3 KB),
    titled in the reader's language. Kept per link and title (a link never changes its code;
    drawing one costs ~20 ms)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False,
                                     svgns=True, title=title,
                                     svgclass="invoice-qr__code", lineclass=None)
    # segno writes only numbers (one path) and the title, which it escapes: no text of the
    # link is in it.
    return Markup(out.getvalue().decode())  # noqa: S704


def payment_status(odoo, viewer: InvoiceViewer, invoice_id: int) -> dict:
    """The live part (1 RPC): polled while the invoice or its job is on screen."""
    invoice = fetch_invoice(odoo, invoice_id, ["state", "payment_state", "move_type"])
    state = invoice.get("payment_state") or "not_paid"
    return {"id": invoice_id, "state": invoice.get("state"), "payment_state": state,
            "label": payment_badge(state)["label"], "paid": state in PAID_STATES}


def journals(odoo, viewer: InvoiceViewer) -> list[dict]:
    """Cash and bank journals (the payment methods), kept 10 minutes per server and company."""
    key = translated_key(odoo, "journals", *viewer.companies_key)  # journal names: Odoo's words

    def load():
        rows = odoo.search_read(JOURNAL_MODEL, [("type", "in", ["cash", "bank"])],
                                ["name", "type"], order="sequence, id")
        return [{"id": r["id"], "name": r["name"], "type": r["type"]} for r in rows]
    return _journals.get(key, load)


def clear_caches():
    _journals.clear()


def parse_payment(form, journal_list: list[dict], due: float) -> dict:
    """The payment form: amount (> 0, at most what is due), journal among the listed ones,
    an optional reference (a cheque number)."""
    raw = (form.get("amount") or "").strip()
    try:
        amount = round(float(fmt.parse_number(raw)), 2)   # the user's decimal separator too
    except ValueError:
        raise InvoiceRefused(_("The amount must be a number, e.g. 70.15.")) from None
    if not 0 < amount < MAX_AMOUNT or amount != amount:
        raise InvoiceRefused(_("The amount must be more than zero."))
    if due and amount > due + 0.005:
        raise InvoiceRefused(_("The amount is more than what is due (%(due)s).",
                               due=fmt.format_number(due, 2)))
    try:
        journal_id = int(form.get("journal_id") or 0)
    except ValueError:
        journal_id = 0
    journal = next((j for j in journal_list if j["id"] == journal_id), None)
    if journal is None:
        raise InvoiceRefused(_("Please choose how the customer paid (cash, bank or cheque)."))
    reference = (form.get("reference") or "").strip()
    if len(reference) > 64:
        raise InvoiceRefused(_("The reference is at most 64 characters."))
    return {"amount": amount, "journal": journal, "reference": reference}


def register_payment(odoo, viewer: InvoiceViewer, invoice_id: int, form, *,
                     job_id: int | None = None) -> str:
    """A cash or cheque payment through Odoo's wizard, as the user (Invoicing group only).

    Offline taps arrive through the outbox with an Idempotency-Key (app/platform/idempotency):
    a repeat gets the first answer and Odoo is written to once. The invoice's state is read
    first, so a payment made meanwhile (in Odoo, by the customer online) is not doubled.
    """
    if not viewer.may_post:
        raise InvoiceRefused(_("Only users with Odoo's invoicing rights can record payments."))
    invoice = fetch_invoice(odoo, invoice_id, ["name", "state", "payment_state",
                                               "amount_residual", "currency_id", "move_type"])
    if invoice.get("state") != "posted":
        raise InvoiceRefused(_("The invoice must be posted before a payment is recorded."))
    if (invoice.get("payment_state") or "") in PAID_STATES:
        raise InvoiceRefused(_("This invoice is already paid."))
    payment = parse_payment(form, journals(odoo, viewer), amount_due(invoice))
    context = {"active_model": MODEL, "active_ids": [invoice_id], "active_id": invoice_id}
    vals = {"journal_id": payment["journal"]["id"], "amount": payment["amount"]}
    if payment["reference"]:
        vals["communication"] = f"{invoice.get('name')} {payment['reference']}"
    wizard = odoo.call(REGISTER, "create", vals, context=context)
    wizard = wizard[0] if isinstance(wizard, list) else wizard
    odoo.call(REGISTER, "action_create_payments", [wizard], context=context)
    currencies = currency.lookup(odoo, [invoice.get("currency_id")])
    amount = money(payment["amount"], invoice, currencies)
    # The note keeps the English prefix the service report finds receipts by.
    receipt = f"{RECEIPT_PREFIX} {amount} ({payment['journal']['name']}" + (
        f", ref. {payment['reference']})" if payment["reference"] else ")")
    if job_id:
        # The receipt line the service report shows (the job's history).
        try:
            chatter.post_note(odoo, viewer.version, jobs.MODEL, job_id,
                              Markup("<p>{} for invoice {}.</p>").format(receipt,
                                                                         invoice.get("name")))
        except (ActionRefused, UserError):  # the payment is made; the note is a courtesy
            logger.info("job %s: the payment note was refused", job_id)
    if payment["reference"]:
        return _("Payment received: %(amount)s (%(journal)s, ref. %(reference)s).",
                 amount=amount, journal=payment["journal"]["name"],
                 reference=payment["reference"])
    return _("Payment received: %(amount)s (%(journal)s).", amount=amount,
             journal=payment["journal"]["name"])


def job_invoice(odoo, viewer: InvoiceViewer, job_id: int, *, base_url: str) -> dict:
    """A job's invoice for other sections (the customer's page, issue 33): its id, number,
    payment state and portal link (None while it is a draft), or None without an invoice."""
    _job, orders = job_orders(odoo, viewer, job_id)
    ids = [i for o in orders for i in o.get("invoice_ids") or []]
    if not ids:
        return None
    invoice = fetch_invoice(odoo, max(ids), INVOICE_FIELDS + ["move_type"])
    state = invoice.get("payment_state") or "not_paid"
    return {"id": invoice["id"], "name": invoice.get("name"), "state": invoice.get("state"),
            "payment_state": state, "paid": state in PAID_STATES,
            "link": portal_link(base_url, invoice),
            "customer_id": m2o_id(invoice.get("partner_id"))}
