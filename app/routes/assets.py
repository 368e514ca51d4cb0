"""Assets: the customers' devices (list, one asset), and the partials other pages include.

`assets/_customer_assets.html` (customer page) reads its data through the Jinja global
`customer_assets(partner_id)` registered here, so the including route changes nothing.
`assets/_job_assets.html` (job page) is a link to `/assets?location=<id>`: the job page keeps
its RPC budget and the technician is one tap from the devices on site.
"""
from flask import Blueprint, render_template, request, url_for

from app.odoo.client import get_odoo
from app.platform.listing import parse_list_args
from app.routes.helpers import act
from app.security import login_required, role_required
from app.services import assets

bp = Blueprint("assets", __name__)


def _render_detail(id, *, error=None, status=200):
    return render_template("assets/detail.html", error=error,
                           **assets.asset_detail(get_odoo(), id)), status


@bp.get("/assets")
@login_required
def index():
    query = parse_list_args(request.args, assets.LIST_SPEC)
    data = assets.list_assets(get_odoo(), query, request.args.get("location", type=int))
    return render_template("assets/list.html", **data)


@bp.get("/assets/<int:id>")
@login_required
def detail(id):
    return _render_detail(id)


@bp.post("/assets/<int:id>/tickets")
@role_required("office")
def link_ticket(id):
    ticket_id = request.form.get("ticket_id", type=int)
    return act(lambda: assets.link_ticket(get_odoo(), id, ticket_id),
               lambda message, status: _render_detail(id, error=message, status=status),
               url_for("assets.detail", id=id))


def init_app(app):
    # A wrong ASSET_MODEL / ASSET_FIELDS fails at start-up (ConfigError), not on the first page.
    assets.mapping_from_config(app.config)
    app.register_blueprint(bp)
    app.jinja_env.globals["customer_assets"] = \
        lambda partner_id: assets.customer_assets(get_odoo(), partner_id, with_tickets=False)
