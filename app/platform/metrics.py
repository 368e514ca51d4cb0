"""Prometheus metrics (prometheus-client), served at `/metrics` (app/routes/ops.py).

Under gunicorn every worker is its own process: gunicorn.conf.py sets
`PROMETHEUS_MULTIPROC_DIR` before anything imports prometheus_client, each worker then writes
its values to files there, and `exposition()` adds them up (a dead worker's counters are kept,
its files marked by `child_exit`). Without that variable (tests, `python run.py`) the values
live in this process.

Labels are bounded: endpoints, models, methods, outcomes and kinds come from the code, never
from a user (no user ids, no record ids, no free text); `label()` turns anything that does not
look like a name into "other".
"""
from __future__ import annotations

import hmac
import ipaddress
import re
import time

from flask import current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from app.odoo import client as odoo_client
from app.odoo import observers

# Seconds: pages answer in tens to hundreds of milliseconds, a hung Odoo in several seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STORE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5)

REQUESTS = Counter("fieldkit_http_requests", "Requests answered, by endpoint and status.",
                   ["endpoint", "method", "status"])
REQUEST_SECONDS = Histogram("fieldkit_http_request_duration_seconds",
                            "Time to answer a request, by endpoint and status.",
                            ["endpoint", "status"], buckets=LATENCY_BUCKETS)
ODOO_CALLS = Counter("fieldkit_odoo_calls", "RPCs sent to Odoo (each retry counts), by model "
                     "and method (method: the route for calls that are not a model's).",
                     ["model", "method"])
ODOO_SECONDS = Histogram("fieldkit_odoo_call_duration_seconds", "Time of one RPC to Odoo.",
                         ["model", "method"], buckets=LATENCY_BUCKETS)
ODOO_ERRORS = Counter("fieldkit_odoo_errors", "RPCs that failed, by kind (timeout, "
                      "unavailable, session, access, missing, user_error, other).",
                      ["model", "method", "kind"])
STORE_SECONDS = Histogram("fieldkit_store_operation_duration_seconds",
                          "Time of one operation on the shared store (Redis or SQLite).",
                          ["operation"], buckets=STORE_BUCKETS)
STORE_FAILURES = Counter("fieldkit_store_failures", "Store operations that failed.",
                         ["operation"])
OUTBOX = Counter("fieldkit_outbox_requests", "Requests carrying an Idempotency-Key (the "
                 "offline outbox), by outcome: applied, duplicate (the kept answer replayed), "
                 "conflict (409: still running or outcome unknown), refused (a bad key or no "
                 "store).", ["outcome"])
LOGINS = Counter("fieldkit_logins", "Login attempts, by result: success, wrong_password, "
                 "throttled (Fieldkit's limit), odoo_cooldown (Odoo's), two_factor (a code "
                 "was asked for), unavailable, error.", ["result"])
SMS = Counter("fieldkit_sms", "Text messages, by outcome.", ["outcome"])
WEBHOOKS = Counter("fieldkit_webhooks", "Webhooks received, by source and outcome.",
                   ["source", "outcome"])
UPLOAD_BYTES = Counter("fieldkit_upload_bytes", "Bytes of files stored, by kind.", ["kind"])

_LABEL = re.compile(r"^[A-Za-z0-9_./~:-]{1,80}$")


def label(value):
    """`value` as a label value, or "other" when it does not look like a name from the code."""
    value = "" if value is None else str(value)
    return value if value == "" or _LABEL.match(value) else "other"


def count(counter, **labels):
    """Add one to `counter` with these labels (values passed through `label()`)."""
    counter.labels(**{name: label(value) for name, value in labels.items()}).inc()


def count_login(result=None, error=None):
    """One login attempt (password or two-factor code): `result`, or the one `error` says."""
    if result is None:
        result = ("success" if error is None else "odoo_cooldown"
                  if isinstance(error, odoo_client.LoginCooldown) else "two_factor"
                  if isinstance(error, odoo_client.TwoFactorRequired) else "wrong_password"
                  if isinstance(error, odoo_client.AccessDenied) else "unavailable"
                  if isinstance(error, odoo_client.OdooUnavailable) else "error")
    count(LOGINS, result=result)


# --- Odoo calls (an observer of app/odoo/client.py) ---------------------------------------------

def on_rpc(event):
    model, method = label(event.model), label(event.method)
    ODOO_CALLS.labels(model, method).inc()
    ODOO_SECONDS.labels(model, method).observe(event.seconds)
    if event.error is not None:
        ODOO_ERRORS.labels(model, method, event.outcome).inc()


# --- Store operations ---------------------------------------------------------------------------

class timed_store_operation:
    """`with timed_store_operation("get"): ...`: its time, and a failure when it raises."""

    def __init__(self, operation):
        self.operation = operation

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        STORE_SECONDS.labels(self.operation).observe(time.perf_counter() - self.started)
        if exc_type is not None:
            STORE_FAILURES.labels(self.operation).inc()
        return False


# --- Requests -----------------------------------------------------------------------------------

def _start():
    g.metrics_started = time.perf_counter()


def _observe(response):
    endpoint = label(request.endpoint or "unmatched")
    status = str(response.status_code)
    REQUESTS.labels(endpoint, label(request.method), status).inc()
    started = g.get("metrics_started")
    if started is not None:
        REQUEST_SECONDS.labels(endpoint, status).observe(time.perf_counter() - started)
    return response


# --- Exposition and who may read it -------------------------------------------------------------

def multiprocess_mode():
    """Whether values live in PROMETHEUS_MULTIPROC_DIR's files: decided by prometheus_client
    when it was imported, whatever the environment says now."""
    return values.ValueClass is not values.MutexValue


def exposition():
    """(body, content type) of every metric, all gunicorn workers added up."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def enabled():
    config = current_app.config
    return bool(config.get("METRICS_TOKEN") or config.get("METRICS_ALLOW"))


def allowed():
    """Whether this request may read /metrics: the bearer token METRICS_TOKEN, or a client
    address inside METRICS_ALLOW (addresses or networks, space-separated)."""
    config = current_app.config
    token = config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(
            given[len("Bearer "):].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in allow_list(config.get("METRICS_ALLOW")))


def allow_list(value):
    """The networks of METRICS_ALLOW (`10.0.0.0/8 127.0.0.1`).

    :raises ValueError: for an entry that is not an address or a network.
    """
    return [ipaddress.ip_network(item, strict=False) for item in (value or "").split()]


def init_app(app):
    allow_list(app.config.get("METRICS_ALLOW"))  # a typo fails at start-up, not at scrape time
    observers.observe(on_rpc)
    app.before_request(_start)
    app.after_request(_observe)
