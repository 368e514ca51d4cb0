"""Two-factor login (Odoo's auth_totp) through the emulator's browser flow, on the 16 and 18
wire formats (absolute vs relative redirects, /web vs /odoo) and 19's refusal of a reused code.
The demo user tech2fa (password tech2fa) has the TOTP secret `demo_secret("tech2fa")`."""
import time

import pyotp
import pytest

from app.services import two_factor
from odoo_emulator.totp import demo_secret

TOTP = pyotp.TOTP(demo_secret("tech2fa"))
BROWSER_UA = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Mobile Safari/537.36")


@pytest.fixture(scope="module", params=[16, 18])
def odoo(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        yield handle


@pytest.fixture
def client(app, odoo):
    app.config["ODOO_URL"] = odoo.url
    return app.test_client()


def password_step(client, next_url=None):
    url = "/login" if next_url is None else f"/login?next={next_url}"
    response = client.post(url, data={"login": "tech2fa", "password": "tech2fa"})
    assert response.status_code == 302 and "/login/code" in response.headers["Location"]
    return response


def fresh_code():
    """A code of a time step no earlier test used (19 refuses a reused step)."""
    return TOTP.at(time.time())


def test_right_code_logs_in_without_showing_odoo_cookies(client):
    password_step(client, next_url="/jobs/active")
    page = client.get("/login/code?next=/jobs/active")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    assert "Trust this device" in page.text
    # Odoo's half-done session stays in the signed Flask session, never in a page.
    with client.session_transaction() as session:
        sid = session[two_factor.PENDING_KEY]["sid"]
    assert sid not in page.text
    done = client.post("/login/code?next=/jobs/active", data={"code": fresh_code()})
    assert done.status_code == 302 and done.headers["Location"].endswith("/jobs/active")
    with client.session_transaction() as session:
        assert session["username"] == "tech2fa" and session["role"] == "technician"
        assert two_factor.PENDING_KEY not in session
        assert session["odoo_sid"] != sid   # Odoo rotated the session at the code step
    assert client.get("/jobs/active").status_code == 200
    assert not client.get_cookie(two_factor.DEVICE_COOKIE)  # not asked to trust this device


def test_wrong_and_expired_codes_get_clear_messages(client):
    password_step(client)
    wrong = client.post("/login/code", data={"code": "000000" if fresh_code() != "000000"
                                             else "111111"})
    assert wrong.status_code == 200 and "Wrong or expired code" in wrong.text
    expired = client.post("/login/code", data={"code": TOTP.at(time.time() - 120)})
    assert expired.status_code == 200 and "Wrong or expired code" in expired.text
    not_digits = client.post("/login/code", data={"code": "12ab"})
    assert "The code is 6 digits" in not_digits.text
    # Still the same half-done login: the right code now works.
    assert client.post("/login/code", data={"code": fresh_code()}).status_code == 302


def test_a_half_done_login_expires(client, monkeypatch):
    password_step(client)
    later = time.time() + two_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(two_factor.time, "time", lambda: later)
    response = client.post("/login/code", data={"code": fresh_code()})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert "Your login took too long and has expired" in page.text
    monkeypatch.undo()
    assert client.get("/login/code").status_code == 302   # nothing pending any more


def test_codes_are_throttled_like_passwords(client):
    app = client.application
    app.config["LOGIN_MAX_FAILURES"] = 3
    password_step(client)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "999999"}).status_code == 200
    refused = client.post("/login/code", data={"code": fresh_code()})
    assert refused.status_code == 429 and "Too many failed login attempts" in refused.text


def test_trusted_device_skips_the_code_next_time(client):
    client.environ_base["HTTP_USER_AGENT"] = BROWSER_UA
    password_step(client)
    done = client.post("/login/code", data={"code": fresh_code(), "remember": "y"})
    assert done.status_code == 302
    assert client.get_cookie(two_factor.DEVICE_COOKIE) is not None
    client.post("/logout")
    again = client.post("/login", data={"login": "tech2fa", "password": "tech2fa"})
    assert again.status_code == 302 and "/login/code" not in again.headers["Location"]
    with client.session_transaction() as session:
        assert session["username"] == "tech2fa"


def test_wrong_password_of_a_two_factor_account(client):
    response = client.post("/login", data={"login": "tech2fa", "password": "nope"})
    assert response.status_code == 200 and "Wrong login or password" in response.text


def test_code_page_without_a_password_step_sends_back_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_19_refuses_a_reused_code(make_emulator, app):
    app.config["ODOO_URL"] = make_emulator(version=19).url
    first, second = app.test_client(), app.test_client()
    password_step(first)
    password_step(second)
    code = fresh_code()
    assert first.post("/login/code", data={"code": code}).status_code == 302
    reused = second.post("/login/code", data={"code": code})
    assert reused.status_code == 200 and "This code was already used" in reused.text
