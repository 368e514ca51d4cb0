"""Login throttling (issue 9): per account and per client address, in the shared store, across
processes; and the emulator's copy of Odoo's own login cooldown, which must never trip first.
The guard of Odoo's cooldown itself is tested in test_login_lockout.py; here the integration
user resets Odoo's count after each failure, as in a configured deployment."""
import json
import re
import socket
import subprocess
import sys

import pytest
import requests

from app.odoo.client import OdooAPI
from app.platform import login_throttle
from app.platform.store import get_store
from odoo_emulator.demo import api_key_for

INTEGRATION = {"ODOO_INTEGRATION_LOGIN": "integration",
               "ODOO_INTEGRATION_KEY": api_key_for("integration")}


@pytest.fixture
def fresh(emulator):
    emulator.reset()
    yield emulator
    emulator.state.login_cooldown_after = 10
    emulator.state.login_failures.clear()


@pytest.fixture(autouse=True)
def integration_user(app):
    app.config.update(INTEGRATION)


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client, login, password):
    return client.post("/login", data={"login": login, "password": password})


def test_failures_per_address_are_refused_before_odoo(app, fresh):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 5  # 100 by default: offices share an address
    guesser = client_from(app, "203.0.113.7")
    for n in range(5):
        response = attempt(guesser, f"user{n}", "guess")
        assert response.status_code == 200 and "Wrong login or password" in response.text
    refused = attempt(guesser, "tech1", "tech1")  # even the right password
    assert refused.status_code == 429
    assert "Too many failed login attempts. Please try again in 15 minutes." in refused.text
    assert 'value="tech1"' in refused.text  # what was typed stays
    # The integration user's login reset Odoo's count after each failure.
    assert fresh.state.login_failures == {}
    other = client_from(app, "198.51.100.9")
    assert attempt(other, "tech2", "tech2").status_code == 302


def test_failures_per_account_count_across_addresses(app, fresh):
    for n in range(5):
        assert attempt(client_from(app, f"203.0.113.{n}"), "tech1", "nope").status_code == 200
    refused = attempt(client_from(app, "203.0.113.99"), "TECH1 ", "tech1")
    assert refused.status_code == 429 and "try again in 15 minutes" in refused.text


def test_a_success_clears_the_account_but_not_the_address(app, fresh):
    client = client_from(app, "203.0.113.20")
    for _ in range(4):
        attempt(client, "tech1", "nope")
    assert attempt(client, "tech1", "tech1").status_code == 302
    with app.app_context():
        assert get_store().get("throttle:login:address:203.0.113.20") == "4"
    other = client_from(app, "203.0.113.21")
    for _ in range(4):
        assert attempt(other, "tech1", "nope").status_code == 200  # the account starts again


def test_the_window_tells_the_minutes_left(app, fresh):
    app.config.update(LOGIN_MAX_FAILURES=1, LOGIN_FAILURE_WINDOW=90)
    client = client_from(app, "203.0.113.30")
    attempt(client, "tech1", "nope")
    assert "try again in 2 minutes" in attempt(client, "tech1", "tech1").text


def test_logins_go_on_when_the_store_is_down(app, fresh, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    assert attempt(client_from(app, "203.0.113.60"), "tech1", "tech1").status_code == 302
    assert "login throttle store unavailable, counting in this process" in caplog.text


def test_odoo_cooldown_is_explained_not_called_a_wrong_password(app, fresh):
    """Should Odoo's own cooldown trip (something else behind Fieldkit's address failing,
    or a cooldown lower than LOGIN_ODOO_SLOTS), say so."""
    fresh.state.login_cooldown_after = 2
    app.config.update(ODOO_INTEGRATION_LOGIN=None)  # nothing resets Odoo's count
    for n in range(2):
        attempt(client_from(app, f"203.0.113.{40 + n}"), f"user{n}", "guess")
    response = attempt(client_from(app, "203.0.113.50"), "tech1", "tech1")
    assert "Odoo is pausing logins" in response.text
    assert "Wrong login" not in response.text
    with app.app_context():  # not counted against tech1: Odoo did not check the password
        assert get_store().get(login_throttle._account_key("tech1")) is None


# --- the emulator behaves like Odoo's res.users._assert_can_auth -------------------------------

def test_emulator_cooldown_refuses_even_the_right_password_then_lets_go(fresh):
    fresh.state.login_cooldown_after = 3
    fresh.state.login_cooldown_duration = 1
    api = OdooAPI(fresh.url, "fieldkit")
    for _ in range(3):
        with pytest.raises(Exception, match="Access Denied"):
            api.authenticate("tech1", "wrong")
    with pytest.raises(Exception, match="Too many login failures"):
        api.authenticate("tech1", "tech1")
    # common.login answers False during the cooldown, as Odoo's exp_authenticate does
    rpc = {"jsonrpc": "2.0", "method": "call", "id": 1,
           "params": {"service": "common", "method": "login",
                      "args": ["fieldkit", "tech1", "tech1"]}}
    assert requests.post(f"{fresh.url}/jsonrpc", json=rpc, timeout=5).json()["result"] is False
    fresh.state.login_failures.update(
        {k: (n, t - 2) for k, (n, t) in fresh.state.login_failures.items()})
    assert api.authenticate("tech1", "tech1")["uid"]
    assert fresh.state.login_failures == {}  # a success forgets the failures


# --- two app processes sharing one store -------------------------------------------------------

SERVE = """
import json, sys
from werkzeug.serving import make_server
from app import create_app
from app.config import TestConfig
app = create_app(TestConfig)
app.config.update(json.loads(sys.argv[1]))
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture
def app_process(tmp_path):
    processes = []

    def start(**config):
        process = subprocess.Popen([sys.executable, "-c", SERVE, json.dumps(config)],
                                   stdout=subprocess.PIPE, text=True)
        processes.append(process)
        port = process.stdout.readline().strip()
        assert port.isdigit(), "the app process did not start"
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def form_login(base, login, password):
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return browser.post(f"{base}/login", data={"csrf_token": token, "login": login,
                                               "password": password},
                        allow_redirects=False, timeout=10)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_two_processes_share_the_count(request, fresh, tmp_path, app_process, backend):
    config = {"ODOO_URL": fresh.url, "STORE_PATH": str(tmp_path / "store.sqlite3"),
              "STORAGE_LOCAL_DIR": str(tmp_path / "files"), **INTEGRATION}
    if backend == "redis":
        config["REDIS_URL"] = request.getfixturevalue("redis_url")
        config["LOGIN_FAILURE_WINDOW"] = 60
    first, second = app_process(**config), app_process(**config)
    for n in range(5):
        response = form_login(first if n % 2 else second, "tech1", "x")
        assert response.status_code == 200, response.text
    for base in (first, second):  # tech1's 5 failures, counted by both processes together
        refused = form_login(base, "tech1", "tech1")
        assert refused.status_code == 429 and "Too many failed login attempts" in refused.text
