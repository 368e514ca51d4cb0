"""Invoices: what every part shares: who may invoice, fields, labels, errors, money, links.

Odoo decides everything (``account`` and ``sale``, as the ``i_*`` recordings of 16 and 18 show):
salesmen may create the invoice of an order they may read (sale makes it with sudo), but only
*Invoicing / Billing* (16) or *Invoicing / Invoicing* (18+) may post it, register a payment or
open the send wizard. Fieldkit learns the group at login (``invoice_access`` in the session, no
extra call) and only offers what Odoo would accept; Odoo still checks every call.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import Forbidden, NotFound

from app.platform import currency
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.services.viewer import Viewer

MODEL = "account.move"
LINE_MODEL = "account.move.line"
ORDER_MODEL = "sale.order"
JOURNAL_MODEL = "account.journal"
WIZARD = "sale.advance.payment.inv"
REGISTER = "account.payment.register"

INVOICE_FIELDS = ["name", "state", "move_type", "amount_untaxed", "amount_tax", "amount_total",
                  "amount_residual", "payment_state", "invoice_date", "invoice_date_due",
                  "currency_id", "partner_id", "invoice_origin", "invoice_user_id",
                  "access_url", "access_token"]
LIST_FIELDS = ["name", "state", "amount_total", "amount_residual", "payment_state",
               "invoice_date", "invoice_date_due", "currency_id", "partner_id",
               "invoice_origin"]
LINE_FIELDS = ["product_id", "name", "quantity", "price_unit", "price_subtotal", "price_total",
               "tax_ids"]
ORDER_FIELDS = ["name", "state", "invoice_status", "invoice_ids", "amount_total", "currency_id",
                "partner_id", "user_id"]

# account.move.payment_state (16-19, English labels as Odoo shows them)
PAYMENT_LABELS = {"not_paid": lazy_gettext("Not paid"), "in_payment": lazy_gettext("In payment"),
                  "paid": lazy_gettext("Paid"), "partial": lazy_gettext("Partially paid"),
                  "reversed": lazy_gettext("Reversed"),
                  "invoicing_legacy": lazy_gettext("Invoicing app legacy"),
                  "blocked": lazy_gettext("Blocked")}
PAYMENT_TONES = {"paid": "success", "in_payment": "success", "partial": "warning",
                 "not_paid": "danger", "reversed": "", "invoicing_legacy": "", "blocked": ""}
PAID_STATES = ("paid", "in_payment")
UNPAID_STATES = ("not_paid", "partial")
INVOICE_TYPES = ("out_invoice",)
OFFICE_WILL_INVOICE = lazy_gettext("The office will invoice this job.")
# The job's history note of a payment taken on site starts so; the service report lists them
# (found by this prefix, so the note stays English; the user's message is translated).
RECEIPT_PREFIX = "Payment received:"


def receipts(messages) -> list[str]:
    """The payment receipts among a job's history messages (as chatter.present gives them),
    oldest first."""
    found = [str(m.get("text") or "").strip() for m in messages or []]
    return [text for text in reversed(found) if text.startswith(RECEIPT_PREFIX)]


class InvoiceRefused(ActionRefused):
    """An invoicing step Fieldkit refuses before asking Odoo (a message for the user)."""


class InvoiceNotFound(NotFound):
    description = lazy_gettext("This invoice does not exist, or you may not see it.")


class InvoicesForbidden(Forbidden):
    description = lazy_gettext("Invoices are for the office.")


@dataclass(frozen=True)
class InvoiceViewer(Viewer):
    """Who is looking, and whether Odoo lets them post invoices and register payments."""

    invoice_access: str = "none"
    sales_access: str = "none"  # "all": sees every sales order (no order hidden from them)

    @classmethod
    def from_session(cls, session) -> InvoiceViewer:
        base = Viewer.from_session(session)
        access = session.get("invoice_access")
        sales = session.get("sales_access")
        return cls(**{**base.__dict__,
                      "invoice_access": access if access in ("none", "billing") else "none",
                      "sales_access": sales if sales in ("none", "own", "all") else "none"})

    @property
    def may_post(self) -> bool:
        """Posting, payments and the send wizard: Invoicing / Billing (16) or Invoicing (18+)."""
        return self.invoice_access == "billing"


def m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else None


def m2o_name(value) -> str:
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def money(amount, record: dict, currencies: dict) -> str:
    """An amount in the record's currency, as Odoo formats it."""
    found = currencies.get(m2o_id(record.get("currency_id")))
    return (found or currency.Currency(symbol=m2o_name(record.get("currency_id")))).format(amount)


def number_of(record: dict) -> str:
    """The invoice's number; "Draft" while Odoo names it "/" (a later draft of its journal)."""
    name = record.get("name")
    return name if name not in (None, False, "", "/") else _("Draft")


def payment_badge(state) -> dict:
    label = PAYMENT_LABELS.get(state) or state or PAYMENT_LABELS["not_paid"]
    return {"key": state or "not_paid", "label": str(label),
            "tone": PAYMENT_TONES.get(state, "")}


def portal_link(base_url: str, invoice: dict) -> str | None:
    """The customer's link, as portal.mixin.get_portal_url builds it (access_url +
    ``?access_token=``); None until the invoice is posted and has its token."""
    if invoice.get("state") != "posted" or not invoice.get("access_token"):
        return None
    path = invoice.get("access_url") or f"/my/invoices/{invoice['id']}"
    return f"{base_url.rstrip('/')}{path}?access_token={invoice['access_token']}"
