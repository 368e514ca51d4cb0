"""Jobs: the technician's and the office's lists of orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.odoo import versions
from app.odoo.client import OdooCall
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.listing import ListQuery, ListSpec, page_info, parse_list_args
from app.services.jobs.common import (
    MODEL,
    PRIORITY_LABELS,
    StageMap,
    _from_web,
    _m2o_id,
    _m2o_name,
    _web_spec,
    active_domain,
    address_line,
    company_fields,
    format_window,
    get_stage_map,
    list_fields,
    local_day,
    maps_url,
    remember_stage_map,
    sms_url,
    stage_call,
    stage_map_is_cached,
    tel_url,
)
from app.services.viewer import Viewer

LIST_PAGE = 100  # jobs a page of the list shows (the demo's whole list fits on one)
ACTIVE_SPEC = ListSpec(page_size=LIST_PAGE)

# --------------------------------------------------------------------------- list


def summarize_order(order, stage_map: StageMap | None, tz_name: str, now: datetime, *,
                    today: date | None = None, links: bool = True) -> dict:
    """One order as a list row: names, window in the user's zone, badges and one-tap links.
    ``today``: the user's date; a list computes it once and hands it to every row. ``links``:
    False for a list that shows no Call, Text or Navigate buttons (their URLs are left empty)."""
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
        "maps_url": maps_url(address) if links else "",
        "phone": phone,
        "tel_url": tel_url(phone) if links else "",
        "sms_url": sms_url(phone) if links else "",
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


def technician_domain(technician: str | None) -> list:
    """The office's filter as a domain: "unassigned", a person id as a string, or [] (everyone;
    an id that is not a number too)."""
    if technician == "unassigned":
        return [("person_id", "=", False), ("person_ids", "=", False)]
    if technician and technician.isdigit() and int(technician) < 2**31:
        pid = int(technician)
        return ["|", ("person_id", "=", pid), ("person_ids", "in", [pid])]
    return []


def page_call(viewer: Viewer, domain: list, fields: list[str], query: ListQuery,
              order: str) -> OdooCall:
    """A page of orders and how many there are, in one call: Odoo's ``web_search_read``
    answers ``{"length", "records"}`` and counts only when the page is full (17+ read with a
    specification, :func:`_from_web` turns the rows back into ``read``'s; 15/16 take fields)."""
    paging = {"offset": query.offset, "limit": query.limit, "order": order}
    if versions.has_web_read(viewer.version):
        return OdooCall("call", MODEL, "web_search_read", domain,
                        specification=_web_spec(fields, {}), **paging)
    return OdooCall("call", MODEL, "web_search_read", domain, fields=fields, **paging)


def list_active_jobs(odoo, viewer: Viewer, *, technician=None, query: ListQuery | None = None,
                     now: datetime | None = None) -> dict:
    """The jobs page: a technician's own jobs (office: everyone's, filterable), grouped, a page
    (``query``: ACTIVE_SPEC's paging) at a time with their count: 1 RPC (:func:`page_call`;
    the stages with it when their cache is cold)."""
    now = now or tzs.now_utc()
    query = query or parse_list_args({}, ACTIVE_SPEC)
    today = tzs.today(viewer.tz, now)
    domain = active_domain(viewer, tzs.day_range_utc(today, viewer.tz)[0])
    if not viewer.is_technician:
        domain = domain + technician_domain(technician)
    calls = [page_call(viewer, domain, list_fields(viewer.version) + company_fields(viewer),
                       query, "scheduled_date_start, id")]
    cold = not stage_map_is_cached(odoo, viewer)
    if cold:
        calls.append(stage_call())
    found, *stages = odoo.parallel(calls)
    orders, total = [_from_web(row, {}) for row in found["records"]], found["length"]
    stage_map = remember_stage_map(odoo, viewer, stages[0]) if cold else \
        get_stage_map(odoo, viewer)
    rows = [summarize_order(o, stage_map, viewer.tz, now, today=today) for o in orders]
    return {
        "groups": group_jobs(rows, today),
        "count": total,
        # A page at a time (never capped silently): the count line and the pager say where.
        "info": page_info(query, total, len(rows)),
        "query": query,
        "today": today,
        "technicians": [] if viewer.is_technician else technician_options(rows),
        "technician": technician or "",
        "show_filter": not viewer.is_technician,
        "tz": str(tzs.get_tz(viewer.tz)),
    }
