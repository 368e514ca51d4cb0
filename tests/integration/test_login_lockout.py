"""No company-wide lockout (issue 25, items 1 and 2): Odoo counts failed logins per *source
address* (res.users._assert_can_auth, copied by the emulator), and every Fieldkit login comes
from Fieldkit's address. Whatever wrong passwords arrive, from however many clients, a right
password of a user who has not failed must get in."""
import concurrent.futures
import socket

import pytest

from app.platform import login_throttle
from odoo_emulator.demo import api_key_for


@pytest.fixture
def fresh(emulator):
    emulator.reset()
    yield emulator
    emulator.state.login_cooldown_after = 10
    emulator.state.proxy_mode = False
    emulator.state.login_failures.clear()


def with_integration_user(app):
    app.config.update(ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=api_key_for("integration"))


@pytest.fixture(params=["integration user", "no integration user"])
def setup(request, app):
    """With the integration user Fieldkit resets Odoo's count after a failure; without one it
    holds back logins that already failed."""
    if request.param == "integration user":
        with_integration_user(app)
    return request.param


@pytest.fixture
def integration(app):
    with_integration_user(app)


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client, login, password):
    return client.post("/login", data={"login": login, "password": password})


def odoo_count(emulator):
    return max((count for count, _ in emulator.state.login_failures.values()), default=0)


def test_twenty_wrong_passwords_over_four_addresses_leave_others_logging_in(app, fresh, setup):
    for n in range(20):
        response = attempt(client_from(app, f"203.0.113.{n % 4}"), f"guess{n % 7}", "wrong")
        assert response.status_code in (200, 429)
    assert odoo_count(fresh) < fresh.state.login_cooldown_after
    assert attempt(client_from(app, "198.51.100.5"), "tech2", "tech2").status_code == 302


def test_thirty_failures_from_one_address_leave_the_others_behind_it_logging_in(
        app, fresh, integration):
    office = "203.0.113.80"
    for n in range(30):
        attempt(client_from(app, office), f"user{n}", "wrong")
    assert odoo_count(fresh) < fresh.state.login_cooldown_after
    for user in ("tech1", "tech2", "office"):
        assert attempt(client_from(app, office), user, user).status_code == 302, user


def test_the_account_limit_stays_strict(app, fresh, integration):
    for n in range(5):
        attempt(client_from(app, f"203.0.113.{n}"), "tech1", "nope")
    refused = attempt(client_from(app, "203.0.113.99"), "tech1", "tech1")
    assert refused.status_code == 429 and "try again in 15 minutes" in refused.text


def test_parallel_wrong_passwords_never_reach_odoo_s_cooldown(app, fresh, integration):
    def guess(n):
        return attempt(client_from(app, f"203.0.113.{n}"), f"nobody{n}", "wrong").status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(24)))
    assert set(statuses) <= {200, 429}
    assert odoo_count(fresh) < fresh.state.login_cooldown_after
    assert attempt(client_from(app, "198.51.100.6"), "tech3", "tech3").status_code == 302


def test_odoo_in_proxy_mode_counts_each_client(app, fresh):
    """Fieldkit tells Odoo whose login it is (X-Forwarded-For, with X-Forwarded-Host: Odoo's
    proxy mode applies only then); an Odoo started with --proxy-mode counts per client."""
    fresh.state.proxy_mode = True
    attempt(client_from(app, "203.0.113.70"), "nobody", "wrong")
    assert set(fresh.state.login_failures) == {"203.0.113.70"}


def test_store_down_fails_closed_for_the_account_that_failed_not_for_all(app, fresh):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    for n in range(11):
        attempt(client_from(app, f"203.0.113.{n}"), "tech1", "wrong")
    assert odoo_count(fresh) < fresh.state.login_cooldown_after
    refused = attempt(client_from(app, "203.0.113.50"), "tech1", "tech1")
    assert refused.status_code == 429
    assert attempt(client_from(app, "203.0.113.51"), "tech2", "tech2").status_code == 302


def test_guard_slots_are_freed_by_a_later_success(app, fresh):
    """Without the integration user, a failure holds its place until a login that started
    after it succeeds (Odoo's count is back to 0 then)."""
    app.config["LOGIN_ODOO_SLOTS"] = 3
    for n in range(2):
        attempt(client_from(app, f"203.0.113.{n}"), f"nobody{n}", "wrong")
    assert attempt(client_from(app, "198.51.100.7"), "tech1", "tech1").status_code == 302
    with app.app_context():
        from app.platform.store import get_store

        assert login_throttle.guard_state(get_store()) == []
