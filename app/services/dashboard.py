"""The office dashboard: the day at a glance, from Odoo's own aggregates.

At most 8 reads (`read_group` and `search_count`; 9 while the order stages are not cached),
sent together through `OdooAPI.parallel`, so the page costs about one Odoo round trip:

1. today's field service orders by stage, technician and actual end (count, scheduled
   hours): gives the jobs by stage and each technician's day (jobs, hours, done; a cancelled
   job is no work: it counts in its stage only, known from the order stages that
   `jobs.get_stage_map` caches, read in the same round trip when not cached: a 7th read);
2. open unassigned orders; 3. open overdue orders (scheduled before the user's midnight);
4. quotations waiting for confirmation (draft and sent) and their value per currency (shown
   with its symbol, as Odoo does; the currencies come with the login);
5. the CRM pipeline's expected revenue by stage; 6. late transfers (as Odoo's "Late" filter);
7. jobs handed to the office to invoice; 8. unpaid posted customer invoices (issue 32).

The sales, CRM and stock reads are left out for a user whose access to that app is "none"
(session keys from login), and a refused read (AccessError) shows as "not available" rather
than failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app.odoo.client import AccessError, OdooCall, OdooError
from app.platform import currency
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.services import dispatch, invoices, jobs

QUOTE_STATES = ("draft", "sent")
LATE_PICKING_STATES = ("assigned", "waiting", "confirmed")


@dataclass(frozen=True)
class Access:
    """Which apps' numbers this user may see (from the session's *_access keys)."""

    sales: bool = True
    crm: bool = True
    stock: bool = True

    @classmethod
    def from_session(cls, session) -> Access:
        return cls(sales=session.get("sales_access", "all") != "none",
                   crm=session.get("crm_access", "all") != "none",
                   stock=session.get("stock_access", "user") != "none")


def _m2o(value):
    """(id, name) of a read_group many2one value; (None, "") for the empty group."""
    if isinstance(value, (list, tuple)) and value:
        return value[0], (value[1] if len(value) > 1 else "")
    return None, ""


def _count(group, groupby, lazy):
    """A group's record count: `<field>_count` (lazy) or `__count` (not lazy)."""
    if not lazy:
        return group.get("__count", 0) or 0
    return group.get(f"{groupby}_count", group.get("__count", 0)) or 0


def calls(viewer, access: Access, now: datetime, *, stages=False) -> dict[str, OdooCall]:
    """The dashboard's reads by name; built here, before the threads (no request context).
    `stages`: also read the order stages (when the stage map is not cached)."""
    today = tzs.today(viewer.tz, now)
    start, end = tzs.day_range_utc(today, viewer.tz)
    out = {
        "today": OdooCall(
            "read_group", "fsm.order",
            [("scheduled_date_start", ">=", start), ("scheduled_date_start", "<", end)],
            ["scheduled_duration:sum"], ["stage_id", "person_id", "date_end:day"], lazy=False),
        "unassigned": OdooCall("search_count", "fsm.order",
                               [("is_closed", "=", False)] + dispatch.unassigned_domain()),
        "overdue": OdooCall("search_count", "fsm.order", dispatch.overdue_domain(start)),
    }
    if access.sales:
        out["quotes"] = OdooCall("read_group", "sale.order", [("state", "in", QUOTE_STATES)],
                                 ["amount_total:sum"], ["currency_id"], lazy=True)
    if access.crm:
        out["pipeline"] = OdooCall("read_group", "crm.lead", [("type", "=", "opportunity")],
                                   ["expected_revenue:sum"], ["stage_id"], lazy=True)
    if access.stock:
        out["late"] = OdooCall("search_count", "stock.picking", [
            ("scheduled_date", "<", tzs.to_odoo_datetime(now)),
            ("state", "in", LATE_PICKING_STATES)])
    out["to_invoice"] = OdooCall("search_count", "fsm.order", dispatch.TO_INVOICE_DOMAIN)
    if access.sales:  # salesmen read customer invoices (sale's rules); others: not available
        out["unpaid"] = OdooCall("search_count", "account.move",
                                 invoices.filter_domain(viewer, "unpaid", now=now))
    if stages:
        out["stages"] = jobs.stage_call()
    return out


def today_summary(groups, cancelled_id=None) -> tuple[list[dict], list[dict]]:
    """(jobs by stage, each technician's day) from the today read_group.

    A job counts as done when it has an actual end (`date_end`), which Odoo requires to
    complete it. Jobs in the cancelled stage (`cancelled_id`) count in their stage only: a
    job cancelled on site has an end too, but it is neither work planned nor work done.
    """
    by_stage, people = {}, {}
    for group in groups or []:
        count = _count(group, None, lazy=False)
        hours = group.get("scheduled_duration") or 0.0
        done = bool(group.get("date_end:day"))
        stage_id, stage_name = _m2o(group.get("stage_id"))
        # Groups come in the stages' own order (sequence), the first grouping.
        entry = by_stage.setdefault(stage_id, {"id": stage_id, "name": stage_name or _("No stage"),
                                               "count": 0})
        entry["count"] += count
        if cancelled_id is not None and stage_id == cancelled_id:
            continue
        person_id, person_name = _m2o(group.get("person_id"))
        person = people.setdefault(person_id, {
            "id": person_id, "name": person_name or _("Unassigned"), "jobs": 0, "done": 0,
            "hours": 0.0})
        person["jobs"] += count
        person["hours"] += hours
        person["done"] += count if done else 0
    technicians = sorted(people.values(),
                         key=lambda p: (p["id"] is None, p["name"].lower(), p["id"] or 0))
    top = max([p["hours"] for p in technicians] + [1.0])
    for person in technicians:
        person["hours"] = round(person["hours"], 2)
        # Bar lengths in percent of the busiest technician's scheduled hours.
        person["bar"] = round(100 * person["hours"] / top, 1)
        person["done_bar"] = round(person["bar"] * person["done"] / person["jobs"], 1) \
            if person["jobs"] else 0.0
    return list(by_stage.values()), technicians


def quotes_summary(groups, currencies=None) -> dict:
    """Count and value of the quotes to confirm; `values`: the value per currency as Odoo
    shows it, whole units (amounts in different currencies are never added up)."""
    count = sum(_count(g, "currency_id", lazy=True) for g in groups or [])
    value = sum(g.get("amount_total") or 0.0 for g in groups or [])
    values = []
    for group in groups or []:
        currency_id, code = _m2o(group.get("currency_id"))
        shown = (currencies or {}).get(currency_id) or currency.Currency(symbol=code)
        values.append(replace(shown, digits=0).format(group.get("amount_total") or 0.0))
    return {"count": count, "value": round(value, 2), "values": values}


def pipeline_summary(groups) -> list[dict]:
    out = []
    for group in groups or []:
        stage_id, name = _m2o(group.get("stage_id"))
        out.append({"id": stage_id, "name": name or _("No stage"),
                    "count": _count(group, "stage_id", lazy=True),
                    "value": round(group.get("expected_revenue") or 0.0, 2)})
    return out


def load_dashboard(odoo, viewer, access: Access, *, now: datetime | None = None) -> dict:
    """Every number of the dashboard: ≤ 8 RPCs in one parallel round trip (9 with the stages).

    A part Odoo refuses (AccessError) is None ("not available"); other errors fail the page
    as usual (503 for Odoo unreachable, login again for an expired session).
    """
    now = now or tzs.now_utc()
    need_stages = not jobs.stage_map_is_cached(odoo, viewer)
    named = calls(viewer, access, now, stages=need_stages)
    results = dict(zip(named, odoo.parallel(list(named.values()), return_errors=True),
                       strict=True))
    for value in results.values():
        if isinstance(value, OdooError) and not isinstance(value, AccessError):
            raise value

    def part(name, summarize=lambda v: v):
        value = results.get(name)
        return None if value is None or isinstance(value, OdooError) else summarize(value)

    if not need_stages:
        stage_map = jobs.get_stage_map(odoo, viewer)
    else:
        stage_map = part("stages", lambda found: jobs.remember_stage_map(odoo, viewer, found))
    cancelled = stage_map.cancelled.id if stage_map and stage_map.cancelled else None
    stages, technicians = part("today", lambda groups: today_summary(groups, cancelled)) \
        or ([], [])
    today = tzs.today(viewer.tz, now)
    return {
        "today": today,
        "tz": str(tzs.get_tz(viewer.tz)),
        "today_total": sum(s["count"] for s in stages),
        "stages": stages,
        "technicians": technicians,
        "unassigned": part("unassigned"),
        "overdue": part("overdue"),
        "quotes": part("quotes", lambda groups: quotes_summary(
            groups, currency.lookup(odoo, [g.get("currency_id") for g in groups]))),
        "pipeline": part("pipeline", pipeline_summary),
        "late_transfers": part("late"),
        "to_invoice": part("to_invoice"),
        "unpaid": part("unpaid"),
        "access": access,
    }
