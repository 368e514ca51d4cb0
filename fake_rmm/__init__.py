"""A small stand-in for a remote monitoring tool (RMM) with Pulseway's v2 REST API shape, for
tests and the demo. Like the Odoo emulator it is a separate HTTP server that `app/` never
imports.

API (JSON, `Authorization: Bearer <token>`; Pulseway wraps every answer in Data/Meta):
    GET  /api/v2/organizations?$top=100&$skip=0
         -> {"Data": [{"Id": 1, "Name": "..."}], "Meta": {"ResponseCode": 200, "TotalCount": n}}
    POST /api/v2/organizations {"Name": "..."}
         -> {"Data": {"Id": 7, "Name": "..."}, "Meta": {"ResponseCode": 200}}
            400 with Meta.ErrorMessage when the name is taken or missing
    401 without the right token; `fail_next(n)` makes the next n calls answer 503.

    handle = start_in_thread(token=DEMO_TOKEN, organizations=("Maple Street Dental",))
    handle.url, handle.organizations, handle.requests, handle.fail_next(2, "POST"), handle.stop()
    handle.send_event(webhook_url, secret, "Notification", {...})  # a signed webhook call
"""

import hashlib
import hmac
import json
import threading
import time
import uuid

import requests
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

__all__ = ["FakeRMM", "start_in_thread", "sign"]

DEMO_TOKEN = "demo-token"  # noqa: S105 (a fake service's demo credential)


def sign(secret, timestamp, body):
    """The webhook signature: hex HMAC-SHA256 of `<timestamp>.<raw body>` (see README)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class FakeRMM:
    """The WSGI app and its in-memory state."""

    def __init__(self, token=DEMO_TOKEN, organizations=()):
        self.token = token
        self.lock = threading.Lock()
        self.organizations = []
        self.requests = []      # (method, path, json body) of every API call, for tests
        self.failures = 0
        self.fail_method = None
        for name in organizations:
            self._add(name)
        self.url_map = Map([
            Rule("/api/v2/organizations", endpoint="organizations", methods=["GET", "POST"]),
        ])

    def _add(self, name):
        org = {"Id": len(self.organizations) + 1, "Name": name}
        self.organizations.append(org)
        return org

    def _answer(self, data, status=200, error=None, total=None):
        meta = {"ResponseCode": status}
        if error:
            meta["ErrorMessage"] = error
        if total is not None:
            meta["TotalCount"] = total
        body = {"Meta": meta} if data is None else {"Data": data, "Meta": meta}
        return Response(json.dumps(body), status=status, content_type="application/json")

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as exc:  # NotFound, MethodNotAllowed are responses themselves
            return exc
        body = request.get_json(silent=True)
        with self.lock:
            self.requests.append((request.method, request.path, body))
            if self.failures > 0 and self.fail_method in (None, request.method):
                self.failures -= 1
                return Response("Service Unavailable", status=503, content_type="text/plain")
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._answer(None, 401, "Invalid credentials")
        return getattr(self, "on_" + endpoint)(request, body, **values)

    def on_organizations(self, request, body):
        with self.lock:
            if request.method == "GET":
                top = request.args.get("$top", 100, type=int)
                skip = request.args.get("$skip", 0, type=int)
                return self._answer(self.organizations[skip:skip + top],
                                    total=len(self.organizations))
            name = (body or {}).get("Name") if isinstance(body, dict) else None
            if not isinstance(name, str) or not name.strip():
                return self._answer(None, 400, "Name is required")
            if any(o["Name"].lower() == name.strip().lower() for o in self.organizations):
                return self._answer(None, 400, "An organization with this name already exists")
            return self._answer(self._add(name.strip()))


class FakeRMMHandle:
    def __init__(self, app, server, thread):
        self.app = app
        self._server = server
        self._thread = thread
        self.port = server.server_port
        self.url = f"http://127.0.0.1:{self.port}/api/v2"

    @property
    def organizations(self):
        return self.app.organizations

    @property
    def requests(self):
        return self.app.requests

    def fail_next(self, count, method=None):
        """Answer the next `count` API calls (of `method` only, if given) with 503."""
        with self.app.lock:
            self.app.failures = count
            self.app.fail_method = method

    def send_event(self, webhook_url, secret, event_type, data, event_id=None, timestamp=None,
                   timeout=10):
        """POST one signed event to a webhook, as the RMM would; returns the response."""
        body = json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex}", "type": event_type,
                           "data": data}).encode()
        timestamp = int(time.time() if timestamp is None else timestamp)
        headers = {"Content-Type": "application/json", "X-RMM-Timestamp": str(timestamp),
                   "X-RMM-Signature": "sha256=" + sign(secret, timestamp, body)}
        return requests.post(webhook_url, data=body, headers=headers, timeout=timeout)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_in_thread(port=0, token=DEMO_TOKEN, organizations=(), host="127.0.0.1"):
    """Serve a fake RMM in a daemon thread; returns its handle (`.url` is the API base URL)."""
    app = FakeRMM(token=token, organizations=organizations)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fake-rmm", daemon=True)
    thread.start()
    return FakeRMMHandle(app, server, thread)
