"""OdooAPI at the transport seam: envelopes as recorded from Odoo 16 to 19 (tests/fixtures/),
every error kind, timeouts, retries and version detection."""
import json

import pytest
import requests
import responses
from responses import matchers

from app.odoo import client as odoo_api
from app.odoo.client import (
    AccessDenied,
    AccessError,
    MissingError,
    OdooAPI,
    OdooError,
    OdooUnavailable,
    SessionExpired,
    TwoFactorRequired,
    UserError,
    ValidationError,
)

URL = "http://odoo.test"
CALL_KW = f"{URL}/web/dataset/call_kw/fsm.order/search_read"
WRITE = f"{URL}/web/dataset/call_kw/fsm.order/write"


def envelope_error(name, message, code=200, id=1):
    return {"jsonrpc": "2.0", "id": id, "error": {
        "code": code, "message": "Odoo Server Error",
        "data": {"name": name, "debug": f"{name}: {message}  (traceback cut)",
                 "message": message, "arguments": [message], "context": {}}}}


SESSION_EXPIRED = {"jsonrpc": "2.0", "id": None, "error": {
    "code": 100, "message": "Odoo Session Expired",
    "data": {"name": "odoo.http.SessionExpiredException", "debug": "...",
             "message": "Session expired", "arguments": ["Session expired"], "context": {}}}}


def session_info(uid=8, version_info=(17, 0, 0, "final", 0, ""), **extra):
    return {"uid": uid, "name": "Tech One", "username": "tech1", "partner_id": 61,
            "user_context": {"lang": "en_US", "tz": "America/Chicago", "uid": uid},
            "db": "fieldkit", "server_version": "17.0",
            "server_version_info": list(version_info),
            "user_companies": {"current_company": 1, "allowed_companies": {}}, **extra}


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setattr(OdooAPI, "_sleep_seconds", lambda self, attempt: 0)
    return OdooAPI(URL, "fieldkit", timeout=(1, 2), session_id="sid-1",
                   context={"lang": "en_US", "tz": "America/New_York", "uid": 8})


def ok(result, id=1):
    return {"jsonrpc": "2.0", "id": id, "result": result}


# --- envelope ---------------------------------------------------------------------------------

@responses.activate
def test_call_sends_envelope_session_cookie_and_user_context(api):
    responses.post(CALL_KW, json=ok([{"id": 1, "name": "FO001"}]))

    rows = api.search_read("fsm.order", [("stage_id.is_closed", "=", False)], ["name"],
                           limit=5, order="scheduled_date_start")

    assert rows == [{"id": 1, "name": "FO001"}]
    request = responses.calls[0].request
    body = json.loads(request.body)
    assert body["jsonrpc"] == "2.0" and body["method"] == "call" and "id" in body
    assert body["params"] == {
        "model": "fsm.order", "method": "search_read",
        "args": [[["stage_id.is_closed", "=", False]]],
        "kwargs": {"fields": ["name"], "limit": 5, "order": "scheduled_date_start",
                   "context": {"lang": "en_US", "tz": "America/New_York", "uid": 8}},
    }
    assert request.headers["Cookie"] == "session_id=sid-1"
    assert request.headers["Content-Type"] == "application/json"


@responses.activate
def test_helpers_shape_args_as_odoo_expects(api):
    url = f"{URL}/web/dataset/call_kw"
    responses.post(f"{url}/fsm.order/read", json=ok([]))
    responses.post(f"{url}/fsm.order/search_count", json=ok(3))
    responses.post(f"{url}/fsm.order/read_group", json=ok([]))
    responses.post(f"{url}/fsm.order/create", json=ok(42))
    responses.post(f"{url}/fsm.order/write", json=ok(True))
    responses.post(f"{url}/fsm.order/message_post", json=ok(77))

    assert api.read("fsm.order", [1, 2], ["name"]) == []
    assert api.search_count("fsm.order", []) == 3
    assert api.read_group("fsm.order", [], ["stage_id"], ["stage_id"], lazy=False) == []
    assert api.create("fsm.order", {"name": "x"}) == 42
    assert api.write("fsm.order", [1], {"resolution": "done"}) is True
    assert api.message_post("fsm.order", 1, "Arrived") == 77

    params = [json.loads(call.request.body)["params"] for call in responses.calls]
    assert params[0]["args"] == [[1, 2], ["name"]]
    assert params[1]["args"] == [[]]
    assert params[2]["args"] == [[], ["stage_id"], ["stage_id"]]
    assert params[2]["kwargs"]["lazy"] is False
    assert params[3]["args"] == [{"name": "x"}]
    assert params[4]["args"] == [[1], {"resolution": "done"}]
    assert params[5]["args"] == [[1]]
    assert params[5]["kwargs"]["body"] == "Arrived"
    assert params[5]["kwargs"]["subtype_xmlid"] == "mail.mt_note"
    assert all("context" in p["kwargs"] for p in params)


@responses.activate
def test_odoo19_list_results_of_create_and_message_post_are_unwrapped(api):
    responses.post(f"{URL}/web/dataset/call_kw/res.partner/create", json=ok([5]))
    responses.post(f"{URL}/web/dataset/call_kw/fsm.order/message_post", json=ok([9]))
    assert api.create("res.partner", {"name": "A"}) == 5
    assert api.message_post("fsm.order", 1, "hi") == 9


@responses.activate
def test_missing_result_key_means_none(api):
    # /web/session/check and /destroy answer without `result` (Odoo drops a None result).
    responses.post(f"{URL}/web/mail/whatever", json={"jsonrpc": "2.0", "id": 80})
    assert api.json_route("/web/mail/whatever", {}) is None


@responses.activate
def test_counts_rpcs_and_time(api):
    responses.post(CALL_KW, json=ok([]))
    api.search_read("fsm.order", [], ["name"])
    api.search_read("fsm.order", [], ["name"])
    assert api.rpc_count == 2
    assert api.rpc_seconds > 0


# --- typed errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, cls", [
    ("odoo.exceptions.AccessDenied", AccessDenied),
    ("odoo.exceptions.AccessError", AccessError),
    ("odoo.exceptions.MissingError", MissingError),
    ("odoo.exceptions.UserError", UserError),
    ("odoo.exceptions.ValidationError", ValidationError),
    ("builtins.ValueError", OdooError),
    ("builtins.KeyError", OdooError),
    ("werkzeug.exceptions.NotFound", OdooError),
])
@pytest.mark.parametrize("code", [200, 0])  # 0 is Odoo 19's code for server errors
@responses.activate
def test_error_names_map_to_types(api, name, cls, code):
    responses.post(CALL_KW, json=envelope_error(name, "Some message", code=code))
    with pytest.raises(OdooError) as caught:
        api.search_read("fsm.order", [], ["name"])
    assert type(caught.value) is cls
    assert caught.value.odoo_name == name
    assert caught.value.code == code
    assert "Some message" in caught.value.debug


@responses.activate
def test_user_error_message_is_safe_to_show_and_others_are_not(api):
    responses.post(CALL_KW, json=envelope_error(
        "odoo.exceptions.UserError", "Cannot move to completed from Kanban"))
    responses.post(CALL_KW, json=envelope_error(
        "odoo.exceptions.AccessError", "You are not allowed to access 'Field Service Order' "
        "(fsm.order) records. Records: FO001 (id=5), User: Tech One (id=8)"))
    with pytest.raises(UserError) as refused:
        api.search_read("fsm.order", [], ["name"])
    assert refused.value.user_message == "Cannot move to completed from Kanban"
    with pytest.raises(AccessError) as denied:
        api.search_read("fsm.order", [], ["name"])
    assert "fsm.order" not in denied.value.user_message
    assert "id=5" in denied.value.message  # kept for the log


def test_validation_error_is_a_user_error():
    assert issubclass(ValidationError, UserError)
    assert issubclass(TwoFactorRequired, AccessDenied)


@responses.activate
def test_session_expired_code_100(api):
    responses.post(CALL_KW, json=SESSION_EXPIRED)
    with pytest.raises(SessionExpired) as caught:
        api.search_read("fsm.order", [], ["name"])
    assert caught.value.code == 100


@responses.activate
def test_code_100_is_session_expired_whatever_the_name(api):
    # Odoo 15 called it "Odoo Session Invalid" with another exception name.
    body = envelope_error("odoo.http.AuthenticationError", "Session invalid", code=100)
    responses.post(CALL_KW, json=body)
    with pytest.raises(SessionExpired):
        api.search_read("fsm.order", [], ["name"])


@responses.activate
def test_odoo16_not_found_answers_http_404_with_an_envelope(api):
    body = envelope_error("werkzeug.exceptions.NotFound", "404: Not Found", code=404)
    responses.post(CALL_KW, json=body, status=404)
    with pytest.raises(OdooError) as caught:
        api.search_read("fsm.order", [], ["name"])
    assert caught.value.code == 404
    assert not isinstance(caught.value, OdooUnavailable)


# --- transport failures -----------------------------------------------------------------------

@pytest.mark.parametrize("status, retry", [(502, True), (503, True), (504, True), (500, False)])
@responses.activate
def test_5xx_is_unavailable(api, status, retry):
    responses.post(WRITE, body="<html>Bad gateway</html>", status=status)
    with pytest.raises(OdooUnavailable) as caught:
        api.write("fsm.order", [1], {"name": "x"})
    assert caught.value.should_retry is retry
    assert len(responses.calls) == 1  # a write is never retried


@responses.activate
def test_non_json_answer_is_unavailable(api):
    responses.post(CALL_KW, body="<html>Captive portal</html>", status=200,
                   content_type="text/html")
    with pytest.raises(OdooUnavailable) as caught:
        api.search_read("fsm.order", [], ["name"])
    assert caught.value.should_retry is False
    assert "Odoo can't be reached" in caught.value.user_message


@responses.activate
def test_json_that_is_not_an_envelope_is_unavailable(api):
    responses.post(CALL_KW, json=[1, 2, 3])
    with pytest.raises(OdooUnavailable):
        api.search_read("fsm.order", [], ["name"])


@responses.activate
def test_connection_refused_is_unavailable_and_retryable(api):
    responses.post(WRITE, body=requests.ConnectionError("refused"))
    with pytest.raises(OdooUnavailable) as caught:
        api.write("fsm.order", [1], {"name": "x"})
    assert caught.value.should_retry is True
    assert len(responses.calls) == 1


@responses.activate
def test_read_timeout_is_unavailable_and_not_retried(api):
    responses.post(CALL_KW, body=requests.ReadTimeout("slow"))
    with pytest.raises(OdooUnavailable) as caught:
        api.search_read("fsm.order", [], ["name"])
    assert caught.value.should_retry is False
    assert len(responses.calls) == 1


@responses.activate
def test_connect_timeout_is_retried_for_reads(api):
    responses.post(CALL_KW, body=requests.ConnectTimeout("no route"))
    responses.post(CALL_KW, json=ok([]))
    assert api.search_read("fsm.order", [], ["name"]) == []
    assert len(responses.calls) == 2


@responses.activate
def test_timeouts_are_passed_on_every_call(api, monkeypatch):
    seen = []
    original = requests.Session.post

    def spy(self, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, url, **kwargs)

    monkeypatch.setattr(requests.Session, "post", spy)
    responses.post(CALL_KW, json=ok([]))
    responses.post(f"{URL}/web/session/destroy", json={"jsonrpc": "2.0", "id": 1})
    api.search_read("fsm.order", [], ["name"])
    api.logout()
    assert seen == [(1, 2), (1, 2)]


# --- retries ----------------------------------------------------------------------------------

@responses.activate
def test_reads_are_retried_on_502_then_succeed(api):
    responses.post(CALL_KW, status=502, body="bad gateway")
    responses.post(CALL_KW, status=502, body="bad gateway")
    responses.post(CALL_KW, json=ok([{"id": 1}]))
    assert api.search_read("fsm.order", [], ["name"]) == [{"id": 1}]
    assert len(responses.calls) == 3
    assert api.rpc_count == 3


@responses.activate
def test_reads_give_up_after_max_retries(api):
    responses.post(CALL_KW, status=503, body="busy")
    with pytest.raises(OdooUnavailable):
        api.search_read("fsm.order", [], ["name"])
    assert len(responses.calls) == 1 + api.max_retries


@pytest.mark.parametrize("method", ["create", "write", "action_complete", "message_post",
                                    "unlink"])
@responses.activate
def test_non_idempotent_methods_are_never_retried(api, method):
    responses.post(f"{URL}/web/dataset/call_kw/fsm.order/{method}", status=502, body="")
    with pytest.raises(OdooUnavailable):
        api.call("fsm.order", method, [1])
    assert len(responses.calls) == 1


@responses.activate
def test_odoo_errors_are_never_retried(api):
    responses.post(CALL_KW, json=envelope_error("odoo.exceptions.AccessError", "no"))
    with pytest.raises(AccessError):
        api.search_read("fsm.order", [], ["name"])
    assert len(responses.calls) == 1


def test_backoff_grows_and_has_jitter():
    api = OdooAPI(URL, "db")
    first = [api._sleep_seconds(0) for _ in range(50)]
    third = [api._sleep_seconds(2) for _ in range(50)]
    assert min(first) > 0 and max(first) <= 0.25
    assert max(third) <= 1.0 and min(third) >= 0.5
    assert len(set(first)) > 1


# --- session, login, version ------------------------------------------------------------------

@responses.activate
def test_authenticate_keeps_rotated_session_id_and_version(monkeypatch):
    api = OdooAPI(URL, "fieldkit", session_id="old-anonymous")
    responses.post(
        f"{URL}/web/session/authenticate",
        json=ok(session_info()),
        headers={"Set-Cookie": "session_id=rotated-sid; Max-Age=604800; HttpOnly; Path=/"},
        match=[matchers.json_params_matcher(
            {"params": {"db": "fieldkit", "login": "tech1", "password": "tech1"}},
            strict_match=False)],
    )
    info = api.authenticate("tech1", "tech1")
    assert info["uid"] == 8
    assert api.session_id == "rotated-sid"
    assert api.version == 17
    assert api.context == {"lang": "en_US", "tz": "America/Chicago", "uid": 8}
    # The login request did not carry the old session.
    assert "Cookie" not in responses.calls[0].request.headers


@pytest.mark.parametrize("info, major", [
    ([16, 0, 0, "final", 0, ""], 16),
    ([17, 0, 0, "final", 0, ""], 17),
    ([18, 0, 0, "final", 0, "e"], 18),
    (["saas~17", 2, 0, "final", 0, ""], 17),
    ([19, 0, 0, "final", 0, "e"], 19),
])
@responses.activate
def test_version_detection(info, major):
    api = OdooAPI(URL, "fieldkit")
    responses.post(f"{URL}/web/session/authenticate", json=ok(session_info(version_info=info)),
                   headers={"Set-Cookie": "session_id=s; Path=/"})
    api.authenticate("tech1", "tech1")
    assert api.version == major


@responses.activate
def test_version_probe_when_session_info_lacks_it():
    api = OdooAPI(URL, "fieldkit")
    info = session_info()
    del info["server_version_info"]
    responses.post(f"{URL}/web/session/authenticate", json=ok(info),
                   headers={"Set-Cookie": "session_id=s; Path=/"})
    responses.post(f"{URL}/web/webclient/version_info", json=ok(
        {"server_version": "16.0", "server_version_info": [16, 0, 0, "final", 0, ""],
         "server_serie": "16.0", "protocol_version": 1}))
    api.authenticate("tech1", "tech1")
    assert api.version == 16


@pytest.mark.parametrize("code", [200, 0])
@responses.activate
def test_bad_password_is_access_denied(code):
    api = OdooAPI(URL, "fieldkit")
    responses.post(f"{URL}/web/session/authenticate",
                   json=envelope_error("odoo.exceptions.AccessDenied", "Access Denied",
                                       code=code))
    with pytest.raises(AccessDenied) as caught:
        api.authenticate("admin", "wrong")
    assert caught.value.user_message == "Wrong login or password"
    assert api.session_id is None


@responses.activate
def test_two_factor_account_gets_a_clear_error():
    api = OdooAPI(URL, "fieldkit")
    responses.post(f"{URL}/web/session/authenticate", json=ok({"uid": None}),
                   headers={"Set-Cookie": "session_id=half-logged-in; Path=/"})
    with pytest.raises(TwoFactorRequired) as caught:
        api.authenticate("boss", "secret")
    assert "two-factor" in caught.value.user_message
    assert api.session_id is None


@responses.activate
def test_anonymous_cookie_is_not_adopted_but_rotation_is(api):
    responses.post(f"{URL}/web/webclient/version_info",
                   json=ok({"server_version_info": [17, 0]}),
                   headers={"Set-Cookie": "session_id=anonymous; Path=/"})
    anonymous = OdooAPI(URL, "fieldkit")
    anonymous.version_info()
    assert anonymous.session_id is None

    responses.post(CALL_KW, json=ok([]), headers={"Set-Cookie": "session_id=sid-2; Path=/"})
    api.search_read("fsm.order", [], ["name"])
    assert api.session_id == "sid-2"


@responses.activate
def test_logout_destroys_the_odoo_session(api):
    responses.post(f"{URL}/web/session/destroy", json={"jsonrpc": "2.0", "id": 3})
    api.logout()
    assert responses.calls[0].request.headers["Cookie"] == "session_id=sid-1"
    assert api.session_id is None


@responses.activate
def test_list_databases_uses_the_db_service():
    responses.post(f"{URL}/jsonrpc", json=ok(["fieldkit", "other"]), match=[
        matchers.json_params_matcher(
            {"params": {"service": "db", "method": "list", "args": []}}, strict_match=False)])
    assert OdooAPI(URL, None).list_databases() == ["fieldkit", "other"]


def test_shared_http_session_never_stores_cookies():
    http = odoo_api.http_session()
    assert http is odoo_api.http_session()
    with responses.RequestsMock() as mocked:
        mocked.post(CALL_KW, json=ok([]), headers={"Set-Cookie": "session_id=other; Path=/"})
        OdooAPI(URL, "db", session_id="mine").search_read("fsm.order", [], ["name"])
    assert "other" not in http.cookies.values()


def test_the_environment_is_read_once_per_server(monkeypatch):
    """requests reads the environment (proxies, CA bundle) and looks for ~/.netrc on every
    call: the shared session reads what the environment says about a server once, with the
    same outcome, and never ~/.netrc (Odoo knows users by their session cookie)."""
    import requests.sessions

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    reads, netrc = [], []
    real_proxies, real_netrc = requests.sessions.get_environ_proxies, \
        requests.sessions.get_netrc_auth
    monkeypatch.setattr(requests.sessions, "get_environ_proxies",
                        lambda *a, **k: reads.append(a[0]) or real_proxies(*a, **k))
    monkeypatch.setattr(requests.sessions, "get_netrc_auth",
                        lambda *a, **k: netrc.append(a[0]) or real_netrc(*a, **k))
    from app.odoo import transport

    monkeypatch.setattr(transport, "_http", None)  # a new shared session, made below
    http = odoo_api.http_session()
    for url in ("https://odoo.example.com/web/dataset/call_kw/a",
                "https://odoo.example.com/web/dataset/call_kw/b", "https://localhost/x"):
        expected = requests.Session().merge_environment_settings(url, {}, None, None, None)
        reads.clear()
        for _ in range(3):
            assert http.merge_environment_settings(url, {}, None, None, None) == expected
        http.prepare_request(requests.Request("POST", url, json={}))
        assert len(reads) <= 1
    assert netrc == []
    assert http.merge_environment_settings("https://odoo.example.com/", {}, None, None,
                                           None)["proxies"]["https"] == "http://proxy.example:3128"
