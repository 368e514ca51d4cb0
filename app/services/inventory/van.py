"""Inventory: the technician's van (the warehouse a worker or user stocks from)."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.inventory.common import (
    _m2o_id,
    _m2o_name,
    _server_key,
    _vans,
    model_fields,
)

# --------------------------------------------------------------------------- the van


@dataclass(frozen=True)
class Van:
    warehouse_id: int | None
    name: str
    location_id: int | None
    location_name: str
    out_type_id: int | None
    is_set: bool  # False: no van configured, the company's stock stands in


def _person_warehouse(odoo, viewer) -> int | None:
    if "default_warehouse_id" not in model_fields(odoo, "fsm.person", ["default_warehouse_id"]):
        return None
    rows = odoo.search_read(
        "fsm.person", [("partner_id", "=", viewer.partner_id)], ["default_warehouse_id"], limit=1
    )
    return _m2o_id(rows[0].get("default_warehouse_id")) if rows else None


def _user_warehouse(odoo, viewer) -> int | None:
    if "property_warehouse_id" not in model_fields(odoo, "res.users", ["property_warehouse_id"]):
        return None
    rows = odoo.read("res.users", [viewer.user_id], ["property_warehouse_id"])
    return _m2o_id(rows[0].get("property_warehouse_id")) if rows else None


def _load_van(odoo, viewer) -> Van:
    wh_id = _person_warehouse(odoo, viewer) or _user_warehouse(odoo, viewer)
    fields = ["name", "lot_stock_id", "out_type_id"]
    if wh_id:
        rows = odoo.read("stock.warehouse", [wh_id], fields)
    else:
        domain = [("company_id", "=", viewer.company_id)] if viewer.company_id else []
        rows = odoo.search_read("stock.warehouse", domain, fields, limit=1)
    if not rows:
        return Van(None, "", None, "", None, False)
    wh = rows[0]
    return Van(
        warehouse_id=wh["id"],
        name=wh.get("name") or "",
        location_id=_m2o_id(wh.get("lot_stock_id")),
        location_name=_m2o_name(wh.get("lot_stock_id")),
        out_type_id=_m2o_id(wh.get("out_type_id")),
        is_set=bool(wh_id),
    )


def get_van(odoo, viewer) -> Van:
    """The viewer's van (see the module docstring), read once every few minutes per user."""
    return _vans.get(_van_key(odoo, viewer), lambda: _load_van(odoo, viewer))


def _van_key(odoo, viewer):
    # per user and active companies: the van's warehouse is seen through Odoo's company rules
    return (*_server_key(odoo), "van", viewer.user_id, viewer.companies_key)


def van_is_cached(odoo, viewer) -> bool:
    return _vans.has(_van_key(odoo, viewer))
