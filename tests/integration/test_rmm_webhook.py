"""POST /webhooks/rmm against the emulator: signatures, idempotency, each event type, failures.

The integration user acts through /jsonrpc execute_kw on 17 and JSON-2 on 19."""
import json
import time

import pytest

from app.odoo.client import OdooAPI
from app.signatures import sign

SECRET = "test-webhook-secret"  # noqa: S105 (tests only)


@pytest.fixture(scope="module")
def rmm_emulator(emulator_pool):
    with emulator_pool.lease(version=17) as handle:
        yield handle


@pytest.fixture
def odoo_url(rmm_emulator):
    return rmm_emulator.url


@pytest.fixture
def app(app, rmm_emulator):
    app.config.update(RMM_WEBHOOK_SECRET=SECRET, ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=rmm_emulator.api_keys["integration"])
    return app


def post_event(client, event, *, secret=SECRET, timestamp=None, raw=None, signature=None):
    body = raw if raw is not None else json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"X-RMM-Timestamp": str(timestamp),
               "X-RMM-Signature": signature or "sha256=" + sign(secret, timestamp, body)}
    # No CSRF token: a webhook caller has none.
    return client.post("/webhooks/rmm", data=body, headers=headers,
                       content_type="application/json", csrf=False)


def odoo_as_admin(url):
    odoo = OdooAPI(url, "fieldkit")
    odoo.authenticate("admin", "admin")
    return odoo


def event(kind, data, event_id=None):
    return {"id": event_id or f"evt-{time.monotonic_ns()}", "type": kind, "data": data}


def first_asset(odoo):
    return odoo.search_read("x_client_asset", [("x_status", "=", "active")],
                            ["x_name", "x_pulseway_id", "x_partner_id"], limit=1, order="id")[0]


def test_system_registered_creates_asset_for_known_group(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    company = odoo.search_read("res.partner", [("name", "=", "Harborview Bakery")], ["id"])[0]
    response = post_event(client, event("SystemRegistered", {
        "system_id": "pw-new-1", "name": "HB-NEW01", "group": "harborview bakery",
        "serial_number": "SN123", "os": "Windows 11 Pro", "last_seen": "2026-11-20T10:00:00Z"}))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["success"] and body["action"] == "asset_created"
    asset = odoo.read("x_client_asset", [body["asset_id"]],
                      ["x_name", "x_partner_id", "x_serial_number", "x_last_audit", "x_status",
                       "x_pulseway_id", "create_uid"])[0]
    assert asset["x_partner_id"][0] == company["id"]
    assert (asset["x_name"], asset["x_serial_number"], asset["x_status"]) == \
        ("HB-NEW01", "SN123", "active")
    assert asset["x_last_audit"] == "2026-11-20 10:00:00"
    assert asset["create_uid"][1] == "RMM Integration"  # acted as the integration user


def test_system_registered_updates_by_rmm_id(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    asset = first_asset(odoo)
    count = odoo.search_count("x_client_asset", [])
    response = post_event(client, event("SystemRegistered", {
        "system_id": asset["x_pulseway_id"], "name": "RENAMED-01", "group": "Anything",
        "os": "Windows 11 Pro 24H2"}))
    assert response.get_json()["action"] == "asset_updated"
    updated = odoo.read("x_client_asset", [asset["id"]], ["x_name", "x_os_info"])[0]
    assert (updated["x_name"], updated["x_os_info"]) == ("RENAMED-01", "Windows 11 Pro 24H2")
    assert odoo.search_count("x_client_asset", []) == count


def test_unknown_group_is_reported_and_creates_nothing(client, rmm_emulator, caplog):
    odoo = odoo_as_admin(rmm_emulator.url)
    count = odoo.search_count("x_client_asset", [])
    response = post_event(client, event("SystemRegistered", {
        "system_id": "pw-orphan", "name": "ORPHAN", "group": "No Such Company Ltd"}))
    assert response.status_code == 200
    body = response.get_json()
    assert body["action"] == "skipped" and "No Such Company Ltd" in body["warning"]
    assert odoo.search_count("x_client_asset", []) == count
    assert "Unknown group" in caplog.text


def test_critical_notification_opens_one_ticket_then_adds_to_it(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    asset = first_asset(odoo)
    data = {"system_id": asset["x_pulseway_id"], "header": "Memory usage high",
            "message": "RAM at 97%\nfor 10 minutes", "priority": "Critical"}
    first = post_event(client, event("Notification", data)).get_json()
    assert first["action"] == "ticket_opened"
    ticket = odoo.read("helpdesk.ticket", [first["ticket_id"]],
                       ["name", "priority", "partner_id", "x_asset_id", "description"])[0]
    assert ticket["name"] == "Alert: Memory usage high"
    assert ticket["priority"] == "2"
    assert ticket["partner_id"][0] == asset["x_partner_id"][0]
    assert ticket["x_asset_id"][0] == asset["id"]
    assert "RAM at 97%" in ticket["description"]

    again = post_event(client, event("Notification", dict(data, message="Still 98%"))).get_json()
    assert again["action"] == "ticket_updated" and again["ticket_id"] == first["ticket_id"]
    assert odoo.search_count("helpdesk.ticket", [("name", "=", "Alert: Memory usage high")]) == 1
    bodies = [m["body"] for m in odoo.search_read(
        "mail.message", [("model", "=", "helpdesk.ticket"), ("res_id", "=", first["ticket_id"])],
        ["body"])]
    assert any("Still 98%" in b for b in bodies)


def test_normal_notification_is_not_high_priority(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    asset = first_asset(odoo)
    body = post_event(client, event("Notification", {
        "system_id": asset["x_pulseway_id"], "header": "Update available"})).get_json()
    assert odoo.read("helpdesk.ticket", [body["ticket_id"]], ["priority"])[0]["priority"] == "1"


def test_replayed_event_is_acted_on_once(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    asset = first_asset(odoo)
    replay = event("Notification", {"system_id": asset["x_pulseway_id"], "header": "Replay me"},
                   event_id="evt-replayed")
    assert post_event(client, replay).get_json()["action"] == "ticket_opened"
    second = post_event(client, replay)  # a fresh timestamp and signature, the same event id
    assert second.status_code == 200 and second.get_json()["duplicate"] is True
    assert odoo.search_count("helpdesk.ticket", [("name", "=", "Alert: Replay me")]) == 1
    messages = odoo.search_count("mail.message", [("model", "=", "helpdesk.ticket"),
                                                  ("body", "ilike", "Replay me")])
    assert messages <= 1


@pytest.mark.parametrize("case", ["bad", "stale", "future", "missing", "wrong-secret"])
def test_bad_or_stale_signature_is_refused(client, rmm_emulator, case):
    odoo = odoo_as_admin(rmm_emulator.url)
    before = odoo.search_count("helpdesk.ticket", [])
    ev = event("Notification", {"system_id": first_asset(odoo)["x_pulseway_id"],
                                "header": f"Signature {case}"})
    now = int(time.time())
    if case == "bad":
        response = post_event(client, ev, signature="sha256=" + "0" * 64)
    elif case == "stale":
        response = post_event(client, ev, timestamp=now - 301)
    elif case == "future":
        response = post_event(client, ev, timestamp=now + 301)
    elif case == "wrong-secret":
        response = post_event(client, ev, secret="guessed")
    else:
        response = client.post("/webhooks/rmm", json=ev, csrf=False)
    assert response.status_code == 401
    assert response.get_json()["success"] is False
    assert odoo.search_count("helpdesk.ticket", []) == before


@pytest.mark.parametrize("raw, reason", [
    (b"not json", "JSON object"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"id": "x", "type": "Reboot", "data": {}}).encode(), "event type"),
    (json.dumps({"id": "x", "type": "Notification", "data": {"system_id": "a"}}).encode(),
     "data.header"),
    (json.dumps({"type": "Notification", "data": {}}).encode(), "event id"),
    (json.dumps({"id": "x", "type": "Notification",
                 "data": {"system_id": "a", "header": "h", "priority": "Panic"}}).encode(),
     "Critical"),
    (json.dumps({"id": "x", "type": "SystemRegistered", "data": {
        "system_id": "a", "name": "n", "group": "g", "last_seen": "yesterday"}}).encode(),
     "ISO 8601"),
])
def test_malformed_payload_is_a_400_with_the_reason(client, raw, reason):
    response = post_event(client, None, raw=raw)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]


def test_odoo_down_is_503_and_the_retry_is_handled(client, rmm_emulator):
    odoo = odoo_as_admin(rmm_emulator.url)
    asset = first_asset(odoo)
    ev = event("Notification", {"system_id": asset["x_pulseway_id"], "header": "Retry later"})
    rmm_emulator.fail_next(10)
    try:
        response = post_event(client, ev)
    finally:
        rmm_emulator.fail_next(0)
    assert response.status_code == 503
    retried = post_event(client, ev)
    assert retried.get_json()["action"] == "ticket_opened"


def test_no_secret_configured_is_503(client, app):
    app.config["RMM_WEBHOOK_SECRET"] = None
    assert post_event(client, event("Notification", {})).status_code == 503


def test_csrf_still_protects_every_other_post(client, login):
    login(client, "tech1")
    response = client.post("/jobs/1/start", csrf=False)
    assert response.status_code == 400


def test_json2_on_odoo_19(make_emulator, app):
    v19 = make_emulator(version=19)
    app.config.update(ODOO_URL=v19.url, ODOO_INTEGRATION_KEY=v19.api_keys["integration"])
    client = app.test_client()
    odoo = odoo_as_admin(v19.url)
    asset = first_asset(odoo)
    body = post_event(client, event("Notification", {
        "system_id": asset["x_pulseway_id"], "header": "Disk failing",
        "priority": "Critical"})).get_json()
    assert body["action"] == "ticket_opened", body
    ticket = odoo.read("helpdesk.ticket", [body["ticket_id"]], ["x_asset_id", "priority"])[0]
    assert ticket["x_asset_id"][0] == asset["id"] and ticket["priority"] == "2"


def test_signed_fuzz_never_half_writes_or_crashes(client, rmm_emulator):
    """Signed bodies of any shape (hypothesis, bounded): a 200, 400 or 422, never a 500."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    odoo = odoo_as_admin(rmm_emulator.url)
    system = first_asset(odoo)["x_pulseway_id"]
    leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
    data = st.fixed_dictionaries({}, optional={
        "system_id": st.sampled_from([system, "unknown"]) | leaf, "header": leaf,
        "message": leaf, "priority": st.sampled_from(["Critical", "Low", "Panic"]) | leaf,
        "name": leaf, "group": st.sampled_from(["Harborview Bakery", "Nobody"]) | leaf,
        "last_seen": st.sampled_from(["2026-01-01T00:00:00Z", "never"]) | leaf})
    events = st.fixed_dictionaries({}, optional={
        "id": st.text(min_size=1, max_size=20) | leaf,
        "type": st.sampled_from(["Notification", "SystemRegistered", "Other"]) | leaf,
        "data": data | leaf})

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=events | st.lists(leaf, max_size=2) | leaf)
    def check(body):
        response = post_event(client, body)
        assert response.status_code in (200, 400, 422), (body, response.get_data(as_text=True))
        assert isinstance(response.get_json(), dict)
    check()


def test_fsm_equipment_alert_is_noted_on_the_equipment(app, client, rmm_emulator):
    """fsm.equipment has no ticket link (Odoo and OCA link no ticket to it): an alert is posted
    on the equipment's history and answered with a warning, never a ticket on the x_client_asset
    of the same id, never dropped. Registering still updates the equipment."""
    odoo = odoo_as_admin(rmm_emulator.url)
    model_id = odoo.call("ir.model", "search", [("model", "=", "fsm.equipment")])[0]
    if not odoo.call("fsm.equipment", "fields_get", ["x_rmm_id"]):
        odoo.create("ir.model.fields", {"name": "x_rmm_id", "model_id": model_id,
                                        "ttype": "char", "field_description": "RMM id",
                                        "state": "manual"})
    equipment = odoo.search_read("fsm.equipment", [], ["name"], limit=1, order="id")[0]
    odoo.write("fsm.equipment", [equipment["id"]], {"x_rmm_id": "pw-equipment-1"})
    app.config.update(ASSET_MODEL="fsm.equipment", ASSET_FIELDS='{"rmm_id": "x_rmm_id"}')
    tickets = odoo.search_count("helpdesk.ticket", [])
    response = post_event(client, event("Notification", {
        "system_id": "pw-equipment-1", "header": "Compressor fault",
        "message": "Temperature rising", "priority": "Critical"}))
    body = response.get_json()
    assert response.status_code == 200 and body["success"], body
    assert body["action"] == "asset_noted" and body["asset_id"] == equipment["id"]
    assert "no ticket was opened" in body["warning"]
    assert odoo.search_count("helpdesk.ticket", []) == tickets
    notes = [m["body"] for m in odoo.search_read(
        "mail.message", [("model", "=", "fsm.equipment"), ("res_id", "=", equipment["id"])],
        ["body"])]
    assert any("Alert: Compressor fault" in b and "Temperature rising" in b for b in notes)
    renamed = post_event(client, event("SystemRegistered", {
        "system_id": "pw-equipment-1", "name": "Walk-in freezer 2", "group": "anything"}))
    assert renamed.get_json()["action"] == "asset_updated"
    assert odoo.read("fsm.equipment", [equipment["id"]], ["name"])[0]["name"] == \
        "Walk-in freezer 2"
