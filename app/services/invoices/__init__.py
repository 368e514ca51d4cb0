"""Getting paid on site (issue 32): the invoice from the job's order, posted when the user may,
its portal link and QR code, the live payment state, cash and cheque payments through Odoo's
wizard, and the office's list. Odoo does the accounting; Fieldkit never sees a card number:
the customer pays in Odoo's portal with the provider the company set up.

Split along its seams: ``common`` (rights, fields, labels), ``from_job`` (job -> order ->
invoice), ``detail`` (one invoice, QR, payments, the link for other sections), ``listing``
(office list, dashboard counts).
"""

from app.services.invoices.common import (  # noqa: F401
    MODEL,
    OFFICE_WILL_INVOICE,
    RECEIPT_PREFIX,
    InvoiceNotFound,
    InvoiceRefused,
    InvoicesForbidden,
    InvoiceViewer,
    portal_link,
    receipts,
)
from app.services.invoices.detail import (  # noqa: F401
    clear_caches,
    invoice_detail,
    job_invoice,
    journals,
    payment_status,
    qr_svg,
    register_payment,
)
from app.services.invoices.from_job import (  # noqa: F401
    TO_INVOICE,
    hand_to_office,
    invoice_job,
    invoice_plan,
    job_orders,
    post_invoice,
    quote_from_job,
)
from app.services.invoices.listing import (  # noqa: F401
    SPEC,
    dashboard_calls,
    filter_domain,
    list_invoices,
    require_office,
)
from app.services.invoices.sending import email_invoice, text_link  # noqa: F401
