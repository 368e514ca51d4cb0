"""One log line per request with its Odoo RPC count and time, so N+1 patterns show up (the
integration user's calls, for subcontractor links and webhooks, in the count and on their
own); one line per Odoo call; and the request id that ties them together.

The request id is the caller's `X-Request-Id` when it looks like one (a proxy or load balancer
in front may set it), else a new one. It is returned as `X-Request-Id`, sent to Odoo with every
call of the request (`OdooAPI.request_id`), and written on every line of it, so one action can
be followed across the proxy, Fieldkit and Odoo.

`LOG_FORMAT=json` writes every log line as one JSON object (`JsonFormatter`); the structured
fields of a line (`extra={"fields": {...}}`) become its keys. Otherwise the readable line.
"""
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import current_app, g, request

from app.odoo import observers
from app.odoo.client import rpc_stats

log = logging.getLogger("fieldkit.request")
odoo_log = logging.getLogger("fieldkit.odoo")

HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
READABLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, its fields."""

    def format(self, record):
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(
                    timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(level, log_format):
    """The root logger's level and format (`json` or the readable line), unless something
    (gunicorn, pytest) already set up its handlers."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter(READABLE_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


def request_id():
    """This request's id (made on first use)."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
    return g.request_id


def _start_timer():
    g.request_started = time.perf_counter()
    g.request_cpu_started = time.thread_time()
    request_id()


def _log_request(response):
    response.headers[HEADER] = request_id()
    if request.endpoint == "static":
        return response
    elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    stats = rpc_stats()
    log.info("%s %s %s %.1fms rpc=%d rpc_ms=%.1f integration_rpc=%d integration_ms=%.1f id=%s",
             request.method, request.path, response.status_code, elapsed_ms, stats.count,
             stats.seconds * 1000, stats.integration_count, stats.integration_seconds * 1000,
             g.request_id,
             extra={"fields": {"request_id": g.request_id, "method": request.method,
                               "path": request.path, "endpoint": request.endpoint,
                               "status": response.status_code, "ms": round(elapsed_ms, 1),
                               "rpc": stats.count, "rpc_ms": round(stats.seconds * 1000, 1),
                               "integration_rpc": stats.integration_count,
                               "integration_rpc_ms": round(stats.integration_seconds * 1000,
                                                           1)}})
    if current_app.debug or current_app.config.get("ODOO_RPC_HEADER"):
        # All of the request's calls first (what page budgets count), then the integration
        # user's share: "5; 12.3ms; integration=4".
        response.headers["X-Odoo-RPC"] = (f"{stats.count}; {stats.seconds * 1000:.1f}ms; "
                                          f"integration={stats.integration_count}")
        # cpu: the request thread's own CPU time; app - odoo - cpu is time spent waiting for
        # a CPU or the interpreter lock (other requests, other processes).
        cpu_ms = (time.thread_time() - g.get("request_cpu_started", time.thread_time())) * 1000
        response.headers["Server-Timing"] = (
            f'app;dur={elapsed_ms:.1f}, cpu;dur={cpu_ms:.1f}, odoo;dur={stats.seconds * 1000:.1f};'
            f'desc="{stats.count} RPC", odoo-integration;'
            f'dur={stats.integration_seconds * 1000:.1f};desc="{stats.integration_count} RPC"')
    return response


def log_rpc(event):
    """One line per Odoo call (an observer of app/odoo/client.py): what, how long, how it
    ended, and the request it belongs to. Never its arguments."""
    if not odoo_log.isEnabledFor(logging.INFO):
        return
    name = f"{event.model}.{event.method}" if event.model else event.method
    odoo_log.info("odoo %s %.1fms %s id=%s", name, event.seconds * 1000, event.outcome,
                  event.request_id or "-",
                  extra={"fields": {"request_id": event.request_id, "model": event.model,
                                    "odoo_method": event.method, "outcome": event.outcome,
                                    "ms": round(event.seconds * 1000, 1),
                                    "write": event.write}})


def init_app(app):
    observers.observe(log_rpc)
    app.before_request(_start_timer)
    app.after_request(_log_request)
