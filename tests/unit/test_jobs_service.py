"""The jobs service without Odoo: grouping by the user's zone (DST too), stages, chatter, access."""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.platform import chatter
from app.platform.actions import ActionRefused
from app.services import jobs
from app.services.viewer import Viewer

RECORDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "odoo-recordings"
NY = "America/New_York"
LA = "America/Los_Angeles"


class FakeOdoo:
    """Answers search_read/read/json_route from canned data and records every call."""

    base_url = "http://fake"
    db = "fieldkit"

    def __init__(self, orders=(), stages=(), messages=None, version=17):
        self.orders = {o["id"]: o for o in orders}
        self.stages = list(stages)
        self.messages = messages if messages is not None else {"messages": []}
        self.version = version
        self.calls = []
        self.rpc_count = 0
        self.round_trips = 0  # a parallel() batch is one: its calls go out together
        self._batch = False

    def _log(self, *call):
        self.calls.append(call)
        self.rpc_count += 1
        if not self._batch:
            self.round_trips += 1

    def parallel(self, calls, *, return_errors=False):
        """OdooAPI.parallel's contract (reads only, results in order), one round trip."""
        self.round_trips += 1
        self._batch = True
        try:
            outcomes = []
            for call in calls:
                call.check()
                try:
                    outcomes.append(call.run(self))
                except Exception as exc:  # noqa: BLE001 (as OdooAPI: the slot holds the error)
                    if not return_errors:
                        raise
                    outcomes.append(exc)
            return outcomes
        finally:
            self._batch = False

    def search_read(self, model, domain, fields, **kwargs):
        self._log("search_read", model, domain)
        return self._find(model, domain)

    def _find(self, model, domain):
        if model == "fsm.stage":
            return self.stages
        if model == "stock.picking":
            return []  # no parts used on the job (inventory's finish hook)
        ids = [leaf[2] for leaf in domain if isinstance(leaf, tuple) and leaf[0] == "id"]
        partner = next(
            (
                leaf[2]
                for leaf in domain
                if isinstance(leaf, tuple) and leaf[0] == "person_id.partner_id"
            ),
            None,
        )
        found = [o for o in self.orders.values() if not ids or o["id"] in ids]
        if partner is not None:
            found = [o for o in found if o.get("_partner") == partner]
        return [dict(o) for o in found]

    def search_count(self, model, domain):
        self._log("search_count", model, domain)
        return len(self._find(model, domain))

    def read(self, model, ids, fields):
        self._log("read", model, ids)
        return [dict(self.orders[i]) for i in ids if i in self.orders]

    def json_route(self, path, params, *, idempotent=False):
        self._log("json_route", path, params)
        return self.messages

    def call(self, model, method, *args, **kwargs):
        self._log("call", model, method, args)
        if method == "web_search_read":  # the rows as read gives them (_from_web keeps them)
            rows = self._find(model, args[0])
            return {"length": len(rows), "records": [dict(o) for o in rows]}
        return True

    def write(self, model, ids, vals):
        self._log("write", model, ids, vals)
        return True

    def message_post(self, model, res_id, body, **kwargs):
        self._log("message_post", model, res_id, body, kwargs)
        return 99


STAGES_16 = [
    {"id": 1, "name": "New", "sequence": 1, "is_closed": False, "is_default": True},
    {"id": 13, "name": "Confirmed", "sequence": 2, "is_closed": False},
    {"id": 17, "name": "En Route", "sequence": 6, "is_closed": False},
    {"id": 18, "name": "Started", "sequence": 7, "is_closed": False},
    {"id": 16, "name": "Scheduled", "sequence": 5, "is_closed": False},
    {"id": 2, "name": "Completed", "sequence": 100, "is_closed": True},
    {"id": 3, "name": "Cancelled", "sequence": 200, "is_closed": True},
]
STAGES_18 = [
    {"id": 1, "name": "New", "sequence": 1, "is_closed": False, "is_default": True},
    {"id": 2, "name": "Completed", "sequence": 100, "is_closed": True},
    {"id": 3, "name": "Cancelled", "sequence": 200, "is_closed": True},
]


def order(id, start, end=None, **extra):
    base = {
        "id": id,
        "name": f"FO{id:03d}",
        "stage_id": [1, "New"],
        "priority": "0",
        "scheduled_date_start": start,
        "scheduled_date_end": end,
        "date_start": False,
        "date_end": False,
        "location_id": [5, "Maple Street Dental"],
        "street": "12 Maple St",
        "city": "Springfield",
        "zip": "62701",
        "phone": "+1 217 555 0142",
        "person_id": [7, "Tech One"],
        "person_ids": [],
        "is_closed": False,
        "_partner": 61,
    }
    base.update(extra)
    return base


@pytest.fixture(autouse=True)
def _fresh_stage_cache():
    jobs.clear_stage_cache()
    yield
    jobs.clear_stage_cache()


def tech(tz=NY, version=17, partner=61):
    return Viewer(
        user_id=8,
        partner_id=partner,
        role="technician",
        tz=tz,
        version=version,
        name="Tech One",
        company_id=1,
    )


def groups_by_key(result):
    return {g["key"]: [j["id"] for j in g["jobs"]] for g in result["groups"]}


# ------------------------------------------------------------------ grouping and time zones


def test_groups_follow_the_users_local_day_not_utc():
    # 2026-11-23 20:00 in New York is 2026-11-24 01:00 UTC: "today" is the 23rd there.
    now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    odoo = FakeOdoo(
        orders=[
            order(1, "2026-11-23 14:00:00"),  # 09:00 NY on the 23rd: today
            order(2, "2026-11-24 03:30:00"),  # 22:30 NY on the 23rd: still today
            order(3, "2026-11-24 05:30:00"),  # 00:30 NY on the 24th: upcoming
            order(4, "2026-11-23 04:00:00"),  # 23:00 NY on the 22nd: overdue
            order(5, False),  # not scheduled: upcoming, last
        ],
        stages=STAGES_18,
    )
    result = jobs.list_active_jobs(odoo, tech(NY), now=now)
    assert groups_by_key(result) == {"overdue": [4], "today": [1, 2], "upcoming": [3, 5]}
    assert result["today"] == date(2026, 11, 23)


def test_same_orders_group_differently_for_a_user_in_los_angeles():
    now = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 23:30 LA on the 23rd, 02:30 NY 24th
    orders = [order(1, "2026-11-24 06:00:00"), order(2, "2026-11-24 09:00:00")]
    la = jobs.list_active_jobs(FakeOdoo(orders=orders, stages=STAGES_18), tech(LA), now=now)
    ny = jobs.list_active_jobs(FakeOdoo(orders=orders, stages=STAGES_18), tech(NY), now=now)
    # LA: 22:00 on the 23rd (today) and 01:00 on the 24th (upcoming); NY: both on the 24th (today).
    assert groups_by_key(la) == {"overdue": [], "today": [1], "upcoming": [2]}
    assert groups_by_key(ny) == {"overdue": [], "today": [1, 2], "upcoming": []}


def test_spring_forward_day_boundaries_and_window():
    # 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT. Midnight is 05:00 UTC that day,
    # the next midnight 04:00 UTC.
    now = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    odoo = FakeOdoo(
        orders=[
            order(1, "2026-03-08 04:59:00"),  # 23:59 EST on the 7th: overdue
            order(2, "2026-03-08 05:00:00", "2026-03-08 08:00:00"),  # 00:00 EST to 04:00 EDT
            order(3, "2026-03-09 03:59:00"),  # 23:59 EDT on the 8th: today
            order(4, "2026-03-09 04:00:00"),  # 00:00 EDT on the 9th: upcoming
        ],
        stages=STAGES_18,
    )
    result = jobs.list_active_jobs(odoo, tech(NY), now=now)
    assert groups_by_key(result) == {"overdue": [1], "today": [2, 3], "upcoming": [4]}
    today_jobs = result["groups"][0]["jobs"]  # Today comes first (issue 27)
    assert today_jobs[0]["window"] == "Today 00:00 – 04:00"
    assert odoo.calls[0][3][0][-1] == ("date_end", ">=", "2026-03-08 05:00:00")


def test_fall_back_day_and_domain_uses_local_midnight():
    # 2026-11-01: New York goes back from 02:00 EDT to 01:00 EST; midnight is 04:00 UTC.
    now = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
    odoo = FakeOdoo(
        orders=[
            order(1, "2026-11-01 03:59:00"),
            order(2, "2026-11-02 04:59:00"),
            order(3, "2026-11-02 05:00:00"),
        ],
        stages=STAGES_18,
    )
    result = jobs.list_active_jobs(odoo, tech(NY), now=now)
    assert groups_by_key(result) == {"overdue": [1], "today": [2], "upcoming": [3]}
    domain = odoo.calls[0][3][0]
    assert ("date_end", ">=", "2026-11-01 04:00:00") in domain


def test_closed_today_shows_under_today_and_today_tomorrow_are_precached():
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    odoo = FakeOdoo(
        orders=[
            order(
                1,
                "2026-11-22 14:00:00",
                is_closed=True,
                stage_id=[2, "Completed"],
                date_end="2026-11-23 13:00:00",
            ),
            order(2, "2026-11-24 14:00:00"),
            order(3, "2026-11-26 14:00:00"),
        ],
        stages=STAGES_18,
    )
    result = jobs.list_active_jobs(odoo, tech(NY), now=now)
    assert groups_by_key(result) == {"overdue": [], "today": [1], "upcoming": [2, 3]}
    upcoming = result["groups"][2]["jobs"]
    assert [j["precache"] for j in upcoming] == [True, False]
    assert result["groups"][0]["jobs"][0]["stage"]["state"] == "done"


def test_list_is_two_rpcs_and_limits_technicians_to_their_own_orders():
    odoo = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")], stages=STAGES_18)
    jobs.list_active_jobs(odoo, tech(), now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    # A page of orders and their count in one call (the stages with it when not cached).
    assert odoo.round_trips == 1 and odoo.rpc_count <= 2
    warm = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")], stages=STAGES_18)
    jobs.list_active_jobs(warm, tech(), now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert [c[:3] for c in warm.calls] == [("call", "fsm.order", "web_search_read")]
    domain = odoo.calls[0][3][0]
    assert domain[:3] == [
        "|",
        ("person_id.partner_id", "=", 61),
        ("person_ids.partner_id", "=", 61),
    ]


def test_office_sees_everyone_with_a_technician_filter_and_unassigned():
    orders = [
        order(1, "2026-11-23 14:00:00"),
        order(2, "2026-11-23 15:00:00", person_id=[9, "Tech Two"], _partner=62),
        order(3, "2026-11-23 16:00:00", person_id=False, _partner=None),
    ]
    office = Viewer(user_id=3, partner_id=30, role="office", tz=NY, version=18, company_id=1)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    everyone = jobs.list_active_jobs(FakeOdoo(orders=orders, stages=STAGES_18), office, now=now)
    assert groups_by_key(everyone)["today"] == [1, 2, 3]
    assert [t["name"] for t in everyone["technicians"]] == ["Tech One", "Tech Two"]
    assert everyone["show_filter"]
    # The filter narrows Odoo's search (so that pages and counts follow it).
    unassigned = FakeOdoo(orders=orders, stages=STAGES_18)
    jobs.list_active_jobs(unassigned, office, technician="unassigned", now=now)
    assert unassigned.calls[0][3][0][-2:] == [("person_id", "=", False),
                                              ("person_ids", "=", False)]
    two = FakeOdoo(orders=orders, stages=STAGES_18)
    jobs.list_active_jobs(two, office, technician="9", now=now)
    assert two.calls[0][3][0][-3:] == ["|", ("person_id", "=", 9), ("person_ids", "in", [9])]
    bad = FakeOdoo(orders=orders, stages=STAGES_18)
    jobs.list_active_jobs(bad, office, technician="9 OR 1=1", now=now)
    assert ("person_id", "=", 9) not in bad.calls[0][3][0]


def test_links_for_call_text_navigate():
    row = jobs.summarize_order(
        order(1, "2026-11-23 14:00:00"), None, NY, datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert row["tel_url"] == "tel:+12175550142"
    assert row["sms_url"] == "sms:+12175550142"
    assert row["maps_url"].startswith("https://www.google.com/maps/search/?api=1&query=12+Maple+St")
    body = jobs.sms_url("+1 217 555 0142", jobs.eta_text(20, "Tech One"))
    assert body.startswith("sms:+12175550142?body=") and "about%2020%20minutes" in body


# ------------------------------------------------------------------ stages


def test_stage_map_isp_flow_recognises_special_stages_and_orders_by_sequence():
    sm = jobs.build_stage_map(STAGES_16)
    assert [s.name for s in sm.stages] == [
        "New",
        "Confirmed",
        "Scheduled",
        "En Route",
        "Started",
        "Completed",
        "Cancelled",
    ]
    assert (sm.en_route.id, sm.started.id, sm.completed.id, sm.cancelled.id) == (17, 18, 2, 3)
    assert [s.name for s in sm.next_stages(16)] == ["En Route", "Started"]
    assert sm.next_stages(2) == []
    assert (
        sm.state_of(18) == "started" and sm.state_of(3) == "cancelled" and sm.state_of(2) == "done"
    )


def test_stage_map_oca_18_has_no_en_route_or_started():
    sm = jobs.build_stage_map(STAGES_18)
    assert sm.en_route is None and sm.started is None
    assert (sm.completed.name, sm.cancelled.name) == ("Completed", "Cancelled")
    assert sm.next_stages(1) == []


def test_stage_map_with_renamed_stages_falls_back_on_flags():
    sm = jobs.build_stage_map(
        [
            {"id": 7, "name": "Open", "sequence": 1, "is_closed": False},
            {"id": 8, "name": "Klaar", "sequence": 9, "is_closed": True},
            {"id": 9, "name": "Geannuleerd", "sequence": 10, "is_closed": True},
        ]
    )
    assert sm.completed.id == 8 and sm.cancelled.id == 9


@pytest.mark.parametrize("names", [
    ("Nouveau", "En route", "Démarré", "Terminé", "Annulé"),
    ("Nuevo", "En camino", "Iniciado", "Completado", "Cancelado"),
    ("Neu", "Unterwegs", "Begonnen", "Erledigt", "Storniert"),
    ("Nieuw", "Onderweg", "Gestart", "Voltooid", "Geannuleerd"),
])
def test_stage_map_recognises_special_stages_in_the_users_language(names):
    # Odoo answers stage names in the user's language (issue 29): the closed ones listed
    # cancelled first, so a name-blind fallback would take the wrong one for "completed".
    sm = jobs.build_stage_map([
        {"id": 1, "name": names[0], "sequence": 1, "is_closed": False, "is_default": True},
        {"id": 2, "name": names[1], "sequence": 2, "is_closed": False},
        {"id": 3, "name": names[2], "sequence": 3, "is_closed": False},
        {"id": 5, "name": names[4], "sequence": 100, "is_closed": True},
        {"id": 4, "name": names[3], "sequence": 200, "is_closed": True},
    ])
    assert (sm.en_route.id, sm.started.id, sm.completed.id, sm.cancelled.id) == (2, 3, 4, 5)


def test_stage_names_are_cached_per_language():
    class Client:
        base_url, db = "http://odoo", "db"

        def __init__(self, lang):
            self.context = {"lang": lang}

    viewer = SimpleNamespace(companies_key=(1,))
    assert jobs._stage_cache_key(Client("fr_FR"), viewer) != \
        jobs._stage_cache_key(Client("de_DE"), viewer)


def test_start_sets_date_start_and_started_stage_where_one_exists():
    now = datetime(2026, 11, 23, 15, 5, tzinfo=UTC)
    odoo = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")], stages=STAGES_16)
    jobs.start_job(odoo, tech(version=16), 1, now=now)
    assert odoo.calls[-1] == (
        "write",
        "fsm.order",
        [1],
        {"date_start": "2026-11-23 15:05:00", "stage_id": 18},
    )
    odoo18 = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")], stages=STAGES_18)
    jobs.clear_stage_cache()
    jobs.start_job(odoo18, tech(version=18), 1, now=now)
    assert odoo18.calls[-1] == ("write", "fsm.order", [1], {"date_start": "2026-11-23 15:05:00"})


def test_finish_writes_resolution_and_end_then_action_complete():
    now = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    odoo = FakeOdoo(
        orders=[order(1, "2026-11-23 14:00:00", date_start="2026-11-23 15:00:00")], stages=STAGES_18
    )
    jobs.finish_job(odoo, tech(version=18), 1, "Replaced <b>capacitor</b>", now=now)
    write, complete = [c for c in odoo.calls if c[0] in ("write", "call")][-2:]
    assert write == (
        "write",
        "fsm.order",
        [1],
        {
            "resolution": "<p>Replaced &lt;b&gt;capacitor&lt;/b&gt;</p>",
            "date_end": "2026-11-23 16:00:00",
        },
    )
    assert complete == ("call", "fsm.order", "action_complete", ([1],))
    # Never a plain write of the completed stage ("Cannot move to completed from Kanban").
    assert not any(c[0] == "write" and "stage_id" in c[3] for c in odoo.calls)


def test_finish_refuses_without_resolution_or_required_signature():
    odoo = FakeOdoo(
        orders=[order(1, "2026-11-23 14:00:00", require_signature=True, x_signature_url=False)],
        stages=STAGES_18,
    )
    with pytest.raises(jobs.JobActionError, match="resolution"):
        jobs.finish_job(odoo, tech(version=18), 1, "  ")
    with pytest.raises(jobs.JobActionError, match="signature"):
        jobs.finish_job(odoo, tech(version=18), 1, "Done")
    assert not any(c[0] in ("write", "call") for c in odoo.calls)


def test_stage_change_refuses_closed_stages():
    odoo = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")], stages=STAGES_16)
    with pytest.raises(jobs.JobActionError, match="Finish"):
        jobs.set_job_stage(odoo, tech(version=16), 1, "2")
    assert jobs.set_job_stage(odoo, tech(version=16), 1, "13") == "Stage set to Confirmed."
    assert odoo.calls[-1] == ("write", "fsm.order", [1], {"stage_id": 13})


# ------------------------------------------------------------------ ownership


def test_own_order_is_read_in_one_call():
    odoo = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00")])
    assert jobs.fetch_order(odoo, tech(), 1, ["id"])["id"] == 1
    assert odoo.rpc_count == 1


def test_other_technicians_order_is_forbidden_and_missing_is_not_found():
    odoo = FakeOdoo(orders=[order(2, "2026-11-23 14:00:00", _partner=62)])
    with pytest.raises(jobs.JobForbidden):
        jobs.fetch_order(odoo, tech(version=18), 2, ["id"])
    with pytest.raises(jobs.JobNotFound):
        jobs.fetch_order(odoo, tech(version=18), 404, ["id"])
    office = Viewer(user_id=3, partner_id=30, role="office", tz=NY, version=18)
    assert jobs.fetch_order(odoo, office, 2, ["id"])["id"] == 2


def test_actions_on_another_technicians_order_write_nothing():
    odoo = FakeOdoo(orders=[order(2, "2026-11-23 14:00:00", _partner=62)], stages=STAGES_18)
    for action, args in [
        (jobs.start_job, ()),
        (jobs.cancel_job, ()),
        (jobs.add_note, ("hi",)),
        (jobs.finish_job, ("done",)),
    ]:
        with pytest.raises(jobs.JobForbidden):
            action(odoo, tech(version=18), 2, *args)
    assert not any(c[0] in ("write", "call", "message_post") for c in odoo.calls)


# ------------------------------------------------------------------ chatter


def _recorded(version, name="m3_tech_mail_thread_messages_after_post"):
    path = RECORDINGS / f"odoo{version}" / f"{name}.json"
    # The recordings are part of the repository (tests/fixtures/): a missing one is a bug.
    assert path.exists(), f"recording {path} is missing from the repository"
    return json.loads(path.read_text())["response"]["json"]["result"]


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_normaliser_reads_every_recorded_format(version):
    messages = chatter.normalize_messages(_recorded(version))
    assert messages, "no messages"
    dates = [m["date"] for m in messages]
    assert dates == sorted(dates, reverse=True)
    note = messages[0]
    assert note["author"] == "Tech One" and str(note["body"]) == "<p>Replaced capacitor</p>"
    assert note["kind"] == "note"
    tracking = next(m for m in messages if m["tracking"])
    assert tracking["author"] == "Tech One"
    assert tracking["tracking"] == [{"field": "Stage", "old": "New", "new": "Completed"}]
    assert tracking["subtype"] == "Order completed"
    assert messages[-1]["author"] == "Mitchell Admin"


def test_normaliser_reads_odoo_15_message_format():
    result = [
        {
            "id": 11,
            "body": "<p>Arrived<script>x()</script></p>",
            "date": "2026-11-23 08:00:00",
            "author_id": [61, "Tech One"],
            "message_type": "comment",
            "subtype_id": [2, "Note"],
            "is_note": True,
            "tracking_value_ids": [],
        },
        {
            "id": 12,
            "body": "",
            "date": "2026-11-23 09:00:00",
            "author_id": [61, "Tech One"],
            "message_type": "notification",
            "subtype_id": [11, "Order Completed"],
            "tracking_value_ids": [
                {
                    "id": 5,
                    "changed_field": "Stage",
                    "old_value": "New",
                    "new_value": "Completed",
                    "field_type": "many2one",
                }
            ],
        },
    ]
    messages = chatter.normalize_messages(result)
    assert [m["id"] for m in messages] == [12, 11]
    assert messages[0]["tracking"] == [{"field": "Stage", "old": "New", "new": "Completed"}]
    assert str(messages[1]["body"]) == "<p>Arrived</p>" and messages[1]["author_id"] == 61


def test_detail_is_three_rpcs_and_sanitises_html():
    odoo = FakeOdoo(
        orders=[
            order(
                1,
                "2026-11-23 14:00:00",
                description="<p>Noisy<img src=x onerror=alert(1)></p>",
                todo="<ul class='o_checklist'><li>Check</li></ul><script>x</script>",
                equipment_ids=[],
                x_signature_url=False,
            )
        ],
        stages=STAGES_18,
        messages=_recorded(18),
    )
    job = jobs.job_detail(odoo, tech(version=18), 1, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert odoo.rpc_count == 3
    assert odoo.round_trips == 1  # the order, its history and the stages go out together
    assert str(job["description"]) == "<p>Noisy</p>"
    assert "script" not in str(job["todo"]) and 'class="o_checklist"' in str(job["todo"])
    assert job["messages"][0]["author"] == "Tech One"
    assert [c["label"] for c in job["finish_checks"]][:1] == ["Resolution: what was done"]


def test_detail_with_equipment_in_two_rpcs_once_its_names_are_cached():
    jobs.clear_stage_cache()
    odoo = FakeOdoo(orders=[order(1, "2026-11-23 14:00:00", equipment_ids=[4])], stages=STAGES_18)
    jobs.job_detail(odoo, tech(version=18), 1)  # cold: order, stages, chatter, equipment
    assert odoo.rpc_count == 4
    odoo.rpc_count = odoo.round_trips = 0
    jobs.job_detail(odoo, tech(version=18), 1)  # warm: order, chatter
    assert odoo.rpc_count == 2 and odoo.round_trips == 1


def test_note_without_email_is_explained(monkeypatch):
    from app.odoo import client as odoo_api

    class NoEmail(FakeOdoo):
        def message_post(self, *a, **k):
            raise odoo_api.UserError(
                "Unable to send message, please configure the sender's email address."
            )

    odoo = NoEmail(orders=[order(1, "2026-11-23 14:00:00")])
    with pytest.raises(ActionRefused, match="needs an email address to post notes"):
        jobs.add_note(odoo, tech(version=18), 1, "Replaced capacitor")
