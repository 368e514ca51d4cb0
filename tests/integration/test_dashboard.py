"""The office dashboard against the emulator (Odoo 16 and 18 wire formats): every number checked
against a direct count of the demo data, the RPC budget, links only to lists that exist, the
technician's 403 and admin seeing what a manager sees."""
import html
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import AccessError, OdooAPI
from app.platform import timezone as tzs
from app.services import auth as auth_service
from app.services import jobs
from tests.conftest import CSRFClient

NY = "America/New_York"


@pytest.fixture(scope="module", params=(16, 18))
def odoo(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        yield handle


@pytest.fixture
def dash_app(odoo):
    auth_service._xmlid_cache.clear()
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=odoo.url)
    app.test_client_class = CSRFClient
    return app


def logged_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"login": user, "password": user}).status_code == 302
    return client


def rpcs(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


def metrics(page):
    return {key: html.unescape(value).strip()
            for key, value in re.findall(r'data-metric="([^"]+)"[^>]*>([^<]*)<', page)}


def people(page):
    out = {}
    for name, body in re.findall(r'data-person="([^"]+)">(.*?)</li>', page, re.S):
        facts = dict(re.findall(r'data-k="(\w+)">([^<]*)<', body))
        out[html.unescape(name)] = (int(facts["jobs"]), float(facts["hours"]), int(facts["done"]))
    return out


def money(value):
    return f"{value:,.0f}"


def direct_counts(url):
    """The dashboard's numbers counted from the records themselves (no read_group)."""
    admin = OdooAPI(url, "fieldkit")
    admin.authenticate("admin", "admin")
    now = tzs.now_utc()
    start, end = tzs.day_range_utc(tzs.today(NY, now), NY)
    orders = admin.search_read("fsm.order", [], [
        "scheduled_date_start", "stage_id", "person_id", "date_end", "scheduled_duration",
        "is_closed"])
    today = [o for o in orders if o["scheduled_date_start"]
             and start <= o["scheduled_date_start"] < end]
    by_person = defaultdict(lambda: [0, 0.0, 0])
    for o in today:
        if o["stage_id"][1] == "Cancelled":  # no work planned, none done
            continue
        person = by_person[o["person_id"][1] if o["person_id"] else "Unassigned"]
        person[0] += 1
        person[1] += o["scheduled_duration"] or 0
        person[2] += 1 if o["date_end"] else 0
    quotes = admin.search_read("sale.order", [("state", "in", ["draft", "sent"])],
                               ["amount_total"])
    leads = admin.search_read("crm.lead", [("type", "=", "opportunity")],
                              ["stage_id", "expected_revenue"])
    pipeline = defaultdict(float)
    for lead in leads:
        pipeline[lead["stage_id"][1]] += lead["expected_revenue"]
    pickings = admin.search_read("stock.picking", [], ["scheduled_date", "state"])
    now_odoo = tzs.to_odoo_datetime(now)
    return {
        "today": len(today),
        "stages": Counter(o["stage_id"][1] for o in today),
        "people": {k: (v[0], round(v[1], 2), v[2]) for k, v in by_person.items()},
        "unassigned": sum(1 for o in orders if not o["person_id"] and not o["is_closed"]),
        "overdue": sum(1 for o in orders if not o["is_closed"] and o["scheduled_date_start"]
                       and o["scheduled_date_start"] < start),
        "quotes": len(quotes),
        # All USD in the demo: "$ 12,346", whole dollars rounded half up as Odoo rounds.
        "quotes_value": "$\u00a0" + money(Decimal(repr(sum(q["amount_total"] for q in quotes)))
                                          .quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        "pipeline": {k: money(v) for k, v in pipeline.items()},
        "late": sum(1 for p in pickings if p["state"] in ("assigned", "waiting", "confirmed")
                    and p["scheduled_date"] < now_odoo),
    }


def test_every_number_matches_a_direct_count_within_8_rpcs(odoo, dash_app):
    jobs.clear_stage_cache()
    client = logged_in(dash_app, "office")
    # The order stages (to know which is "cancelled") join the first page's round trip.
    # 8 reads in one round trip since issue 32 (jobs to invoice, unpaid invoices).
    assert rpcs(client.get("/dashboard")) <= 9
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert rpcs(response) <= 8
    page = response.get_data(as_text=True)
    shown = metrics(page)
    want = direct_counts(odoo.url)

    assert int(shown["today"]) == want["today"] > 0
    assert {k.split(":", 1)[1]: int(v) for k, v in shown.items() if k.startswith("stage:")} \
        == dict(want["stages"])
    assert people(page) == want["people"]
    assert int(shown["unassigned"]) == want["unassigned"] > 0
    assert int(shown["overdue"]) == want["overdue"] > 0
    assert int(shown["quotes"]) == want["quotes"] > 0
    assert shown["quotes_value"] == want["quotes_value"]
    assert {k.split(":", 1)[1]: v for k, v in shown.items() if k.startswith("pipeline:")} \
        == want["pipeline"]
    assert int(shown["late"]) == want["late"] > 0


def test_numbers_link_to_the_lists_that_exist_and_those_lists_agree(dash_app):
    client = logged_in(dash_app, "office")
    page = client.get("/dashboard").get_data(as_text=True)
    links = dict(re.findall(r'<a class="dash-num" data-metric="([^"]+)" href="([^"]+)"', page))
    # The jobs table exists: every jobs number links to it.
    assert {"today", "unassigned", "overdue"} <= set(links)
    for metric in ("today", "unassigned", "overdue"):
        listed = client.get(html.unescape(links[metric])).get_data(as_text=True)
        total = re.search(r"of (\d+) jobs?|1–(\d+) of", listed)
        count = int(next(g for g in total.groups() if g)) if total else 0
        assert count == int(metrics(page)[metric]), metric
    if "quotes" in links:  # the sales section's "To confirm" filter
        listed = client.get(html.unescape(links["quotes"])).get_data(as_text=True)
        assert re.search(r"of (\d+) quote", listed).group(1) == metrics(page)["quotes"]
    if "late" in links:  # the stock section's "Late" filter counts the same transfers
        listed = client.get(html.unescape(links["late"])).get_data(as_text=True)
        assert listed.count("<tr data-id=") == int(metrics(page)["late"])
    # Sections not built in this app: the numbers are shown, not linked.
    for endpoint, metric in (("sales.index", "quotes"), ("crm.index", "pipeline:"),
                             ("inventory.index", "late")):
        linked = any(k.startswith(metric) for k in links)
        assert linked == (endpoint in dash_app.view_functions)


def test_technician_gets_a_403_that_sends_them_to_their_jobs(dash_app):
    client = logged_in(dash_app, "tech1")
    response = client.get("/dashboard")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "office staff and managers" in page
    assert 'href="/"' in page  # "Go to my jobs": home, which is the technician's day
    assert 'href="/dashboard"' not in page  # no dashboard tab for them either


def test_admin_sees_what_a_manager_sees(dash_app):
    manager = logged_in(dash_app, "manager").get("/dashboard").get_data(as_text=True)
    admin = logged_in(dash_app, "admin").get("/dashboard").get_data(as_text=True)
    assert metrics(admin) == metrics(manager)
    assert "Field Service / Administrator" in admin


def test_a_user_without_sales_rights_gets_no_sales_part_and_two_rpcs_less(dash_app):
    client = logged_in(dash_app, "office")
    client.get("/dashboard")  # the order stages are cached from here on
    with client.session_transaction() as session:
        session["sales_access"] = "none"  # as for a user without any sales group
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert rpcs(response) <= 6  # no quotes, no unpaid invoices (sale's rules let salesmen in)
    shown = metrics(response.get_data(as_text=True))
    assert "quotes" not in shown and "unpaid" not in shown


def test_a_part_odoo_refuses_shows_as_not_available(dash_app, monkeypatch):
    client = logged_in(dash_app, "office")
    real = OdooAPI.parallel

    def refuse_sales(self, calls, **kwargs):
        results = real(self, calls, **kwargs)
        return [AccessError("no") if call.args[0] == "sale.order" else result
                for call, result in zip(calls, results, strict=True)]

    monkeypatch.setattr(OdooAPI, "parallel", refuse_sales)
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Quotations to confirm" in page and "Not available." in page
    assert metrics(page)["overdue"].isdigit()


def test_office_roles_land_on_the_dashboard_technicians_on_their_day(dash_app):
    # Managers (and the administrator, who is one) land on the technicians' scorecard.
    for user, home in (("office", "/dashboard"), ("admin", "/dashboard/technicians"),
                       ("tech1", "/jobs/active")):
        client = dash_app.test_client()
        response = client.post("/login", data={"login": user, "password": user})
        assert response.headers["Location"] == home, user
        assert client.get("/").headers["Location"] == home
