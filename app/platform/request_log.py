"""One log line per request with its Odoo RPC count and time, so N+1 patterns show up."""
import logging
import time

from flask import current_app, g, request

from app.odoo.client import rpc_stats

log = logging.getLogger("fieldkit.request")


def _start_timer():
    g.request_started = time.perf_counter()


def _log_request(response):
    if request.endpoint == "static":
        return response
    elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    count, seconds = rpc_stats()
    log.info("%s %s %s %.1fms rpc=%d rpc_ms=%.1f", request.method, request.path,
             response.status_code, elapsed_ms, count, seconds * 1000)
    if current_app.debug or current_app.config.get("ODOO_RPC_HEADER"):
        response.headers["X-Odoo-RPC"] = f"{count}; {seconds * 1000:.1f}ms"
        response.headers["Server-Timing"] = (
            f'app;dur={elapsed_ms:.1f}, odoo;dur={seconds * 1000:.1f};desc="{count} RPC"')
    return response


def init_app(app):
    app.before_request(_start_timer)
    app.after_request(_log_request)
