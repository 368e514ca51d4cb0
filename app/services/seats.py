"""Seat billing: each running subscription bills one managed seat per active client asset.

Subscriptions are whichever the database has (asked once with `fields_get`/`ir.model`):
- Odoo's subscriptions app: sale orders with `is_subscription`, running when
  `subscription_state = 3_progress` (17+) or `stage_category = progress` (16); the seat line is
  a sale.order.line (`product_uom_qty`);
- OCA `contract`: contract.contract with contract.line (`quantity`), running when the line is
  not cancelled and has not ended.

`plan_seat_changes` computes what should change without writing; `apply_seat_changes` writes
the quantities (adding the seat line where it is missing) and posts a note with the old and new
count on the subscription. Running it twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.services import assets as assets_service


class SeatError(Exception):
    def __init__(self, user_message):
        super().__init__(user_message)
        self.user_message = user_message


@dataclass
class SeatChange:
    kind: str                  # "sale" | "contract"
    subscription_id: int
    subscription: str          # its name, for people
    customer_id: int
    customer: str
    line_id: int | None        # None: the seat line is missing
    old: float | None          # None: no line yet
    new: int

    @property
    def action(self):
        return "add line" if self.line_id is None else "update"


def detect_flavour(odoo):
    """"sale" (subscriptions app), "contract" (OCA) or None."""
    fields = odoo.call("sale.order", "fields_get", [], attributes=["type"])
    if "is_subscription" in fields:
        return "sale"
    if odoo.search_count("ir.model", [("model", "=", "contract.line")]):
        return "contract"
    return None


def seat_product(odoo):
    """(product id, name, unit price) of the product named by SEAT_PRODUCT_CODE.

    :raises SeatError: when no such product exists.
    """
    code = current_app.config.get("SEAT_PRODUCT_CODE") or "SRV-SEAT"
    rows = odoo.search_read("product.product", [("default_code", "=", code)],
                            ["display_name", "lst_price"], limit=1)
    if not rows:
        raise SeatError(f"No product with the internal reference {code!r} (SEAT_PRODUCT_CODE).")
    return rows[0]["id"], rows[0]["display_name"], rows[0].get("lst_price") or 0.0


def active_asset_counts(odoo):
    """{customer partner id: active assets}; decommissioned assets are not counted."""
    m = assets_service.get_mapping()
    groups = odoo.read_group(m.model, m.active_domain(), [m.customer], [m.customer])
    counts = {}
    for group in groups:
        key = group.get(m.customer)
        if key:
            counts[key[0]] = group.get(f"{m.customer}_count") or group.get("__count") or 0
    return counts


def _running_sale_domain(odoo):
    fields = odoo.call("sale.order", "fields_get", [], attributes=["type"])
    if "subscription_state" in fields:
        return [("is_subscription", "=", True), ("subscription_state", "=", "3_progress")]
    return [("is_subscription", "=", True), ("stage_category", "=", "progress")]


def _m2o(value):
    return (value[0], value[1]) if isinstance(value, (list, tuple)) and value else (None, "")


def plan_seat_changes(odoo):
    """What sync would change: a list of SeatChange (only where the count differs)."""
    flavour = detect_flavour(odoo)
    if flavour is None:
        raise SeatError("This database has neither subscriptions (sale.order.is_subscription) "
                        "nor OCA contracts.")
    product_id, _, _ = seat_product(odoo)
    counts = active_asset_counts(odoo)
    if flavour == "sale":
        subs = odoo.search_read("sale.order", _running_sale_domain(odoo),
                                ["name", "partner_id"], order="id")
        lines = odoo.search_read("sale.order.line", [("order_id", "in", [s["id"] for s in subs]),
                                                     ("product_id", "=", product_id)],
                                 ["order_id", "product_uom_qty"], order="id")
        by_sub = {}
        for line in lines:
            by_sub.setdefault(line["order_id"][0], (line["id"], line["product_uom_qty"]))
    else:
        today = date.today().isoformat()
        lines = odoo.search_read("contract.line", [
            ("product_id", "=", product_id), ("is_canceled", "=", False),
            "|", ("date_end", "=", False), ("date_end", ">=", today)],
            ["contract_id", "quantity"], order="id")
        subs = odoo.search_read("contract.contract", [
            ("contract_type", "=", "sale"),
            "|", ("date_end", "=", False), ("date_end", ">=", today)], ["name", "partner_id"],
            order="id")
        by_sub = {}
        for line in lines:
            by_sub.setdefault(line["contract_id"][0], (line["id"], line["quantity"]))
    changes = []
    for sub in subs:
        customer_id, customer = _m2o(sub.get("partner_id"))
        line_id, old = by_sub.get(sub["id"], (None, None))
        new = counts.get(customer_id, 0)
        if (line_id is None and new == 0) or (old is not None and float(old) == float(new)):
            continue  # nothing to bill, or already right
        changes.append(SeatChange(flavour, sub["id"], sub.get("name") or "", customer_id,
                                  customer, line_id, old, new))
    return changes


def apply_seat_changes(odoo, changes):
    """Write the planned quantities and post a note on each subscription. Returns how many."""
    if not changes:
        return 0
    product_id, product_name, price = seat_product(odoo)
    for change in changes:
        if change.kind == "sale":
            model, line_model, qty_field = "sale.order", "sale.order.line", "product_uom_qty"
            new_line = {"order_id": change.subscription_id, "product_id": product_id,
                        qty_field: change.new}
        else:
            model, line_model, qty_field = "contract.contract", "contract.line", "quantity"
            new_line = {"contract_id": change.subscription_id, "product_id": product_id,
                        "name": product_name, "price_unit": price, qty_field: change.new}
        if change.line_id is None:
            odoo.create(line_model, new_line)
        else:
            odoo.write(line_model, [change.line_id], {qty_field: change.new})
        old = "no seat line" if change.old is None else f"{change.old:g}"
        odoo.message_post(model, change.subscription_id, (
            f"<p>Managed seats: {old} → {change.new} (active assets of the customer, "
            "counted by Fieldkit).</p>"))
    return len(changes)


def format_table(changes):
    """The dry run's table, as text."""
    header = ("Subscription", "Customer", "Old", "New", "Action")
    rows = [(c.subscription, c.customer, "-" if c.old is None else f"{c.old:g}", str(c.new),
             c.action) for c in changes]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731, E501
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
