"""Dispatch (office and managers): plan the day or week per technician, assign and re-plan
(directly or as a draft published in one step), suggested slots, the jobs board; and the live
change token every watching page polls.

Actions are small POST forms (PRG). Dragging on a desktop posts the same forms through fetch
(`Accept: application/json`) and gets `{"success": ..., "message"/"error": ...}` back.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.errors import error_response
from app.odoo.client import get_odoo
from app.platform.i18n import _, ngettext
from app.platform.listing import BoardWindow
from app.platform.store import StoreError, get_store
from app.security import is_safe_redirect, login_required, role_required, wants_json
from app.services import board as board_service
from app.services import live, planning
from app.services.viewer import Viewer

bp = Blueprint("dispatch", __name__)

PLANNING_KEY = "dispatch_planning"


def _viewer():
    return Viewer.from_session(session)


def _planning():
    return bool(session.get(PLANNING_KEY))


def _done(message, target):
    """PRG for forms; JSON for the drag-and-drop fetch."""
    if wants_json():
        return jsonify(success=True, message=message)
    flash(message, "success")
    return redirect(target)


def _refused(message, render):
    if wants_json():
        return jsonify(success=False, error=message), 422
    return render(message)


def _back(default_endpoint, **values):
    target = request.form.get("next")
    return target if is_safe_redirect(target) else url_for(default_endpoint, **values)


def _read_draft(viewer):
    """The viewer's draft plan; none, said on the page, while the store is out."""
    try:
        return planning.read_draft(get_store(), planning.plan_key(get_odoo(), viewer))
    except StoreError:
        if _planning():
            flash(_("The draft plan can't be read right now (Fieldkit's shared store is out): "
                    "the published plan is shown."), "warning")
        return []


@bp.get("/dispatch")
@role_required("office")
def index():
    viewer = _viewer()
    view = "week" if request.args.get("view") == "week" else "day"
    day = planning.parse_day(request.args.get("day"), viewer.tz)
    draft = _read_draft(viewer)
    data = planning.load_plan(get_odoo(), viewer, day, view=view,
                              draft=draft if _planning() else None)
    current = planning.current_lane(data["lanes"], request.args.get("lane", type=int))
    return render_template("dispatch/plan.html", planning=_planning(), draft_count=len(draft),
                           current_lane=current, **data)


def _render_assign(job_id, error=None, form=None, status=200):
    data = planning.suggest_slots(get_odoo(), _viewer(), job_id)
    return render_template("dispatch/assign.html", error=error, form=form or {},
                           planning=_planning(), **data), status


@bp.get("/dispatch/jobs/<int:id>")
@role_required("office")
def assign_page(id):
    return _render_assign(id, form={"next": request.args.get("next", "")})


@bp.post("/dispatch/assign")
@role_required("office")
def assign():
    form = request.form
    job_id = form.get("job_id", type=int)
    if not job_id:
        return error_response(400, _("Choose a job to assign."))
    try:
        values = planning.assign_form(form.get("person_id"), form.get("start"),
                                      form.get("duration"))
        if _planning():
            message = planning.add_to_draft(get_odoo(), _viewer(), get_store(), job_id, values)
        else:
            message = planning.assign(get_odoo(), _viewer(), job_id, values)
    except planning.REFUSALS as exc:
        return _refused(exc.user_message,
                        lambda m: _render_assign(job_id, error=m, form=form.to_dict(),
                                                 status=422))
    return _done(message, _back("dispatch.index"))


@bp.post("/dispatch/planning")
@role_required("office")
def planning_mode():
    session[PLANNING_KEY] = request.form.get("mode") == "on"
    flash(_("Planning mode: changes are kept as a draft until you publish them.")
          if session[PLANNING_KEY] else _("Planning mode off: changes go to Odoo at once."),
          "info")
    return redirect(_back("dispatch.index"))


@bp.get("/dispatch/plan")
@role_required("office")
def review():
    viewer = _viewer()
    changes = _read_draft(viewer)
    return render_template("dispatch/review.html", planning=_planning(),
                           changes=planning.describe_draft(changes, viewer))


@bp.post("/dispatch/plan/<int:job_id>/remove")
@role_required("office")
def remove_change(job_id):
    message = planning.remove_from_draft(get_odoo(), _viewer(), get_store(), job_id)
    return _done(message, url_for("dispatch.review"))


@bp.post("/dispatch/plan/discard")
@role_required("office")
def discard():
    message = planning.discard_draft(get_odoo(), _viewer(), get_store())
    return _done(message, url_for("dispatch.review"))


@bp.post("/dispatch/plan/publish")
@role_required("office")
def publish():
    published, failed = planning.publish_draft(get_odoo(), _viewer(), get_store())
    message = ngettext("Published %(num)d change to Odoo.", "Published %(num)d changes to Odoo.",
                       published)
    if failed:
        message += " " + ngettext(
            "%(num)d could not be published: it stays in the draft with the reason.",
            "%(num)d could not be published: they stay in the draft with the reason.",
            len(failed))
    if wants_json():
        return jsonify(success=not failed, message=message, published=published,
                       failed=[{"job_id": c["job_id"], "error": c["error"]} for c in failed])
    flash(message, "warning" if failed else "success")
    return redirect(url_for("dispatch.review"))


@bp.get("/jobs/board")
@role_required("office")
def board():
    window = BoardWindow.from_args(request.args)
    data = board_service.load_board(get_odoo(), _viewer(), window)
    return render_template("dispatch/board.html", current_stage=window.stage, **data), \
        400 if window.errors else 200


@bp.post("/jobs/board/move")
@role_required("office")
def board_move():
    job_id = request.form.get("job_id", type=int)
    resolution = request.form.get("resolution", "")

    def render(message):
        flash(message, "error")
        return redirect(url_for("dispatch.board"))

    if not job_id:
        return error_response(400, _("Choose a job to move."))
    try:
        message = board_service.move_on_board(get_odoo(), _viewer(), job_id,
                                              request.form.get("stage_id"), resolution)
    except planning.REFUSALS as exc:
        return _refused(exc.user_message, render)
    return _done(message, url_for("dispatch.board"))


@bp.get("/api/live")
@login_required
def live_token():
    token = live.current_token(get_odoo(), _viewer(), get_store(),
                               interval=_interval())
    etag = live.etag_for(token)
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = jsonify(success=True, token=etag, interval=_interval(),
                           changed_at=live.changed_at(token))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"
    return response


def _interval():
    return current_app.config["LIVE_INTERVAL"]
