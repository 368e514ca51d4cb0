"""Inventory: transfers to do, working one (quantities, availability, validation and Odoo's
questions), the van's stock, and parts used on a job (a partial on the job page).

Every action is a small POST form with PRG; a refusal renders the same page again with the
message and what was typed (422). Odoo's wizard questions come back as a signed token in the
transfer's URL (``?ask=``), so a reload asks again instead of validating twice.
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

from app.odoo.client import AccessError, get_odoo
from app.openapi import document
from app.platform.i18n import _
from app.platform.listing import parse_list_args
from app.routes.helpers import REFUSALS, act
from app.routes.jobs import render_job_page
from app.security import login_required
from app.services import inventory, jobs
from app.services.viewer import Viewer

bp = Blueprint("inventory", __name__)


def _viewer():
    return Viewer.from_session(session)


# --------------------------------------------------------------------------- pages


@bp.get("/inventory")
@login_required
def index():
    args = request.args
    if args.get("scan"):
        found = inventory.find_by_reference(get_odoo(), _viewer(), args.get("q", ""))
        if found:
            return redirect(url_for("inventory.detail", id=found))
    query = parse_list_args(args, inventory.LIST_SPEC)
    data = inventory.list_transfers(get_odoo(), _viewer(), query, kind=args.get("kind", "all"))
    return render_template("inventory/list.html", **data), 400 if query.errors else 200


@bp.get("/inventory/van")
@login_required
def van():
    return render_template("inventory/van.html", **inventory.van_stock(get_odoo(), _viewer()))


def _render_transfer(id, *, error=None, form=None, status=200, question=None, token=None):
    transfer = inventory.transfer_detail(get_odoo(), _viewer(), id)
    page = render_template(
        "inventory/detail.html",
        transfer=transfer,
        error=error,
        form=form or {},
        question=inventory.question_view(question) if question else None,
        question_token=token,
    )
    return page, status


@bp.get("/inventory/<int:id>")
@login_required
def detail(id):
    token = request.args.get("ask", "")
    question = inventory.load_question(current_app.secret_key, id, token)
    return _render_transfer(id, question=question, token=token if question else None)


# --------------------------------------------------------------------------- working a transfer


def _follow(id, outcome):
    """Done: PRG with the message. A question: back to the transfer, asking it."""
    if outcome.question:
        token = inventory.sign_question(current_app.secret_key, id, outcome.question)
        return redirect(url_for("inventory.detail", id=id, ask=token, _anchor="question"))
    flash(outcome.message, "success")
    return redirect(url_for("inventory.detail", id=id))


def _refused(id, exc):
    return _render_transfer(id, error=exc.user_message, form=request.form.to_dict(), status=422)


def _act(id, action, *args, anchor=None):
    """Run one transfer action: PRG on success, the transfer with the refusal otherwise."""
    return act(
        lambda: action(get_odoo(), _viewer(), id, *args),
        lambda message, status: _render_transfer(id, error=message,
                                                 form=request.form.to_dict(), status=status),
        url_for("inventory.detail", id=id, _anchor=anchor),
    )


@bp.post("/inventory/<int:id>/quantities")
@login_required
def quantities(id):
    return _act(id, lambda odoo, viewer, id: inventory.save_quantities(
        odoo, viewer, id, request.form, all_done="all_done" in request.form))


@bp.post("/inventory/<int:id>/validate")
@login_required
def validate(id):
    try:
        outcome = inventory.validate(get_odoo(), _viewer(), id, request.form)
    except REFUSALS as exc:
        return _refused(id, exc)
    return _follow(id, outcome)


@bp.post("/inventory/<int:id>/answer")
@login_required
def answer(id):
    token = request.form.get("token", "")
    question = inventory.load_question(current_app.secret_key, id, token)
    if question is None:
        flash(_("That question has expired. Validate again to see Odoo's question."), "warning")
        return redirect(url_for("inventory.detail", id=id))
    try:
        outcome = inventory.answer_question(
            get_odoo(), _viewer(), id, question, request.form.get("answer", "")
        )
    except REFUSALS as exc:
        return _render_transfer(id, error=exc.user_message, status=422,
                                question=question, token=token)
    return _follow(id, outcome)


@bp.post("/inventory/<int:id>/assign")
@login_required
def assign(id):
    return _act(id, inventory.check_availability)


@bp.post("/inventory/<int:id>/scan")
@login_required
def scan(id):
    return _act(id, inventory.scan_line, request.form.get("code", ""), anchor="lines")


# --------------------------------------------------------------------------- parts on a job


PARTS_JOB_FIELDS = ["name", "is_closed", "location_id"]


def _job_for_parts(job_id):
    return jobs.fetch_order(get_odoo(), _viewer(), job_id, PARTS_JOB_FIELDS)


def _render_parts(job_id, *, error=None, form=None, status=200):
    """The job's parts page (2 RPCs: the job, its parts; sent together once the job's
    reference is known on this server); refusals come back here with what was typed."""
    odoo = get_odoo()
    name = inventory.known_job_name(odoo, job_id) if session.get("stock_access") != "none" \
        else None
    order = jobs.fetch_order(odoo, _viewer(), job_id, PARTS_JOB_FIELDS,
                             alongside=inventory.moves_call(name) if name else None)
    inventory.remember_job_name(odoo, job_id, order.get("name"))
    job = inventory.parts_job(order)
    moves = order.get("alongside")
    if name and name == order.get("name") and isinstance(moves, list):
        used = inventory.parts_of(moves)
    elif isinstance(moves, AccessError):
        used = None  # as _job_parts_for_template: the job without its parts section
    else:  # not known yet, renamed since, or the read failed: read (or raise) again
        used = _job_parts_for_template(job)
    return render_template("inventory/job_parts.html", job=job, used=used,
                           error=error, form=form or {}), status


@bp.get("/inventory/jobs/<int:job_id>/parts")
@login_required
def job_parts_page(job_id):
    return _render_parts(job_id)


@bp.get("/api/inventory/products")
@document(summary="Parts picker suggestions: products by name, reference or barcode",
          description="What the user's van holds comes first; used by the job page's parts "
                      "combobox.",
          tags=["Stock"], query={"q": {"type": "string"}}, errors=(401, 403, 503),
          responses={200: {"results": {"type": "array", "items": {"type": "object"}}}})
@login_required
def products():
    """Suggestions for the parts picker (combobox.js): name, reference or barcode, what the
    van holds first."""
    if session.get("stock_access") == "none":
        return jsonify(success=False, error=_("You have no access to stock.")), 403
    return jsonify(success=True, results=inventory.suggest_parts(
        get_odoo(), _viewer(), request.args.get("q", "")))


@bp.post("/inventory/jobs/<int:job_id>/parts")
@login_required
def add_part(job_id):
    """Add a part; from the job page (``back=job``) the technician stays on the job page."""
    on_job = request.form.get("back") == "job"
    form = {"part_product": request.form.get("product", ""),
            "part_quantity": request.form.get("quantity", "1")}
    render = render_job_page if on_job else _render_parts
    try:
        message = inventory.add_part(
            get_odoo(), _viewer(), _job_for_parts(job_id), form["part_product"],
            form["part_quantity"], product_id=request.form.get("product_id", type=int),
            version=_viewer().version,
        )
    except inventory.PartChoice as exc:
        return render(job_id, error=exc.user_message, status=422,
                      form={**form, "part_choices": exc.products})
    except REFUSALS as exc:
        return render(job_id, error=exc.user_message, form=form, status=422)
    flash(message, "success")
    if on_job:
        return redirect(url_for("jobs.detail", id=job_id, _anchor="parts"))
    return redirect(url_for("inventory.job_parts_page", job_id=job_id, _anchor="parts"))


@bp.post("/inventory/jobs/<int:job_id>/parts/<int:move_id>/remove")
@login_required
def remove_part(job_id, move_id):
    return act(
        lambda: inventory.remove_part(get_odoo(), _viewer(), _job_for_parts(job_id), move_id),
        lambda message, status: _render_parts(job_id, error=message, status=status),
        url_for("inventory.job_parts_page", job_id=job_id, _anchor="parts"),
    )


def _job_parts_for_template(job):
    """The job page's parts partial reads its data through this (one RPC); a user without
    stock rights sees the job without the parts section instead of a 403."""
    if session.get("stock_access") == "none":
        return None
    try:
        return inventory.job_parts(get_odoo(), job)
    except AccessError:
        return None


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["job_parts"] = _job_parts_for_template
