"""Jobs: the technician's day (list), one job on site (detail) and the actions on it.

Every action is a small POST form (CSRF, works without JavaScript) that redirects back to the job
with a flash (PRG). When Odoo (or Fieldkit) refuses, the job page is rendered again with the
message and the text the technician typed, so nothing is lost.
"""

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.odoo.client import get_odoo
from app.platform import idempotency, store
from app.platform.i18n import _
from app.platform.listing import parse_list_args
from app.platform.s3_service import get_storage
from app.routes import customer
from app.routes.helpers import act, signature_endpoint
from app.security import login_required, role_required
from app.services import checklists, customer_links, dispatch, job_links, jobs, report, timer
from app.services.viewer import Viewer

bp = Blueprint("jobs", __name__)
OFFICE = ("office", "manager")


def _viewer():
    return Viewer.from_session(session)


def _prefetch_store(odoo, job_id):
    """What the job page reads from the shared store (the viewer's timer, the index of the
    job's customer link, the office's subcontractor links), in one round trip."""
    server = customer.link_server()
    keys = [timer.store_key(odoo, _viewer(), job_id),
            customer_links.LINKS.index_key(server, job_id)]
    if session.get("role") in ("office", "manager"):
        keys.append(job_links.LINKS.index_key(server, job_id))
    store.prefetch(store.get_store(), keys)


def render_job_page(id, *, error=None, form=None, status=200):
    """The job page, with a refusal and what was typed (other blueprints' job actions too)."""
    odoo = get_odoo()
    _prefetch_store(odoo, id)
    job = jobs.job_detail(odoo, _viewer(), id, storage=get_storage(),
                          **checklists.detail_reads(odoo, _viewer(), id))
    page = _job_page(odoo, job, error=error, form=form, eta=request.args.get("eta", type=int))
    # The worker keeps this page offline and refetches it only when the list shows another
    # version of the job (sw.js, PAGE_VERSION).
    return page, status, {"X-Fk-Version": job["version"]}


def _job_page(odoo, job, *, error=None, form=None, eta=None):
    """The job page's HTML from :func:`jobs.job_detail`'s data (no RPC but the office's
    technicians when not cached)."""
    checklist = checklists.build(odoo, _viewer(), job)
    job["finish_checks"] += checklists.finish_checks(checklist, url_for("jobs.detail",
                                                                        id=job["id"]))
    return render_template(
        "jobs/detail.html",
        job=job,
        checklist=checklist,
        assign=dispatch.assign_form(odoo, _viewer(), job, form),
        error=error,
        form=form or {},
        eta=eta,
        timer=timer.status(odoo, _viewer(), job["id"], timer.logged_hours(job)),
    )


@bp.get("/jobs/offline")
@login_required
def offline_pages():
    """The job pages of ``?ids=`` (comma-separated, at most 40) for the service worker's
    offline copies, all read at once: 2 Odoo calls in one round trip whatever their number
    (app/services/jobs/offline.py). ``{"pages": [{"url", "version", "html"}]}``; a job the
    user may not open is left out (none asked: none given)."""
    text = request.args.get("ids", "")
    raw = [part.strip() for part in text.split(",")] if text.strip() else []
    if not all(part.isdigit() and len(part) < 10 for part in raw):
        return jsonify(success=False, error=_("ids: job numbers separated by commas.")), 400
    ids = [int(part) for part in raw][:jobs.OFFLINE_LIMIT]
    if not ids:
        return jsonify(pages=[]), 200, {"Cache-Control": "private, no-store"}
    odoo = get_odoo()
    found = jobs.job_details(odoo, _viewer(), ids, storage=get_storage(),
                             **checklists.details_reads(odoo, _viewer(), ids))
    pages = []
    for job in found:
        url = url_for("jobs.detail", id=job["id"])
        # Rendered as the page's own request: its links and forms name the job's URL.
        with current_app.request_context({**request.environ, "PATH_INFO": url,
                                          "QUERY_STRING": "", "REQUEST_METHOD": "GET"}):
            session.pop("_flashes", None)  # a notice waiting for the next page is not the copy's
            html = idempotency.with_form_keys(_job_page(odoo, job).encode()).decode()
        pages.append({"url": url, "version": job["version"], "html": html})
    return jsonify(pages=pages), 200, {"Cache-Control": "private, no-store"}


def _stale(id):
    """409 with what changed, when an action made offline on an older version of the job
    arrives (see jobs.version_conflict); None otherwise."""
    seen = request.headers.get(jobs.VERSION_HEADER)
    changes = jobs.version_conflict(get_odoo(), _viewer(), id, seen) if seen else None
    if changes is None:
        return None
    return jsonify(success=False, conflict=True, changes=changes,
                   error=_("This job was changed in Odoo after you made this change offline.")), 409


def _act(id, action, *args, form=None, **redirect_args):
    """Run one job action: PRG on success, the job page with the refusal otherwise."""
    stale = _stale(id)
    if stale:
        return stale
    return act(
        lambda: action(get_odoo(), _viewer(), id, *args),
        lambda message, status: render_job_page(id, error=message, form=form, status=status),
        url_for("jobs.detail", id=id, **redirect_args),
    )


@bp.app_template_global("job_card_words")
def job_card_words():
    """The words every job card repeats, translated once for a whole list (a list of 100
    cards asked for them 500 times)."""
    return {"contact": _("Contact and directions"), "call": _("Call"), "text": _("Text"),
            "navigate": _("Navigate"), "unassigned": _("Unassigned")}


@bp.get("/jobs")
@login_required
def index():
    if _viewer().is_technician:
        return redirect(url_for("jobs.active"))
    filters = dispatch.JobFilters.from_args(request.args)
    if not request.args:
        # A bare /jobs opens on today, not on the oldest jobs; "All dates" is /jobs?from=.
        filters = dispatch.opening_on_today(filters, _viewer().tz)
    data = dispatch.list_office_jobs(get_odoo(), _viewer(), filters)
    return render_template("jobs/table.html", **data), 400 if filters.errors else 200


@bp.post("/jobs/<int:id>/assign")
@role_required(*OFFICE)
def assign(id):
    form = {k: request.form.get(k, "") for k in ("person_id", "start", "end")}
    return _act(id, dispatch.assign_job, form, form=form)


@bp.get("/jobs/active")
@login_required
def active():
    query = parse_list_args(request.args, jobs.ACTIVE_SPEC)
    data = jobs.list_active_jobs(get_odoo(), _viewer(), technician=request.args.get("technician"),
                                 query=query)
    # The viewer's timers on the cards: one store read for the whole list (no RPC).
    cards = [job for group in data["groups"] for job in group["jobs"]]
    timers = timer.running(get_odoo(), _viewer(), [job["id"] for job in cards])
    for job in cards:
        job["timer"] = timers.get(job["id"])
    return render_template("jobs/list.html", **data), 400 if query.errors else 200


@bp.get("/jobs/<int:id>")
@login_required
def detail(id):
    return render_job_page(id)


@bp.post("/jobs/<int:id>/stage")
@login_required
def stage(id):
    eta = request.form.get("eta", type=int)

    def move(odoo, viewer, job_id, stage_id):
        message = jobs.set_job_stage(odoo, viewer, job_id, stage_id)
        if eta:  # "On my way": the customer's page says when
            customer.note_eta(job_id, eta)
        return message

    return _act(id, move, request.form.get("stage_id"), **({"eta": eta} if eta else {}))


@bp.post("/jobs/<int:id>/start")
@login_required
def start(id):
    return _act(id, timer.start_job)


@bp.post("/jobs/<int:id>/finish")
@login_required
def finish(id):
    resolution = request.form.get("resolution", "")
    return _act(id, checklists.finish_job, resolution, request.form.get("checklist"),
                form={"resolution": resolution})


@bp.post("/jobs/<int:id>/checklist/<int:activity_id>")
@login_required
def checklist_tick(id, activity_id):
    return _act(id, checklists.tick, activity_id, request.form.get("do", ""),
                _anchor=f"step-{activity_id}")


@bp.post("/jobs/<int:id>/checklist/photo")
@login_required
def checklist_photo(id):
    files = [(f.filename, f.read()) for f in request.files.getlist("photos")]
    step = request.form.get("step", "")
    return _act(id, checklists.add_step_photo, step, files, get_storage(), _anchor="checklist")


@bp.post("/jobs/<int:id>/timer")
@login_required
def timer_action(id):
    return _act(id, timer.act, request.form.get("do", ""), _anchor="timer")


@bp.get("/jobs/<int:id>/report.pdf")
@login_required
def report_pdf(id):
    """The service report: a fresh preview, or (?attachment=<id>) one attached earlier."""
    stored = request.args.get("attachment", type=int)
    if stored:
        pdf, name = report.download(get_odoo(), _viewer(), id, stored)
    else:
        pdf, name = report.preview(get_odoo(), _viewer(), id, get_storage())
    disposition = "attachment" if request.args.get("download") else "inline"
    return pdf, 200, {"Content-Type": "application/pdf", "Cache-Control": "private, no-store",
                      "Content-Disposition": f'{disposition}; filename="{name}"'}


@bp.get("/jobs/<int:id>/reports")
@login_required
def reports(id):
    """The reports attached to the order earlier (2 RPCs: kept off the job page's budget)."""
    return render_template("jobs/reports.html", **report.reports_page(get_odoo(), _viewer(), id))


@bp.post("/jobs/<int:id>/report")
@login_required
def report_attach(id):
    return _act(id, report.attach, get_storage(), request.form.get("email") == "1",
                _anchor="report")


@bp.post("/jobs/<int:id>/cancel")
@login_required
def cancel(id):
    return _act(id, jobs.cancel_job)


@bp.post("/jobs/<int:id>/notes")
@login_required
def notes(id):
    note = request.form.get("note", "")
    return _act(id, jobs.add_note, note, form={"note": note}, _anchor="note")


@bp.post("/jobs/<int:id>/photos")
@login_required
def photos(id):
    files = [(f.filename, f.read()) for f in request.files.getlist("photos")]
    return _act(id, jobs.add_photos, files, get_storage(), _anchor="photos")


@bp.post("/api/jobs/<int:id>/signature")
@login_required
def signature(id):
    stale = _stale(id)
    if stale:
        return stale
    return signature_endpoint(
        lambda png, signer_name: jobs.save_signature(
            get_odoo(), _viewer(), id, png, signer_name, get_storage()
        )
    )
