"""The managers' technician scorecard: per technician, for a week or a month, what was done.

What field-service managers look at (ServiceTitan's technician scorecard, Jobber's reports),
read from Odoo in one parallel round trip (6 reads; 7 while the order stages are not cached,
8 while the workers and users are not):

1. jobs done in the period: ``fsm.order`` in a completed (closed, not cancelled) stage whose
   actual end falls in the period, with their actual start/end, scheduled duration, location;
2. the jobs scheduled from the period's start to ``FOLLOW_UP_DAYS`` after its end: a done job
   whose location gets another job (not cancelled) within ``FOLLOW_UP_DAYS`` of its end was
   not fixed the first time;
3. the delivered moves and 4. their delivery orders, whose source document is the job (parts
   used, as the job page records them, see :mod:`app.services.inventory.parts`);
5. quotations created in the period by salesperson and currency (count and value);
6. confirmed orders (``sale``/``done``) dated in the period by salesperson and currency.

Technicians are the active workers (``fsm.person``); a salesperson is matched to a worker by
their partner (a worker is made for the user's own contact). Amounts in different currencies
are never added up. The customers' ratings join once customers can rate a visit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.odoo.client import AccessError, OdooCall, OdooError
from app.platform import currency
from app.platform import timezone as tzs
from app.platform.i18n import _, lazy_gettext
from app.platform.ttl_cache import TTLCache, server_key
from app.services import jobs

PERIODS = {"week": lazy_gettext("Week"), "month": lazy_gettext("Month")}
FOLLOW_UP_DAYS = 30
READ_LIMIT = 5000
PEOPLE_CACHE_SECONDS = 300
CONFIRMED_STATES = ("sale", "done")

_people_cache = TTLCache(PEOPLE_CACHE_SECONDS, shared="scorecard-people")


def _m2o(value):
    if isinstance(value, (list, tuple)) and value:
        return value[0], (value[1] if len(value) > 1 else "")
    return None, ""


# --------------------------------------------------------------------------- the period


def period_bounds(kind: str, anchor: date) -> tuple[date, date]:
    """(first day, day after the last) of the week (Monday first) or month holding `anchor`."""
    if kind == "month":
        first = anchor.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        return first, after
    first = anchor - timedelta(days=anchor.weekday())
    return first, first + timedelta(days=7)


def parse_period(kind, start_text, today: date) -> tuple[str, date]:
    """The period asked for in the query string; anything unreadable is this week."""
    kind = kind if kind in PERIODS else "week"
    try:
        anchor = date.fromisoformat(start_text) if start_text else today
    except (TypeError, ValueError):
        anchor = today
    return kind, anchor


def period_label(kind: str, first: date, after: date) -> str:
    if kind == "month":
        return f"{first:%B %Y}"
    last = after - timedelta(days=1)
    return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"


# --------------------------------------------------------------------------- the reads


def _people_key(odoo, viewer):
    return server_key(odoo, "scorecard-people", viewer.companies_key)


def calls(viewer, first: date, after: date, *, stages: bool, people: bool) -> dict:
    """The page's reads by name, built before the threads (no request context)."""
    start = tzs.day_range_utc(first, viewer.tz)[0]
    end = tzs.day_range_utc(after, viewer.tz)[0]
    follow_end = tzs.day_range_utc(after + timedelta(days=FOLLOW_UP_DAYS), viewer.tz)[0]
    done_window = [("date_end", ">=", start), ("date_end", "<", end)]
    out = {
        "done": OdooCall("search_read", "fsm.order", done_window + [("is_closed", "=", True)],
                         ["name", "person_id", "stage_id", "location_id", "date_start",
                          "date_end", "scheduled_duration"], limit=READ_LIMIT, order="id"),
        "later": OdooCall("search_read", "fsm.order",
                          [("scheduled_date_start", ">=", start),
                           ("scheduled_date_start", "<", follow_end)],
                          ["location_id", "scheduled_date_start", "stage_id"],
                          limit=READ_LIMIT, order="id"),
        "moves": OdooCall("search_read", "stock.move",
                          [("state", "=", "done"), ("date", ">=", start), ("date", "<", end),
                           ("picking_id.picking_type_code", "=", "outgoing"),
                           ("picking_id.origin", "!=", False)],
                          ["picking_id", "product_uom_qty"], limit=READ_LIMIT, order="id"),
        "pickings": OdooCall("search_read", "stock.picking",
                             [("state", "=", "done"), ("picking_type_code", "=", "outgoing"),
                              ("date_done", ">=", start), ("date_done", "<", end),
                              ("origin", "!=", False)],
                             ["origin"], limit=READ_LIMIT, order="id"),
        "quotes": OdooCall("read_group", "sale.order",
                           [("create_date", ">=", start), ("create_date", "<", end)],
                           ["amount_total:sum"], ["user_id", "currency_id"], lazy=False),
        "revenue": OdooCall("read_group", "sale.order",
                            [("state", "in", CONFIRMED_STATES), ("date_order", ">=", start),
                             ("date_order", "<", end)],
                            ["amount_total:sum"], ["user_id", "currency_id"], lazy=False),
    }
    if stages:
        out["stages"] = jobs.stage_call()
    if people:
        out["persons"] = OdooCall("search_read", "fsm.person", [("active", "=", True)],
                                  ["name", "partner_id"], order="name")
        out["users"] = OdooCall("search_read", "res.users", [("share", "=", False)],
                                ["partner_id"], limit=READ_LIMIT)
    return out


# --------------------------------------------------------------------------- the numbers


def _hours(start, end) -> float:
    a, b = tzs.parse_odoo_datetime(start), tzs.parse_odoo_datetime(end)
    return max((b - a).total_seconds() / 3600.0, 0.0) if a and b else 0.0


def first_time_fixes(done: list[dict], later: list[dict], cancelled_id) -> set[int]:
    """Ids of done jobs with no other job (not cancelled) at their location scheduled after
    their end and within FOLLOW_UP_DAYS of it."""
    by_location: dict = {}
    for order in later:
        if cancelled_id is not None and _m2o(order.get("stage_id"))[0] == cancelled_id:
            continue
        location = _m2o(order.get("location_id"))[0]
        when = tzs.parse_odoo_datetime(order.get("scheduled_date_start"))
        if location is not None and when is not None:
            by_location.setdefault(location, []).append((when, order["id"]))
    fixed = set()
    for job in done:
        end = tzs.parse_odoo_datetime(job.get("date_end"))
        visits = by_location.get(_m2o(job.get("location_id"))[0], [])
        limit = end + timedelta(days=FOLLOW_UP_DAYS) if end else None
        if end is None or not any(end < when <= limit and oid != job["id"]
                                  for when, oid in visits):
            fixed.add(job["id"])
    return fixed


def _money(groups, currencies) -> dict:
    """{user_id: {"count": n, "values": ["$ 1,234.00", ...], "amount": float}}; values per
    currency, never added up across currencies."""
    out: dict = {}
    for group in groups or []:
        user_id = _m2o(group.get("user_id"))[0]
        currency_id, code = _m2o(group.get("currency_id"))
        entry = out.setdefault(user_id, {"count": 0, "values": [], "amount": 0.0})
        entry["count"] += group.get("__count", 0) or 0
        amount = group.get("amount_total") or 0.0
        entry["amount"] += amount
        shown = currencies.get(currency_id) or currency.Currency(symbol=code)
        entry["values"].append(shown.format(amount))
    return out


def build_rows(results: dict, people: dict, cancelled_id, currencies: dict) -> list[dict]:
    """One row per active technician (and one for work done by nobody now active)."""
    done = [o for o in results["done"]
            if cancelled_id is None or _m2o(o.get("stage_id"))[0] != cancelled_id]
    fixed = first_time_fixes(done, results["later"], cancelled_id)
    origin_of = {p["id"]: p.get("origin") for p in results["pickings"]}
    job_person = {o["name"]: _m2o(o.get("person_id"))[0] for o in done}
    user_person = {u["id"]: people["by_partner"].get(_m2o(u.get("partner_id"))[0])
                   for u in people["users"]}
    quotes = _money(results["quotes"], currencies)
    revenue = _money(results["revenue"], currencies)
    rows = {p["id"]: {"id": p["id"], "name": p["name"], "done": 0, "first_time": 0,
                      "on_site": 0.0, "scheduled": 0.0, "parts": 0, "part_qty": 0.0,
                      "quotes": 0, "quote_values": [], "orders": 0, "revenue_values": []}
            for p in people["persons"]}

    def row(person_id):
        if person_id in rows:
            return rows[person_id]
        return rows.setdefault(None, {**dict.fromkeys(
            ("done", "first_time", "parts", "quotes", "orders"), 0),
            "id": None, "name": _("Not an active technician"), "on_site": 0.0, "scheduled": 0.0,
            "part_qty": 0.0, "quote_values": [], "revenue_values": []})

    for job in done:
        r = row(_m2o(job.get("person_id"))[0])
        r["done"] += 1
        r["first_time"] += job["id"] in fixed
        r["on_site"] += _hours(job.get("date_start"), job.get("date_end"))
        r["scheduled"] += job.get("scheduled_duration") or 0.0
    for move in results["moves"]:
        name = origin_of.get(_m2o(move.get("picking_id"))[0])
        if name in job_person:
            r = row(job_person[name])
            r["parts"] += 1
            r["part_qty"] += move.get("product_uom_qty") or 0.0
    for groups, count_key, values_key in ((quotes, "quotes", "quote_values"),
                                          (revenue, "orders", "revenue_values")):
        for user_id, entry in groups.items():
            person_id = user_person.get(user_id)
            if person_id is not None:
                r = row(person_id)
                r[count_key] += entry["count"]
                r[values_key] += entry["values"]
    out = []
    for r in rows.values():
        r["first_time_pct"] = round(100 * r["first_time"] / r["done"]) if r["done"] else None
        r["on_site"] = round(r["on_site"], 1)
        r["scheduled"] = round(r["scheduled"], 1)
        r["on_site_pct"] = round(100 * r["on_site"] / r["scheduled"]) if r["scheduled"] else None
        r["part_qty"] = round(r["part_qty"], 2)
        out.append(r)
    out.sort(key=lambda r: (r["id"] is None, -r["done"], r["name"].lower()))
    return out


def _people(odoo, viewer, results) -> dict:
    key = _people_key(odoo, viewer)
    if "persons" in results:
        persons = [{"id": p["id"], "name": p.get("name") or f"#{p['id']}",
                    "partner_id": _m2o(p.get("partner_id"))[0]} for p in results["persons"]]
        users = [{"id": u["id"], "partner_id": u.get("partner_id")} for u in results["users"]]
        _people_cache.put(key, {"persons": persons, "users": users})
    cached = _people_cache.peek(key)
    persons, users = cached["persons"], cached["users"]
    return {"persons": persons, "users": users,
            "by_partner": {p["partner_id"]: p["id"] for p in persons if p["partner_id"]}}


def totals(rows: list[dict]) -> dict:
    done = sum(r["done"] for r in rows)
    first = sum(r["first_time"] for r in rows)
    return {"done": done, "first_time": first,
            "first_time_pct": round(100 * first / done) if done else None,
            "parts": sum(r["parts"] for r in rows), "quotes": sum(r["quotes"] for r in rows),
            "orders": sum(r["orders"] for r in rows)}


def load_scorecard(odoo, viewer, kind: str, anchor: date, *, now: datetime | None = None) -> dict:
    """Every number of the page, from one parallel round trip (see the module's docstring).

    A part Odoo refuses (sales or stock rights) shows as not available; other errors fail the
    page as usual.
    """
    now = now or tzs.now_utc()
    first, after = period_bounds(kind, anchor)
    need_stages = not jobs.stage_map_is_cached(odoo, viewer)
    need_people = _people_cache.peek(_people_key(odoo, viewer)) is None
    named = calls(viewer, first, after, stages=need_stages, people=need_people)
    answers = odoo.parallel(list(named.values()), return_errors=True)
    results = dict(zip(named, answers, strict=True))
    refused = set()
    for name, value in results.items():
        if isinstance(value, AccessError) and name in ("moves", "pickings", "quotes", "revenue"):
            refused.add(name)
            results[name] = []
        elif isinstance(value, OdooError):
            raise value
    if need_stages:
        stage_map = jobs.remember_stage_map(odoo, viewer, results["stages"])
    else:
        stage_map = jobs.get_stage_map(odoo, viewer)
    cancelled = stage_map.cancelled.id if stage_map.cancelled else None
    money_groups = list(results["quotes"]) + list(results["revenue"])
    currencies = currency.lookup(odoo, [g.get("currency_id") for g in money_groups])
    rows = build_rows(results, _people(odoo, viewer, results), cancelled, currencies)
    today = tzs.today(viewer.tz, now)
    return {
        "kind": kind, "periods": PERIODS, "first": first, "last": after - timedelta(days=1),
        "label": period_label(kind, first, after),
        "previous": (first - timedelta(days=1)).isoformat(),
        "next": after.isoformat() if after <= today else None,
        "rows": rows, "totals": totals(rows), "follow_up_days": FOLLOW_UP_DAYS,
        "parts_available": not ({"moves", "pickings"} & refused),
        "sales_available": not ({"quotes", "revenue"} & refused),
        "tz": str(tzs.get_tz(viewer.tz)),
    }


def clear_cache():
    _people_cache.clear()
