"""The card pages (issue 26, goal 4): what every card needs is worked out once per page, not
once per card: the user's "today" and time zone, the viewer's timers (one store read for the
whole list, not one per card)."""
import re

import pytest
import pytz

from app.platform import store as store_module
from app.platform import timezone as tzs
from tests.integration.test_job_timer import open_job

CARD_PAGES = [("tech1", "/jobs/active"), ("office", "/jobs/board"), ("office", "/jobs"),
              ("office", "/dispatch"), ("office", "/dispatch?view=week"), ("office", "/crm")]


def add_jobs(admin, name, count):
    """`count` new unassigned, unscheduled jobs named "<name> <n>" (in the first stage)."""
    location = admin.search_read("fsm.location", [], ["id"], limit=1)[0]["id"]
    admin.call("fsm.order", "create", [{"location_id": location, "name": f"{name} {i}"}
                                       for i in range(count)])


def warm_page(client, path):
    """The page as a warm worker serves it (its caches filled by a first visit): its HTML and
    its Odoo calls."""
    client.get(path)
    page = client.get(path)
    assert page.status_code == 200
    return page.get_data(as_text=True), int(page.headers["X-Odoo-RPC"].split(";")[0])


@pytest.mark.parametrize(("user", "path"), CARD_PAGES)
def test_a_card_page_works_out_today_and_the_zone_once(app, client, login, fresh, monkeypatch,
                                                       user, path):
    login(client, user)
    assert client.get(path).status_code == 200   # the configuration caches warm
    calls = {"today": 0, "zone": 0}
    today, timezone = tzs.today, pytz.timezone

    def counted_today(*args, **kwargs):
        calls["today"] += 1
        return today(*args, **kwargs)

    def counted_zone(*args, **kwargs):
        calls["zone"] += 1
        return timezone(*args, **kwargs)

    monkeypatch.setattr(tzs, "today", counted_today)
    monkeypatch.setattr(pytz, "timezone", counted_zone)
    page = client.get(path)
    assert page.status_code == 200
    # Dozens of cards each: before, every card (and every date on it) asked again.
    assert calls["today"] <= 2, calls
    assert calls["zone"] <= 2, calls


def test_the_job_list_reads_the_timers_of_all_its_cards_at_once(app, client, login, fresh,
                                                                 clock, monkeypatch):
    login(client, "tech1")
    job = open_job(fresh, "tech1")
    assert client.post(f"/jobs/{job}/start").status_code == 302
    clock["t"] += 600
    reads = {"get": 0, "get_many": 0}
    get, get_many = store_module.SQLiteStore.get, store_module.SQLiteStore.get_many

    def counted_get(self, key):
        reads["get"] += key.startswith("timer:")
        return get(self, key)

    def counted_get_many(self, keys):
        reads["get_many"] += 1
        return get_many(self, keys)

    monkeypatch.setattr(store_module.SQLiteStore, "get", counted_get)
    monkeypatch.setattr(store_module.SQLiteStore, "get_many", counted_get_many)
    page = client.get("/jobs/active")
    assert page.text.count("job-card__timer") == 1
    assert "Timer running: 0:10:00" in page.text
    assert page.text.count('class="card job-card') > 5
    assert reads == {"get": 0, "get_many": 1}


def test_the_jobs_board_shows_a_window_with_every_columns_count(app, client, login, fresh,
                                                                admin):
    """The board does not grow with the data (issue 26, goal 5): 100 cards at most, each
    column's count from Odoo, the rest one column a page at a time; 2 calls warm."""
    add_jobs(admin, "Bulk", 150)
    new = admin.search_read("fsm.order", [("name", "=", "Bulk 0")], ["stage_id"])[0]
    stage = new["stage_id"][0]
    in_stage = admin.search_count("fsm.order", [("stage_id", "=", stage),
                                                ("is_closed", "=", False)])
    login(client, "office")
    html, calls = warm_page(client, "/jobs/board")
    assert calls <= 2
    assert html.count('<li class="board-card') == 100
    assert "Showing the first 100 jobs by date" in html
    counts = dict(re.findall(r'id="col-(\d+)" class="board-column__title">[^<]*<span class="badge" '
                             r'data-count>(\d+)<', html))
    assert int(counts[str(stage)]) == in_stage >= 150
    assert f'href="/jobs/board?stage={stage}">Show all {in_stage}</a>' in html
    # The column alone, 50 cards a page, with its pages.
    column = client.get(f"/jobs/board?stage={stage}").get_data(as_text=True)
    assert column.count('<li class="board-card') == 50 and 'rel="next"' in column
    last = -(-in_stage // 50)
    column = client.get(f"/jobs/board?stage={stage}&page={last}").get_data(as_text=True)
    assert column.count('<li class="board-card') == in_stage - 50 * (last - 1)
    assert client.get("/jobs/board?stage=x").status_code == 400


def test_dispatch_shows_a_window_and_says_what_each_lane_and_the_pool_hold(app, client, login,
                                                                          fresh, admin):
    add_jobs(admin, "Pool", 200)
    pool = admin.search_count("fsm.order", [("person_id", "=", False),
                                            ("is_closed", "=", False)])
    login(client, "office")
    html, calls = warm_page(client, "/dispatch")
    assert calls <= 2
    assert html.count('<li class="plan-card') <= 150
    assert f'Unassigned <span class="badge">{pool}</span>' in html
    shown_in_pool = len(re.findall(r'<li class="plan-card', html.split('id="pool-title"')[1]
                                   .split("</section>")[0]))
    assert f'data-hidden="{pool - shown_in_pool}"' in html and pool - shown_in_pool > 0
    assert "not shown (the first 150 by time are)" in html


@pytest.mark.parametrize("version", [15, 19])
def test_the_jobs_list_reads_a_page_and_its_count_in_one_call_on_every_version(
        app, client, login, make_emulator, monkeypatch, version):
    """web_search_read gives the page and the count together: with fields up to 16, with a
    specification (many2one as {id, display_name}) from 17."""
    from app.platform.listing import ListSpec
    from app.services import jobs as jobs_package

    emulator = make_emulator(version=version)
    app.config["ODOO_URL"] = emulator.url
    jobs_package.clear_stage_cache()
    login(client, "tech1")
    whole = client.get("/jobs/active").get_data(as_text=True)
    cards = whole.count('class="card job-card')
    assert cards > 2 and "Not scheduled" not in whole.split('data-group="today"')[1][:400]
    monkeypatch.setattr(jobs_package, "ACTIVE_SPEC", ListSpec(page_size=2))
    page = client.get("/jobs/active")
    assert int(page.headers["X-Odoo-RPC"].split(";")[0]) == 1
    assert f"1–2 of {cards} jobs, by date" in page.get_data(as_text=True)
