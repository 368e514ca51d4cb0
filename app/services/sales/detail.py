"""Sales: one quote or order, and the product and customer pickers."""

from __future__ import annotations

import base64
import binascii

from markupsafe import Markup

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall
from app.platform import chatter, currency, media
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.sanitize import is_blank_html, sanitize_html
from app.platform.uploads import sniff_image_type
from app.services import jobs
from app.services.sales.common import (
    LINE_MODEL,
    MODEL,
    ORDER_DETAIL_FIELDS,
    SEARCH_LIMIT,
    ModelInfo,
    QuoteNotFound,
    SalesViewer,
    _m2o_id,
    _m2o_name,
    currency_of,
    find_customers,
    find_products,
    model_info,
    money,
    require_access,
    summarize,
    tax_names,
)
from app.services.sales.scheduling import can_schedule

# --------------------------------------------------------------------------- detail


def fetch_order(odoo, viewer: SalesViewer, order_id: int, fields) -> dict:
    """One order the viewer may see (Odoo's rules decide; 1 RPC).

    :raises QuoteNotFound: when it does not exist (or a record rule hides it on read).
    :raises SalesForbidden: for a user without sales rights.
    """
    require_access(viewer)
    found = _order_call(order_id, fields).run(odoo)
    if not found:
        raise QuoteNotFound()
    return found[0]


def _order_call(order_id: int, fields) -> OdooCall:
    return OdooCall("read", MODEL, [order_id], list(fields) or ["id"])


def _named(fields) -> dict:
    """A ``web_read`` specification giving each relational field's display name (a scalar
    field ignores it): ``jobs._from_web`` turns the answer back into `read`'s shape."""
    return {name: {"fields": {"display_name": {}}} for name in fields}


def _order_with_lines_call(order_id: int, fields, line_fields) -> OdooCall:
    """The order and its lines in one ``web_read`` (17+), the lines in their order's order."""
    spec = _named(fields)
    spec["order_line"] = {"fields": _named(line_fields), "order": "sequence, id"}
    return OdooCall("call", MODEL, "web_read", [order_id], spec)


def _lines(records, info: ModelInfo, order_currency, taxes=None) -> list[dict]:
    """Line rows; `taxes` ``{id: name}`` names each line's taxes (Odoo's Taxes column)."""
    taxes = taxes or {}
    out = []
    for r in records:
        if r.get("display_type"):  # sections and notes: shown as headings
            out.append({"id": r["id"], "heading": r.get("name") or ""})
            continue
        out.append({
            "id": r["id"],
            "heading": "",
            "product": _m2o_name(r.get("product_id")),
            "product_id": _m2o_id(r.get("product_id")),
            "description": r.get("name") or "",
            "qty": r.get("product_uom_qty") or 0,
            "qty_text": f"{r.get('product_uom_qty') or 0:g}",
            # Odoo's price of one unit after discount: the draft form's estimate starts from it.
            "net_unit": _net_unit(r),
            "price_unit": money(r.get("price_unit"), order_currency),
            "discount": r.get("discount") or 0,
            "subtotal": money(r.get("price_subtotal"), order_currency),
            "tax": money(r.get("price_tax"), order_currency),
            "has_tax": bool(r.get(info.tax_field)),
            "tax_names": ", ".join(taxes[t] for t in r.get(info.tax_field) or [] if taxes.get(t)),
        })
    return out


def _net_unit(line: dict):
    qty = line.get("product_uom_qty") or 0
    if qty:
        return round((line.get("price_subtotal") or 0.0) / qty, 6)
    return None


def quote_detail(odoo, viewer: SalesViewer, order_id: int, *, storage=None, now=None) -> dict:
    """Everything on one quote: 3 RPCs sent together when warm (order, lines, history; the
    currency and tax names from caches)."""
    now = now or tzs.now_utc()
    info = model_info(odoo)
    fields = info.order_read_fields(ORDER_DETAIL_FIELDS)
    if not chatter.needs_message_ids(viewer.version):
        fields = [f for f in fields if f != "message_ids"]
    require_access(viewer)
    # The order, its lines (by their order, as order_line lists them) and its history go out
    # together: one round trip.
    if versions.has_web_read(viewer.version):  # the lines nested in the order's read
        found, messages, _rest = chatter.read_with_history(
            odoo, viewer.version, MODEL, order_id,
            _order_with_lines_call(order_id, fields, info.line_read_fields()))
        found = [jobs._from_web(row, {"order_line": None}) for row in found]
        lines = [jobs._from_web(line, {}) for line in found[0]["order_line"]] if found else []
    else:
        lines_call = OdooCall("search_read", LINE_MODEL, [("order_id", "=", order_id)],
                              info.line_read_fields(), order="sequence, id")
        found, messages, (lines,) = chatter.read_with_history(
            odoo, viewer.version, MODEL, order_id, _order_call(order_id, fields),
            others=(lines_call,))
    if not found:
        raise QuoteNotFound()
    order = found[0]
    if messages is None:  # 15: the history by the order's message_ids
        messages = chatter.fetch_messages(odoo, viewer.version, MODEL, order_id,
                                          message_ids=order.get("message_ids"))
    currencies = currency.lookup(odoo, [order.get("currency_id")])
    order_currency = currency_of(order, currencies)
    files = {"photos": [], "videos": []}
    if storage is not None:
        files = media.collect(messages, media.record(MODEL, order_id), storage)
    chatter.present(messages, tz=viewer.tz, partner_id=viewer.partner_id, now=now)
    row = summarize(order, info, viewer.tz, now, currencies)
    state = row["state"]["key"]
    locked = bool(order.get("locked")) or state == "done"
    editable = state in ("draft", "sent")
    return {
        **row,
        "lines": _lines(lines, info, order_currency, tax_names(odoo, lines, info)),
        "untaxed": money(order.get("amount_untaxed"), order_currency),
        "currency": {"symbol": order_currency.symbol if order_currency else "",
                     "position": order_currency.position if order_currency else "after",
                     "digits": order_currency.digits if order_currency else 2},
        "taxes": money(order.get("amount_tax"), order_currency),
        "note": sanitize_html(order.get("note")) if not is_blank_html(order.get("note"))
        else Markup(""),
        "origin": order.get("origin") or "",
        "signed_by": order.get("signed_by") or "",
        "signed_on": fmt.relative_day(order.get("signed_on"), viewer.tz, now)
        if order.get("signed_on") else "",
        "messages": messages,
        "photos": files["photos"],
        "videos": files["videos"],
        "actions": {
            "edit": editable,
            "confirm": editable,
            "sign": editable,
            "send": editable,
            "cancel": state in ("draft", "sent", "sale") and not locked,
            "draft": state == "cancel",
            "schedule": can_schedule(viewer, state),
            "upload": state != "cancel",
        },
    }


def signature_image(odoo, viewer: SalesViewer, order_id: int) -> tuple[bytes, str] | None:
    """The customer's signature Odoo keeps on the order (``sale.order.signature``, as the
    portal and Fieldkit's pad write it): ``(bytes, content type)``, or None without one or
    when it is not a PNG/JPEG/WebP image (1 RPC)."""
    raw = fetch_order(odoo, viewer, order_id, ["signature"]).get("signature")
    if not raw or not isinstance(raw, str):
        return None
    try:
        data = base64.b64decode(raw, validate=False)
    except (ValueError, binascii.Error):
        return None
    kind = sniff_image_type(data)
    return (data, kind) if kind in ("image/png", "image/jpeg", "image/webp") else None


# --------------------------------------------------------------------------- searching

PRICE_FIELDS = ["lst_price", "currency_id"]


def search_products(odoo, viewer: SalesViewer, q: str) -> list[dict]:
    """Products by name, internal reference or barcode (Odoo's name_search), each with its
    sales price (``lst_price``, in the product's currency) for the form's estimate: 2 RPCs,
    the currency from the login's cache."""
    require_access(viewer)
    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return []
    found = find_products(odoo, viewer.version, q, SEARCH_LIMIT)
    prices = list_prices(odoo, [pid for pid, _name in found])
    return [{"id": pid, "name": name, **prices.get(pid, {})} for pid, name in found]


def list_prices(odoo, product_ids) -> dict:
    """``{product id: {"price", "price_text", "detail", "currency"}}``: the sales price Odoo
    starts a line from (``product.product.lst_price``). Only an estimate: Odoo applies the
    customer's price list and taxes when the line is written. The price-list price itself is
    not readable over RPC from 16 on: odoo/odoo#79605 (15.2) dropped the context-driven
    ``price`` field of products for the private ``_get_contextual_price()`` and
    ``product.pricelist._get_product_price()``. A user Odoo does not let read products gets no
    prices (1 RPC, none without ids)."""
    if not product_ids:
        return {}
    try:
        records = odoo.read("product.product", list(product_ids), PRICE_FIELDS)
    except AccessError:
        return {}
    currencies = currency.lookup(odoo, [r.get("currency_id") for r in records])
    out = {}
    for r in records:
        cur = currencies.get(_m2o_id(r.get("currency_id"))) or currency.Currency(symbol="")
        price = float(r.get("lst_price") or 0.0)
        text = cur.format(price)
        out[r["id"]] = {"price": price, "price_text": text,
                        "detail": _("List price %(price)s", price=text),
                        "currency": {"symbol": cur.symbol, "position": cur.position,
                                     "digits": cur.digits}}
    return out


def search_customers(odoo, viewer: SalesViewer, q: str) -> list[dict]:
    """Customers by name (name_search on res.partner: 1 RPC), service locations left out."""
    require_access(viewer)
    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return []
    found = find_customers(odoo, viewer.version, q, SEARCH_LIMIT)
    return [{"id": pid, "name": name} for pid, name in found]
