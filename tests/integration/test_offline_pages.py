"""The day's job pages in one request for the service worker's offline copies (issue 26, goal
6): /jobs/offline?ids=… reads every job with one call and all their histories with one more,
sent together, and gives each page as its own request would render it."""
import re

import pytest

from app.odoo.client import OdooAPI

HISTORY = re.compile(r'<section class="card stack history".*?</section>\s*'
                     r'(<p class="muted">This copy[^<]*</p>)?', re.S)
MESSAGE = re.compile(r'history__item--(\w+)" data-message-id="(\d+)"')
VOLATILE = re.compile(r'(name="csrf-token" content|name="csrf_token" value|name="idempotency_key" '
                      r'value|name="fk-rendered-at" content)="[^"]*"')


def calls(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


@pytest.fixture
def tech1(app, login, fresh):
    client = app.test_client()
    login(client, "tech1")
    return client


def day_ids(client):
    listed = client.get("/jobs/active").get_data(as_text=True)
    return sorted({int(i) for i in re.findall(r'href="/jobs/(\d+)"', listed)})


def test_the_days_pages_come_in_one_round_trip_as_their_own_requests_render_them(
        tech1, round_trips):
    ids = day_ids(tech1)
    assert len(ids) >= 3
    tech1.get(f"/jobs/offline?ids={ids[0]}")  # the configuration cached, as on a running server
    round_trips["n"] = 0
    response = tech1.get("/jobs/offline?ids=" + ",".join(map(str, ids)))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert calls(response) == 2 and round_trips["n"] == 1
    pages = response.get_json()["pages"]
    assert [page["url"] for page in pages] == [f"/jobs/{i}" for i in ids]
    assert any(MESSAGE.findall(page["html"]) for page in pages)
    for page in pages:
        alone = tech1.get(page["url"])
        assert alone.headers["X-Fk-Version"] == page["version"]
        html = alone.get_data(as_text=True)
        # the same page but for the history, which leaves out the stage changes, and says so
        assert VOLATILE.sub("", HISTORY.sub("", page["html"])) \
            == VOLATILE.sub("", HISTORY.sub("", html))
        assert "This copy leaves out the stage changes" in page["html"]
        assert MESSAGE.findall(page["html"]) == [m for m in MESSAGE.findall(html)
                                                 if m[0] != "tracking"]
        # every form keeps its own one-time key, as on the page itself
        assert page["html"].count('name="idempotency_key"') \
            == page["html"].count('name="csrf_token"') > 0


def test_a_job_the_technician_may_not_open_is_left_out(tech1, fresh):
    admin = OdooAPI(fresh.url, "fieldkit")
    admin.authenticate("admin", "admin")
    tech2 = admin.search_read("res.users", [("login", "=", "tech2")], ["partner_id"])[0]
    other = admin.search_read("fsm.order", [("person_id.partner_id", "=",
                                             tech2["partner_id"][0])], ["id"], limit=1)[0]["id"]
    mine = day_ids(tech1)[0]
    pages = tech1.get(f"/jobs/offline?ids={other},{mine},999999").get_json()["pages"]
    assert [page["url"] for page in pages] == [f"/jobs/{mine}"]


def test_a_notice_waiting_for_the_next_page_is_neither_copied_nor_used_up(tech1):
    mine = day_ids(tech1)[0]
    with tech1.session_transaction() as session:
        session["_flashes"] = [("success", "Note added.")]
    pages = tech1.get(f"/jobs/offline?ids={mine}").get_json()["pages"]
    assert "Note added." not in pages[0]["html"]
    assert "Note added." in tech1.get(f"/jobs/{mine}").get_data(as_text=True)


def test_no_ids_no_pages(tech1):
    response = tech1.get("/jobs/offline")
    assert response.status_code == 200 and response.get_json() == {"pages": []}
    assert calls(response) == 0


@pytest.mark.parametrize("ids", [",", "x", "1,,2,a", "1;2", "-1", "12345678901"])
def test_ids_that_are_not_job_numbers_are_refused_with_a_reason(tech1, ids):
    response = tech1.get(f"/jobs/offline?ids={ids}")
    assert response.status_code == 400
    assert "job numbers" in response.get_json()["error"]
