"""Dispatch against the Odoo emulator: the plan view, assign, re-plan as a draft and publish with
a partial failure, suggested slots, the jobs board's moves, and live change tokens shared
between app instances through the store."""

import re
from datetime import date, datetime, timedelta

import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from app.platform import timezone as tzs
from app.services import jobs as jobs_service
from app.services import planning
from tests.conftest import clear_config_caches

NY = "America/New_York"


def rpc_count(response):
    header = response.headers.get("X-Odoo-RPC")
    assert header, "X-Odoo-RPC header missing"
    return int(header.split(";")[0])


class Admin:
    def __init__(self, url):
        self.api = OdooAPI(url, "fieldkit")
        self.api.authenticate("admin", "admin")

    def order(self, id, fields=("person_id", "scheduled_date_start", "scheduled_duration",
                                "scheduled_date_end", "stage_id", "is_closed", "date_end")):
        return self.api.read("fsm.order", [id], list(fields))[0]

    def person(self, login):
        partner = self.api.search_read("res.users", [("login", "=", login)],
                                       ["partner_id"])[0]["partner_id"][0]
        return self.api.search_read("fsm.person", [("partner_id", "=", partner)],
                                    ["name"])[0]

    def unassigned_open(self):
        return self.api.search_read(
            "fsm.order", [("person_id", "=", False), ("is_closed", "=", False)],
            ["name", "scheduled_duration"], order="id")

    def open_of(self, person_id):
        return self.api.search_read(
            "fsm.order", [("person_id", "=", person_id), ("is_closed", "=", False)],
            ["scheduled_date_start", "scheduled_date_end"])




@pytest.fixture
def admin(fresh):
    return Admin(fresh.url)


@pytest.fixture
def office(client, login, fresh, app):
    app.config["LIVE_INTERVAL"] = 1
    login(client, "office")
    return client


def tomorrow_at(hour, minute=0):
    day = tzs.today(NY) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day, f"{day.isoformat()}T{hour:02d}:{minute:02d}"


# --- the plan ---------------------------------------------------------------------------------


def test_plan_shows_a_lane_per_technician_and_the_pool_within_budget(office, admin):
    # A working day (on a weekend the technicians' day holds 0 h): the next one from today
    day = date.today()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    office.get(f"/dispatch?day={day}")  # warm the stage and calendar caches
    response = office.get(f"/dispatch?day={day}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rpc_count(response) <= 2
    persons = admin.api.search_read("fsm.person", [("active", "=", True)], ["name"])
    lanes = re.findall(r'data-lane="(\d+)"', html)
    assert sorted(int(i) for i in lanes) == sorted(p["id"] for p in persons)
    pool = re.search(r'class="plan-pool".*?</ul>', html, re.S).group(0)
    pool_ids = {int(i) for i in re.findall(r'data-id="(\d+)"', pool)}
    assert pool_ids == {o["id"] for o in admin.unassigned_open()}
    assert "of 8 h" in html  # each technician's load against the working day


def test_week_view_and_bad_day_fall_back_to_today(office):
    week = office.get("/dispatch?view=week")
    assert week.status_code == 200
    assert week.get_data(as_text=True).count("lane__dayhead") == 7
    assert office.get("/dispatch?day=not-a-date").status_code == 200


@pytest.mark.parametrize("url", ["/dispatch", "/jobs/board", "/dispatch/plan",
                                 "/dispatch/jobs/1"])
def test_technicians_get_403(client, login, fresh, url):
    login(client, "tech1")
    assert client.get(url).status_code == 403
    assert client.post("/dispatch/assign", data={"job_id": 1, "person_id": 1}).status_code == 403


# --- assigning --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [16, 18])
def test_assign_writes_person_and_window_in_utc(make_emulator, app, login, version):
    emu = make_emulator(version=version)
    app.config["ODOO_URL"] = emu.url
    clear_config_caches()
    client = app.test_client()
    login(client, "office")
    admin = Admin(emu.url)
    job = admin.unassigned_open()[0]
    tech = admin.person("tech2")
    day, start = tomorrow_at(13, 30)
    response = client.post("/dispatch/assign", data={
        "job_id": job["id"], "person_id": tech["id"], "start": start, "duration": "1.5",
        "next": "/dispatch?day=" + day.isoformat()})
    assert response.status_code == 302
    assert response.location.endswith("/dispatch?day=" + day.isoformat())
    order = admin.order(job["id"])
    assert order["person_id"][0] == tech["id"]
    local = tzs.to_local(order["scheduled_date_start"], NY)
    assert (local.date(), local.hour, local.minute) == (day, 13, 30)
    assert order["scheduled_duration"] == 1.5
    assert tzs.parse_odoo_datetime(order["scheduled_date_end"]) - \
        tzs.parse_odoo_datetime(order["scheduled_date_start"]) == timedelta(hours=1.5)
    page = client.get("/dispatch?day=" + day.isoformat()).get_data(as_text=True)
    lane = re.search(rf'data-lane="{tech["id"]}".*?</div>', page, re.S).group(0)
    assert f'data-id="{job["id"]}"' in lane


@pytest.mark.parametrize("fields, message", [
    ({"person_id": "abc"}, "choose a technician from the list"),
    ({"person_id": "\u00b2"}, "choose a technician from the list"),  # isdigit(), not int()
    ({"start": "tomorrow-ish"}, "is not a date and time"),
    ({"duration": "-2"}, "between 15 minutes and 24 hours"),
    ({"duration": "lots"}, "number of hours"),
    ({"person_id": "999999"}, "not available any more"),
])
def test_bad_assignments_are_refused_with_the_form_kept(office, admin, fields, message):
    job = admin.unassigned_open()[0]
    before = admin.order(job["id"])
    _, start = tomorrow_at(9)
    data = {"job_id": job["id"], "person_id": admin.person("tech1")["id"], "start": start,
            "duration": "1", **fields}
    response = office.post("/dispatch/assign", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'value="{data["start"]}"' in html  # what was typed is kept
    assert admin.order(job["id"]) == before


def test_closed_job_is_refused_as_json_for_drag_and_drop(office, admin):
    closed = admin.api.search_read("fsm.order", [("is_closed", "=", True)], ["name"], limit=1)[0]
    response = office.post("/dispatch/assign", headers={"Accept": "application/json"},
                           data={"job_id": closed["id"], "person_id": admin.person("tech1")["id"]})
    assert response.status_code == 422
    assert response.get_json() == {"success": False,
                                   "error": "This job is closed: it can't be reassigned."}


def test_missing_job_id_is_a_400(office):
    assert office.post("/dispatch/assign", data={}).status_code == 400
    assert office.post("/jobs/board/move", data={"stage_id": 1}).status_code == 400


def test_overlaps_and_overfull_days_are_flagged(office, admin):
    tech = admin.person("tech3")
    day, start = tomorrow_at(8)
    jobs = admin.unassigned_open()[:2]
    for job in jobs:
        office.post("/dispatch/assign", data={"job_id": job["id"], "person_id": tech["id"],
                                              "start": start, "duration": "9"})
    html = office.get("/dispatch?day=" + day.isoformat()).get_data(as_text=True)
    lane = re.search(rf'data-lane="{tech["id"]}".*?</ul>\s*</div>', html, re.S).group(0)
    assert "overlapping" in lane and "plan-card--overlap" in lane
    assert "over-full" in lane


# --- suggested slots --------------------------------------------------------------------------


def test_suggested_slots_fit_working_hours_and_avoid_planned_jobs(office, admin):
    job = admin.unassigned_open()[0]
    page = office.get(f"/dispatch/jobs/{job['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    slots = re.findall(r'name="person_id" value="(\d+)">\s*<input type="hidden" name="start" '
                       r'value="([0-9T:-]+)"', html)
    assert len(slots) == 3
    duration = timedelta(hours=job["scheduled_duration"] or 1)
    now_local = tzs.to_local(tzs.now_utc(), NY).replace(tzinfo=None)
    starts = []
    for person_id, start in slots:
        begin = datetime.strptime(start, "%Y-%m-%dT%H:%M")
        end = begin + duration
        starts.append(begin)
        assert begin >= now_local - timedelta(minutes=15)
        assert begin.weekday() < 5
        assert (8 <= begin.hour < 12 and end <= begin.replace(hour=12, minute=0)) or \
            (13 <= begin.hour < 17 and end <= begin.replace(hour=17, minute=0))
        for other in admin.open_of(int(person_id)):
            if not other["scheduled_date_start"]:
                continue
            o_start = tzs.to_local(other["scheduled_date_start"], NY).replace(tzinfo=None)
            o_end = tzs.to_local(other["scheduled_date_end"], NY).replace(tzinfo=None)
            assert end <= o_start or begin >= o_end, "slot overlaps a planned job"
    assert starts == sorted(starts)


def test_free_slots_skip_busy_intervals():
    day = datetime(2026, 12, 1, 8)
    periods = [(day, day.replace(hour=12))]
    busy = [(day.replace(hour=8), day.replace(hour=9, minute=10)),
            (day.replace(hour=10), day.replace(hour=11))]
    found = list(planning.free_slots(busy, periods, timedelta(hours=1), day))
    assert found == [day.replace(hour=11)]  # 09:15-10:00 is too short
    found = list(planning.free_slots(busy, periods, timedelta(minutes=30), day))
    assert found == [day.replace(hour=9, minute=15)]


# --- planning mode ----------------------------------------------------------------------------


def test_planning_mode_keeps_changes_until_published_with_a_partial_failure(office, admin):
    office.post("/dispatch/planning", data={"mode": "on"})
    first, second = admin.unassigned_open()[:2]
    tech = admin.person("tech4")
    _, start = tomorrow_at(10)
    for job in (first, second):
        response = office.post("/dispatch/assign", data={
            "job_id": job["id"], "person_id": tech["id"], "start": start, "duration": "1"})
        assert response.status_code == 302
    assert admin.order(first["id"])["person_id"] is False  # nothing in Odoo yet
    review = office.get("/dispatch/plan").get_data(as_text=True)
    assert first["name"] in review and second["name"] in review
    # Someone closes the second job in Odoo before the plan is published.
    admin.api.write("fsm.order", [second["id"]], {"date_end": "2026-01-01 10:00:00"})
    admin.api.call("fsm.order", "action_complete", [second["id"]])
    response = office.post("/dispatch/plan/publish", headers={"Accept": "application/json"})
    answer = response.get_json()
    assert answer["published"] == 1
    assert [f["job_id"] for f in answer["failed"]] == [second["id"]]
    assert "closed" in answer["failed"][0]["error"]
    assert admin.order(first["id"])["person_id"][0] == tech["id"]
    review = office.get("/dispatch/plan").get_data(as_text=True)
    assert "Not published" in review and second["name"] in review
    assert first["name"] not in review
    office.post("/dispatch/plan/discard")
    assert "Your draft is empty" in office.get("/dispatch/plan").get_data(as_text=True)


def test_draft_moves_cards_on_the_plan_and_can_be_removed(office, admin):
    office.post("/dispatch/planning", data={"mode": "on"})
    job = admin.unassigned_open()[0]
    tech = admin.person("tech5")
    day, start = tomorrow_at(14)
    office.post("/dispatch/assign", data={"job_id": job["id"], "person_id": tech["id"],
                                          "start": start})
    html = office.get("/dispatch?day=" + day.isoformat()).get_data(as_text=True)
    lane = re.search(rf'data-lane="{tech["id"]}".*?</ul>\s*</div>', html, re.S).group(0)
    assert f'data-id="{job["id"]}"' in lane and "plan-card--draft" in lane
    office.post(f"/dispatch/plan/{job['id']}/remove")
    assert job["name"] not in office.get("/dispatch/plan").get_data(as_text=True)


# --- the jobs board ---------------------------------------------------------------------------


def test_board_moves_follow_the_job_rules(office, admin):
    stages = jobs_service.build_stage_map(admin.api.search_read(
        "fsm.stage", [("stage_type", "=", "order")], ["name", "sequence", "is_closed",
                                                      "is_default"]))
    job = admin.api.search_read("fsm.order", [("is_closed", "=", False),
                                              ("person_id", "!=", False)], ["name"], limit=1)[0]
    office.get("/jobs/board")  # the stages' cache: a cold one joins the same round trip
    board = office.get("/jobs/board")
    assert board.status_code == 200 and rpc_count(board) <= 2
    open_target = next(s for s in stages.stages if not s.is_closed
                       and s.id != admin.order(job["id"])["stage_id"][0])
    json_headers = {"Accept": "application/json"}
    moved = office.post("/jobs/board/move", headers=json_headers,
                        data={"job_id": job["id"], "stage_id": open_target.id})
    assert moved.get_json()["success"] is True
    assert admin.order(job["id"])["stage_id"][0] == open_target.id
    refused = office.post("/jobs/board/move", headers=json_headers,
                          data={"job_id": job["id"], "stage_id": stages.completed.id})
    assert refused.status_code == 422
    assert "resolution" in refused.get_json()["error"]
    assert admin.order(job["id"])["is_closed"] is False
    done = office.post("/jobs/board/move", data={"job_id": job["id"],
                                                 "stage_id": stages.completed.id,
                                                 "resolution": "Replaced the filter."})
    assert done.status_code == 302
    order = admin.order(job["id"])
    assert order["stage_id"][0] == stages.completed.id and order["date_end"]


# --- live updates -----------------------------------------------------------------------------


def test_live_token_is_shared_and_changes_when_a_job_changes(office, admin, app):
    first = office.get("/api/live")
    token = first.get_json()["token"]
    assert rpc_count(first) == 1
    again = office.get("/api/live", headers={"If-None-Match": f'"{token}"'})
    assert again.status_code == 304 and rpc_count(again) == 0  # within the interval: the store
    job = admin.unassigned_open()[0]
    admin.api.write("fsm.order", [job["id"]], {"priority": "3"})
    deadline = tzs.now_utc() + timedelta(seconds=5)
    changed = None
    while tzs.now_utc() < deadline:
        answer = office.get("/api/live", headers={"If-None-Match": f'"{token}"'})
        if answer.status_code == 200:
            changed = answer.get_json()["token"]
            break
    assert changed and changed != token


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_many_watchers_on_two_instances_ask_odoo_once_per_interval(fresh, login, tmp_path,
                                                                   backend, request):
    shared = {"ODOO_URL": fresh.url, "LIVE_INTERVAL": 30}
    if backend == "redis":
        shared["REDIS_URL"] = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(shared["REDIS_URL"]).flushdb()
    else:
        shared["STORE_PATH"] = str(tmp_path / "shared-store.sqlite3")
    apps = []
    for _ in range(2):
        instance = create_app(TestConfig)
        instance.config.update(shared)
        instance.test_client_class = type(request.getfixturevalue("client"))
        apps.append(instance)
    clients = []
    for n, instance in enumerate(apps * 3):
        client = instance.test_client()
        login(client, ["office", "manager", "admin"][n % 3])
        clients.append(client)
    calls = [rpc_count(c.get("/api/live")) for c in clients]
    assert sum(calls) == 1, calls
    tokens = {c.get("/api/live").get_json()["token"] for c in clients}
    assert len(tokens) == 1
