"""The office dashboard: today's jobs, what needs attention, sales, pipeline and stock."""
from flask import Blueprint, render_template, session

from app.errors import error_response
from app.navigation import OFFICE_ROLES
from app.odoo.client import get_odoo
from app.platform.i18n import lazy_gettext
from app.security import login_required
from app.services import dashboard
from app.services.viewer import Viewer

bp = Blueprint("dashboard", __name__)

TECHNICIAN_MESSAGE = lazy_gettext("The dashboard is for office staff and managers. Your jobs are "
                                  "one tap away.")


@bp.get("/dashboard")
@login_required
def index():
    if session.get("role") not in OFFICE_ROLES:
        return error_response(403, TECHNICIAN_MESSAGE)
    data = dashboard.load_dashboard(get_odoo(), Viewer.from_session(session),
                                    dashboard.Access.from_session(session))
    return render_template("dashboard/index.html", **data)
