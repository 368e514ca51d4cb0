"""Inventory: the transfers list, its domains and lookup by reference."""

from __future__ import annotations

from datetime import datetime

from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.services.inventory.common import (
    KIND_FILTERS,
    OPEN_STATES,
    PICKING_LIST_FIELDS,
    STATE_LABELS,
    STATE_TONES,
    STATUS_FILTERS,
    _m2o_name,
)
from app.services.inventory.van import get_van

# --------------------------------------------------------------------------- list


def own_domain(viewer) -> list:
    """Technicians: transfers nobody is responsible for, or they are."""
    if not viewer.is_technician:
        return []
    return ["|", ("user_id", "=", False), ("user_id", "=", viewer.user_id)]


def search_domain(q: str) -> list:
    """Reference, partner, source document or product (name, internal reference, barcode)."""
    return [
        "|",
        "|",
        "|",
        "|",
        ("name", "ilike", q),
        ("partner_id", "ilike", q),
        ("origin", "ilike", q),
        ("move_ids.product_id", "ilike", q),
        ("move_ids.product_id.barcode", "=", q),
    ]


def list_domain(viewer, *, status="todo", kind="all", q="", van=None, now=None) -> list:
    domain = list(own_domain(viewer))
    if status == "late":
        now = now or tzs.now_utc()
        domain += [("state", "in", OPEN_STATES), ("scheduled_date", "<", tzs.to_odoo_datetime(now))]
    else:
        domain += STATUS_FILTERS.get(status) or STATUS_FILTERS["todo"]
    if kind in ("incoming", "outgoing", "internal"):
        domain.append(("picking_type_code", "=", kind))
    elif kind == "van" and van is not None:
        # no van set: the company's warehouse is not "my van", so nothing matches
        domain.append(("picking_type_id.warehouse_id", "=", van.warehouse_id)
                      if van.is_set else ("id", "=", 0))
    if q:
        domain += search_domain(q)
    return domain


def summarize_picking(rec: dict, tz_name: str, now: datetime) -> dict:
    state = rec.get("state") or "draft"
    scheduled = rec.get("scheduled_date")
    late = bool(
        scheduled
        and state in OPEN_STATES
        and tzs.parse_odoo_datetime(scheduled) < now
    )
    return {
        "id": rec["id"],
        "name": rec.get("name") or "",
        "state": state,
        "state_label": STATE_LABELS.get(state, state),
        "state_tone": "danger" if late else STATE_TONES.get(state, "warning"),
        "late": late,
        "kind": rec.get("picking_type_code") or "",
        "type": _m2o_name(rec.get("picking_type_id")),
        "partner": _m2o_name(rec.get("partner_id")),
        "origin": rec.get("origin") or "",
        "source": _m2o_name(rec.get("location_id")),
        "destination": _m2o_name(rec.get("location_dest_id")),
        "responsible": _m2o_name(rec.get("user_id")),
        "scheduled": fmt.relative_day(scheduled, tz_name, now) if scheduled else _("Not scheduled"),
        "urgent": rec.get("priority") == "1",
        "company": _m2o_name(rec.get("company_id")),  # read with several companies only
    }


def list_transfers(odoo, viewer, query, *, kind="all", now=None) -> dict:
    """Transfers to do for a :class:`~app.platform.listing.ListQuery` (status tab, search, sort,
    page) and an operation type. One RPC: one more row than a page tells whether there is a
    next one, so no count is needed ("My van" reads the van once every few minutes)."""
    now = now or tzs.now_utc()
    kind = kind if kind in KIND_FILTERS else "all"
    van = get_van(odoo, viewer) if kind == "van" else None
    domain = list_domain(viewer, status=query.filter, kind=kind, q=query.q, van=van, now=now)
    rows = odoo.search_read(
        "stock.picking",
        domain,
        PICKING_LIST_FIELDS + (["company_id"] if viewer.several_companies else []),
        limit=query.limit + 1,
        offset=query.offset,
        order=query.order(),
    )
    shown = rows[: query.limit]
    return {
        "transfers": [summarize_picking(r, viewer.tz, now) for r in shown],
        "query": query,
        "info": {"page": query.page, "pages": None, "has_next": len(rows) > query.limit,
                 "first": query.offset + 1 if shown else 0,
                 "last": query.offset + len(shown), "total": None},
        "kind": kind,
        "kind_filters": KIND_FILTERS,
        "van_missing": van is not None and not van.is_set,
    }


def find_by_reference(odoo, viewer, code: str) -> int | None:
    """A scanned transfer reference (exact, e.g. WH/OUT/00004) the viewer may open."""
    code = (code or "").strip()
    if not code:
        return None
    rows = odoo.search_read(
        "stock.picking", own_domain(viewer) + [("name", "=", code)], ["id"], limit=1
    )
    return rows[0]["id"] if rows else None
