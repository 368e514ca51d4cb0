"""Inventory: one transfer with its moves."""

from __future__ import annotations

from app.odoo import versions
from app.odoo.client import OdooCall
from app.platform import chatter
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.services.inventory.common import (
    MOVE_LIMIT,
    PICKING_DETAIL_FIELDS,
    STATE_LABELS,
    QuantityFields,
    TransferForbidden,
    TransferNotFound,
    _m2o_id,
    _m2o_name,
    format_quantity,
    quantity_fields,
)
from app.services.inventory.listing import summarize_picking
from app.services.jobs.common import _from_web

# --------------------------------------------------------------------------- detail


def fetch_picking(odoo, viewer, picking_id: int, fields=None) -> dict:
    """One transfer the viewer may work.

    :raises TransferNotFound: when it does not exist. :raises TransferForbidden: when a
        technician is not its Responsible (and someone else is).
    """
    return _allowed(viewer, odoo.read("stock.picking", [picking_id], _picking_fields(fields)))


def _picking_fields(fields):
    fields = list(fields or PICKING_DETAIL_FIELDS)
    return fields if "user_id" in fields else fields + ["user_id"]


def _allowed(viewer, rows) -> dict:
    if not rows:
        raise TransferNotFound()
    rec = rows[0]
    responsible = _m2o_id(rec.get("user_id"))
    if viewer.is_technician and responsible and responsible != viewer.user_id:
        raise TransferForbidden()
    return rec


def _moves_call(picking_id: int, qf: QuantityFields) -> OdooCall:
    fields = ["product_id", "product_uom_qty", "product_uom", "state", "location_id",
              "location_dest_id", qf.done]
    fields += [f for f in (qf.picked, qf.reserved) if f]
    return OdooCall("search_read", "stock.move", [("picking_id", "=", picking_id)], fields,
                    limit=MOVE_LIMIT, order="sequence, id")


# The moves' many2one fields, as `read` gives them once converted back (see _web_moves).
_MOVE_M2O = ("product_id", "product_uom", "location_id", "location_dest_id")


def _moves_spec(qf: QuantityFields) -> dict:
    """A ``web_read`` specification of the moves' fields, each product's codes nested."""
    spec = {name: {"fields": {"display_name": {}}} if name in _MOVE_M2O else {}
            for name in _moves_call(0, qf).args[2]}
    spec["product_id"]["fields"].update(barcode={}, default_code={})
    return spec


def _moves_with_codes_call(picking_id: int, qf: QuantityFields, version: int) -> OdooCall:
    """:func:`_moves_call` with each product's barcode and reference nested in the same read
    on 17+ (``web_search_read``): no read of the product codes after."""
    call = _moves_call(picking_id, qf)
    if not versions.has_web_read(version):
        return call
    return OdooCall("call", "stock.move", "web_search_read", call.args[1],
                    specification=_moves_spec(qf), **call.kwargs)


def _picking_with_moves_call(picking_id: int, fields, qf: QuantityFields) -> OdooCall:
    """17+: the transfer with its moves (and their products' codes) nested in one ``web_read``
    (the first MOVE_LIMIT moves read; Odoo gives the others as bare ids)."""
    spec = {name: {"fields": {"display_name": {}}} for name in _picking_fields(fields)}
    spec["move_ids"] = {"fields": {**_moves_spec(qf), "sequence": {}}, "limit": MOVE_LIMIT}
    return OdooCall("call", "stock.picking", "web_read", [picking_id], specification=spec)


def _split_picking(rows) -> tuple[list[dict], dict]:
    """(the transfer's rows as ``read`` gives them, its moves' ``web_search_read`` answer) from
    :func:`_picking_with_moves_call`'s answer; the moves in stock.move's order."""
    moves = []
    for row in rows:
        moves = [m for m in row.pop("move_ids", None) or () if len(m) > 1]
        _from_web(row, {})
    moves.sort(key=lambda m: (m.pop("sequence", 0) or 0, m["id"]))
    return rows, {"records": moves}


def _web_moves(answer) -> tuple[list[dict], dict | None]:
    """(the moves as `read` gives them, {product id: codes} or None when not read nested)."""
    if not isinstance(answer, dict):
        return answer, None
    moves, codes = answer["records"], {}
    for move in moves:
        for name in _MOVE_M2O:
            value = move.get(name)
            if isinstance(value, dict):
                if name == "product_id":
                    codes[value["id"]] = tuple(c for c in (value.get("barcode"),
                                                           value.get("default_code")) if c)
                move[name] = [value["id"], value.get("display_name") or ""]
    return moves, codes


def fetch_moves(odoo, picking_id: int, qf: QuantityFields) -> list[dict]:
    call = _moves_call(picking_id, qf)
    return odoo.search_read(*call.args, **call.kwargs)


def summarize_move(move: dict, qf: QuantityFields, codes: dict) -> dict:
    product_id = _m2o_id(move.get("product_id"))
    demand = float(move.get("product_uom_qty") or 0.0)
    # From 17 `quantity` is what is reserved until the move is picked: only then is it done.
    if qf.picked and not move.get(qf.picked):
        done, reserved = 0.0, float(move.get(qf.done) or 0.0)
    else:
        done = float(move.get(qf.done) or 0.0)
        reserved = float(move.get(qf.reserved) or 0.0) if qf.reserved else None
    return {
        "id": move["id"],
        "product_id": product_id,
        "product": _m2o_name(move.get("product_id")),
        "codes": " ".join(codes.get(product_id, ())),
        "demand": demand,
        "demand_text": format_quantity(demand),
        "done": done,
        "done_text": format_quantity(done),
        "reserved_text": format_quantity(reserved) if reserved else "",
        "unit": _m2o_name(move.get("product_uom")),
        "source": _m2o_name(move.get("location_id")),
        "destination": _m2o_name(move.get("location_dest_id")),
        "state": move.get("state") or "draft",
        "state_label": STATE_LABELS.get(move.get("state"), move.get("state") or ""),
        "short": done < demand,
    }


def product_codes(odoo, product_ids) -> dict:
    """{product id: (barcode, internal reference)} for matching scans on the page."""
    if not product_ids:
        return {}
    rows = odoo.read("product.product", sorted(set(product_ids)), ["barcode", "default_code"])
    return {r["id"]: tuple(c for c in (r.get("barcode"), r.get("default_code")) if c)
            for r in rows}


def transfer_detail(odoo, viewer, picking_id: int, *, now=None) -> dict:
    """A transfer with its moves and history: 2 RPCs in one round trip on 17+ (the transfer
    with its moves and their products' codes nested, chatter), 4 in 2 before (transfer, moves,
    chatter, then the product codes); one more the first time a process sees this server (move
    fields)."""
    now = now or tzs.now_utc()
    qf = quantity_fields(odoo)
    fields = PICKING_DETAIL_FIELDS + (["message_ids"] if chatter.needs_message_ids(viewer.version)
                                      else [])
    # The transfer, its moves and its history together (one round trip); the moves and the
    # history are shown only once the transfer is known to be the viewer's.
    if versions.has_web_read(viewer.version):  # the moves nested in the transfer's read
        picking_rows, messages, _ = chatter.read_with_history(
            odoo, viewer.version, "stock.picking", picking_id,
            _picking_with_moves_call(picking_id, fields, qf))
        picking_rows, answer = _split_picking(picking_rows)
    else:
        picking_rows, messages, (answer,) = chatter.read_with_history(
            odoo, viewer.version, "stock.picking", picking_id,
            OdooCall("read", "stock.picking", [picking_id], _picking_fields(fields)),
            others=(_moves_with_codes_call(picking_id, qf, viewer.version),))
    rec = _allowed(viewer, picking_rows)
    if messages is None:  # 15: by the transfer's message_ids
        messages = chatter.fetch_messages(odoo, viewer.version, "stock.picking", picking_id,
                                          message_ids=rec.get("message_ids"))
    moves, codes = _web_moves(answer)
    if codes is None:  # 15/16: no nested read
        codes = product_codes(odoo, [_m2o_id(m.get("product_id")) for m in moves])
    row = summarize_picking(rec, viewer.tz, now)
    lines = [summarize_move(m, qf, codes) for m in moves]
    state = row["state"]
    workable = state not in ("done", "cancel")
    return {
        **row,
        "scheduled_at": fmt.format_datetime(rec.get("scheduled_date"), viewer.tz)
        if rec.get("scheduled_date")
        else "",
        "done_at": fmt.format_datetime(rec.get("date_done"), viewer.tz)
        if rec.get("date_done")
        else "",
        "backorder_of": _m2o_name(rec.get("backorder_id")),
        "messages": chatter.present(messages, tz=viewer.tz, partner_id=viewer.partner_id,
                                    now=now),
        "lines": lines,
        "can_work": workable and bool(lines),
        "can_assign": state in ("draft", "confirmed", "waiting"),
        "all_done": all(not line["short"] for line in lines),
    }
