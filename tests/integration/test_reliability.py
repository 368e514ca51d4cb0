"""Reliability round 2 (issue 25): forms shown again with what was typed never 500; a logout
ends the session whatever Odoo does; the session cookie holds no secret the browser can read."""
import base64
import re
import signal
import zlib

import pytest

from app.odoo.client import OdooAPI, SessionExpired
from app.platform.store import get_store
from tests.conftest import start_redis


@pytest.fixture
def office(client, login, fresh):
    login(client, "manager")
    return client


@pytest.mark.parametrize("url, data", [
    ("/crm/new", {"name": "", "job_id": "abc"}),
    ("/sales/new", {"partner_id": "", "job_id": "abc", "job_name": "J"}),
    ("/crm/new", {"name": "", "job_id": "\u00b2"}),
])
def test_a_job_id_that_is_not_a_number_shows_the_form_again(office, url, data):
    response = office.post(url, data=data)
    assert response.status_code in (400, 422), response.status_code
    assert "/jobs/abc" not in response.get_data(as_text=True)


# --- sessions (items 3 and 4) -----------------------------------------------------------------

def session_cookie(app, client):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def replayed(app, cookie):
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


def test_logout_while_odoo_is_down_ends_the_session_anyway(app, fresh, client, login):
    login(client, "tech1")
    with client.session_transaction() as flask_session:
        sid = flask_session["odoo_sid"]
    cookie = session_cookie(app, client)
    fresh.state.faults.update(count=5, mode="502", path="/web/session/destroy")
    try:
        assert client.post("/logout").headers["Location"] == "/login"
    finally:
        fresh.state.faults.update(count=0, path="")
    assert OdooAPI(fresh.url, "fieldkit", session_id=sid).session_info()["uid"]  # still alive
    response = replayed(app, cookie).get("/jobs/active")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # Odoo is back: the replay ended Odoo's session too.
    with pytest.raises(SessionExpired):
        OdooAPI(fresh.url, "fieldkit", session_id=sid).session_info()


def test_the_session_cookie_holds_no_odoo_session_id(app, client, login):
    login(client, "tech1")
    with client.session_transaction() as flask_session:
        sid = flask_session["odoo_sid"]
    cookie = session_cookie(app, client)
    assert sid not in cookie
    payload = cookie.lstrip(".").split(".")[0]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        raw = zlib.decompress(raw) if cookie.startswith(".") else raw
    except (ValueError, zlib.error):
        raw = b""  # not Flask's signed JSON any more
    assert sid.encode() not in raw and b"odoo_sid" not in raw
    assert client.get("/jobs/active").status_code == 200  # and the app still reads it


def test_a_cookie_that_does_not_decrypt_is_no_session(app, client, login):
    login(client, "tech1")
    cookie = session_cookie(app, client)
    tampered = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    response = replayed(app, tampered).get("/jobs/active")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- a store that may fail (item 5) -------------------------------------------------------------

@pytest.fixture
def own_redis(app, tmp_path):
    """This test's own redis-server (it gets hung or killed), as the app's store."""
    process, url = start_redis(tmp_path)
    app.config.update(REDIS_URL=url)
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def admin_api(fresh):
    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def open_job_of(admin_api, login):
    user = admin_api.search_read("res.users", [("login", "=", login)], ["partner_id"])[0]
    return admin_api.search_read("fsm.order", [("person_id.partner_id", "=", user["partner_id"][0]),
                                               ("is_closed", "=", False)], ["id"], limit=1)[0]["id"]


def test_a_hung_store_is_tried_once_then_skipped_not_once_per_job_card(
        app, fresh, client, login, own_redis):
    app.config.update(STORE_RETRY_AFTER=30)  # no second try however slow the machine
    login(client, "tech1")
    with app.app_context():
        store = get_store()
    tries = []
    execute = store.client.execute_command
    store.client.execute_command = lambda *a, **k: tries.append(a[0]) or execute(*a, **k)
    own_redis.send_signal(signal.SIGSTOP)  # hung: connections open, nothing answers
    response = client.get("/jobs/active")
    assert response.status_code == 200
    assert "data-job-id" in response.get_data(as_text=True) or "job" in response.text
    assert len(tries) == 1, tries  # one short attempt, then skipped for a while


def test_a_dead_store_breaks_no_page_and_writes_say_nothing_changed(
        app, fresh, client, login, own_redis, admin_api):
    job_id = open_job_of(admin_api, "tech1")
    login(client, "manager")
    own_redis.kill()
    own_redis.wait(timeout=5)
    assert client.get("/dispatch").status_code == 200
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert "links can't be listed right now" in page.get_data(as_text=True)
    tech = app.test_client()
    login(tech, "tech1")
    refused = tech.post(f"/jobs/{job_id}/timer", data={"do": "start"},
                        headers={"Referer": f"http://localhost/jobs/{job_id}"})
    assert refused.status_code < 500
    assert "Nothing was changed" in tech.get(f"/jobs/{job_id}").get_data(as_text=True)
    as_json = tech.post(f"/jobs/{job_id}/timer", data={"do": "start"},
                        headers={"Accept": "application/json"})
    assert as_json.get_json()["success"] is False
    assert "Nothing was changed" in as_json.get_json()["error"]


# --- JSON answers under /webhooks/ and /api/ (item 9) -------------------------------------------

@pytest.mark.parametrize("url", ["/webhooks/rmm", "/webhooks/twilio/abc",
                                 "/api/jobs/1/signature", "/webhooks/nothing-here"])
def test_webhook_and_api_answers_are_json_413_included(app, client, url):
    app.config.update(MAX_CONTENT_LENGTH=1024, RMM_WEBHOOK_SECRET="s", TWILIO_ACCOUNT_SID="AC1",
                      TWILIO_AUTH_TOKEN="t", TWILIO_FROM="+15550001111")  # noqa: S106
    response = client.post(url, data=b"x" * 4096, content_type="application/json")
    assert response.status_code in (404, 413), response.status_code
    assert response.is_json, (url, response.status_code, response.content_type)
    assert response.get_json()["success"] is False


# --- forms sent without JavaScript carry a one-time key (item 8) --------------------------------

def notes_in_odoo(admin_api, job_id, text):
    return admin_api.search_count("mail.message", [("model", "=", "fsm.order"),
                                                   ("res_id", "=", job_id),
                                                   ("body", "ilike", text)])


def test_every_post_form_carries_its_own_one_time_key(client, login, admin_api):
    login(client, "tech1")
    page = client.get(f"/jobs/{open_job_of(admin_api, 'tech1')}").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S | re.I)
    assert forms
    keys = [re.search(r'name="idempotency_key" value="([\w-]+)"', f) for f in forms]
    assert all(keys), [f[:120] for f, k in zip(forms, keys, strict=True) if not k]
    assert len({k.group(1) for k in keys}) == len(keys)


def test_a_form_sent_twice_writes_once_and_a_changed_one_writes_again(client, login, admin_api):
    job_id = open_job_of(admin_api, "tech1")
    login(client, "tech1")
    form = {"note": "Pressed twice 4711", "idempotency_key": "form-key-0001"}
    first = client.post(f"/jobs/{job_id}/notes", data=form)
    again = client.post(f"/jobs/{job_id}/notes", data=form)  # the answer was lost; pressed again
    assert first.status_code == again.status_code == 302
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert notes_in_odoo(admin_api, job_id, "Pressed twice 4711") == 1
    # Back, edited, sent again from the same page (same key): a different request, written.
    edited = client.post(f"/jobs/{job_id}/notes", data={**form, "note": "Edited 4712"})
    assert edited.status_code == 302 and "Idempotent-Replayed" not in edited.headers
    assert notes_in_odoo(admin_api, job_id, "Edited 4712") == 1


def test_an_outbox_write_with_the_store_dead_says_nothing_changed_and_is_no_5xx(
        app, fresh, client, login, own_redis, admin_api):
    job_id = open_job_of(admin_api, "tech1")
    login(client, "tech1")
    own_redis.kill()
    own_redis.wait(timeout=5)
    answer = client.post(f"/jobs/{job_id}/notes", data={"note": "Store out 4713"},
                         headers={"Idempotency-Key": "outbox-key-0001",
                                  "Accept": "application/json"})
    assert answer.status_code == 409  # the outbox sends a plain 409 again
    assert "Nothing was changed" in answer.get_json()["error"]
    assert notes_in_odoo(admin_api, job_id, "Store out 4713") == 0
