"""Job links for subcontractors (see app/services/job_links.py): the office makes and withdraws
them on the job page; `/t/<token>` is the one job the link opens, worked without an Odoo
account, through the integration user. No login on /t/ routes: the signed link is the key, and
every route checks it (and the job id in its URL) before anything else.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.odoo.client import get_odoo
from app.odoo.integration import IntegrationConfigError, integration_client
from app.openapi import document
from app.platform.i18n import _
from app.platform.s3_service import get_storage
from app.platform.store import StoreError, get_store
from app.routes.helpers import SIGNATURE_BODY, act, signature_endpoint
from app.security import role_required
from app.services import job_links, jobs
from app.services.viewer import Viewer
from app.validation import InvalidInput

bp = Blueprint("links", __name__)
OFFICE = ("office", "manager")


def _server():
    config = current_app.config
    return f"{config['ODOO_URL']}|{config['ODOO_DB']}"


def _tz():
    return current_app.config["DEFAULT_TZ"]


# --- the office, on the job page ----------------------------------------------------------------

@bp.post("/jobs/<int:id>/links")
@role_required(*OFFICE)
def create(id):
    try:
        link = job_links.create_link(get_store(), current_app.secret_key, _server(), get_odoo(),
                                     Viewer.from_session(session), id,
                                     request.form.get("name"), request.form.get("days"),
                                     integration=integration_client())
    except IntegrationConfigError:
        flash(_("Links work through Fieldkit's integration user, which is not set up "
                "(ODOO_INTEGRATION_LOGIN and ODOO_INTEGRATION_KEY)."), "error")
        return redirect(url_for("jobs.detail", id=id, _anchor="links"))
    except (jobs.JobActionError, InvalidInput) as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("jobs.detail", id=id, _anchor="links"))
    url = url_for("links.job", token=link["token"], _external=True)
    flash(_("Link for %(name)s (send it to them): %(url)s", name=link["name"], url=url), "success")
    return redirect(url_for("jobs.detail", id=id, _anchor="links"))


@bp.post("/jobs/<int:id>/links/<link_id>/revoke")
@role_required(*OFFICE)
def revoke(id, link_id):
    try:
        message = job_links.revoke(get_store(), _server(), id, link_id)
    except jobs.JobActionError as exc:
        flash(exc.user_message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("jobs.detail", id=id, _anchor="links"))


def job_links_for(job_id):
    """For the job page's partial (office roles): the job's links, from the store only;
    None when the store is out (the page says so and renders)."""
    try:
        return job_links.links_for_job(get_store(), _server(), job_id,
                                       session.get("tz") or _tz())
    except StoreError:
        return None


# --- the subcontractor --------------------------------------------------------------------------

def _open(token, job_id=None, action="view"):
    """The link checked (token, then the job as it is now for a write), its use logged, and
    the integration user's client in the job's company."""
    store = get_store()
    record = job_links.resolve(store, current_app.secret_key, token, job_id)
    odoo = integration_client()
    job_links.in_company(odoo, record.get("company_id"))
    viewer = job_links.subcontractor_viewer(odoo, record, _tz())
    if action != "view":
        order = jobs.fetch_order(odoo, viewer, record["job_id"], job_links.CHECK_FIELDS)
        job_links.check_job(store, record, order, writing=True)
    job_links.log_use(store, record, action, request.remote_addr)
    return record, odoo, viewer


def _render(token, record, odoo, viewer, *, error=None, form=None, status=200):
    job = jobs.job_detail(odoo, viewer, record["job_id"], storage=get_storage())
    read_only = job_links.check_job(get_store(), record, job, writing=False)
    page = render_template("links/job.html", job=job, token=token, link=record, error=error,
                           form=form or {}, read_only=read_only)
    return page, status


@bp.get("/t/<token>")
def job(token):
    record, odoo, viewer = _open(token)
    return _render(token, record, odoo, viewer)


def _act(token, job_id, action_name, run, form=None):
    record, odoo, viewer = _open(token, job_id, action_name)
    return act(lambda: run(odoo, viewer, record),
               lambda message, status: _render(token, record, odoo, viewer, error=message,
                                               form=form, status=status),
               url_for("links.job", token=token))


@bp.post("/t/<token>/jobs/<int:job_id>/start")
def start(token, job_id):
    return _act(token, job_id, "start", job_links.start)


@bp.post("/t/<token>/jobs/<int:job_id>/notes")
def notes(token, job_id):
    note = request.form.get("note", "")
    return _act(token, job_id, "note",
                lambda odoo, viewer, record: job_links.add_note(odoo, viewer, record, note),
                form={"note": note})


@bp.post("/t/<token>/jobs/<int:job_id>/photos")
def photos(token, job_id):
    files = [(f.filename, f.read()) for f in request.files.getlist("photos")]
    return _act(token, job_id, "photos",
                lambda odoo, viewer, record: job_links.add_photos(odoo, viewer, record, files,
                                                                  get_storage()))


@bp.post("/t/<token>/jobs/<int:job_id>/finish")
def finish(token, job_id):
    resolution = request.form.get("resolution", "")
    return _act(token, job_id, "finish",
                lambda odoo, viewer, record: job_links.finish(odoo, viewer, record, resolution),
                form={"resolution": resolution})


@bp.post("/api/t/<token>/jobs/<int:job_id>/signature")
@document(summary="Save the customer's signature through a subcontractor's job link",
          description="No login: the signed link is the key (and the page's CSRF token is "
                      "sent as `X-CSRFToken`). Refused when the link is invalid (404), "
                      "expired or withdrawn (410), or for another job (403).",
          tags=["Job links"], fields=SIGNATURE_BODY, security=[{"csrf": []}],
          responses={200: {"url": {"type": "string"}, "warning": {"type": ["string", "null"]}}},
          errors=(400, 403, 404, 410, 422, 503))
def signature(token, job_id):
    record, odoo, viewer = _open(token, job_id, "signature")
    return signature_endpoint(
        lambda png, signer_name: job_links.save_signature(odoo, viewer, record, png,
                                                          signer_name, get_storage()))


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["job_links_for"] = job_links_for
