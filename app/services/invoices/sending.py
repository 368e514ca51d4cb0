"""Invoices: the payment link to the customer, by text (the SMS piece, app/services/sms.py) or
by e-mail through Odoo's own send wizard, which differs per version:

* 15-16: ``account.move.action_invoice_sent`` -> ``account.invoice.send`` (its context carries
  ``default_res_id``, ``active_ids``, the template), then ``send_and_print_action``;
* 17+: ``action_send_and_print`` -> the send wizard (``account.move.send`` at 17,
  ``account.move.send.wizard`` from 18) with ``active_model``/``active_ids``, then
  ``action_send_and_print``.

An administrator of a company without a document layout first gets Odoo's "Configure your
document layout" action; the send action is inside it (``context.report_action``) and is used
as is (i_send_action_invoice_sent). Odoo sends the mail at once: without a mail server it ends
in ``exception``, which is said as it is when the user may read ``mail.mail``.
"""

from __future__ import annotations

import logging

from app.odoo import versions
from app.odoo.client import AccessError
from app.platform import currency, i18n
from app.platform.i18n import _
from app.services import sms
from app.services.invoices.common import (
    MODEL,
    InvoiceRefused,
    InvoiceViewer,
    m2o_id,
    money,
    portal_link,
)
from app.services.invoices.detail import amount_due, fetch_invoice

logger = logging.getLogger(__name__)
LAYOUT_MODEL = "base.document.layout"


def _posted_with_link(odoo, invoice_id: int, base_url: str) -> dict:
    invoice = fetch_invoice(odoo, invoice_id, ["name", "state", "partner_id", "access_url",
                                               "access_token", "move_type", "amount_residual",
                                               "currency_id", "payment_state"])
    if invoice.get("state") != "posted":
        raise InvoiceRefused(_("The invoice must be posted before the customer can pay it."))
    if not invoice.get("access_token"):
        url = odoo.call(MODEL, "get_portal_url", [invoice_id])
        invoice["access_token"] = str(url).partition("access_token=")[2].split("&", 1)[0]
    invoice["link"] = portal_link(base_url, invoice)
    return invoice


def text_link(odoo, viewer: InvoiceViewer, invoice_id: int, *, base_url: str
              ) -> tuple[str, bool]:
    """Text the payment link to the customer's mobile (else phone), as the SMS sheet does:
    through Odoo's SMS (or Twilio when configured), noted on the customer's history.
    Returns ``(message, delivered)``: a text Odoo kept but could not deliver (no credit, a
    provider's refusal) was still sent off and logged, so it is said, not refused."""
    invoice = _posted_with_link(odoo, invoice_id, base_url)
    partner_id = m2o_id(invoice.get("partner_id"))
    if not partner_id:
        raise InvoiceRefused(_("This invoice has no customer to text."))
    try:
        target = sms.load_target(odoo, viewer, "customer", partner_id)
        numbers = sms.sheet_numbers(target)
        if not numbers:
            raise InvoiceRefused(_("The customer has no mobile or phone number to text."))
        currencies = currency.lookup(odoo, [invoice.get("currency_id")])
        with i18n.force_locale(i18n.closest(target.lang) or i18n.DEFAULT):  # the customer's
            message = _("Invoice %(name)s: %(total)s. Pay online: %(link)s",
                        name=invoice.get("name"), link=invoice["link"],
                        total=money(amount_due(invoice), invoice, currencies))
        result = sms.send(odoo, viewer, {
            "target": "customer", "id": partner_id, "number": numbers[0]["number"],
            "message": message})
    except sms.NotDelivered as exc:
        return exc.user_message, False
    except sms.SmsError as exc:
        raise InvoiceRefused(exc.user_message) from None
    outcome = result.get("message") or _("Text sent.")
    return f"{outcome} ({numbers[0]['label']} {result['to']})", True


def email_invoice(odoo, viewer: InvoiceViewer, invoice_id: int) -> str:
    """E-mail the invoice (and its portal link) through Odoo's send wizard, as the user."""
    if not viewer.may_post:
        raise InvoiceRefused(_("Only users with Odoo's invoicing rights can send invoices."))
    fetch_invoice(odoo, invoice_id, ["state", "move_type"])
    open_method, send_method = versions.invoice_send_methods(viewer.version)
    action = odoo.call(MODEL, open_method, [invoice_id])
    if isinstance(action, dict) and action.get("res_model") == LAYOUT_MODEL:
        action = (action.get("context") or {}).get("report_action") or {}
    wizard_model = action.get("res_model") if isinstance(action, dict) else None
    if not wizard_model:
        raise InvoiceRefused(_("Odoo did not offer to send this invoice."))
    context = dict(action.get("context") or {})
    wizard = odoo.call(wizard_model, "create", {}, context=context)
    wizard = wizard[0] if isinstance(wizard, list) else wizard
    odoo.call(wizard_model, send_method, [wizard], context=context)
    return _mail_outcome(odoo, invoice_id)


def _mail_outcome(odoo, invoice_id) -> str:
    """What became of the mail: Odoo sends at once; ``mail.mail`` is readable by
    administrators only, so others are told it was handed to Odoo."""
    try:
        mails = odoo.search_read("mail.mail", [("model", "=", MODEL), ("res_id", "=", invoice_id)],
                                 ["state", "failure_reason"], order="id desc", limit=1)
    except AccessError:
        return _("Invoice e-mailed through Odoo.")
    if mails and mails[0].get("state") == "exception":
        reason = (mails[0].get("failure_reason") or "").replace("\n", " ").strip()
        raise InvoiceRefused(_("Odoo could not send the e-mail (its mail server said: "
                               "%(reason)s). The invoice is marked as sent in Odoo; send the "
                               "link by text or show the QR code.",
                               reason=reason or _("no reason given")))
    return _("Invoice e-mailed through Odoo.")
