"""CRM: the pipeline board (columns by stage), one lead, and the actions on it.

Every action is a small POST form (PRG). The board's drag and drop posts the same stage form
with ``Accept: application/json`` and gets ``{"success": ..., "error": ...}`` back, so a move
Odoo refuses can put the card back and say why. A refused form is rendered again with its
message and what was typed (422).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.odoo.client import AccessError, MissingError, get_odoo
from app.platform.i18n import _
from app.platform.listing import BoardWindow
from app.routes.helpers import REFUSALS, act
from app.security import login_required, safe_next, wants_json
from app.services import crm, crm_new

bp = Blueprint("crm", __name__)

# A stage move can also meet a lead reassigned or deleted since the board was drawn.
MOVE_REFUSALS = REFUSALS + (AccessError, MissingError)


def _viewer():
    return crm.Viewer.from_session(session)


def _quote_url(lead_id):
    if "sales.new" not in current_app.view_functions:
        return None
    return url_for("sales.new", opportunity_id=lead_id)


def _render_detail(id, *, error=None, form=None, status=200):
    odoo, viewer = get_odoo(), _viewer()
    lead = crm.lead_detail(odoo, viewer, id)
    page = render_template("crm/detail.html", lead=lead, choices=crm.detail_choices(odoo),
                           messages=crm.lead_history(odoo, viewer, lead), error=error,
                           form=form or {}, quote_url=_quote_url(id))
    return page, status


def _act(id, action, *args, form=None):
    """Run one lead action: PRG on success, the lead page with the refusal otherwise."""
    return act(lambda: action(get_odoo(), _viewer(), id, *args),
               lambda message, status: _render_detail(id, error=message, form=form,
                                                      status=status),
               url_for("crm.detail", id=id))


@bp.before_request
def _needs_crm_access():
    # Users without a sales group get Odoo's AccessError on every crm.lead call: say it once.
    if session.get("odoo_sid") and session.get("crm_access") == "none":
        abort(403, description=_("Your Odoo user has no access to the CRM."))


@bp.get("/crm")
@login_required
def index():
    flt = crm.PipelineFilter.from_args(request.args, session.get("crm_access") or "own")
    window = BoardWindow.from_args(request.args)
    board = crm.pipeline(get_odoo(), _viewer(), flt, window)
    return render_template("crm/pipeline.html", board=board, current_stage=window.stage), \
        400 if window.errors else 200


@bp.get("/crm/<int:id>")
@login_required
def detail(id):
    return _render_detail(id)


@bp.post("/crm/<int:id>/stage")
@login_required
def stage(id):
    stage_id = request.form.get("stage_id")
    back = safe_next(request.form.get("next"), url_for("crm.index"))
    try:
        message = crm.set_stage(get_odoo(), _viewer(), id, stage_id)
    except MOVE_REFUSALS as exc:
        error = _move_refusal(exc)
        if wants_json():
            return jsonify(success=False, error=error), 422
        flash(error, "error")
        return redirect(back)
    if wants_json():
        return jsonify(success=True, message=message)
    flash(message, "success")
    return redirect(_show_stage(back, stage_id))


def _move_refusal(exc):
    if isinstance(exc, AccessError):
        return _("Odoo refused: you may not change this lead any more (it may have been "
                 "reassigned).")
    if isinstance(exc, MissingError):
        return _("Odoo refused: this lead was deleted.")
    return exc.user_message or _("Odoo refused the move.")


def _show_stage(url, stage_id):
    """Back on the board, open the tab of the stage the card went to (phones show one)."""
    parts = urlsplit(url)
    if parts.path != url_for("crm.index"):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "stage"] + [("stage", stage_id)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.post("/crm/<int:id>/won")
@login_required
def won(id):
    return _act(id, crm.mark_won)


@bp.post("/crm/<int:id>/lost")
@login_required
def lost(id):
    form = {"lost_reason_id": request.form.get("lost_reason_id", ""),
            "lost_feedback": request.form.get("lost_feedback", ""), "open": "lost"}
    return _act(id, crm.mark_lost, form["lost_reason_id"], form["lost_feedback"], form=form)


@bp.post("/crm/<int:id>/restore")
@login_required
def restore(id):
    return _act(id, crm.restore)


@bp.post("/crm/<int:id>/activities")
@login_required
def schedule(id):
    form = dict(request.form.items(), open="activity")
    return _act(id, crm.schedule_activity, request.form, form=form)


@bp.post("/crm/<int:id>/activities/<int:activity_id>/done")
@login_required
def activity_done(id, activity_id):
    feedback = request.form.get("feedback", "")
    return _act(id, crm.complete_activity, activity_id, feedback,
                form={"feedback": feedback, "activity_id": activity_id})


@bp.post("/crm/<int:id>/notes")
@login_required
def notes(id):
    note = request.form.get("note", "")
    return _act(id, crm.log_note, note, form={"note": note})


def _job_for(odoo, viewer, job_id):
    """The job a lead comes from (the viewer must be allowed on it), with its customer."""
    return crm_new.job_for_lead(odoo, viewer, job_id) if job_id else None


@bp.get("/crm/new")
@login_required
def new():
    odoo, viewer = get_odoo(), _viewer()
    job = _job_for(odoo, viewer, request.args.get("job_id", type=int))
    values = crm_new.new_lead_defaults(odoo, viewer, partner_id=request.args.get("partner_id"),
                                   job=job)
    return render_template("crm/new.html", form=values, error=None)


@bp.post("/crm/new")
@login_required
def create():
    odoo, viewer = get_odoo(), _viewer()
    job = _job_for(odoo, viewer, request.form.get("job_id", type=int))
    try:
        lead_id, warning = crm_new.create_lead(
            odoo, viewer, request.form, job=job,
            job_url=url_for("jobs.detail", id=job["id"], _external=True) if job else "")
    except REFUSALS as exc:
        # The job as found, never as typed: the form links to it (url_for needs a number).
        form = dict(request.form.items(), job=job["name"] if job else "",
                    job_id=job["id"] if job else "")
        return render_template("crm/new.html", form=form, error=exc.user_message,
                               error_field=getattr(exc, "field", None)), 422
    if warning:
        flash(warning, "warning")
    else:
        flash(_("Lead created. A note was added to the job.") if job else _("Lead created."),
              "success")
    return redirect(url_for("crm.detail", id=lead_id))
