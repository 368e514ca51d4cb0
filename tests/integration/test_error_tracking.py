"""Sentry: events reach a DSN (a fake Sentry on a local port) with the release, environment and
the user's login, and without passwords, session ids, signatures or file contents."""
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk

from app.platform.error_tracking import FILTERED, scrub

PASSWORD = "hunter2-not-for-sentry"  # noqa: S105
SIGNATURE = "c2lnbmF0dXJlLW9mLWEtbWVkaWEtdXJs"
PHOTO = "data:image/png;base64," + "iVBORw0KGgo" * 40


class FakeSentry:
    """Receives envelopes like sentry.io's /api/<project>/envelope/ and keeps their events."""

    def __init__(self):
        self.bodies = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                elif self.headers.get("Content-Encoding") == "br":  # sentry-sdk with brotli
                    body = brotli.decompress(body)
                received.append(body.decode("utf-8", "replace"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_port}/42"

    def events(self):
        found = []
        for body in self.bodies:
            lines = body.split("\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def wait_for_event(self, limit=10):
        deadline = time.monotonic() + limit
        while not self.events() and time.monotonic() < deadline:
            sentry_sdk.flush(timeout=1)
            time.sleep(0.05)
        return self.events()


@pytest.fixture
def fake_sentry():
    fake = FakeSentry()
    yield fake
    sentry_sdk.flush(timeout=2)
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # the process's client sends nothing again
    fake.server.shutdown()


def fresh_app(app):
    """A new app made from `app`'s config (Sentry is set up by create_app), with a view that
    fails with secrets in its request and locals."""
    from flask import request

    from app import create_app
    from tests.conftest import CSRFClient

    app = create_app(dict(app.config))
    app.test_client_class = CSRFClient

    def boom():
        password = request.form.get("password")  # noqa: F841 (a local Sentry must not see)
        raise RuntimeError("the view failed")
    app.add_url_rule("/boom", "boom", boom, methods=["POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_an_error_reaches_sentry_scrubbed(app, fake_sentry, login, fresh):
    app.config.update(SENTRY_DSN=fake_sentry.dsn, SENTRY_RELEASE="fieldkit@1.2.3",
                      SENTRY_ENVIRONMENT="staging")
    client = fresh_app(app).test_client()
    login(client, "tech1")
    session_cookie = client.get_cookie("fieldkit_session").value
    response = client.post(f"/boom?sig={SIGNATURE}&page=2",
                           data={"password": PASSWORD, "photo": PHOTO, "note": "hello"},
                           headers={"Authorization": f"Bearer {SIGNATURE}",
                                    "X-Request-Id": "req-from-the-proxy-1"})
    assert response.status_code == 500
    events = fake_sentry.wait_for_event()
    assert len(events) == 1
    event = events[0]
    raw = json.dumps(fake_sentry.bodies)
    assert event["release"] == "fieldkit@1.2.3"
    assert event["environment"] == "staging"
    assert event["user"] == {"username": "tech1"}
    assert event["exception"]["values"][-1]["value"] == "the view failed"
    assert event["tags"]["request_id"] == "req-from-the-proxy-1"
    for secret in (PASSWORD, session_cookie, SIGNATURE, "iVBORw0KGgo"):
        assert secret not in raw
    assert "page=2" in event["request"]["query_string"]


def test_nothing_is_sent_without_a_dsn(app, fake_sentry, monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", fake_sentry.dsn)  # only the app's config counts
    sentry_sdk.get_global_scope().set_client(None)
    assert fresh_app(app).test_client().post("/boom").status_code == 500
    sentry_sdk.flush(timeout=1)
    assert not sentry_sdk.get_client().is_active()
    assert fake_sentry.bodies == []


def test_scrub_removes_secrets_by_name_and_by_look():
    event = {
        "request": {"url": "https://fk.example/t/SECRET-LINK-TOKEN/photos",
                    "query_string": "sig=abc&expires=9&page=3", "cookies": {"a": "b"},
                    "data": {"password": "x"}, "env": {"REMOTE_ADDR": "1.2.3.4"},
                    "headers": {"Cookie": "fieldkit_session=s", "X-CSRFToken": "t",
                                "User-Agent": "Phone", "X-Twilio-Signature": "sig"}},
        "user": {"username": "tech1", "ip_address": "1.2.3.4", "email": "t@x"},
        "extra": {"odoo_sid": "abc", "nested": {"api_key": "k", "count": 3},
                  "blob": PHOTO},
        "exception": {"values": [{"value": "failed", "stacktrace": {"frames": [
            {"function": "f", "vars": {"password": "x"}}]}}]},
        "breadcrumbs": {"values": [{"message": "Bearer abc", "data": {"token": "t"}}]},
    }
    out = scrub(event)
    assert out["request"]["url"] == f"https://fk.example/t/{FILTERED}/photos"
    assert out["request"]["query_string"] == f"sig={FILTERED}&expires=9&page=3"
    assert "cookies" not in out["request"] and "data" not in out["request"]
    assert "env" not in out["request"]
    assert out["request"]["headers"] == {"User-Agent": "Phone"}
    assert out["user"] == {"username": "tech1"}
    assert out["extra"] == {"odoo_sid": FILTERED, "nested": {"api_key": FILTERED, "count": 3},
                            "blob": FILTERED}
    assert "vars" not in out["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert out["breadcrumbs"]["values"][0] == {"message": FILTERED, "data": {"token": FILTERED}}
