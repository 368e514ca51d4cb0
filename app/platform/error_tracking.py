"""Error tracking with Sentry (sentry-sdk, Flask integration) when `SENTRY_DSN` is set; with
it unset nothing is initialised and nothing is sent.

An event carries the release (`SENTRY_RELEASE`), the environment (`SENTRY_ENVIRONMENT`, else
FIELDKIT_ENV's), the user's login and company, and the request id (the same as in the logs and
in Odoo's). It never carries a password, a session id or cookie, a CSRF token, a signature
(webhooks', media URLs', job links' tokens) or a file's contents: request bodies are not sent
at all, local variables are not collected, and `scrub()` (the `before_send` hook, also run on
breadcrumbs) removes whatever slips through by name or by look.
"""
from __future__ import annotations

import re

from flask import g, has_request_context, session

FILTERED = "[Filtered]"
# Keys whose values are never sent, wherever they appear (headers, query, extra, contexts).
SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|session|sid$|cookie|csrf|authori[sz]ation|signature|"
    r"^sig$|api[_-]?key|^key$|totp|code$|^otp|photo|image|video|data_?url|body$",
    re.IGNORECASE)
# Values that are secrets or contents by their look, whatever their key.
SECRET_VALUE = re.compile(r"^data:[\w/+.-]+;base64,|^[A-Za-z0-9+/=_-]{200,}$|Bearer\s",
                          re.IGNORECASE)
# Job links carry their token in the path (/t/<token>/...).
LINK_TOKEN = re.compile(r"(/t/)[^/?#]+")
HEADERS_KEPT = {"user-agent", "accept", "accept-language", "content-type", "content-length",
                "host", "x-request-id", "x-forwarded-proto", "referer"}


def _scrub_value(key, value):
    if key is not None and SECRET_KEY.search(str(key)):
        return FILTERED
    if isinstance(value, dict):
        return {k: _scrub_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(None, item) for item in value]
    if isinstance(value, str):
        if SECRET_VALUE.search(value):
            return FILTERED
        return LINK_TOKEN.sub(r"\1" + FILTERED, value)
    return value


def _scrub_query(query):
    if not isinstance(query, str):
        return _scrub_value(None, query)
    pairs = [part.partition("=") for part in query.split("&") if part]
    return "&".join(name + (f"={FILTERED}" if SECRET_KEY.search(name) else sep + value)
                    for name, sep, value in pairs)


def _scrub_request(req):
    req.pop("cookies", None)
    req.pop("data", None)  # bodies: passwords, signatures, photos
    req.pop("env", None)
    if isinstance(req.get("headers"), dict):
        req["headers"] = {name: value for name, value in req["headers"].items()
                          if name.lower() in HEADERS_KEPT}
    if "query_string" in req:
        req["query_string"] = _scrub_query(req["query_string"])
    if isinstance(req.get("url"), str):
        req["url"] = LINK_TOKEN.sub(r"\1" + FILTERED, req["url"])
    return req


def scrub(event, hint=None):
    """The `before_send` hook: the event without secrets or contents (returns it)."""
    if isinstance(event.get("request"), dict):
        event["request"] = _scrub_request(event["request"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {k: v for k, v in user.items() if k in ("username", "id")}
    for key in ("extra", "contexts", "tags"):
        if isinstance(event.get(key), dict):
            event[key] = _scrub_value(None, event[key])
    for value in (event.get("exception") or {}).get("values") or ():
        if isinstance(value.get("value"), str):
            value["value"] = _scrub_value(None, value["value"])
        for frame in (value.get("stacktrace") or {}).get("frames") or ():
            frame.pop("vars", None)
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    for crumb in values or ():
        scrub_breadcrumb(crumb)
    if isinstance(event.get("logentry"), dict):
        event["logentry"]["params"] = [_scrub_value(None, p)
                                       for p in event["logentry"].get("params") or ()]
    return event


def scrub_breadcrumb(crumb, hint=None):
    if isinstance(crumb.get("data"), dict):
        crumb["data"] = _scrub_value(None, crumb["data"])
    if isinstance(crumb.get("message"), str):
        crumb["message"] = _scrub_value(None, crumb["message"])
    return crumb


def _tag_request():
    import sentry_sdk

    if not has_request_context():
        return
    if session.get("username"):
        sentry_sdk.set_user({"username": session["username"]})
    if session.get("company_id"):
        sentry_sdk.set_tag("company_id", session["company_id"])
    if g.get("request_id"):
        sentry_sdk.set_tag("request_id", g.request_id)


def init_app(app):
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        release=app.config.get("SENTRY_RELEASE") or None,
        environment=app.config.get("SENTRY_ENVIRONMENT") or app.config.get("ENV_NAME"),
        integrations=[FlaskIntegration()],
        include_local_variables=False,  # a frame's locals may hold a password
        max_request_body_size="never",
        traces_sample_rate=app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0.0,
        before_send=scrub,
        before_breadcrumb=scrub_breadcrumb,
    )
    app.before_request(_tag_request)
