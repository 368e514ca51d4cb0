"""Sales: the quotes and orders list."""

from __future__ import annotations

from app.odoo.client import OdooCall
from app.platform import currency
from app.platform import timezone as tzs
from app.platform.listing import page_info, search_domain
from app.services import jobs
from app.services.sales.common import (
    MODEL,
    ORDER_LIST_FIELDS,
    ModelInfo,
    SalesViewer,
    model_info,
    require_access,
    summarize,
)

# --------------------------------------------------------------------------- list


def list_domain(viewer: SalesViewer, info: ModelInfo, filter_key: str, q: str) -> list:
    domain = []
    if filter_key == "mine":
        domain = [("user_id", "=", viewer.user_id)]
    elif filter_key == "to_confirm":
        domain = [("state", "in", ["draft", "sent"])]
    elif filter_key == "confirmed":
        domain = [("state", "in", info.confirmed_states)]
    return domain + search_domain(q, ["name", "partner_id"])


def list_orders(odoo, viewer: SalesViewer, query, *, now=None) -> dict:
    """The quotes page: one page of orders and their count, sent together (2 RPCs when warm)."""
    require_access(viewer)
    now = now or tzs.now_utc()
    info = model_info(odoo)
    domain = list_domain(viewer, info, query.filter, query.q)
    orders, total = odoo.parallel([
        OdooCall("search_read", MODEL, domain,
                 info.order_read_fields(ORDER_LIST_FIELDS + jobs.company_fields(viewer)),
                 limit=query.limit, offset=query.offset, order=query.order()),
        OdooCall("search_count", MODEL, domain),
    ])
    # The currencies came with the login: no call here once this process has seen them.
    currencies = currency.lookup(odoo, [o.get("currency_id") for o in orders])
    rows = [summarize(o, info, viewer.tz, now, currencies) for o in orders]
    return {"rows": rows, "query": query, "info": page_info(query, total, len(rows)),
            "tz": str(tzs.get_tz(viewer.tz))}
