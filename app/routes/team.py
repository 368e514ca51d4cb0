"""The managers' technician scorecard: per technician and week or month, what was done."""
from flask import Blueprint, render_template, request, session

from app.odoo.client import get_odoo
from app.platform import timezone as tzs
from app.security import role_required
from app.services import scorecard
from app.services.viewer import Viewer

bp = Blueprint("team", __name__)


@bp.get("/dashboard/technicians")
@role_required("manager")
def technicians():
    viewer = Viewer.from_session(session)
    kind, anchor = scorecard.parse_period(request.args.get("period"), request.args.get("start"),
                                          tzs.today(viewer.tz))
    return render_template("team/technicians.html",
                           **scorecard.load_scorecard(get_odoo(), viewer, kind, anchor))
