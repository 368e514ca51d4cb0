"""Customers: search as you type, the customer page, new customer and edit.

Forms are plain POST (PRG); a refusal re-renders the form with what was typed (422, or 403
when Odoo's access rules refuse). Possible duplicates are shown before creating.
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
from app.platform.i18n import _
from app.security import login_required
from app.services import customers, sms
from app.services.viewer import Viewer

bp = Blueprint("customers", __name__)


def _viewer():
    return Viewer.from_session(session)


def _region():
    return sms.company_region(get_odoo(), session.get("company_id"))


@bp.get("/customers")
@login_required
def index():
    data = customers.search_customers(
        get_odoo(), _viewer(), request.args.get("q", "")[:100],
        archived=request.args.get("archived") == "1", page=request.args.get("page", 1, type=int))
    template = "customers/_results.html" if request.args.get("partial") else "customers/list.html"
    return render_template(template, **data)


# The Odoo app behind a section: no link to it for a user without rights there.
SECTION_ACCESS = {"quotes": "sales_access", "opportunities": "crm_access"}


@bp.get("/customers/<int:id>")
@login_required
def detail(id):
    # Quotes and opportunities link to their sections only where those are installed.
    data = customers.customer_detail(get_odoo(), _viewer(), id)
    data["more"] = {key: title for key, title in data["more"].items()
                    if session.get(SECTION_ACCESS.get(key, "")) != "none"}
    return render_template("customers/detail.html", endpoints=current_app.view_functions,
                           **data)


@bp.get("/customers/<int:id>/<section>")
@login_required
def section(id, section):
    """One section of the customer on its own page (2 RPCs), linked from the customer page."""
    return render_template("customers/section.html", endpoints=current_app.view_functions,
                           **customers.customer_section(get_odoo(), _viewer(), id, section))


@bp.route("/customers/new", methods=["GET", "POST"])
@login_required
def new():
    form = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return render_template("customers/form.html", form=form, mode="new")
    try:
        result = customers.create_customer(get_odoo(), _viewer(), form, _region(),
                                           confirmed=form.get("confirm") == "1")
    except customers.CustomerError as exc:
        return render_template("customers/form.html", form=form, mode="new",
                               error=exc.user_message), exc.status
    if "duplicates" in result:
        return render_template("customers/form.html", form=form, mode="new",
                               duplicates=result["duplicates"]), 409
    flash(_("Customer created."), "success")
    return redirect(url_for("customers.detail", id=result["id"]))


@bp.route("/customers/<int:id>/edit", methods=["GET", "POST"])
@login_required
def edit(id):
    if request.method == "GET":
        form = customers.edit_values(get_odoo(), _viewer(), id)
        return render_template("customers/form.html", form=form, mode="edit", id=id)
    try:
        customers.update_customer(get_odoo(), _viewer(), id, request.form, _region())
    except customers.CustomerError as exc:
        return render_template("customers/form.html", form=request.form, mode="edit", id=id,
                               error=exc.user_message), exc.status
    flash(_("Customer saved."), "success")
    return redirect(url_for("customers.detail", id=id))
