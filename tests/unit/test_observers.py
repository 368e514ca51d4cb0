"""What observers hear of an RPC: model, method and record ids out of each protocol, and a
bounded kind for each error."""
import pytest

from app.odoo import errors
from app.odoo.observers import RpcEvent, describe_call


@pytest.mark.parametrize("path, params, result, expected", [
    ("/web/dataset/call_kw/fsm.order/write",
     {"model": "fsm.order", "method": "write", "args": [[7, 8], {"name": "x"}]}, True,
     ("fsm.order", "write", (7, 8))),
    ("/web/dataset/call_kw/fsm.order/message_post",
     {"model": "fsm.order", "method": "message_post", "args": [[7]]}, 99,
     ("fsm.order", "message_post", (7,))),
    ("/web/dataset/call_kw/sale.order/create",
     {"model": "sale.order", "method": "create", "args": [{"partner_id": 3}]}, 41,
     ("sale.order", "create", (41,))),
    ("/web/dataset/call_kw/fsm.order/search_read",
     {"model": "fsm.order", "method": "search_read", "args": [[("id", "=", 5)]]}, [],
     ("fsm.order", "search_read", ())),
    ("/json/2/helpdesk.ticket/write", {"ids": [12], "vals": {}}, True,
     ("helpdesk.ticket", "write", (12,))),
    ("/jsonrpc", {"service": "object", "method": "execute_kw",
                  "args": ["db", 2, "key", "x_client_asset", "create", [{"name": "PC"}], {}]},
     [5], ("x_client_asset", "create", (5,))),
    ("/jsonrpc", {"service": "common", "method": "login", "args": ["db", "u", "secret"]}, 2,
     ("", "common.login", ())),
    ("/web/session/authenticate", {"db": "d", "login": "tech1", "password": "p"}, {},
     ("", "/web/session/authenticate", ())),
    ("/web/login?db=fieldkit", {}, None, ("", "/web/login", ())),
])
def test_describe_call(path, params, result, expected):
    assert describe_call(path, params, result) == expected


@pytest.mark.parametrize("error, kind", [
    (errors.OdooUnavailable("read timeout", timed_out=True), "timeout"),
    (errors.OdooUnavailable("refused"), "unavailable"),
    (errors.SessionExpired(), "session"),
    (errors.LoginCooldown(), "access"),
    (errors.AccessError(), "access"),
    (errors.MissingError(), "missing"),
    (errors.ValidationError(), "user_error"),
    (errors.OdooError(), "other"),
])
def test_error_kinds_are_bounded(error, kind):
    assert RpcEvent("m", "f", 0.1, error).outcome == kind
    assert RpcEvent("m", "f", 0.1).outcome == "ok"
