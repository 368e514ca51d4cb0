"""For the people who run Fieldkit: `/healthz` (the process answers), `/readyz` (Odoo, the
store and S3 answer) and `/metrics` (Prometheus). No login: a load balancer, Docker and
Prometheus call them. Neither probe says more than each part's state and time.
"""
from flask import Blueprint, abort, jsonify, make_response

from app.openapi import PUBLIC, document
from app.platform import health, metrics

bp = Blueprint("ops", __name__)

PARTS_SCHEMA = {"type": "object", "additionalProperties": {
    "type": "object", "required": ["state", "ms"],
    "properties": {"state": {"enum": ["ok", "unavailable", "timeout", "error"]},
                   "ms": {"type": "number"}}}}


@bp.get("/healthz")
@document(summary="Liveness: the process answers (asks nothing of Odoo)",
          tags=["Operations"], security=PUBLIC, errors=(),
          schema={"type": "object", "required": ["status"],
                  "properties": {"status": {"const": "ok"}}})
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@document(summary="Readiness: Odoo, the shared store and (when configured) S3 answer",
          description="Each part is asked once with its own short timeout (HEALTH_TIMEOUT). "
                      "503, with the same body, when one of them does not answer.",
          tags=["Operations"], security=PUBLIC, errors=(),
          schema={"type": "object", "required": ["status", "checks"],
                  "properties": {"status": {"enum": ["ok", "unavailable"]},
                                 "checks": PARTS_SCHEMA}})
def readyz():
    ready, parts = health.readiness()
    response = jsonify(status="ok" if ready else "unavailable", checks=parts)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def prometheus():
    """Prometheus' text format, every gunicorn worker added up. Only for the bearer token
    METRICS_TOKEN or an address in METRICS_ALLOW; 404 while neither is set."""
    if not metrics.enabled():
        abort(404)
    if not metrics.allowed():
        response = make_response("Metrics need the token (Authorization: Bearer ...) or an "
                                 "allowed address.\n", 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        response.mimetype = "text/plain"
        return response
    body, content_type = metrics.exposition()
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = "no-store"
    return response
