"""The customer's page of a job (see app/services/customer_links.py): `/c/<token>` needs no
login, the signed link is the key; every route checks it first. The office copies or withdraws
the link on the job page; the "On my way" text carries it.
"""

import contextlib
import functools

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.errors import error_response
from app.odoo.client import OdooError
from app.odoo.integration import integration_client
from app.openapi import document
from app.platform.i18n import _
from app.platform.s3_service import get_storage
from app.platform.store import StoreError, get_store
from app.security import role_required
from app.services import customer_links, report
from app.services.invoices import InvoiceViewer, job_invoice

bp = Blueprint("customer", __name__)
OFFICE = ("office", "manager")
PER_MINUTE = 60  # requests per client address on /c/ routes


def link_server():
    """The server part of the links' store keys (the job page prefetches them)."""
    config = current_app.config
    return f"{config['ODOO_URL']}|{config['ODOO_DB']}"


def _tz():
    return current_app.config["DEFAULT_TZ"]


def _limited() -> bool:
    """Per address, per minute; a store that is out does not stop a customer reading."""
    try:
        count = get_store().incr(f"clink-rate:{request.remote_addr}", 60)
    except StoreError:
        return False
    return count > PER_MINUTE


def _open(token):
    if _limited():
        return None
    store = get_store()
    record = customer_links.resolve(store, current_app.secret_key, token)
    odoo = integration_client()
    customer_links.in_company(odoo, record.get("company_id"))
    return store, record, odoo, customer_links.customer_viewer(odoo, _tz())


def with_link(view):
    """Check the link first (rate limit, token, the integration user in the job's company) and
    hand the view `opened` = (store, record, odoo, viewer)."""
    @functools.wraps(view)
    def wrapped(token):
        opened = _open(token)
        if not opened:
            if request.path.endswith("/status"):
                return jsonify(success=False, error=_("Too many requests.")), 429
            return _too_many()
        return view(token, opened)
    return wrapped


def _too_many():
    response = error_response(429, _("Too many requests from here. Wait a minute, then reload."))
    response.headers["Retry-After"] = "60"
    return response


def _private(response):
    # Readable offline once opened through the browser's own cache; never indexed.
    response.headers["Cache-Control"] = "private, max-age=120"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(token, opened, *, error=None, form=None, status=200):
    store, record, odoo, viewer = opened
    job, company, stages = customer_links.read_job(odoo, viewer, record, quote=True)
    customer_links.check_job(store, record, job)
    customer_links.note_opened(store, odoo, viewer, record)
    data = customer_links.page_data(odoo, viewer, record, job, company, stages)
    return _private(make_response(render_template(
        "customer/page.html", token=token, error=error, form=form or {}, **data), status))


@bp.get("/c/<token>")
@with_link
def page(token, opened):
    return _page(token, opened)


@bp.get("/c/<token>/status")
@document(summary="The visit's status for the customer's page (polled while it is open)",
          description="No login: the signed link is the key. Answers 304 to If-None-Match "
                      "while nothing changed.", tags=["Customer page"], security=[],
          errors=(404, 410, 429, 503),
          responses={200: {"status": {"type": "string"}, "label": {"type": "string"},
                           "eta": {"type": "string"}, "arriving": {"type": "string"},
                           "technician": {"type": "string"},
                           "window": {"type": "string"}}})
@with_link
def status(token, opened):
    store, record, odoo, viewer = opened
    body = customer_links.cached_status(store, record)
    if body is None:
        job, company, stages = customer_links.read_job(odoo, viewer, record)
        customer_links.check_job(store, record, job)
        data = customer_links.page_data(odoo, viewer, record, job, company, stages)["job"]
        body = {"status": data["status"], "label": data["status_label"], "eta": data["eta"],
                "arriving": data["arriving"],
                "technician": data["technician"], "window": data["window"],
                "version": f"{data['version']}|{data['status']}"}
        customer_links.keep_status(store, record, body)
    response = jsonify({k: v for k, v in body.items() if k != "version"})
    response.set_etag(body["version"])
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response.make_conditional(request)


@bp.get("/c/<token>/report.pdf")
@with_link
def report_pdf(token, opened):
    store, record, odoo, viewer = opened
    # the report attached last (at finish, or by the office) is read with the job: one round
    # trip of 2 calls; none attached: a fresh preview (report.report_data) after it
    job, _company, stages = customer_links.read_job(
        odoo, viewer, record, alongside=report.newest_call(record["job_id"]))
    customer_links.check_job(store, record, job)
    if customer_links.status_of(job, stages) != "done":
        return _page(token, opened, error=_("The report is ready once the visit is done."),
                     status=409)
    data, name = (report.newest_file(job["alongside"])
                  or report.preview(odoo, viewer, record["job_id"], get_storage()))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


@bp.get("/c/<token>/invoice")
@with_link
def invoice(token, opened):
    store, record, odoo, viewer = opened
    base = current_app.config.get("ODOO_PUBLIC_URL") or current_app.config["ODOO_URL"]
    found = None
    with contextlib.suppress(OdooError):  # no invoicing app, or no right: no invoice to show
        found = job_invoice(odoo, InvoiceViewer(**viewer.__dict__), record["job_id"],
                            base_url=base)
    if found and found.get("link"):
        return redirect(found["link"])
    return _page(token, opened, error=_("There is no invoice to pay for this visit yet."),
                 status=404)


@bp.get("/c/<token>/quote")
@with_link
def quote(token, opened):
    """To Odoo's own portal page of the job's quotation, where the customer signs and pays."""
    store, record, odoo, viewer = opened
    url = None
    with contextlib.suppress(OdooError):  # no sales app or right: no quote to show
        url = customer_links.quote_portal_url(odoo, record)
    if url:
        base = current_app.config.get("ODOO_PUBLIC_URL") or current_app.config["ODOO_URL"]
        return redirect(base.rstrip("/") + url)
    return _page(token, opened, error=_("There is no quotation waiting for you."), status=404)


@bp.post("/c/<token>/rating")
@with_link
def rating(token, opened):
    store, record, odoo, viewer = opened
    form = {"score": request.form.get("score", ""), "comment": request.form.get("comment", "")}
    try:
        message = customer_links.rate(store, odoo, viewer, record, form["score"],
                                      form["comment"])
    except customer_links.RatingRefused as exc:
        return _page(token, opened, error=exc.user_message, form=form, status=422)
    flash(message, "success")
    return redirect(url_for("customer.page", token=token, _anchor="rating"))


# --- the office, on the job page ----------------------------------------------------------------

def customer_link_for(job):
    """For the job page: the job's customer link ({url, opened, opened_at}), made when it has
    none; None when the store is out (the page renders without it)."""
    if not job or not job.get("id"):
        return None
    # The job page asks twice (its card and the SMS sheet): the store is read once.
    known = g.setdefault("customer_links", {})
    if job["id"] not in known:
        known[job["id"]] = _customer_link(job)
    return known[job["id"]]


def _customer_link(job):
    try:
        store = get_store()
        link = customer_links.link_for_job(store, current_app.secret_key, link_server(), job,
                                           company_id=session.get("company_id"),
                                           created_by=session.get("user_name") or "",
                                           created_uid=session.get("user_id"))
        view = customer_links.office_view(link["record"], session.get("tz") or _tz())
    except StoreError:
        return None
    return {**view, "url": url_for("customer.page", token=link["token"], _external=True)}


def note_eta(job_id, minutes):
    """Called when a technician sets off: the customer's page shows when they arrive."""
    with contextlib.suppress(StoreError):
        customer_links.note_eta(get_store(), link_server(), job_id, minutes)


@bp.post("/jobs/<int:id>/customer-link/revoke")
@role_required(*OFFICE)
def revoke(id):
    try:
        done = customer_links.revoke(get_store(), link_server(), id)
    except StoreError:
        flash(_("The link can't be withdrawn right now (Fieldkit's shared store is out). Try "
                "again in a minute."), "error")
    else:
        flash(_("The customer's link no longer works; the next one is new.") if done
              else _("This job has no customer link."), "success" if done else "info")
    return redirect(url_for("jobs.detail", id=id, _anchor="customer-link"))


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["customer_link_for"] = customer_link_for
