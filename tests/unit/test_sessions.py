"""The session cookie (app/sessions.py): re-sent when it changed or is due for renewal, on
pages only."""
from datetime import timedelta

import pytest

from app import sessions


@pytest.fixture
def odoo_url():
    return "http://odoo.invalid"  # never called by these pages


@pytest.fixture
def client(client):
    with client.session_transaction() as session:
        session.update(odoo_sid="sid", user_id=7, username="tech1", csrf_token="raw")
        session.permanent = True
    return client


def test_a_recent_cookie_is_not_sent_again(client):
    assert "Set-Cookie" not in client.get("/offline").headers


def test_a_cookie_due_for_renewal_is_sent_again_by_a_page(client, monkeypatch):
    monkeypatch.setattr(sessions, "REFRESH_AFTER", timedelta(0))
    cookie = client.get("/offline").headers["Set-Cookie"]
    assert cookie.startswith("fieldkit_session=") and "Expires=" in cookie


@pytest.mark.parametrize("url", ["/static/css/app.css", "/sw.js"])
def test_static_files_and_the_worker_never_renew_it(client, monkeypatch, url):
    monkeypatch.setattr(sessions, "REFRESH_AFTER", timedelta(0))
    assert "Set-Cookie" not in client.get(url).headers


def test_a_changed_session_is_always_sent(client):
    with client.session_transaction() as session:
        session["csrf_token"] = "other"  # the test client re-signs: a change since the last one
    response = client.post("/logout", data={})
    assert "Set-Cookie" in response.headers


def test_a_tampered_cookie_is_an_empty_session(client):
    client.set_cookie("fieldkit_session", "not-signed")
    response = client.get("/jobs/active")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
