"""Inventory: the van's stock and the parts used on a job."""

from __future__ import annotations

from app.odoo import versions
from app.odoo.client import AccessError, MissingError, OdooCall, UserError
from app.platform.i18n import _
from app.platform.ttl_cache import TTLCache, server_key
from app.services.inventory.common import (
    LOW_QUANTITY,
    MOVE_LIMIT,
    VAN_LIMIT,
    InventoryError,
    _m2o_id,
    _m2o_name,
    format_quantity,
    logger,
    model_fields,
    parse_quantity,
    quantity_fields,
)
from app.services.inventory.detail import fetch_moves
from app.services.inventory.van import Van, get_van
from app.services.inventory.work import validate_unattended

# --------------------------------------------------------------------------- van stock


def van_stock(odoo, viewer) -> dict:
    """What is on hand in the viewer's van, low quantities first flagged (≤ 1 RPC warm)."""
    van = get_van(odoo, viewer)
    quants = []
    if van.location_id:
        quants = odoo.search_read(
            "stock.quant",
            [("location_id", "child_of", van.location_id)],
            ["product_id", "quantity", "product_uom_id", "location_id"],
            limit=VAN_LIMIT,
        )
    rows = {}
    for q in quants:
        pid = _m2o_id(q.get("product_id"))
        unit = _m2o_name(q.get("product_uom_id"))
        row = rows.setdefault(pid, {"product_id": pid, "product": _m2o_name(q.get("product_id")),
                                    "quantity": 0.0, "unit": unit,
                                    # "3", not "3 Units": the plain count needs no unit. Odoo
                                    # names it in the user's language, so only English hides it.
                                    "unit_shown": "" if unit == "Units" else unit})
        row["quantity"] += float(q.get("quantity") or 0.0)
    items = sorted(rows.values(), key=lambda r: r["product"].lower())
    for row in items:
        row["quantity_text"] = format_quantity(row["quantity"])
        row["low"] = row["quantity"] <= LOW_QUANTITY
    return {"van": van, "items": items, "low_count": sum(1 for r in items if r["low"]),
            "low_threshold": format_quantity(LOW_QUANTITY)}


# --------------------------------------------------------------------------- parts used on a job


PART_FIELDS = ["product_id", "product_uom_qty", "product_uom", "state", "picking_id"]


def parts_domain(job_name: str) -> list:
    return [
        ("picking_id.origin", "=", job_name),
        ("picking_id.picking_type_code", "=", "outgoing"),
        ("state", "!=", "cancel"),
    ]


def parts_job(order: dict) -> dict:
    """The job as its parts page shows it, from :func:`app.services.jobs.fetch_order`'s read of
    ``name``, ``is_closed`` and ``location_id``."""
    return {"id": order["id"], "name": order.get("name") or f"#{order['id']}",
            "location": _m2o_name(order.get("location_id")),
            "actions": {"can_act": not order.get("is_closed")}}


# A job's reference names its delivery (the moves are found by the picking's origin) and does
# not change once given: kept per server, so the parts page reads the job and its moves at once.
_job_names = TTLCache(24 * 3600, shared="fsm-order-name")


def known_job_name(odoo, job_id: int) -> str | None:
    """The reference of this job seen earlier on this server, or None (no RPC)."""
    return _job_names.peek(server_key(odoo, "fsm.order-name", job_id))


def remember_job_name(odoo, job_id: int, name: str | None) -> None:
    if name and name != known_job_name(odoo, job_id):
        _job_names.put(server_key(odoo, "fsm.order-name", job_id), name)


def moves_call(job_name: str) -> OdooCall:
    """The read behind :func:`job_moves`, to send with the job's (``fetch_order(alongside=)``)."""
    return OdooCall("search_read", "stock.move", parts_domain(job_name), PART_FIELDS,
                    limit=MOVE_LIMIT, order="id")


def job_moves(odoo, job_name: str) -> list[dict]:
    """The stock moves of the parts used on a job (its delivery): one RPC."""
    return moves_call(job_name).run(odoo)


def job_parts(odoo, job: dict) -> dict:
    """The parts used on a job (its delivery's moves): one RPC."""
    return parts_of(job_moves(odoo, job["name"]))


def parts_of(moves: list[dict]) -> dict:
    """The parts of :func:`job_parts` from the moves (:func:`moves_call`'s answer)."""
    parts = [
        {
            "id": m["id"],
            "product": _m2o_name(m.get("product_id")),
            "quantity_text": format_quantity(m.get("product_uom_qty")),
            "unit": _m2o_name(m.get("product_uom")),
            "done": m.get("state") == "done",
            "delivery": _m2o_name(m.get("picking_id")),
        }
        for m in moves
    ]
    return {"parts": parts, "validated": bool(parts) and all(p["done"] for p in parts)}


PRODUCT_FIELDS = ["display_name", "barcode", "default_code", "uom_id"]


def find_products(odoo, text: str, limit=8) -> tuple[list[dict], bool]:
    """Products matching a scan or a typed text, and whether the match is exact.

    Exact (a barcode, an internal reference or the whole name, any case) comes first; otherwise
    the products whose name, reference or barcode contain the text: those are only suggestions
    (the caller asks, even for one, so "Coil" never silently becomes the first coil).
    """
    text = " ".join((text or "").split())[:100]
    if not text:
        return [], False
    exact = odoo.search_read(
        "product.product",
        ["|", "|", ("barcode", "=", text), ("default_code", "=ilike", text),
         ("name", "=ilike", text)],
        PRODUCT_FIELDS,
        limit=2,
    )
    if exact:
        return exact, True
    return odoo.search_read("product.product", _contains(text), PRODUCT_FIELDS, limit=limit), False


def _contains(text: str) -> list:
    return ["|", "|", ("name", "ilike", text), ("default_code", "ilike", text),
            ("barcode", "ilike", text)]


def suggest_parts(odoo, viewer, text: str, limit=8) -> list[dict]:
    """Suggestions for the parts picker (the combobox): products whose name, internal reference
    or barcode contain `text`, those the viewer's van holds first, each with what it holds.
    An empty text lists what the van holds. 2 RPCs (the van is cached, see :func:`get_van`).
    """
    text = " ".join((text or "").split())[:100]
    van = get_van(odoo, viewer)
    where = [("location_id", "child_of", van.location_id), ("quantity", ">", 0)]
    if text:
        products = odoo.search_read("product.product", _contains(text), PRODUCT_FIELDS,
                                    limit=limit * 3)
        ids = [p["id"] for p in products]
        quants = odoo.search_read("stock.quant", where + [("product_id", "in", ids)],
                                  ["product_id", "quantity"], limit=VAN_LIMIT) \
            if van.location_id and ids else []
    else:
        quants = odoo.search_read("stock.quant", where, ["product_id", "quantity"],
                                  limit=VAN_LIMIT) if van.location_id else []
        ids = list(dict.fromkeys(_m2o_id(q.get("product_id")) for q in quants))[:limit * 3]
        products = odoo.read("product.product", ids, PRODUCT_FIELDS) if ids else []
    held: dict[int, float] = {}
    for q in quants:
        pid = _m2o_id(q.get("product_id"))
        held[pid] = held.get(pid, 0.0) + float(q.get("quantity") or 0.0)
    products.sort(key=lambda p: (p["id"] not in held, (p.get("display_name") or "").lower()))
    return [_suggestion(p, held.get(p["id"])) for p in products[:limit]]


def _suggestion(product: dict, held: float | None) -> dict:
    name = product.get("display_name") or ""
    code = product.get("default_code")
    bits = [code if code and code not in name else None, product.get("barcode")]
    unit = _m2o_name(product.get("uom_id"))
    bits.append(_("%(quantity)s %(unit)s in your van", quantity=format_quantity(held),
                  unit=unit).replace("  ", " ") if held else _("not in your van"))
    return {"id": product["id"], "name": name, "detail": " · ".join(b for b in bits if b)}


def _job_delivery(odoo, job_name: str):
    rows = odoo.search_read(
        "stock.picking",
        [("origin", "=", job_name), ("picking_type_code", "=", "outgoing"),
         ("state", "not in", ["done", "cancel"])],
        ["location_id", "location_dest_id", "state"],
        limit=1,
        order="id desc",
    )
    return rows[0] if rows else None


def _new_delivery_vals(odoo, viewer, order: dict, van: Van) -> dict:
    has = model_fields(odoo, "fsm.location", ["inventory_location_id", "partner_id"])
    location = odoo.read("fsm.location", [_m2o_id(order["location_id"])],
                         [f for f in ("partner_id", "inventory_location_id") if f in has])
    location = location[0] if location else {}
    dest = _m2o_id(location.get("inventory_location_id"))
    if not dest:
        rows = odoo.search_read("stock.location", [("usage", "=", "customer")], ["id"], limit=1)
        dest = rows[0]["id"] if rows else False
    if not van.out_type_id or not van.location_id:
        raise InventoryError(_("No warehouse or van is set up in Odoo for parts. Ask the office."))
    vals = {
        "picking_type_id": van.out_type_id,
        "location_id": van.location_id,
        "location_dest_id": dest,
        "partner_id": _m2o_id(location.get("partner_id")) or False,
        "origin": order["name"],
        "user_id": viewer.user_id,
    }
    if "fsm_order_id" in model_fields(odoo, "stock.picking", ["fsm_order_id"]):
        vals["fsm_order_id"] = order["id"]  # OCA fieldservice_stock links it to the order
    return vals


def add_part(odoo, viewer, order: dict, product_text: str, quantity_text, *, product_id=None,
             version=17) -> str:
    """Add a part used on the job: a move in the job's delivery (created on the first part).

    `order` is the job as :func:`app.services.jobs.fetch_order` returns it (ownership checked).
    :raises InventoryError: for a bad quantity, no or several matching products, a closed job.
    """
    quantity = parse_quantity(quantity_text, _("Quantity"))
    if quantity <= 0:
        raise InventoryError(_("Quantity: use at least 1."), field="quantity")
    if order.get("is_closed"):
        raise InventoryError(_("This job is closed: parts can't be added any more."))
    if product_id:
        products, exact = odoo.read("product.product", [int(product_id)], PRODUCT_FIELDS), True
    else:
        products, exact = find_products(odoo, product_text)
    if not products:
        raise InventoryError(_("No product matches “%(text)s”.",
                               text=(product_text or "").strip()), field="product")
    if len(products) > 1 or not exact:
        raise PartChoice(products)
    product = products[0]
    delivery = _job_delivery(odoo, order["name"])
    move = {
        "product_id": product["id"],
        "product_uom_qty": quantity,
        "product_uom": _m2o_id(product.get("uom_id")) or False,
    }
    if versions.has_field(version, "stock.move", "name"):
        move["name"] = product.get("display_name") or ""  # 19's stock.move has no name
    if delivery:
        move.update(location_id=_m2o_id(delivery.get("location_id")),
                    location_dest_id=_m2o_id(delivery.get("location_dest_id")))
        odoo.write("stock.picking", [delivery["id"]], {"move_ids": [(0, 0, move)]})
    else:
        vals = _new_delivery_vals(odoo, viewer, order, get_van(odoo, viewer))
        move.update(location_id=vals["location_id"], location_dest_id=vals["location_dest_id"])
        vals["move_ids"] = [(0, 0, move)]
        odoo.create("stock.picking", vals)
    return _("Added %(quantity)s × %(product)s.", quantity=format_quantity(quantity),
             product=product.get("display_name"))


class PartChoice(InventoryError):
    """Several products match: the page offers them to pick from."""

    def __init__(self, products):
        super().__init__(_("Several products match: pick one.") if len(products) > 1 else
                         _("Is this the product? Pick it to add it."), field="product")
        self.products = [{"id": p["id"], "name": p.get("display_name") or ""} for p in products]


def remove_part(odoo, viewer, order: dict, move_id: int) -> str:
    """Take back a part added by mistake (only while the job's delivery is not validated)."""
    rows = odoo.search_read("stock.move", parts_domain(order["name"]) + [("id", "=", move_id)],
                            ["state", "product_id"], limit=1)
    if not rows:
        raise InventoryError(_("That part is not on this job any more."))
    if rows[0].get("state") == "done":
        raise InventoryError(_("That part is already delivered: the office can return it in "
                               "Odoo."))
    odoo.call("stock.move", "unlink", [move_id])
    return _("Removed %(product)s.", product=_m2o_name(rows[0].get("product_id")))


def validate_job_parts(odoo, job_name: str) -> str | None:
    """The job is finished: confirm, reserve and validate its delivery of parts, all used.

    Returns a message for the technician, or None when the job used no parts. Odoo's refusals
    propagate (UserError), so the caller decides whether finishing still counts.
    """
    delivery = _job_delivery(odoo, job_name)
    if delivery is None:
        return None
    qf = quantity_fields(odoo)
    pid = delivery["id"]
    if delivery.get("state") == "draft":
        odoo.call("stock.picking", "action_confirm", [pid])
    moves = fetch_moves(odoo, pid, qf)
    by_value: dict[float, list[int]] = {}
    for m in moves:
        by_value.setdefault(float(m.get("product_uom_qty") or 0.0), []).append(m["id"])
    for value, ids in by_value.items():
        odoo.write("stock.move", ids, qf.values(value))
    if validate_unattended(odoo, pid):
        return _("Parts delivered from your van.")
    return _("Parts recorded; the office will confirm the delivery in Odoo.")


def safe_validate_job_parts(odoo, job_name: str) -> str | None:
    """As :func:`validate_job_parts`, but a refusal does not undo the finished job: it is
    logged and said, and the delivery stays open for the office."""
    if not job_name:
        return None
    try:
        return validate_job_parts(odoo, job_name)
    except (UserError, AccessError, MissingError, InventoryError) as exc:
        logger.warning("parts of %s not validated: %s", job_name, exc)
        return _("The parts were recorded but Odoo did not validate the delivery; the office "
                 "will finish it.")
