"""Sales: quotes and orders (list, detail), a new quote (from a job, a customer, an opportunity
or from scratch), actions on a quote, the customer's signature, photos and videos.

Routes stay thin: parse, one service call, PRG or render. A refusal (Odoo's or Fieldkit's) shows
the same page again with the message and what was typed (422).
"""

from urllib.parse import unquote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)

from app.odoo.client import get_odoo
from app.platform.listing import parse_list_args
from app.platform.media import VideoTooLarge, oversize_message
from app.platform.s3_service import StorageError, get_storage
from app.platform.uploads import UploadRejected, max_video_bytes
from app.routes.helpers import act, signature_endpoint
from app.security import login_required
from app.services import sales
from app.validation import whole_number

bp = Blueprint("sales", __name__)
VIDEO_ENDPOINT = "sales.video"


def _viewer():
    viewer = sales.SalesViewer.from_session(session)
    sales.require_access(viewer)
    return viewer


@bp.url_value_preprocessor
def _allow_streamed_videos(endpoint, values):
    # Runs before every before_request hook (CSRF reads the form, which checks the size): the
    # video endpoint streams up to MAX_VIDEO_BYTES, everything else keeps MAX_CONTENT_LENGTH.
    if endpoint == VIDEO_ENDPOINT:
        request.max_content_length = max_video_bytes() + 64 * 1024


@bp.get("/sales")
@login_required
def index():
    query = parse_list_args(request.args, sales.SPEC)
    data = sales.list_orders(get_odoo(), _viewer(), query)
    return render_template("sales/list.html", **data)


def _render_detail(id, *, error=None, form=None, status=200):
    quote = sales.quote_detail(get_odoo(), _viewer(), id, storage=get_storage())
    page = render_template("sales/detail.html", quote=quote, error=error, form=form or {},
                           max_video_bytes=max_video_bytes())
    return page, status


def _act(id, action, *args, form=None):
    return act(
        lambda: action(get_odoo(), _viewer(), id, *args),
        lambda message, status: _render_detail(id, error=message, form=form, status=status),
        url_for("sales.detail", id=id),
    )


@bp.get("/sales/<int:id>")
@login_required
def detail(id):
    return _render_detail(id)


def _render_new(prefill, *, error=None, form=None, status=200):
    return render_template("sales/new.html", prefill=prefill, error=error,
                           form=form or {}), status


@bp.get("/sales/new")
@login_required
def new():
    prefill = sales.new_quote_prefill(
        get_odoo(), _viewer(), job_id=request.args.get("job_id", type=int),
        partner_id=request.args.get("partner_id", type=int),
        opportunity_id=request.args.get("opportunity_id", type=int))
    return _render_new(prefill)


@bp.post("/sales/new")
@login_required
def create():
    form = request.form.to_dict()
    created = {}

    def run():
        created["id"], message = sales.create_quote(
            get_odoo(), _viewer(), request.form,
            quote_url=lambda oid: url_for("sales.detail", id=oid))
        return message

    prefill = {"partner_id": form.get("partner_id"), "customer": form.get("customer", ""),
               "job_id": whole_number(form.get("job_id")), "job_name": form.get("job_name", ""),
               "opportunity_id": form.get("opportunity_id")}
    return act(run, lambda message, status: _render_new(prefill, error=message, form=form,
                                                         status=status),
               lambda: url_for("sales.detail", id=created["id"]))


@bp.post("/sales/<int:id>/lines")
@login_required
def lines(id):
    return _act(id, sales.update_lines, request.form, form=request.form.to_dict())


@bp.post("/sales/<int:id>/confirm")
@login_required
def confirm(id):
    return _act(id, sales.confirm_quote)


@bp.post("/sales/<int:id>/cancel")
@login_required
def cancel(id):
    return _act(id, sales.cancel_quote)


@bp.post("/sales/<int:id>/draft")
@login_required
def draft(id):
    return _act(id, sales.draft_quote)


@bp.post("/sales/<int:id>/send")
@login_required
def send(id):
    return _act(id, sales.send_quote)


@bp.get("/sales/<int:id>/signature.png")
@login_required
def signature_image(id):
    """The customer's signature on the order, from Odoo (only for those who may see it)."""
    found = sales.signature_image(get_odoo(), _viewer(), id)
    if found is None:
        abort(404)
    data, kind = found
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/sales/<int:id>/job")
@login_required
def schedule(id):
    """Schedule the work: a job from the confirmed order, then its assign page (PRG)."""
    created = {}

    def run():
        created.update(sales.schedule_work(get_odoo(), _viewer(), id))
        return created["message"]

    return act(run, lambda message, status: _render_detail(id, error=message, status=status),
               lambda: url_for("dispatch.assign_page", id=created["job_id"],
                               next=url_for("sales.detail", id=id)))


@bp.post("/sales/<int:id>/photos")
@login_required
def photos(id):
    files = [(f.filename, f.read()) for f in request.files.getlist("photos")]
    return _act(id, sales.add_photos, files, get_storage())


@bp.post("/api/sales/<int:id>/videos")
@login_required
def video(id):
    """The video as the raw request body (streamed to storage, never read whole)."""
    limit = max_video_bytes()
    if request.content_length is not None and request.content_length > limit:
        return jsonify(success=False, error=oversize_message(limit)), 413
    name = unquote(request.headers.get("X-File-Name") or request.args.get("name") or "video")
    try:
        message = sales.add_video(get_odoo(), _viewer(), id, name[:200], request.stream,
                                  get_storage(), max_bytes=limit)
    except VideoTooLarge as exc:
        return jsonify(success=False, error=exc.user_message), 413
    except UploadRejected as exc:
        return jsonify(success=False, error=exc.user_message), 400
    except StorageError as exc:
        return jsonify(success=False, error=exc.user_message), 503
    return jsonify(success=True, message=message, redirect=url_for("sales.detail", id=id))


@bp.post("/api/sales/<int:id>/signature")
@login_required
def signature(id):
    def save(png, signer_name):
        result = sales.sign_and_confirm(get_odoo(), _viewer(), id, png, signer_name)
        flash(result["message"], "success")  # said on the confirmed order's page it opens
        return {"warning": result["warning"], "message": result["message"],
                "redirect": url_for("sales.detail", id=id)}

    return signature_endpoint(save)


@bp.get("/api/sales/products")
@login_required
def products():
    return jsonify(success=True, results=sales.search_products(
        get_odoo(), _viewer(), request.args.get("q", "")))


@bp.get("/api/sales/customers")
@login_required
def customers():
    return jsonify(success=True, results=sales.search_customers(
        get_odoo(), _viewer(), request.args.get("q", "")))

