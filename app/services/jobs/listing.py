"""Jobs: the technician's and the office's lists of orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.platform import timezone as tzs
from app.platform.i18n import _
from app.services.jobs.common import (
    LIST_LIMIT,
    PRIORITY_LABELS,
    StageMap,
    _m2o_id,
    _m2o_name,
    active_domain,
    address_line,
    company_fields,
    format_window,
    get_stage_map,
    list_fields,
    local_day,
    maps_url,
    sms_url,
    tel_url,
)
from app.services.viewer import Viewer

# --------------------------------------------------------------------------- list


def summarize_order(order, stage_map: StageMap | None, tz_name: str, now: datetime, *,
                    today: date | None = None) -> dict:
    """One order as a list row: names, window in the user's zone, badges and one-tap links.
    ``today``: the user's date; a list computes it once and hands it to every row."""
    today = today or tzs.today(tz_name, now)
    start = tzs.parse_odoo_datetime(order.get("scheduled_date_start"))
    day = local_day(start, tz_name)
    stage_id = _m2o_id(order.get("stage_id"))
    if stage_map is not None:
        state = stage_map.state_of(stage_id)
    else:
        state = "done" if order.get("is_closed") else "open"
    if state in ("new", "open") and order.get("date_start") and not order.get("date_end"):
        state = "started"
    phone = order.get("phone") or order.get("mobile") or ""
    address = address_line(order)
    persons = order.get("person_ids") or []
    return {
        "id": order["id"],
        "name": order.get("name") or f"#{order['id']}",
        "customer": _m2o_name(order.get("location_id")),
        "company": _m2o_name(order.get("company_id")),  # read with several companies only
        "company_id": _m2o_id(order.get("company_id")),
        "location_id": _m2o_id(order.get("location_id")),
        "address": address,
        "maps_url": maps_url(address),
        "phone": phone,
        "tel_url": tel_url(phone),
        "sms_url": sms_url(phone),
        "stage": {"id": stage_id, "name": _m2o_name(order.get("stage_id")), "state": state},
        "is_closed": bool(order.get("is_closed")) or state in ("done", "cancelled"),
        "priority": order.get("priority") or "0",
        "priority_label": str(PRIORITY_LABELS.get(order.get("priority") or "0", "")),
        "is_urgent": (order.get("priority") or "0") in ("2", "3"),
        "window": format_window(start, order.get("scheduled_date_end"), tz_name, now,
                                today=today),
        "local_day": day,
        "start_utc": start,
        "technician": _m2o_name(order.get("person_id")),
        "person_id": _m2o_id(order.get("person_id")),
        "person_ids": [_m2o_id(p) for p in persons],
        "unassigned": not order.get("person_id") and not persons,
        # Offline copies of the open jobs of today and tomorrow (a closed job needs no visit).
        "precache": day is not None and today <= day <= today + timedelta(days=1)
        and not (bool(order.get("is_closed")) or state in ("done", "cancelled")),
        # Changes with every write to the order: the worker refetches a kept job page only
        # when this differs from the copy's (or the copy is old).
        "version": order.get("write_date") or "",
    }


def group_jobs(rows: list[dict], today: date) -> list[dict]:
    """Today, Overdue (open, scheduled before today), Upcoming (later or not scheduled).

    ``today`` is the user's local date, so the split follows their zone (and its DST rules).
    """
    # Today first: the day's first job is the first card on the screen; what is overdue
    # follows (it used to push today's first job under the tab bar).
    groups = {"today": [], "overdue": [], "upcoming": []}
    for row in rows:
        day = row["local_day"]
        if day is None:
            groups["upcoming"].append(row)
        elif day < today:
            # A closed order only shows up here if it was done today: file it under Today.
            groups["today" if row["is_closed"] else "overdue"].append(row)
        elif day == today:
            groups["today"].append(row)
        else:
            groups["upcoming"].append(row)
    far = datetime.max.replace(tzinfo=UTC)
    for key, items in groups.items():
        items.sort(
            key=lambda r: (
                r["is_closed"] if key == "today" else False,
                r["start_utc"] or far,
                r["id"],
            )
        )
    titles = {"overdue": _("Overdue"), "today": _("Today"), "upcoming": _("Upcoming")}
    return [{"key": k, "title": titles[k], "jobs": v} for k, v in groups.items()]


def technician_options(rows: list[dict]) -> list[dict]:
    """The technicians appearing in an office user's list, for the filter (no extra RPC)."""
    seen = {}
    for row in rows:
        if row["person_id"] and row["person_id"] not in seen:
            seen[row["person_id"]] = row["technician"]
    return [
        {"id": pid, "name": name}
        for pid, name in sorted(seen.items(), key=lambda kv: kv[1].lower())
    ]


def filter_rows(rows: list[dict], technician: str | None) -> list[dict]:
    """Office filter: "unassigned", a person id as a string, or everything."""
    if not technician:
        return rows
    if technician == "unassigned":
        return [r for r in rows if r["unassigned"]]
    try:
        pid = int(technician)
    except ValueError:
        return rows
    return [r for r in rows if r["person_id"] == pid or pid in r["person_ids"]]


def list_active_jobs(odoo, viewer: Viewer, *, technician=None, now: datetime | None = None) -> dict:
    """The jobs page: a technician's own jobs (office: everyone's, filterable), grouped. ≤2 RPCs."""
    now = now or tzs.now_utc()
    today = tzs.today(viewer.tz, now)
    orders = odoo.search_read(
        "fsm.order",
        active_domain(viewer, tzs.day_range_utc(today, viewer.tz)[0]),
        list_fields(viewer.version) + company_fields(viewer),
        limit=LIST_LIMIT,
        order="scheduled_date_start, id",
    )
    stage_map = get_stage_map(odoo, viewer)
    rows = [summarize_order(o, stage_map, viewer.tz, now, today=today) for o in orders]
    options = [] if viewer.is_technician else technician_options(rows)
    shown = rows if viewer.is_technician else filter_rows(rows, technician)
    return {
        "groups": group_jobs(shown, today),
        "count": len(shown),
        # Read up to LIST_LIMIT: when that many came, more may exist, and the page says so.
        "capped": LIST_LIMIT if len(orders) >= LIST_LIMIT else None,
        "today": today,
        "technicians": options,
        "technician": technician or "",
        "show_filter": not viewer.is_technician,
        "tz": str(tzs.get_tz(viewer.tz)),
    }
