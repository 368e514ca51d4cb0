"""The dashboard's and the jobs table's pure parts: read_group answers turned into numbers (as
Odoo 16-19 shape them), the office filters parsed from the query string, their domain."""
from datetime import date

from werkzeug.datastructures import MultiDict

from app.platform.currency import Currency
from app.services import dashboard, dispatch

# lazy=False groups by stage, person and actual end, as Odoo answers them (`__count`).
TODAY = [
    {"stage_id": [1, "New"], "person_id": [2, "Tina"], "date_end:day": False, "__count": 2,
     "scheduled_duration": 3.0},
    {"stage_id": [1, "New"], "person_id": False, "date_end:day": False, "__count": 1,
     "scheduled_duration": 1.5},
    {"stage_id": [2, "Completed"], "person_id": [2, "Tina"], "date_end:day": "30 Nov 2026",
     "__count": 1, "scheduled_duration": 1.0},
    {"stage_id": [2, "Completed"], "person_id": [3, "Abe"], "date_end:day": "30 Nov 2026",
     "__count": 1, "scheduled_duration": 2.0},
]


def test_today_summary_gives_stages_in_odoo_order_and_each_technicians_day():
    stages, people = dashboard.today_summary(TODAY)
    assert [(s["name"], s["count"]) for s in stages] == [("New", 3), ("Completed", 2)]
    by_name = {p["name"]: p for p in people}
    assert [p["name"] for p in people] == ["Abe", "Tina", "Unassigned"]
    assert (by_name["Tina"]["jobs"], by_name["Tina"]["hours"], by_name["Tina"]["done"]) \
        == (3, 4.0, 1)
    # Bars relative to the busiest technician's hours; the done part in proportion.
    assert by_name["Tina"]["bar"] == 100.0 and by_name["Abe"]["bar"] == 50.0
    assert by_name["Tina"]["done_bar"] == round(100 / 3, 1) and by_name["Abe"]["done_bar"] == 50


def test_a_cancelled_job_counts_in_its_stage_but_not_in_anyones_day():
    # Cancelled on site: it has an actual end, like a completed job.
    cancelled = {"stage_id": [9, "Cancelled"], "person_id": [2, "Tina"],
                 "date_end:day": "30 Nov 2026", "__count": 1, "scheduled_duration": 4.0}
    only = {"stage_id": [9, "Cancelled"], "person_id": [4, "Cy"], "date_end:day": False,
            "__count": 1, "scheduled_duration": 1.0}
    stages, people = dashboard.today_summary(TODAY + [cancelled, only], cancelled_id=9)
    assert ("Cancelled", 2) in [(s["name"], s["count"]) for s in stages]
    by_name = {p["name"]: p for p in people}
    assert (by_name["Tina"]["jobs"], by_name["Tina"]["hours"], by_name["Tina"]["done"]) \
        == (3, 4.0, 1)
    assert "Cy" not in by_name  # nothing left to do today
    assert by_name["Tina"]["bar"] == 100.0  # the busiest day is counted without it
    # Without a known cancelled stage nothing is left out (as before).
    _, people = dashboard.today_summary(TODAY + [cancelled])
    assert {p["name"]: p["jobs"] for p in people}["Tina"] == 4


def test_summaries_of_lazy_groups_and_empty_answers():
    quotes = [{"currency_id": [1, "USD"], "currency_id_count": 3, "amount_total": 1100.5},
              {"currency_id": [3, "EUR"], "currency_id_count": 1, "amount_total": 20.0}]
    summary = dashboard.quotes_summary(quotes, {1: Currency("$", "before")})
    assert (summary["count"], summary["value"]) == (4, 1120.5)
    # Each currency on its own, as Odoo shows it; one not known shows its code.
    assert summary["values"] == ["$\u00a01,101", "20\u00a0EUR"]  # whole units, half up
    assert dashboard.quotes_summary([]) == {"count": 0, "value": 0, "values": []}
    pipeline = [{"stage_id": [1, "New"], "stage_id_count": 2, "expected_revenue": 500.0},
                {"stage_id": False, "stage_id_count": 1, "expected_revenue": False}]
    assert dashboard.pipeline_summary(pipeline) == [
        {"id": 1, "name": "New", "count": 2, "value": 500.0},
        {"id": None, "name": "No stage", "count": 1, "value": 0.0}]
    assert dashboard.today_summary([]) == ([], [])


def test_access_levels_leave_out_reads(monkeypatch):
    class Viewer:
        tz = "America/New_York"

    from app.platform import timezone as tzs
    now = tzs.now_utc()
    full = dashboard.calls(Viewer, dashboard.Access(), now)
    assert list(full) == ["today", "unassigned", "overdue", "quotes", "pipeline", "late",
                          "to_invoice", "unpaid"]
    none = dashboard.calls(Viewer, dashboard.Access(sales=False, crm=False, stock=False), now)
    assert list(none) == ["today", "unassigned", "overdue", "to_invoice"]
    with_stages = dashboard.calls(Viewer, dashboard.Access(), now, stages=True)
    assert with_stages["stages"].args[0] == "fsm.stage"
    assert all(c.method in ("read_group", "search_count") for c in full.values())


def test_job_filters_parse_and_build_the_domain():
    filters = dispatch.JobFilters.from_args(MultiDict({
        "from": "2026-12-05", "to": "2026-12-01", "technician": "4", "priority": "3",
        "status": "open", "q": "  acme   boston ", "sort": "customer", "dir": "desc",
        "page": "2"}))
    assert filters.date_from == date(2026, 12, 1) and filters.date_to == date(2026, 12, 5)
    assert any("swapped" in e for e in filters.errors)
    assert (filters.technician, filters.priority, filters.status) == (4, "3", "open")
    assert filters.q == "acme boston" and filters.page == 2 and filters.active
    assert filters.query.order() == "location_id desc, id desc"
    assert filters.query.offset == dispatch.PAGE_SIZE
    domain = dispatch.table_domain(filters, "America/New_York", date(2026, 12, 3))
    # Local days of New York (UTC-5 in December) as UTC bounds.
    assert ("scheduled_date_start", ">=", "2026-12-01 05:00:00") in domain
    assert ("scheduled_date_start", "<", "2026-12-06 05:00:00") in domain
    assert ("priority", "=", "3") in domain and ("is_closed", "=", False) in domain
    assert ("person_ids", "in", [4]) in domain
    assert ("location_id.name", "ilike", "acme boston") in domain


def test_unassigned_and_overdue_filters_and_the_defaults():
    filters = dispatch.JobFilters.from_args(MultiDict({"technician": "unassigned",
                                                       "overdue": "1"}))
    assert filters.unassigned and filters.technician is None and not filters.errors
    domain = dispatch.table_domain(filters, "UTC", date(2026, 12, 3))
    assert ("person_id", "=", False) in domain
    assert ("scheduled_date_start", "<", "2026-12-03 00:00:00") in domain
    default = dispatch.JobFilters.from_args(MultiDict())
    assert not default.active and not default.errors
    assert dispatch.table_domain(default, "UTC", date(2026, 12, 3)) == []
    assert default.query.order() == "scheduled_date_start asc, id asc"
