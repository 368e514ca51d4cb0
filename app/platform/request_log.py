"""One log line per request with its Odoo RPC count and time, so N+1 patterns show up; the
integration user's calls (subcontractor links, webhooks) are in the count and on their own."""
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
    stats = rpc_stats()
    log.info("%s %s %s %.1fms rpc=%d rpc_ms=%.1f integration_rpc=%d integration_ms=%.1f",
             request.method, request.path, response.status_code, elapsed_ms, stats.count,
             stats.seconds * 1000, stats.integration_count, stats.integration_seconds * 1000)
    if current_app.debug or current_app.config.get("ODOO_RPC_HEADER"):
        # All of the request's calls first (what page budgets count), then the integration
        # user's share: "5; 12.3ms; integration=4".
        response.headers["X-Odoo-RPC"] = (f"{stats.count}; {stats.seconds * 1000:.1f}ms; "
                                          f"integration={stats.integration_count}")
        response.headers["Server-Timing"] = (
            f'app;dur={elapsed_ms:.1f}, odoo;dur={stats.seconds * 1000:.1f};'
            f'desc="{stats.count} RPC", odoo-integration;'
            f'dur={stats.integration_seconds * 1000:.1f};desc="{stats.integration_count} RPC"')
    return response


def init_app(app):
    app.before_request(_start_timer)
    app.after_request(_log_request)
