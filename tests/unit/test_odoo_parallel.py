"""OdooAPI.parallel(): several reads at once as the same user, results in order, one rule for
failures, every call counted."""
import json
import threading

import pytest
import responses

from app.odoo.client import (
    AccessError,
    OdooAPI,
    OdooCall,
    OdooUnavailable,
    SessionExpired,
)

URL = "http://odoo.test"
KW = f"{URL}/web/dataset/call_kw"


def ok(result):
    return {"jsonrpc": "2.0", "id": 1, "result": result}


def error(name, message, code=200):
    return {"jsonrpc": "2.0", "id": 1, "error": {
        "code": code, "message": "Odoo Server Error",
        "data": {"name": name, "message": message, "debug": "", "arguments": [message]}}}


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setattr(OdooAPI, "_sleep_seconds", lambda self, attempt: 0)
    return OdooAPI(URL, "fieldkit", timeout=(1, 2), session_id="sid-1",
                   context={"lang": "en_US", "tz": "America/New_York", "uid": 8}, version=17)


@responses.activate
def test_calls_run_at_the_same_time_and_answer_in_order(api):
    # Each answer waits until all three requests are in flight: serial calls would time out.
    barrier = threading.Barrier(3, timeout=5)

    def answer(value):
        def callback(request):
            barrier.wait()
            return 200, {}, json.dumps(ok(value))
        return callback

    responses.add_callback("POST", f"{KW}/fsm.order/search_count", callback=answer(7))
    responses.add_callback("POST", f"{KW}/sale.order/read_group", callback=answer([{"x": 1}]))
    responses.add_callback("POST", f"{KW}/crm.lead/search_read", callback=answer([{"id": 3}]))

    results = api.parallel([
        OdooCall("search_count", "fsm.order", [("is_closed", "=", False)]),
        OdooCall("read_group", "sale.order", [], ["amount_total:sum"], ["state"], lazy=False),
        OdooCall("search_read", "crm.lead", [], ["name"], limit=5),
    ])

    assert results == [7, [{"x": 1}], [{"id": 3}]]
    assert api.rpc_count == 3
    assert api.rpc_seconds > 0
    bodies = {c.request.url.rsplit("/", 2)[-2]: json.loads(c.request.body)["params"]
              for c in responses.calls}
    # Each call as the logged-in user: their session cookie and their context.
    assert all(c.request.headers["Cookie"] == "session_id=sid-1" for c in responses.calls)
    assert all(p["kwargs"]["context"]["uid"] == 8 for p in bodies.values())
    assert bodies["sale.order"]["kwargs"]["lazy"] is False
    assert bodies["crm.lead"]["kwargs"]["limit"] == 5


@responses.activate
def test_first_failure_in_call_order_is_raised_after_all_calls_ran(api):
    responses.post(f"{KW}/fsm.order/search_count", json=ok(1))
    responses.post(f"{KW}/sale.order/search_count",
                   json=error("odoo.exceptions.AccessError", "no sales for you"))
    responses.post(f"{KW}/crm.lead/search_count", status=502, body="Bad Gateway")

    with pytest.raises(AccessError):
        api.parallel([OdooCall("search_count", m, []) for m in
                      ("fsm.order", "sale.order", "crm.lead")])
    # The 502 was retried (a read); every call, retries included, is counted.
    assert api.rpc_count == 1 + 1 + 3


@responses.activate
def test_return_errors_keeps_the_other_results(api):
    responses.post(f"{KW}/fsm.order/search_count", json=ok(4))
    responses.post(f"{KW}/sale.order/search_count",
                   json=error("odoo.exceptions.AccessError", "no sales for you"))
    api.max_retries = 0
    responses.post(f"{KW}/crm.lead/search_count", status=503, body="down")

    four, denied, down = api.parallel(
        [OdooCall("search_count", m, []) for m in ("fsm.order", "sale.order", "crm.lead")],
        return_errors=True,
    )
    assert four == 4
    assert isinstance(denied, AccessError) and isinstance(down, OdooUnavailable)


@responses.activate
def test_session_expired_is_raised_even_when_errors_are_returned(api):
    responses.post(f"{KW}/fsm.order/search_count", json=ok(4))
    responses.post(f"{KW}/sale.order/search_count",
                   json=error("odoo.http.SessionExpiredException", "expired", code=100))
    with pytest.raises(SessionExpired):
        api.parallel([OdooCall("search_count", m, []) for m in ("fsm.order", "sale.order")],
                     return_errors=True)


@responses.activate
def test_a_rotated_session_id_comes_back_to_the_client(api):
    responses.post(f"{KW}/fsm.order/search_count", json=ok(1),
                   headers={"Set-Cookie": "session_id=sid-2; Path=/"})
    responses.post(f"{KW}/sale.order/search_count", json=ok(2))
    api.parallel([OdooCall("search_count", m, []) for m in ("fsm.order", "sale.order")])
    assert api.session_id == "sid-2"


@responses.activate
def test_one_call_needs_no_thread_and_none_costs_nothing(api):
    responses.post(f"{KW}/fsm.order/search_count", json=ok(9))
    assert api.parallel([]) == []
    assert api.parallel([OdooCall("search_count", "fsm.order", [])]) == [9]
    assert api.rpc_count == 1


@pytest.mark.parametrize("call", [
    OdooCall("write", "fsm.order", [1], {"name": "x"}),
    OdooCall("create", "fsm.order", {"name": "x"}),
    OdooCall("call", "fsm.order", "action_complete", [1]),
    OdooCall("message_post", "fsm.order", 1, "hi"),
])
def test_only_reads_may_run_in_parallel(api, call):
    with pytest.raises(ValueError):
        api.parallel([call, OdooCall("search_count", "fsm.order", [])])


@responses.activate
def test_call_with_an_idempotent_method_is_allowed(api):
    responses.post(f"{KW}/fsm.order/fields_get", json=ok({"name": {}}))
    responses.post(f"{KW}/fsm.order/search_count", json=ok(0))
    assert api.parallel([
        OdooCall("call", "fsm.order", "fields_get", ["name"]),
        OdooCall("search_count", "fsm.order", []),
    ]) == [{"name": {}}, 0]


@responses.activate
def test_the_first_call_runs_in_the_callers_thread(api):
    """One thread hand-off fewer per page: the first call is sent from the caller's own thread
    while the pool sends the others (under load each hand-off waits for the interpreter
    lock)."""
    threads = {}

    def answer(model):
        def callback(request):
            threads[model] = threading.get_ident()
            return 200, {}, json.dumps(ok(1))
        return callback

    for model in ("fsm.order", "sale.order", "crm.lead"):
        responses.add_callback("POST", f"{KW}/{model}/search_count", callback=answer(model))

    assert api.parallel([OdooCall("search_count", m, []) for m in
                         ("fsm.order", "sale.order", "crm.lead")]) == [1, 1, 1]
    assert threads["fsm.order"] == threading.get_ident()
    assert threading.get_ident() not in (threads["sale.order"], threads["crm.lead"])
    assert api.rpc_count == 3
