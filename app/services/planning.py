"""Planning for dispatch: the office's plan of the day (or week), one lane per technician
(``fsm.person``) plus the unassigned pool; re-planning as a draft, suggested free slots, the jobs
board. Assigning itself (checks and the write) is :func:`app.services.dispatch.assign_job`, the
same as on the job page.

Odoo facts used here:

* A job is planned by ``person_id`` (fsm.person), ``scheduled_date_start`` (UTC) and
  ``scheduled_duration`` (hours); OCA fieldservice computes ``scheduled_date_end`` from them.
* Working hours are the company's ``resource_calendar_id``: ``resource.calendar.attendance``
  rows (``dayofweek`` "0" = Monday, ``hour_from``/``hour_to`` floats in the calendar's zone;
  from 17 a ``day_period`` "lunch" row marks the break, which is not working time).
* Completing a job goes through ``action_complete`` and cancelling through ``action_cancel``:
  the board reuses the job actions of :mod:`app.services.jobs`, never a raw stage write.

The draft of planning mode is Fieldkit's own data (not yet in Odoo), kept per user in the shared
store so every process sees it; publishing writes each change as the office user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.odoo.client import AccessError, MissingError, OdooCall, UserError
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _, ngettext
from app.platform.ttl_cache import TTLCache, server_key
from app.services import checklists, dispatch, jobs
from app.services.jobs import JobActionError, _m2o_id
from app.services.viewer import Viewer
from app.validation import InvalidInput

ORDER_FIELDS = ["name", "stage_id", "priority", "scheduled_date_start", "scheduled_date_end",
                "scheduled_duration", "location_id", "person_id", "is_closed", "city",
                "template_id"]
PLAN_WINDOW = 150   # cards a plan shows at most; every lane says how many it has
DEFAULT_HOURS = ((8.0, 12.0), (13.0, 17.0))   # when the company has no working calendar
CALENDAR_CACHE_SECONDS = 300
PLAN_TTL_SECONDS = 14 * 24 * 3600
SLOT_HORIZON_DAYS = 14
SLOT_STEP_MINUTES = 15
MIN_DURATION, MAX_DURATION = 0.25, 24.0

# Errors a plan change or an assignment may meet: shown to the user, the change kept.
REFUSALS = (UserError, AccessError, MissingError, JobActionError, InvalidInput)


DispatchError = dispatch.AssignError


# --------------------------------------------------------------------------- working hours


@dataclass(frozen=True)
class WorkingHours:
    """Working periods per weekday (0 = Monday) in the calendar's zone."""

    tz: str
    periods: dict

    def on(self, day: date) -> list[tuple[float, float]]:
        return self.periods.get(day.weekday(), [])

    def hours_on(self, day: date) -> float:
        return sum(end - start for start, end in self.on(day))


def build_working_hours(attendances, tz: str) -> WorkingHours:
    """Merge attendance rows into sorted periods per weekday; lunch rows are breaks."""
    periods: dict[int, list] = {}
    for row in attendances:
        if row.get("day_period") == "lunch" or row.get("display_type"):
            continue
        try:
            weekday = int(row.get("dayofweek"))
        except (TypeError, ValueError):
            continue
        periods.setdefault(weekday, []).append((float(row["hour_from"]), float(row["hour_to"])))
    for weekday, items in periods.items():
        items.sort()
        merged = [items[0]]
        for start, end in items[1:]:
            if start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        periods[weekday] = merged
    return WorkingHours(tz=tz, periods=periods)


DEFAULT_WORKING_HOURS = WorkingHours(tz="", periods={d: list(DEFAULT_HOURS) for d in range(5)})

_calendar_cache = TTLCache(
    CALENDAR_CACHE_SECONDS, shared="working-hours",
    encode=lambda hours: {"tz": hours.tz, "periods": [
        [day, [list(period) for period in periods]] for day, periods in hours.periods.items()]},
    decode=lambda value: WorkingHours(tz=value["tz"], periods={
        int(day): [tuple(period) for period in periods] for day, periods in value["periods"]}))


def get_working_hours(odoo, viewer: Viewer) -> WorkingHours:
    """The company's working hours, read once every few minutes per company (configuration)."""
    return _calendar_cache.get(server_key(odoo, viewer.company_id),
                               lambda: _load_working_hours(odoo, viewer))


def _load_working_hours(odoo, viewer: Viewer) -> WorkingHours:
    domain = [("calendar_id.company_id", "=", viewer.company_id)] if viewer.company_id else []
    rows = odoo.search_read("resource.calendar.attendance", domain,
                            ["dayofweek", "hour_from", "hour_to", "day_period", "calendar_id"])
    # A company may own several calendars: take the one with most rows (its standard week).
    by_calendar: dict = {}
    for row in rows:
        by_calendar.setdefault(_m2o_id(row.get("calendar_id")), []).append(row)
    best = max(by_calendar.values(), key=len) if by_calendar else []
    hours = build_working_hours(best, viewer.tz) if best else DEFAULT_WORKING_HOURS
    if not hours.tz:
        hours = WorkingHours(tz=viewer.tz, periods=hours.periods)
    return hours


def clear_caches():
    _calendar_cache.clear()


# --------------------------------------------------------------------------- the plan view


def parse_day(value, tz_name, now=None) -> date:
    """A `YYYY-MM-DD` from the query string, or the user's today (bad input: today)."""
    if value:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            pass
    return tzs.today(tz_name, now)


def _local(value, tz_name):
    return tzs.to_local(value, tz_name) if value else None


def _hours(moment: datetime) -> float:
    return moment.hour + moment.minute / 60


def card_from_order(order, stage_map, viewer: Viewer, now, steps=None, today=None) -> dict:
    """A plan card: the list row of jobs plus what the timeline needs (`steps`: the templates'
    activities, checklists.template_steps; `today`: the user's date, computed once a page)."""
    row = jobs.summarize_order(order, stage_map, viewer.tz, now, today=today, links=False)
    row["template"] = checklists.template_summary(order, steps or {})
    duration = float(order.get("scheduled_duration") or 0) or 1.0
    row.update(city=order.get("city") or "", overlap=False, draft=False)
    place_card(row, _local(row["start_utc"], viewer.tz), duration, viewer.tz, now, today)
    return row


def place_card(card, start, duration, tz_name, now, today=None) -> None:
    """A card's times: its local start and end, and their texts, written once here rather than
    formatted again by the template for each of the card's mentions of them."""
    end = start + timedelta(hours=duration) if start else None
    wall = start.replace(tzinfo=None) if start else None
    card.update(
        duration=duration,
        duration_label=fmt.format_duration(duration),
        start_local=start,
        end_local=end,
        start_input=fmt.input_value(start),
        start_text=fmt.format_time(wall) if start else "",
        end_text=fmt.format_time(end.replace(tzinfo=None)) if end else "",
        day_text=fmt.relative_day(wall, tz_name, now, today=today) if start else "",
    )


def _range_utc(first: date, days: int, tz_name: str) -> tuple[str, str]:
    start = tzs.day_range_utc(first, tz_name)[0]
    end = tzs.day_range_utc(first + timedelta(days=days - 1), tz_name)[1]
    return start, end


def plan_domain(start_utc: str, end_utc: str) -> list:
    """Jobs scheduled in the range, plus every open unassigned job (the pool)."""
    return ["|", "&", ("scheduled_date_start", ">=", start_utc),
            ("scheduled_date_start", "<", end_utc),
            "&", ("person_id", "=", False), ("is_closed", "=", False)]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def load_plan(odoo, viewer: Viewer, day: date, *, view="day", draft=None,
              now: datetime | None = None) -> dict:
    """The dispatch page: lanes of technicians and the unassigned pool for a day or a week.

    RPCs: the window's jobs and the lanes' counts together (the stages and technicians with
    them when their caches are cold), and the working hours when theirs is.
    `draft`: planning-mode changes shown in place of Odoo's values.
    """
    now = now or tzs.now_utc()
    first, days = (week_start(day), 7) if view == "week" else (day, 1)
    start_utc, end_utc = _range_utc(first, days, viewer.tz)
    domain = plan_domain(start_utc, end_utc)
    # The cards of the window and every lane's count (and the pool's) in one round trip; the
    # stages and technicians join it when their caches are cold.
    extra = dispatch.config_calls(odoo, viewer)
    orders, groups, *fetched = odoo.parallel([
        OdooCall("search_read", "fsm.order", domain, ORDER_FIELDS + jobs.company_fields(viewer),
                 limit=PLAN_WINDOW, order="scheduled_date_start, id"),
        OdooCall("read_group", "fsm.order", domain, ["person_id"], ["person_id", "is_closed"],
                 lazy=False),
        *extra.values()])
    stage_map, persons = dispatch.keep_config(odoo, viewer, dict(zip(extra, fetched,
                                                                     strict=True)))
    hours = get_working_hours(odoo, viewer)
    steps = checklists.template_steps(odoo, viewer)
    today = tzs.today(viewer.tz, now)
    cards = [card_from_order(o, stage_map, viewer, now, steps, today) for o in orders]
    names = {p["id"]: p.get("name") or "" for p in persons}
    if draft:
        apply_draft(cards, draft, names, viewer)
    day_list = [first + timedelta(days=i) for i in range(days)]
    lanes = build_lanes(persons, cards, day_list, hours)
    pool = sorted((c for c in cards if c["unassigned"] and not c["is_closed"]),
                  key=lambda c: (c["start_local"] is None, c["start_local"] or now, c["id"]))
    counts = lane_counts(groups)
    for lane in lanes:
        shown = sum(len(cell["cards"]) for cell in lane["cells"])
        lane["count"] = max(counts.get(lane["id"], 0), shown)
        lane["hidden"] = lane["count"] - shown
    pool_count = max(counts.get("pool", 0), len(pool))
    span = timeline_span(hours, day_list, cards)
    return {
        "view": view,
        "day": day,
        "days": day_list,
        "prev_day": first - timedelta(days=days),
        "next_day": first + timedelta(days=days),
        "today": today,
        "lanes": lanes,
        "pool": pool,
        "pool_count": pool_count,
        "persons": [{"id": p["id"], "name": p.get("name") or ""} for p in persons],
        "span": span,
        "hour_marks": list(range(int(span[0]), int(span[1]) + 1)),
        "tz": str(tzs.get_tz(viewer.tz)),
        # A window, never the whole range at once: what is not shown is counted.
        "shown": len(orders),
        "total": sum(counts.values()),
        "hidden": sum(lane["hidden"] for lane in lanes) + pool_count - len(pool),
    }


def lane_counts(groups) -> dict:
    """Jobs per technician (fsm.person id) in the plan's range, and the open unassigned ones
    ("pool"), from ``read_group(domain, ..., ["person_id", "is_closed"], lazy=False)``."""
    counts: dict = {}
    for group in groups:
        person = _m2o_id(group.get("person_id"))
        if person is None and group.get("is_closed"):
            continue  # closed and unassigned: on no lane and not in the pool
        key = person if person is not None else "pool"
        counts[key] = counts.get(key, 0) + int(group.get("__count") or 0)
    return counts


def timeline_span(hours: WorkingHours, days, cards) -> tuple[float, float]:
    """First and last hour shown on the day timeline: working hours, widened to fit jobs."""
    starts = [p[0] for d in days for p in hours.on(d)] or [DEFAULT_HOURS[0][0]]
    ends = [p[1] for d in days for p in hours.on(d)] or [DEFAULT_HOURS[-1][1]]
    low, high = min(starts), max(ends)
    for card in cards:
        if card["start_local"] and card["start_local"].date() in days:
            low = min(low, float(int(_hours(card["start_local"]))))
            end = card["end_local"]
            end_hour = 24.0 if end.date() > card["start_local"].date() else _hours(end)
            high = max(high, min(24.0, float(-(-end_hour // 1))))
    return low, max(high, low + 1)


def build_lanes(persons, cards, days, hours: WorkingHours) -> list[dict]:
    """One lane per technician with their cards per day, overlaps and over-full days flagged."""
    by_person: dict = {p["id"]: [] for p in persons}
    for card in cards:
        if card["person_id"] in by_person and card["start_local"] is not None:
            by_person[card["person_id"]].append(card)
    lanes = []
    for person in persons:
        cells = []
        for day in days:
            day_cards = sorted((c for c in by_person[person["id"]]
                                if c["start_local"].date() == day),
                               key=lambda c: (c["start_local"], c["id"]))
            flag_overlaps(day_cards)
            rows = stack_rows(day_cards)
            planned = sum(c["duration"] for c in day_cards if not c["is_closed"])
            capacity = hours.hours_on(day)
            cells.append({"day": day, "cards": day_cards, "planned": planned, "rows": rows,
                          "planned_label": (fmt.format_duration(planned) if planned
                                            else _("%(hours)d h", hours=0)),
                          "capacity": capacity,
                          "overfull": planned > capacity + 1e-6,
                          "free": capacity - planned})
        lanes.append({"id": person["id"], "name": person.get("name") or "", "cells": cells,
                      "overlaps": sum(1 for cell in cells for c in cell["cards"] if c["overlap"]),
                      "overfull_days": sum(1 for cell in cells if cell["overfull"])})
    return lanes


def current_lane(lanes: list[dict], wanted: int | None):
    """The technician a phone shows (one lane at a time): the one asked for, else the first
    with jobs in the range, else the first."""
    ids = [lane["id"] for lane in lanes]
    if wanted in ids:
        return wanted
    busy = next((lane["id"] for lane in lanes if any(c["cards"] for c in lane["cells"])), None)
    return busy if busy is not None else (ids[0] if ids else None)


def flag_overlaps(day_cards: list[dict]) -> None:
    """Mark open cards whose window overlaps another open card of the same lane."""
    open_cards = [c for c in day_cards if not c["is_closed"]]
    for i, first in enumerate(open_cards):
        for second in open_cards[i + 1:]:
            if second["start_local"] < first["end_local"] and \
                    first["start_local"] < second["end_local"]:
                first["overlap"] = second["overlap"] = True


def stack_rows(day_cards: list[dict]) -> int:
    """Give each card of a lane's day a row (card["row"], from 0) so that cards whose windows
    overlap sit one under the other, never on top of each other: each card takes the first row
    whose last card has ended (cards sorted by start). Returns the number of rows (at least 1).
    """
    ends: list = []   # per row, when its last card ends
    for card in day_cards:
        row = next((i for i, end in enumerate(ends) if end <= card["start_local"]), len(ends))
        if row == len(ends):
            ends.append(card["end_local"])
        else:
            ends[row] = card["end_local"]
        card["row"] = row
    return max(len(ends), 1)


# --------------------------------------------------------------------------- assigning


def assign_form(person, start, duration) -> dict:
    """The assign form of :mod:`app.services.dispatch` from what a drag or the dispatch form
    sends: a technician, a local start (`YYYY-MM-DDTHH:MM`) and a duration in hours, which
    becomes the end. Only the duration is checked here; the rest by `check_assignment`.

    :raises DispatchError: for a duration that is not a number of hours in range.
    """
    form = {"person_id": "" if person in (None, "unassigned") else str(person).strip(),
            "start": (start or "").strip(), "end": ""}
    if duration in (None, ""):
        return form
    try:
        hours = float(fmt.parse_number(duration))   # "1,5" where the comma is decimal
    except ValueError:
        raise DispatchError(_("The duration must be a number of hours, like 1.5.")) from None
    if not MIN_DURATION <= hours <= MAX_DURATION:
        raise DispatchError(_("The duration must be between 15 minutes and 24 hours."))
    try:
        begin = datetime.fromisoformat(form["start"]) if form["start"] else None
    except ValueError:
        begin = None  # check_assignment explains a bad start
    if begin:
        form["end"] = fmt.input_value(begin + timedelta(hours=hours))
    return form


def assign(odoo, viewer: Viewer, job_id: int, form: dict) -> str:
    """Write an assignment now (see dispatch.assign_job), with the job's name in the message."""
    vals, order = dispatch.check_assignment(odoo, viewer, job_id, form)
    odoo.write("fsm.order", [job_id], vals)
    who = dispatch.technician_name(odoo, viewer, vals["person_id"]) or _("nobody (unassigned)")
    if vals["scheduled_date_start"]:
        return _("%(job)s assigned to %(technician)s · %(when)s.", job=order.get("name"),
                 technician=who,
                 when=fmt.format_datetime(vals["scheduled_date_start"], viewer.tz))
    return _("%(job)s assigned to %(technician)s.", job=order.get("name"), technician=who)


# --------------------------------------------------------------------------- suggested slots


def _day_periods_utc(hours: WorkingHours, day: date, tz_name: str):
    for start, end in hours.on(day):
        base = datetime(day.year, day.month, day.day)
        yield (tzs.localize(base + timedelta(hours=start), tz_name),
               tzs.localize(base + timedelta(hours=end), tz_name))


def _round_up(moment: datetime, minutes: int) -> datetime:
    extra = (-moment.minute) % minutes
    moment = moment.replace(second=0, microsecond=0)
    return moment + timedelta(minutes=extra)


def free_slots(busy, periods, duration: timedelta, not_before: datetime):
    """The first start in each working period where `duration` fits between busy intervals."""
    for period_start, period_end in periods:
        cursor = _round_up(max(period_start, not_before), SLOT_STEP_MINUTES)
        for b_start, b_end in sorted(busy):
            if b_end <= cursor or b_start >= period_end:
                continue
            if b_start - cursor >= duration:
                break
            cursor = _round_up(max(cursor, b_end), SLOT_STEP_MINUTES)
        if cursor + duration <= period_end:
            yield cursor


def suggest_slots(odoo, viewer: Viewer, job_id: int, *, count=3,
                  now: datetime | None = None) -> dict:
    """The `count` earliest free slots across technicians that fit the job's duration inside
    working hours, from now on. RPCs: the job and the technicians' planned jobs together (+ the
    calendar and the technicians when not cached)."""
    now = now or tzs.now_utc()
    hours = get_working_hours(odoo, viewer)  # configuration: cached, shared
    tz_name = hours.tz or viewer.tz
    first = tzs.today(tz_name, now)
    start_utc, end_utc = _range_utc(first, SLOT_HORIZON_DAYS, tz_name)
    # The job and the technicians' planned jobs in one round trip.
    found, planned = odoo.parallel([
        OdooCall("read", "fsm.order", [job_id],
                 ["name", "scheduled_duration", "is_closed", "template_id"]),
        OdooCall("search_read", "fsm.order",
                 [("person_id", "!=", False), ("scheduled_date_start", "<", end_utc),
                  ("scheduled_date_end", ">", start_utc), ("is_closed", "=", False),
                  ("id", "!=", job_id)],
                 ["person_id", "scheduled_date_start", "scheduled_date_end"], limit=2000)])
    if not found:
        raise jobs.JobNotFound()
    order = found[0]
    template = checklists.template_summary(order, checklists.template_steps(odoo, viewer))
    duration_h = float(order.get("scheduled_duration") or 0) or 1.0
    duration = timedelta(hours=duration_h)
    persons = dispatch.get_technicians(odoo, viewer)
    busy: dict = {}
    for row in planned:
        s = tzs.parse_odoo_datetime(row.get("scheduled_date_start"))
        e = tzs.parse_odoo_datetime(row.get("scheduled_date_end"))
        if s and e:
            busy.setdefault(_m2o_id(row.get("person_id")), []).append((s, e))
    slots = []
    for offset in range(SLOT_HORIZON_DAYS):
        day = first + timedelta(days=offset)
        periods = list(_day_periods_utc(hours, day, tz_name))
        if not periods:
            continue
        for person in persons:
            start = next(free_slots(busy.get(person["id"], []), periods, duration, now), None)
            if start is not None:
                slots.append((start, person["name"] or "", person["id"]))
        if len(slots) >= count:
            break
    slots.sort()
    return {
        "persons": [{"id": p["id"], "name": p.get("name") or ""} for p in persons],
        "job": {"id": job_id, "name": order.get("name") or f"#{job_id}",
                "duration_label": fmt.format_duration(duration_h), "duration": duration_h,
                "is_closed": bool(order.get("is_closed")), "template": template},
        "slots": [_slot(start, name, pid, duration, viewer.tz, now)
                  for start, name, pid in slots[:count]],
    }


def _slot(start, name, person_id, duration, tz_name, now) -> dict:
    local = tzs.to_local(start, tz_name)
    end = tzs.to_local(start + duration, tz_name)
    return {"person_id": person_id, "person_name": name,
            "start_input": fmt.input_value(local),
            "label": f"{fmt.relative_day(start, tz_name, now)} – {fmt.format_time(end)}"}


# --------------------------------------------------------------------------- planning mode


def plan_key(odoo, viewer: Viewer) -> str:
    return f"dispatch-plan:{getattr(odoo, 'base_url', '')}:{getattr(odoo, 'db', '')}:" \
           f"{viewer.user_id}"


def read_draft(store, key) -> list[dict]:
    raw = store.get(key)
    if not raw:
        return []
    try:
        changes = json.loads(raw)
    except ValueError:
        return []
    return changes if isinstance(changes, list) else []


def _save_draft(store, key, changes):
    if changes:
        store.set(key, json.dumps(changes), PLAN_TTL_SECONDS)
    else:
        store.delete(key)


def add_to_draft(odoo, viewer: Viewer, store, job_id: int, form: dict) -> str:
    """Keep a checked change in the user's draft (one per job: a later change replaces it)."""
    vals, order = dispatch.check_assignment(odoo, viewer, job_id, form)
    key = plan_key(odoo, viewer)
    changes = [c for c in read_draft(store, key) if c.get("job_id") != job_id]
    changes.append({"job_id": job_id, "job_name": order.get("name") or f"#{job_id}",
                    "form": form, "person_id": vals["person_id"] or None,
                    "person_name": dispatch.technician_name(odoo, viewer, vals["person_id"]),
                    "start_utc": vals["scheduled_date_start"] or None,
                    "duration": vals.get("scheduled_duration"), "error": None})
    _save_draft(store, key, changes)
    return ngettext("%(job)s added to your draft plan (%(num)d change waiting).",
                    "%(job)s added to your draft plan (%(num)d changes waiting).", len(changes),
                    job=order.get("name"))


def remove_from_draft(odoo, viewer: Viewer, store, job_id: int) -> str:
    key = plan_key(odoo, viewer)
    changes = read_draft(store, key)
    kept = [c for c in changes if c.get("job_id") != job_id]
    _save_draft(store, key, kept)
    return _("Change removed from the draft.") if len(kept) < len(changes) else \
        _("That change was not in the draft.")


def discard_draft(odoo, viewer: Viewer, store) -> str:
    store.delete(plan_key(odoo, viewer))
    return _("Draft plan discarded.")


def describe_draft(changes, viewer: Viewer) -> list[dict]:
    """The draft as rows for the review list."""
    return [{**c, "when": fmt.format_datetime(c["start_utc"], viewer.tz) if c.get("start_utc")
             else _("time unchanged"),
             "who": c.get("person_name") or _("Unassigned"),
             "duration_label": fmt.format_duration(c["duration"]) if c.get("duration") else ""}
            for c in changes]


def apply_draft(cards, changes, names, viewer: Viewer) -> None:
    """Show draft changes on the plan: cards move to their planned lane and time."""
    by_job = {c["job_id"]: c for c in changes}
    for card in cards:
        change = by_job.get(card["id"])
        if not change:
            continue
        card["draft"] = True
        card["person_id"] = change.get("person_id")
        card["technician"] = names.get(change.get("person_id"), "")
        card["unassigned"] = not change.get("person_id")
        start = tzs.to_local(change["start_utc"], viewer.tz) if change.get("start_utc") \
            else card["start_local"]
        place_card(card, start, change.get("duration") or card["duration"], viewer.tz, None)


def publish_draft(odoo, viewer: Viewer, store) -> tuple[int, list[dict]]:
    """Write every change of the draft to Odoo, in order, as the office user. Changes Odoo or
    Fieldkit refuse stay in the draft with the reason; the others leave it.

    Returns (published count, failed changes)."""
    key = plan_key(odoo, viewer)
    failed = []
    published = 0
    for change in read_draft(store, key):
        try:
            dispatch.assign_job(odoo, viewer, change["job_id"], change.get("form") or {})
        except REFUSALS as exc:
            failed.append({**change, "error": exc.user_message})
        except jobs.JobNotFound:
            failed.append({**change, "error": _("This job does not exist any more.")})
        else:
            published += 1
    _save_draft(store, key, failed)
    return published, failed
