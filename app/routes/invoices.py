"""Getting paid: the invoice from a job ("Get paid"), one invoice with its payment link and QR
code, its live payment state, cash and cheque payments, and the office's list.

Routes stay thin: parse, one service call, PRG or render; a refusal (Odoo's or Fieldkit's)
shows the page again with the message and what was typed (422).
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.odoo.client import get_odoo
from app.openapi import document
from app.platform.listing import parse_list_args
from app.routes.helpers import REFUSALS, act
from app.security import login_required, role_required
from app.services import invoices

bp = Blueprint("invoices", __name__)
OFFICE = ("office", "manager")
PAYMENT_FIELDS = ("amount", "journal_id", "reference")


def _viewer():
    return invoices.InvoiceViewer.from_session(session)


def portal_base_url() -> str:
    """Where customers reach Odoo (ODOO_PUBLIC_URL, else ODOO_URL)."""
    return current_app.config.get("ODOO_PUBLIC_URL") or current_app.config["ODOO_URL"]


# --------------------------------------------------------------------------- from a job


def _render_job(id, *, error=None, status=200, plan=None):
    plan = plan or invoices.invoice_plan(get_odoo(), _viewer(), id)
    return render_template("invoices/job.html", plan=plan, job=plan["job"], job_id=id,
                           error=error, viewer=_viewer()), status


@bp.get("/jobs/<int:id>/invoice")
@login_required
def job(id):
    """The job's "Get paid" step: its invoice when there is one, else what can be done."""
    plan = invoices.invoice_plan(get_odoo(), _viewer(), id)
    if plan["invoice_id"]:
        return redirect(url_for("invoices.detail", id=plan["invoice_id"], job=id))
    return _render_job(id, plan=plan)


@bp.post("/jobs/<int:id>/invoice")
@login_required
def invoice_job(id):
    made = {}

    def run():
        invoice_id, message = invoices.invoice_job(get_odoo(), _viewer(), id,
                                                   base_url=portal_base_url())
        made["id"] = invoice_id
        return message
    return act(run, lambda message, status: _render_job(id, error=message, status=status),
               lambda: url_for("invoices.detail", id=made["id"], job=id))


@bp.post("/jobs/<int:id>/invoice/quote")
@login_required
def quote_from_job(id):
    made = {}

    def run():
        made["id"], message = invoices.quote_from_job(get_odoo(), _viewer(), id)
        return message
    return act(run, lambda message, status: _render_job(id, error=message, status=status),
               lambda: url_for("sales.detail", id=made["id"]))


@bp.post("/jobs/<int:id>/invoice/office")
@login_required
def hand_to_office(id):
    return act(lambda: invoices.hand_to_office(get_odoo(), _viewer(), id),
               lambda message, status: _render_job(id, error=message, status=status),
               url_for("jobs.detail", id=id))


@bp.get("/jobs/<int:id>/invoice/status")
@document(summary="The invoice of a job and its payment state (the job page's Get paid card)",
          tags=["Invoices"], errors=(401, 403, 404),
          responses={200: {"invoice": {"type": ["object", "null"]}}})
@login_required
def job_status(id):
    """The job page's "Get paid" card: the invoice's id and payment state (JSON)."""
    found = invoices.job_invoice(get_odoo(), _viewer(), id, base_url=portal_base_url())
    if not found:
        return jsonify(invoice=None)
    return jsonify(invoice={"id": found["id"], "name": found["name"],
                            "payment_state": found["payment_state"], "paid": found["paid"],
                            "url": url_for("invoices.detail", id=found["id"], job=id),
                            "status_url": url_for("invoices.status", id=found["id"])})


# --------------------------------------------------------------------------- one invoice


def _job_arg():
    job = request.args.get("job", type=int) or request.form.get("job", type=int)
    return job if job and job > 0 else None


def _render_detail(id, *, error=None, form=None, status=200):
    data = invoices.invoice_detail(get_odoo(), _viewer(), id, base_url=portal_base_url())
    return render_template("invoices/detail.html", invoice=data, error=error, form=form or {},
                           job_id=_job_arg()), status


@bp.get("/invoices/<int:id>")
@login_required
def detail(id):
    return _render_detail(id)


@bp.get("/invoices/<int:id>/status")
@document(summary="An invoice's payment state, polled while it is on screen",
          description="One Odoo read, never cached: `paid` is true once Odoo's "
                      "`payment_state` is paid or in payment.",
          tags=["Invoices"], errors=(401, 404),
          responses={200: {"id": {"type": "integer"}, "state": {"type": "string"},
                           "payment_state": {"type": "string"}, "label": {"type": "string"},
                           "paid": {"type": "boolean"}}})
@login_required
def status(id):
    """The payment state, polled while the invoice is on screen (1 RPC, never cached)."""
    data = invoices.payment_status(get_odoo(), _viewer(), id)
    return jsonify(data), 200, {"Cache-Control": "no-store"}


@bp.post("/invoices/<int:id>/payments")
@login_required
def pay(id):
    form = {k: request.form.get(k, "") for k in PAYMENT_FIELDS}
    job_id = _job_arg()
    return act(lambda: invoices.register_payment(get_odoo(), _viewer(), id, form, job_id=job_id),
               lambda message, status: _render_detail(id, error=message, form=form,
                                                      status=status),
               url_for("invoices.detail", id=id, job=job_id))


@bp.post("/invoices/<int:id>/sms")
@login_required
def text_link(id):
    try:
        message, delivered = invoices.text_link(get_odoo(), _viewer(), id,
                                                base_url=portal_base_url())
    except REFUSALS as exc:
        return _render_detail(id, error=exc.user_message, status=422)
    # Not delivered is no refusal: Odoo sent it off and keeps it in the customer's history.
    flash(message, "success" if delivered else "warning")
    return redirect(url_for("invoices.detail", id=id, job=_job_arg()))


@bp.post("/invoices/<int:id>/email")
@login_required
def email(id):
    return act(lambda: invoices.email_invoice(get_odoo(), _viewer(), id),
               lambda message, status: _render_detail(id, error=message, status=status),
               url_for("invoices.detail", id=id, job=_job_arg()))


@bp.post("/invoices/<int:id>/post")
@role_required(*OFFICE)
def post(id):
    return act(lambda: invoices.post_invoice(get_odoo(), _viewer(), id),
               lambda message, status: _render_detail(id, error=message, status=status),
               url_for("invoices.detail", id=id))


# --------------------------------------------------------------------------- office list


@bp.get("/invoices")
@role_required(*OFFICE)
def index():
    query = parse_list_args(request.args, invoices.SPEC)
    data = invoices.list_invoices(get_odoo(), _viewer(), query)
    return render_template("invoices/list.html", **data), 400 if query.errors else 200
