"""Envelopes, errors, cookies, sessions and versions of the emulator's JSON-RPC routes."""

import re

import pytest
import requests

from odoo_emulator.demo import api_key_for

from .conftest import Client


def test_authenticate_sets_rotated_cookie_and_session_info(emu):
    c = Client(emu.url)
    r1 = c.post("/web/session/authenticate", {"db": "fieldkit", "login": "tech1",
                                              "password": "tech1"})
    cookie = r1.headers["Set-Cookie"]
    assert re.match(r"session_id=[^;]+; Expires=[^;]+; Max-Age=604800; HttpOnly; Path=/$", cookie)
    info = r1.json()["result"]
    for key in ("uid", "is_admin", "is_system", "user_context", "db", "server_version",
                "server_version_info", "name", "username", "partner_id",
                "partner_display_name", "web.base.url", "user_companies", "currencies"):
        assert key in info
    assert info["db"] == "fieldkit" and info["server_version_info"][0] == 17
    assert info["user_context"]["tz"] == "America/New_York"
    sid1 = c.http.cookies["session_id"]
    c.post("/web/session/authenticate", {"db": "fieldkit", "login": "tech1", "password": "tech1"})
    assert c.http.cookies["session_id"] != sid1


def test_bad_password_is_access_denied_without_cookie(emu):
    r = Client(emu.url).post("/web/session/authenticate",
                             {"db": "fieldkit", "login": "tech1", "password": "nope"}, req_id=7)
    body = r.json()
    assert body["id"] == 7 and "Set-Cookie" not in r.headers
    assert body["error"]["code"] == 200
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert body["error"]["data"]["message"] == "Access Denied"


def test_call_kw_without_session_is_session_expired_with_null_id(emu):
    body = Client(emu.url).call("res.partner", "search_read", [], fields=["name"])
    assert body["id"] is None
    assert body["error"]["code"] == 100
    assert body["error"]["message"] == "Odoo Session Expired"
    assert body["error"]["data"]["name"] == "odoo.http.SessionExpiredException"


def test_check_and_destroy_answer_without_result(emu, client_for):
    c = client_for(emu, "office")
    body = c.post("/web/session/check", req_id=16).json()
    assert body == {"jsonrpc": "2.0", "id": 16}
    r = c.post("/web/session/destroy")
    assert "result" not in r.json() and "cids=;" in r.headers["Set-Cookie"]
    assert c.call("res.partner", "search", [])["error"]["code"] == 100


def test_version_info_and_jsonrpc_services(emu):
    c = Client(emu.url)
    info = c.post("/web/webclient/version_info").json()["result"]
    assert info["server_version_info"][:2] == [17, 0] and info["protocol_version"] == 1
    def rpc(service, method, *args):
        return c.post("/jsonrpc", {"service": service, "method": method,
                                                                 "args": list(args)}).json()
    assert rpc("db", "list")["result"] == ["fieldkit"]
    uid = rpc("common", "login", "fieldkit", "admin", "admin")["result"]
    assert isinstance(uid, int)
    assert rpc("common", "login", "fieldkit", "admin", "bad")["result"] is False
    key = api_key_for("admin")
    res = rpc("object", "execute_kw", "fieldkit", uid, key, "res.partner", "search_read",
              [[["is_company", "=", True]]], {"fields": ["name"], "limit": 3})["result"]
    assert len(res) == 3 and set(res[0]) == {"id", "name"}
    bad = rpc("object", "execute", "fieldkit", uid, "wrong", "res.users", "context_get")
    assert bad["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


@pytest.mark.parametrize("version,name", [(16, "builtins.KeyError"),
                                          (17, "builtins.KeyError"),
                                          (18, "werkzeug.exceptions.NotFound")])
def test_unknown_model_error_by_version(emulators, client_for, version, name):
    c = client_for(emulators(version), "admin")
    assert c.call("no.such.model", "search_read", [])["error"]["data"]["name"] == name


def test_domain_and_method_errors(emu, client_for):
    c = client_for(emu, "admin")
    err = c.call("fsm.order", "search_read", [["no_such_field", "=", 1]], fields=["name"])
    assert err["error"]["data"]["name"] == "builtins.ValueError"
    assert "no_such_field" in err["error"]["data"]["message"]
    err = c.call("fsm.order", "search_read", [["name", "=like"]])
    assert err["error"]["data"]["name"] == "builtins.ValueError"
    err = c.call("res.users", "no_method", [])
    assert err["error"]["data"]["name"] == "builtins.AttributeError"
    err = c.call("res.users", "has_group", [5], "fieldservice.group_fsm_user_own")
    assert err["error"]["data"]["name"] == "builtins.TypeError"
    err = c.call("res.partner", "_private", [])
    assert err["error"]["data"]["name"] == "odoo.exceptions.AccessError"


def test_error_code_is_zero_on_19(emulators, client_for):
    c = client_for(emulators(19), "admin")
    err = c.call("fsm.order", "write", [1], {"stage_id": 2})["error"]
    assert err["code"] == 0 and err["data"]["message"] == "Cannot move to completed from Kanban"
    assert list(err["data"]) == ["name", "message", "arguments", "context", "debug"]


def test_json2_on_19(emulators):
    h = emulators(19)
    url = h.url + "/json/2/fsm.order/search_read"
    headers = {"Authorization": "bearer " + api_key_for("tech1"), "X-Odoo-Database": "fieldkit"}
    r = requests.post(url, json={"domain": [], "fields": ["name"], "limit": 2}, headers=headers,
                      timeout=10)
    assert r.status_code == 200 and len(r.json()) == 2
    assert requests.post(url, json={}, timeout=10).status_code == 401
    bad = requests.post(h.url + "/json/2/res.partner/search", headers=headers,
                        json={"domain": [], "badparameter": 1}, timeout=10)
    assert bad.status_code == 422 and "badparameter" in bad.json()["message"]
    r = requests.post(h.url + "/json/2/res.partner/write", headers=headers,
                      json={"ids": [999999], "vals": {"name": "x"}}, timeout=10)
    assert r.status_code == 404 and r.json()["name"] == "odoo.exceptions.MissingError"


def test_faults_502_then_recover(fresh):
    fresh.fail_next(2)
    url = fresh.url + "/web/webclient/version_info"
    assert requests.post(url, json={"params": {}}, timeout=10).status_code == 502
    assert requests.post(url, json={"params": {}}, timeout=10).status_code == 502
    assert requests.post(url, json={"params": {}}, timeout=10).status_code == 200
    requests.post(fresh.url + "/__emulator__/faults", json={"mode": "hang", "count": 1,
                                                            "hang_seconds": 2}, timeout=10)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(url, json={"params": {}}, timeout=0.5)
