"""`handle.reset()` makes an emulator as good as a new one (issue 26): the test suite shares
emulators between tests (tests/emulators.py) and relies on it. Every knob a test can turn and
everything the server keeps beside its data is back as started; so are the data and the
models' fields."""
import copy
import datetime as dt

import requests

from odoo_emulator import start_in_thread

from .conftest import Client

PLAIN = (bool, int, float, str, type(None), dt.date, dict, list, tuple, set, frozenset)


def _state_of(handle):
    """The state's plain attributes (knobs, sessions, caches), its data and its models' fields."""
    state = handle.state
    plain = {name: copy.deepcopy(dict(value) if isinstance(value, dict) else value)
             for name, value in vars(state).items() if isinstance(value, PLAIN)}
    fields = {model: sorted(names) for model, names in state.registry.fields.items()}
    return plain, copy.deepcopy(state.storage.data), fields


def test_reset_restores_every_knob_the_sessions_and_the_data():
    handle = start_in_thread(version=17, today="2026-03-10")  # its own: compared to new
    try:
        started = _state_of(handle)
        admin = Client(handle.url)
        admin.post("/web/session/authenticate",
                   {"db": "fieldkit", "login": "tech1", "password": "wrong"})
        admin.login("admin")
        model = admin.ok("ir.model", "search", [["model", "=", "res.partner"]])[0]
        admin.ok("ir.model.fields", "create", {"name": "x_reset_probe", "model_id": model,
                                               "ttype": "char", "field_description": "Probe"})
        admin.ok("res.partner", "write", [1], {"name": "Renamed"})
        handle.fail_next(3, mode="hang", hang_seconds=5, path="/never")
        handle.set_sms_credit(True)
        handle.set_mail_server("refused")
        state = handle.state
        state.latency_ms = 40
        state.today = dt.date(2030, 1, 1)
        state.login_cooldown_after, state.login_cooldown_duration = 0, 1
        state.proxy_mode = True
        assert _state_of(handle) != started

        handle.reset()

        plain, data, fields = _state_of(handle)
        assert plain == started[0]
        assert data == started[1]
        assert fields == started[2]
        assert requests.get(handle.url + "/web/health", timeout=5).status_code == 200
    finally:
        handle.stop()


def test_stop_twice_is_harmless():
    handle = start_in_thread(version=17)  # its own: stopped
    handle.stop()
    assert handle.stopped
    handle.stop()  # again: nothing to do, no error
