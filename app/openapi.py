"""Fieldkit's JSON API as an OpenAPI 3.1 document, built from the URL map.

Every JSON route is described once, next to the code or in `OPERATIONS` below, and
`build_spec(app)` walks `app.url_map` so that paths, methods and path parameters always come
from the routes themselves. Request bodies come from the same `app.validation` schemas the
endpoint checks its body with (`fields=`), so the document can't say something else than the
code. `tests/integration/test_openapi.py` fails when a JSON route of the URL map (under
/api/ or /webhooks/, or any view that answers with `jsonify`) is not in the document.

Adding a route's schema (see docs/architecture.md, "Documenting a JSON route"):

    from app.openapi import document

    @bp.post("/api/things/<int:id>")
    @document(summary="Rename a thing", fields=RENAME_BODY,   # the schema json_body() uses
              responses={200: {"name": {"type": "string"}}}, errors=(400, 401, 404, 422))
    @login_required
    def rename(id): ...

or, for a view in a module you'd rather not touch, an entry in `OPERATIONS`
(`"endpoint": {"post": {...}}`, the same keywords). `fields` may be "module:NAME" to import the
schema lazily.
"""
from __future__ import annotations

import importlib
import inspect
import re

from app.validation import Field

OPENAPI_VERSION = "3.1.0"
ERROR_SCHEMA = {
    "type": "object", "required": ["success", "error"],
    "properties": {"success": {"const": False},
                   "error": {"type": "string", "description": "A message for people."}},
}
ERROR_TEXT = {400: "The body or a parameter is not what the endpoint accepts (the reason is "
                   "in `error`), or the CSRF token is missing or wrong.",
              401: "Not logged in, or (webhooks) a missing, wrong or stale signature.",
              403: "The user's role or Odoo's rules do not allow this.",
              404: "No such record.", 413: "The body is too large.",
              422: "Odoo or Fieldkit refused the action (the reason is in `error`).",
              429: "Too many requests; `Retry-After` says when to try again.",
              410: "The link has expired or was revoked.",
              502: "Odoo answered with an error.", 503: "Odoo, the store or a service is "
                                                         "unavailable, or the feature is not "
                                                         "configured; try again later."}
SESSION = [{"session": [], "csrf": []}]
SIGNATURE = [{"rmmSignature": [], "rmmTimestamp": []}]
TWILIO_SIGNATURE = [{"twilioSignature": []}]
PUBLIC = []


def document(**operation):
    """Describe the decorated view's operation for its method(s) (`method="post"` to pick one
    when the view answers several)."""
    def decorator(view):
        ops = dict(getattr(view, "openapi", {}))
        ops[operation.pop("method", "*")] = operation
        view.openapi = ops
        return view
    return decorator


# Views owned by other modules, described here so their files need no change.
OPERATIONS = {
    "jobs.signature": {"post": {
        "summary": "Save the customer's signature on a job",
        "description": "The image is stored (S3 or local) and its stable reference written to "
                    "the job's `x_signature_url`; the answer carries a fresh presigned URL.",
        "tags": ["Jobs"], "fields": "app.routes.helpers:SIGNATURE_BODY",
        "responses": {200: {"url": {"type": "string"},
                         "warning": {"type": ["string", "null"]}}},
        "errors": (400, 401, 404, 422, 503)}},
    "sms.send": {"post": {
        "summary": "Send a text message from a job or a customer",
        "description": "Sent through Odoo's SMS (or Twilio when configured) and logged on the "
                    "record's history; `number` must be one of the record's numbers (any "
                    "format). 10 per minute and 200 per day per user (429 with Retry-After). "
                    "502: not delivered (`logged` true when Odoo kept it in the history); "
                    "504: Twilio did not answer in time.",
        "tags": ["SMS"], "fields": "app.routes.sms:SMS_BODY",
        "responses": {200: {"status": {"type": "string"}, "message": {"type": "string"},
                            "to": {"type": "string"}, "segments": {"type": "integer"}}},
        "errors": (400, 401, 403, 404, 422, 429, 502, 503, 504)}},
    "crm.stage": {"post": {
        "summary": "Move a lead to another stage (the pipeline board's drag and drop)",
        "description": "A form POST (`stage_id`, optional `next`); with `Accept: application/json` "
                    "it answers JSON instead of redirecting.",
        "tags": ["CRM"], "form": {"stage_id": {"type": "integer"}, "next": {"type": "string"}},
        "responses": {200: {"message": {"type": "string"}}}, "errors": (400, 401, 422)}},
    "dispatch.live_token": {"get": {
        "summary": "The live-update token pages poll to know when to refresh",
        "description": "Answers 304 while `If-None-Match` still matches the token (its ETag).",
        "tags": ["Live updates"],
        "responses": {200: {"token": {"type": "string"}, "interval": {"type": "number"}}},
        "errors": (401,)}},
    "dispatch.assign": {"post": {
        "summary": "Assign and schedule a job (dispatch board drag and drop)",
        "description": "A form POST; with `Accept: application/json` it answers JSON.",
        "tags": ["Dispatch"], "form": {"job_id": {"type": "integer"},
                                       "person_id": {"type": "integer"},
                                       "start": {"type": "string"},
                                       "duration": {"type": "number"},
                                       "next": {"type": "string"}},
        "responses": {200: {"message": {"type": "string"}}}, "errors": (400, 401, 403, 422)}},
    "dispatch.board_move": {"post": {
        "summary": "Move a job to another stage on the jobs board",
        "description": "A form POST; with `Accept: application/json` it answers JSON.",
        "tags": ["Dispatch"], "form": {"job_id": {"type": "integer"},
                                       "stage_id": {"type": "integer"},
                                       "resolution": {"type": "string"}},
        "responses": {200: {"message": {"type": "string"}}}, "errors": (400, 401, 403, 422)}},
    "dispatch.publish": {"post": {
        "summary": "Publish the dispatch draft to Odoo",
        "description": "A form POST; with `Accept: application/json` it answers JSON; "
                       "`success` is false when some changes could not be published.",
        "tags": ["Dispatch"],
        "schema": {"type": "object", "required": ["success", "message"], "properties": {
            "success": {"type": "boolean"}, "message": {"type": "string"},
            "published": {"type": "integer"},
            "failed": {"type": "array", "items": {"type": "object", "properties": {
                "job_id": {"type": "integer"}, "error": {"type": "string"}}}}}},
        "errors": (400, 401, 403)}},
    "links.signature": {"post": {
        "summary": "Save a signature through a job link (subcontractor / customer link)",
        "description": "Authenticated by the link's token in the path instead of a session.",
        "tags": ["Job links"], "security": PUBLIC, "fields": "app.routes.helpers:SIGNATURE_BODY",
        "responses": {200: {"url": {"type": "string"}, "warning": {"type": ["string", "null"]}}},
        "errors": (400, 403, 404, 410, 422, 503)}},
    "sales.video": {"post": {
        "summary": "Attach a video to a quote (the raw body, streamed to storage)",
        "description": "The file name in `X-File-Name` (or `?name=`); the size limit is "
                       "MAX_VIDEO_MB.",
        "tags": ["Sales"], "raw": "application/octet-stream",
        "query": {"name": {"type": "string"}},
        "responses": {200: {"message": {"type": "string"}, "redirect": {"type": "string"}}},
        "errors": (400, 401, 404, 413, 422, 503)}},
    "sales.signature": {"post": {
        "summary": "Sign a quote and confirm it",
        "tags": ["Sales"], "fields": "app.routes.helpers:SIGNATURE_BODY",
        "responses": {200: {"message": {"type": "string"}, "redirect": {"type": "string"},
                            "warning": {"type": ["string", "null"]}}},
        "errors": (400, 401, 404, 422, 503)}},
    "sales.products": {"get": {
        "summary": "Products matching `q` (the quote form's search)", "tags": ["Sales"],
        "query": {"q": {"type": "string"}},
        "responses": {200: {"results": {"type": "array", "items": {"type": "object"}}}},
        "errors": (401,)}},
    "sales.customers": {"get": {
        "summary": "Customers matching `q` (the quote form's search)", "tags": ["Sales"],
        "query": {"q": {"type": "string"}},
        "responses": {200: {"results": {"type": "array", "items": {"type": "object"}}}},
        "errors": (401,)}},
    "jobs.offline_pages": {"get": {
        "summary": "The day's job pages for the service worker's offline copies",
        "description": "`ids`: job numbers separated by commas (at most 40). Each page is "
                       "rendered as its own request would be; a job the user may not open is "
                       "left out. 2 Odoo calls in one round trip whatever the number of jobs.",
        "tags": ["Jobs"], "query": {"ids": {"type": "string"}},
        "responses": {200: {"pages": {"type": "array", "items": {"type": "object"}}}},
        "errors": (400, 401, 503)}},
}
# HTML pages under /api/ (documentation for people): not JSON routes.
NOT_JSON = frozenset({"api_docs.docs"})


# --- schemas -----------------------------------------------------------------------------------

def field_schema(field: Field) -> dict:
    """JSON Schema of one `app.validation` field."""
    if field.kind is str:
        schema = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
    elif field.kind is bool:
        schema = {"type": "boolean"}
    elif field.kind in (int, float):
        schema = {"type": "integer" if field.kind is int else "number"}
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
    elif field.kind is list:
        schema = {"type": "array"}
        if field.items is not None:
            schema["items"] = field_schema(field.items)
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
    else:
        schema = fields_schema(field.fields or {})
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if field.label:
        schema["description"] = field.label.strip("“”")
    if not field.required:
        schema = {"anyOf": [schema, {"type": "null"}]} if "enum" not in schema else schema
    return schema


def fields_schema(fields: dict) -> dict:
    """JSON Schema of a body checked by `check_object(data, fields)`."""
    return {
        "type": "object",
        "properties": {name: field_schema(f) for name, f in fields.items()},
        "required": [name for name, f in fields.items() if f.required],
    }


def _resolve(fields):
    if isinstance(fields, str):
        module, _, name = fields.partition(":")
        return getattr(importlib.import_module(module), name)
    return fields


# Every state-changing request may carry one (app/platform/idempotency.py): a repeat gets
# the first answer.
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Sent again with the same key, the request gets the first answer back and is "
                   "applied once (kept 7 days). Answers that wrote nothing (5xx, 401, 409) are "
                   "not kept.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$"},
}


def _operation(endpoint, method, spec):
    op = {"operationId": f"{endpoint}.{method}", "summary": spec.get("summary", ""),
          "tags": spec.get("tags", [endpoint.split(".")[0].replace("_", " ").title()])}
    if spec.get("description"):
        op["description"] = spec["description"]
    op["security"] = spec.get("security", SESSION)
    body = None
    if spec.get("fields") is not None:
        body = {"application/json": {"schema": fields_schema(_resolve(spec["fields"]))}}
    elif spec.get("request") is not None:
        body = {"application/json": {"schema": spec["request"]}}
    elif spec.get("raw") is not None:
        body = {spec["raw"]: {"schema": {"type": "string", "contentMediaType": spec["raw"]}}}
    elif spec.get("form") is not None:
        body = {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "properties": spec["form"]}}}
    if body:
        op["requestBody"] = {"required": True, "content": body}
    success = spec.get("schema") or {
        "type": "object", "required": ["success"],
        "properties": {"success": {"const": True}, **spec.get("responses", {}).get(200, {})}}
    op["responses"] = {"200": {"description": spec.get("ok", "Done."),
                               "content": {"application/json": {"schema": success}}}}
    for status in spec.get("errors", (400, 401)):
        op["responses"][str(status)] = {
            "description": ERROR_TEXT.get(status, "Error."),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return op


def _openapi_path(rule):
    """`/api/jobs/<int:id>/x` -> ("/api/jobs/{id}/x", [path parameters])."""
    params = []

    def repl(match):
        converter, name = match.group(1) or "string", match.group(2)
        params.append({"name": name, "in": "path", "required": True, "schema": {
            "type": "integer" if converter.startswith("int") else "string"}})
        return "{" + name + "}"
    path = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", repl, rule.rule)
    return path, params


def view_operations(app, endpoint):
    """{method: operation keywords} for an endpoint, from its view or OPERATIONS."""
    view = app.view_functions.get(endpoint)
    ops = dict(OPERATIONS.get(endpoint, {}))
    ops.update(getattr(view, "openapi", {}) or {})
    return ops


def is_json_route(app, rule):
    """A JSON route: under /api/ or /webhooks/, or a view that answers with jsonify."""
    if rule.endpoint in NOT_JSON or rule.endpoint == "static":
        return False
    if rule.rule.startswith(("/api/", "/webhooks/")):
        return True
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    return "jsonify(" in source or "json_body(" in source


def undocumented_routes(app):
    """(rule, method) of every JSON route the document leaves out: must be empty."""
    documented = build_spec(app)["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not is_json_route(app, rule):
            continue
        path, _ = _openapi_path(rule)
        for method in sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}):
            if method not in documented.get(path, {}):
                missing.append((rule.rule, method.upper()))
    return missing


def build_spec(app):
    """The OpenAPI 3.1 document of `app`'s JSON routes."""
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        ops = view_operations(app, rule.endpoint)
        if not ops:
            continue
        path, params = _openapi_path(rule)
        methods = sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            spec = ops.get(method) or ops.get("*")
            if spec is None:
                continue
            op = _operation(rule.endpoint, method, spec)
            query = [{"name": name, "in": "query", "required": False, "schema": schema}
                     for name, schema in spec.get("query", {}).items()]
            if method != "get":
                query.append(IDEMPOTENCY_PARAMETER)
            if params or query:
                op["parameters"] = params + query
            paths.setdefault(path, {})[method] = op
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Fieldkit JSON API", "version": app.config.get("API_VERSION", "1"),
                 "description": "The JSON endpoints of Fieldkit. Browser endpoints use the "
                                "session cookie and send the page's CSRF token as "
                                "`X-CSRFToken`; webhooks are signed instead (HMAC-SHA256 of "
                                "`<timestamp>.<raw body>`). Errors are "
                                "`{\"success\": false, \"error\": \"...\"}`."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie",
                            "name": app.config.get("SESSION_COOKIE_NAME", "session"),
                            "description": "The login session (log in at /login)."},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                         "description": "The page's <meta name=\"csrf-token\">."},
                "rmmSignature": {"type": "apiKey", "in": "header", "name": "X-RMM-Signature",
                                 "description": "sha256=<hex HMAC-SHA256 of "
                                                "\"<timestamp>.<raw body>\" with the secret>"},
                "rmmTimestamp": {"type": "apiKey", "in": "header", "name": "X-RMM-Timestamp",
                                 "description": "Unix seconds; refused when more than 5 "
                                                "minutes off."},
                "twilioSignature": {"type": "apiKey", "in": "header",
                                    "name": "X-Twilio-Signature",
                                    "description": "Twilio's signature: base64 HMAC-SHA1 of "
                                                   "the URL and the sorted form parameters "
                                                   "with the Twilio auth token."},
            },
        },
    }
