"""Integrations at the transport seam (responses): the RMM API client, the webhook signature,
the integration user's JSON-2 and execute_kw calls."""
import json
import os
import tempfile

import pytest
import requests
import responses

from app.odoo.client import AccessError, OdooUnavailable, UserError
from app.odoo.integration import IntegrationAPI
from app.services import rmm_api
from app.signatures import check_signature, sign

RMM = "https://rmm.test/api/v2"
ODOO = "https://odoo.test"


class FakeOdoo:
    """Just enough of OdooAPI for sync_clients."""

    def __init__(self, companies):
        self.companies = companies
        self.posts = []

    def search_read(self, model, domain, fields, **kwargs):
        if model == "res.company":
            return [{"id": 1, "partner_id": [1, "Us"]}]
        return [c for c in self.companies if c["id"] != 1]

    def message_post(self, model, res_id, body):
        self.posts.append((model, res_id, body))


@responses.activate
def test_rmm_down_on_listing_creates_nothing_and_says_so():
    responses.get(f"{RMM}/organizations", body=requests.ConnectionError("refused"))
    odoo = FakeOdoo([{"id": 5, "name": "Acme"}])
    with pytest.raises(rmm_api.RMMError, match="can't be reached"):
        rmm_api.sync_clients(odoo, rmm_api.RMMClient(RMM, "tok"))
    assert odoo.posts == []
    assert not [c for c in responses.calls if c.request.method == "POST"]


@responses.activate
def test_rmm_down_while_creating_posts_on_the_partner_and_stops():
    responses.get(f"{RMM}/organizations", json={"Data": [], "Meta": {"ResponseCode": 200}})
    responses.post(f"{RMM}/organizations", status=503, body="Service Unavailable")
    odoo = FakeOdoo([{"id": 5, "name": "Acme"}, {"id": 6, "name": "Globex"}])
    report = rmm_api.sync_clients(odoo, rmm_api.RMMClient(RMM, "tok"))
    assert report["failed"] == [("Acme", "The RMM answered: HTTP 503.")]
    assert report["created"] == []
    assert [p[:2] for p in odoo.posts] == [("res.partner", 5)]
    assert len([c for c in responses.calls if c.request.method == "POST"]) == 1


@responses.activate
def test_a_refused_name_does_not_stop_the_others():
    responses.get(f"{RMM}/organizations", json={"Data": [{"Id": 1, "Name": "ACME"}],
                                                "Meta": {"ResponseCode": 200}})
    responses.post(f"{RMM}/organizations", status=400,
                   json={"Meta": {"ResponseCode": 400, "ErrorMessage": "Name too long"}})
    responses.post(f"{RMM}/organizations", json={"Data": {"Id": 3, "Name": "Initech"},
                                                 "Meta": {"ResponseCode": 200}})
    odoo = FakeOdoo([{"id": 5, "name": "Acme"}, {"id": 6, "name": "Globex"},
                     {"id": 7, "name": "Initech"}])
    report = rmm_api.sync_clients(odoo, rmm_api.RMMClient(RMM, "tok"))
    assert report == {"created": ["Initech"], "existing": 1,
                      "failed": [("Globex", "The RMM answered: Name too long.")]}
    sent = [json.loads(c.request.body)["Name"] for c in responses.calls
            if c.request.method == "POST"]
    assert sent == ["Globex", "Initech"]  # Acme exists (case-insensitive): never re-created
    assert responses.calls[0].request.headers["Authorization"] == "Bearer tok"


def test_signature_checks():
    body = b'{"id": "1"}'
    ok = "sha256=" + sign("s3cret", 1000, body)
    assert check_signature("s3cret", "1000", ok, body, max_age=300, now=1200) is None
    assert "too old" in check_signature("s3cret", "1000", ok, body, max_age=300, now=1301)
    assert "does not match" in check_signature("s3cret", "1000", ok, body + b" ", max_age=300,
                                               now=1000)
    assert "does not match" in check_signature("s3cret", "1001", ok, body, max_age=300,
                                               now=1000)  # the timestamp is signed too
    assert "does not match" in check_signature("other", "1000", ok, body, max_age=300, now=1000)
    assert "does not match" in check_signature("s3cret", "1000", ok.replace("sha256", "md5"),
                                               body, max_age=300, now=1000)
    assert "Unix time" in check_signature("s3cret", "soon", ok, body, max_age=300, now=1000)
    assert "required" in check_signature("s3cret", None, ok, body, max_age=300, now=1000)


@responses.activate
def test_json2_calls_and_errors_on_19():
    odoo = IntegrationAPI(ODOO, "db", "integration", "KEY", version=19)
    odoo._sleep_seconds = lambda attempt: 0
    responses.post(f"{ODOO}/json/2/res.partner/search_read", json=[{"id": 3, "name": "A"}])
    assert odoo.search_read("res.partner", [("id", "=", 3)], ["name"]) == [{"id": 3,
                                                                            "name": "A"}]
    call = responses.calls[-1].request
    assert call.headers["Authorization"] == "bearer KEY"
    assert call.headers["X-Odoo-Database"] == "db"
    assert json.loads(call.body)["domain"] == [["id", "=", 3]]
    responses.post(f"{ODOO}/json/2/helpdesk.ticket/write", status=403, json={
        "name": "odoo.exceptions.AccessError", "message": "No access", "arguments": []})
    with pytest.raises(AccessError):
        odoo.write("helpdesk.ticket", [1], {"name": "x"})
    assert json.loads(responses.calls[-1].request.body)["ids"] == [1]
    responses.post(f"{ODOO}/json/2/helpdesk.ticket/create", status=422, json={
        "name": "werkzeug.exceptions.UnprocessableEntity", "message": "bad args"})
    with pytest.raises(UserError):
        odoo.create("helpdesk.ticket", {"name": "x"})
    responses.post(f"{ODOO}/json/2/res.partner/search_count", status=502, body="<html>")
    with pytest.raises(OdooUnavailable):
        odoo.search_count("res.partner", [])


@responses.activate
def test_execute_kw_before_19():
    odoo = IntegrationAPI(ODOO, "db", "integration", "KEY", version=17)

    def answer(request):
        params = json.loads(request.body)["params"]
        result = 7 if params["service"] == "common" else 42
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": 1, "result": result})

    responses.add_callback(responses.POST, f"{ODOO}/jsonrpc", callback=answer)
    assert odoo.create("helpdesk.ticket", {"name": "x"}) == 42
    login, execute = (json.loads(c.request.body)["params"] for c in responses.calls)
    assert login["args"] == ["db", "integration", "KEY"]
    assert execute["method"] == "execute_kw"
    assert execute["args"][:5] == ["db", 7, "KEY", "helpdesk.ticket", "create"]
    assert execute["args"][5] == [{"name": "x"}]


@pytest.mark.parametrize("settings, message", [
    ({"ASSET_MODEL": "x_devices"}, "ASSET_MODEL must be one of"),
    ({"ASSET_FIELDS": "{not json"}, "must be a JSON object"),
    ({"ASSET_FIELDS": '{"colour": "x_colour"}'}, "unknown attributes: colour"),
])
def test_a_wrong_asset_mapping_fails_at_start_up(settings, message):
    from app import create_app
    from app.config import ConfigError, TestConfig

    class Wrong(TestConfig):
        pass
    for name, value in settings.items():
        setattr(Wrong, name, value)
    with pytest.raises(ConfigError, match=message):
        create_app(Wrong)


def test_asset_field_overrides():
    from app.services.assets import mapping_from_config

    mapping = mapping_from_config({"ASSET_MODEL": "fsm.equipment",
                                   "ASSET_FIELDS": '{"rmm_id": "x_rmm_id"}'})
    assert (mapping.model, mapping.rmm_id, mapping.customer) == ("fsm.equipment", "x_rmm_id",
                                                                 "owner_id")
    assert mapping.active_domain() == [("active", "=", True)]


def test_only_x_client_asset_links_tickets_by_default():
    """Neither Odoo nor OCA links helpdesk.ticket to fsm.equipment: no ticket link unless the
    deployment names its own field; x_client_asset keeps the Studio x_asset_id."""
    from app.services.assets import mapping_from_config

    assert mapping_from_config({}).ticket_link == "x_asset_id"
    assert mapping_from_config({"ASSET_MODEL": "fsm.equipment"}).ticket_link is None
    linked = mapping_from_config({"ASSET_MODEL": "fsm.equipment", "ASSET_FIELDS": json.dumps(
        {"ticket_link": "x_equipment_id", "tickets_carry_asset": True})})
    assert (linked.ticket_link, linked.tickets_carry_asset) == ("x_equipment_id", True)


def _jsonrpc_odoo(uids, refuse_uids=()):
    """A 17 server's /jsonrpc (version info, login answering `uids` in turn, execute_kw that
    refuses `refuse_uids` as Odoo does a stale uid) recorded in the returned list."""
    seen = []

    def answer(request):
        params = json.loads(request.body)["params"]
        seen.append(params.get("method"))
        if params["service"] == "common":
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": 1, "result": uids.pop(0)})
        if params["args"][1] in refuse_uids:
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": 1, "error": {
                "code": 200, "message": "Odoo Server Error",
                "data": {"name": "odoo.exceptions.AccessDenied", "message": "Access Denied"}}})
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": 1, "result": 42})

    responses.add_callback(responses.POST, f"{ODOO}/jsonrpc", callback=answer)
    responses.post(f"{ODOO}/web/webclient/version_info", json={
        "jsonrpc": "2.0", "id": 1, "result": {"server_version_info": [17, 0, 0, "final", 0]}})
    return seen


def _integration_app():
    from app import create_app
    from app.config import TestConfig

    app = create_app(TestConfig)
    app.config.update(ODOO_URL=ODOO, ODOO_DB="db", ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY="KEY",
                      STORE_PATH=os.path.join(tempfile.mkdtemp(), "store.sqlite3"))
    return app


@responses.activate
def test_one_integration_session_serves_every_request():
    """Version and uid are learnt once per process, not by every request's new client (each
    client keeps its own count for its request)."""
    from app.odoo.client import rpc_stats
    from app.odoo.integration import integration_client

    seen = _jsonrpc_odoo([7])
    app = _integration_app()
    for _ in range(3):
        with app.test_request_context("/t/x"):
            assert integration_client().search_count("fsm.order", []) == 42
            assert rpc_stats().integration_count == rpc_stats().count
    assert seen == ["login", "execute_kw", "execute_kw", "execute_kw"]
    assert len(responses.calls) == 5  # + the one version_info


@responses.activate
def test_a_uid_odoo_no_longer_accepts_is_renewed_once():
    from app.odoo.integration import _sessions, integration_client

    seen = _jsonrpc_odoo([7, 8], refuse_uids={7})
    app = _integration_app()
    with app.test_request_context("/t/x"):
        client = integration_client()
        client._ready()
        assert client.uid == 7
        assert client.write("fsm.order", [1], {"name": "x"}) == 42  # refused, logged in again
    assert seen == ["login", "execute_kw", "login", "execute_kw"]
    assert _sessions.get(client._session_key())["uid"] == 8


@responses.activate
def test_a_refused_first_login_is_not_retried():
    from app.odoo.client import AccessDenied
    from app.odoo.integration import integration_client

    seen = _jsonrpc_odoo([False])
    with _integration_app().test_request_context("/t/x"), pytest.raises(AccessDenied):
        integration_client().search_count("fsm.order", [])
    assert seen == ["login"]


@responses.activate
def test_a_restarted_worker_reuses_the_session_from_the_shared_store():
    """The version and uid are in the shared store too: a new process (its own memory empty)
    makes no version_info and no login."""
    from app.odoo.integration import _sessions, integration_client

    seen = _jsonrpc_odoo([7])
    app = _integration_app()
    with app.test_request_context("/t/x"):
        integration_client().search_count("fsm.order", [])
    _sessions.clear()  # a restarted worker: nothing in its memory
    with app.test_request_context("/t/x"):
        integration_client().search_count("fsm.order", [])
    assert seen == ["login", "execute_kw", "execute_kw"]
    assert len(responses.calls) == 4  # + the first request's version_info only
