"""The managers' technician scorecard (/dashboard/technicians): who may open it, where managers
land, and every number checked against Odoo's own records, read directly (issue 34)."""
import re
from datetime import date, timedelta

import pytest

from app.odoo.client import OdooAPI
from app.platform import timezone as tzs
from app.services import inventory, jobs, scorecard

NY = "America/New_York"


# --- the period and the rules, without Odoo ---------------------------------------------------

def test_periods_are_whole_weeks_from_monday_and_whole_months():
    assert scorecard.period_bounds("week", date(2026, 12, 4)) == (date(2026, 11, 30),
                                                                 date(2026, 12, 7))
    assert scorecard.period_bounds("month", date(2026, 12, 31)) == (date(2026, 12, 1),
                                                                   date(2027, 1, 1))
    assert scorecard.period_bounds("month", date(2027, 2, 10)) == (date(2027, 2, 1),
                                                                  date(2027, 3, 1))
    today = date(2026, 12, 4)
    assert scorecard.parse_period("year", "not-a-date", today) == ("week", today)
    assert scorecard.parse_period("month", "2026-10-15", today) == ("month", date(2026, 10, 15))


def test_a_job_followed_by_another_at_the_same_place_was_not_fixed_the_first_time():
    done = [{"id": 1, "location_id": [7, "A"], "date_end": "2026-12-01 10:00:00"},
            {"id": 2, "location_id": [8, "B"], "date_end": "2026-12-01 10:00:00"},
            {"id": 3, "location_id": [9, "C"], "date_end": "2026-12-01 10:00:00"}]
    later = [
        {"id": 10, "location_id": [7, "A"], "scheduled_date_start": "2026-12-20 09:00:00",
         "stage_id": [1, "New"]},                      # within 30 days: a follow-up
        {"id": 11, "location_id": [8, "B"], "scheduled_date_start": "2027-01-15 09:00:00",
         "stage_id": [1, "New"]},                      # 45 days later: a new problem
        {"id": 12, "location_id": [9, "C"], "scheduled_date_start": "2026-12-02 09:00:00",
         "stage_id": [5, "Cancelled"]},                # cancelled: no visit
        {"id": 3, "location_id": [9, "C"], "scheduled_date_start": "2026-12-01 09:00:00",
         "stage_id": [4, "Done"]},                     # the job itself
    ]
    assert scorecard.first_time_fixes(done, later, cancelled_id=5) == {2, 3}


# --- against the emulator ---------------------------------------------------------------------

def admin_api(url):
    api = OdooAPI(url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def rows_of(page):
    """{technician: {key: text}} from the table's data-k cells."""
    out = {}
    for body in re.findall(r"<tr data-id=\"[^\"]*\">(.*?)</tr>", page, re.S):
        cells = dict(re.findall(r'data-k="(\w+)">([^<]*)<', body))
        out[cells["name"]] = cells
    return out


def rpcs(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


def test_only_managers_open_it_and_managers_land_on_it(client, login, fresh):
    login(client, "manager")
    assert client.get("/").headers["Location"].endswith("/dashboard/technicians")
    page = client.get("/dashboard/technicians").get_data(as_text=True)
    assert 'aria-current="page"' in page and "Team" in page
    for user in ("office", "tech1"):
        other = client.application.test_client()
        login(other, user)
        assert other.get("/dashboard/technicians").status_code == 403
        assert not other.get("/").headers["Location"].endswith("/dashboard/technicians")
        assert "/dashboard/technicians" not in other.get("/jobs", follow_redirects=True) \
            .get_data(as_text=True)


def test_the_numbers_are_odoos(client, login, fresh):
    api = admin_api(fresh.url)
    now = tzs.now_utc()
    today = tzs.today(NY, now)
    first, after = scorecard.period_bounds("week", today)
    start, end = tzs.day_range_utc(first, NY)[0], tzs.day_range_utc(after, NY)[0]
    tech1_partner = api.search_read("res.users", [("login", "=", "tech1")],
                                    ["partner_id"])[0]["partner_id"][0]
    tech1 = api.search_read("fsm.person", [("partner_id", "=", tech1_partner)], ["name"])[0]

    # Give tech1 some work to count: parts delivered on a job done this week, and an order
    # confirmed this week with tech1 as salesperson.
    cancelled = jobs.get_stage_map(api, _viewer(api)).cancelled.id
    done = api.search_read("fsm.order", [("person_id", "=", tech1["id"]), ("is_closed", "=", True),
                                         ("date_end", ">=", start), ("date_end", "<", end),
                                         ("stage_id", "!=", cancelled)],
                           ["name", "date_start", "date_end", "scheduled_duration"])
    assert done, "the demo data gives tech1 a job done today"
    out_type = api.search_read("stock.picking.type", [("code", "=", "outgoing")], ["id"])[0]["id"]
    quant = api.search_read("stock.quant", [("quantity", ">=", 3),
                                            ("location_id.usage", "=", "internal")],
                            ["product_id", "location_id"], limit=1)[0]
    stock = quant["location_id"][0]
    customer = api.search_read("stock.location", [("usage", "=", "customer")], ["id"])[0]["id"]
    product = api.read("product.product", [quant["product_id"][0]],
                       ["uom_id", "display_name"])[0]
    picking = api.create("stock.picking", {
        "picking_type_id": out_type, "location_id": stock, "location_dest_id": customer,
        "origin": done[0]["name"], "move_ids": [(0, 0, {
            "name": product["display_name"], "product_id": product["id"],
            "product_uom_qty": 2, "product_uom": product["uom_id"][0],
            "location_id": stock, "location_dest_id": customer})]})
    api.call("stock.picking", "action_confirm", [picking])
    api.call("stock.picking", "action_assign", [picking])
    assert inventory.validate_unattended(api, picking)
    tech1_user = api.search_read("res.users", [("login", "=", "tech1")], ["id"])[0]["id"]
    quote = api.search_read("sale.order", [("state", "in", ["draft", "sent"])], ["id"],
                            limit=1)[0]["id"]
    api.write("sale.order", [quote], {"user_id": tech1_user})
    api.call("sale.order", "action_confirm", [quote])

    login(client, "manager")
    first_view = client.get("/dashboard/technicians")
    assert first_view.status_code == 200
    assert rpcs(first_view) <= 9  # one parallel round: 6 reads, + stages, workers, users
    again = client.get("/dashboard/technicians")
    assert rpcs(again) <= 7  # 6 reads (+ currencies the first time they show)
    rows = rows_of(again.get_data(as_text=True))

    # Jobs done and time on site, from the orders themselves.
    mine = rows[tech1["name"]]
    assert int(mine["done"]) == len(done)
    on_site = sum((tzs.parse_odoo_datetime(o["date_end"]) - tzs.parse_odoo_datetime(
        o["date_start"])).total_seconds() / 3600 for o in done if o["date_start"])
    assert float(mine["on_site"]) == round(on_site, 1)
    assert float(mine["scheduled"]) == round(sum(o["scheduled_duration"] for o in done), 1)
    assert int(mine["parts"]) == 1

    # Every technician's count equals Odoo's count.
    for person in api.search_read("fsm.person", [], ["name"]):
        count = api.search_count("fsm.order", [
            ("person_id", "=", person["id"]), ("is_closed", "=", True),
            ("stage_id", "!=", cancelled), ("date_end", ">=", start), ("date_end", "<", end)])
        assert int(rows[person["name"]]["done"]) == count, person["name"]

    # Quotes written and orders confirmed by tech1 as salesperson.
    quotes = api.search_count("sale.order", [("user_id", "=", tech1_user),
                                             ("create_date", ">=", start),
                                             ("create_date", "<", end)])
    orders = api.search_count("sale.order", [("user_id", "=", tech1_user),
                                             ("state", "in", ["sale", "done"]),
                                             ("date_order", ">=", start),
                                             ("date_order", "<", end)])
    assert int(mine["quotes"]) == quotes and int(mine["orders"]) == orders >= 1

    # The month and the previous week answer too; a bad period is this week.
    assert client.get("/dashboard/technicians?period=month").status_code == 200
    previous = (first - timedelta(days=1)).isoformat()
    assert client.get(f"/dashboard/technicians?start={previous}").status_code == 200
    assert client.get("/dashboard/technicians?period=x&start=y").status_code == 200


def _viewer(api):
    from app.services.viewer import Viewer
    return Viewer(user_id=None, partner_id=None, role="manager", tz=NY, version=api.version)


@pytest.mark.parametrize("version", [16, 19])
def test_other_versions(make_emulator, version, app, login):
    handle = make_emulator(version=version)
    app.config.update(ODOO_URL=handle.url)
    client = app.test_client()
    login(client, "manager")
    response = client.get("/dashboard/technicians?period=month")
    assert response.status_code == 200
    assert rows_of(response.get_data(as_text=True))
