"""Jobs: the technician's day (list), one job on site (detail) and the actions on it.

Every action is a small POST form (CSRF, works without JavaScript) that redirects back to the job
with a flash (PRG). When Odoo (or Fieldkit) refuses, the job page is rendered again with the
message and the text the technician typed, so nothing is lost.
"""

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.security import login_required, role_required
from app.services import dispatch, jobs
from app.services.odoo_api import UserError, get_odoo
from app.services.s3_service import StorageError, get_storage
from app.services.uploads import UploadRejected, decode_data_url
from app.validation import InvalidInput, Text, json_body

bp = Blueprint("jobs", __name__)

# Refusals shown on the job page itself, with what was typed kept in the form.
REFUSALS = (UserError, jobs.JobActionError, UploadRejected, StorageError, InvalidInput)
OFFICE = ("office", "manager")


def _viewer():
    return jobs.Viewer.from_session(session)


def _render_detail(id, *, error=None, form=None, status=200):
    job = jobs.job_detail(get_odoo(), _viewer(), id, storage=get_storage())
    page = render_template(
        "jobs/detail.html",
        job=job,
        assign=dispatch.assign_form(get_odoo(), _viewer(), job, form),
        error=error,
        form=form or {},
        eta=request.args.get("eta", type=int),
    )
    return page, status


def _act(id, action, *args, form=None, **redirect_args):
    """Run one job action: PRG on success, the job page with the refusal otherwise."""
    try:
        message = action(get_odoo(), _viewer(), id, *args)
    except REFUSALS as exc:
        status = 503 if isinstance(exc, StorageError) else 422
        return _render_detail(id, error=exc.user_message, form=form, status=status)
    flash(message, "success")
    return redirect(url_for("jobs.detail", id=id, **redirect_args))


@bp.get("/jobs")
@login_required
def index():
    if _viewer().is_technician:
        return redirect(url_for("jobs.active"))
    filters = dispatch.JobFilters.from_args(request.args)
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
    data = jobs.list_active_jobs(get_odoo(), _viewer(), technician=request.args.get("technician"))
    return render_template("jobs/list.html", **data)


@bp.get("/jobs/<int:id>")
@login_required
def detail(id):
    return _render_detail(id)


@bp.post("/jobs/<int:id>/stage")
@login_required
def stage(id):
    eta = request.form.get("eta", type=int)
    return _act(
        id, jobs.set_job_stage, request.form.get("stage_id"), **({"eta": eta} if eta else {})
    )


@bp.post("/jobs/<int:id>/start")
@login_required
def start(id):
    return _act(id, jobs.start_job)


@bp.post("/jobs/<int:id>/finish")
@login_required
def finish(id):
    resolution = request.form.get("resolution", "")
    return _act(id, jobs.finish_job, resolution, form={"resolution": resolution})


@bp.post("/jobs/<int:id>/cancel")
@login_required
def cancel(id):
    return _act(id, jobs.cancel_job)


@bp.post("/jobs/<int:id>/notes")
@login_required
def notes(id):
    note = request.form.get("note", "")
    return _act(id, jobs.add_note, note, form={"note": note})


@bp.post("/jobs/<int:id>/photos")
@login_required
def photos(id):
    files = [(f.filename, f.read()) for f in request.files.getlist("photos")]
    return _act(id, jobs.add_photos, files, get_storage())


SIGNATURE_BODY = {
    "image": Text(required=True, max_length=None, label="The signature image"),
    "signer_name": Text(max_length=120, label="The signer's name"),
}


@bp.post("/api/jobs/<int:id>/signature")
@login_required
def signature(id):
    body = json_body(SIGNATURE_BODY)
    try:
        png = decode_data_url(body["image"])
        result = jobs.save_signature(
            get_odoo(), _viewer(), id, png, body["signer_name"], get_storage()
        )
    except UploadRejected as exc:
        return jsonify(success=False, error=exc.user_message), 400
    except StorageError as exc:
        return jsonify(success=False, error=exc.user_message), 503
    return jsonify(success=True, **result)
