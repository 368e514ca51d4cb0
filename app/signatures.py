"""Requests authenticated by a signature instead of a session: machine-to-machine webhooks.

A webhook caller (an RMM) has no session and no CSRF token; what proves it is the HMAC-SHA256
of the raw body with a shared secret. CSRF protects a *browser's* session from other sites,
so it does not apply to such a request. The project keeps no list of views exempt from CSRF
(such a list, separate from the view, is easy to widen by mistake).

Instead, CSRF runs from our own `before_request` hook (Flask-WTF's default hook is switched
off with `WTF_CSRF_CHECK_DEFAULT = False`, its documented way to call `csrf.protect()`
yourself), and it skips exactly the views wrapped by `signature_required`: a view can only
leave CSRF out by verifying a signature first. Everything else is checked as before, with
the same errors.

Signature scheme (Stripe's): headers `X-RMM-Timestamp: <unix seconds>` and
`X-RMM-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. Putting the timestamp
under the signature is what makes the 5-minute limit hold: an old event can't be replayed
with a fresh timestamp.
"""
import base64
import hashlib
import hmac
import logging
import time
from functools import wraps

from flask import current_app, jsonify, request

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-RMM-Timestamp"
SIGNATURE_HEADER = "X-RMM-Signature"


def sign(secret, timestamp, body):
    """Hex HMAC-SHA256 of `<timestamp>.<body>` (body: bytes)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_signature(secret, timestamp, signature, body, *, max_age, now=None):
    """None when the request is authentic and fresh, else the reason (for the answer).

    The comparison is constant-time; the timestamp may be at most `max_age` seconds off
    (either way: a clock far in the future is as suspect as an old event).
    """
    if not timestamp or not signature:
        return f"The {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required."
    try:
        sent_at = int(timestamp)
    except ValueError:
        return f"{TIMESTAMP_HEADER} must be a Unix time in seconds."
    now = time.time() if now is None else now
    if abs(now - sent_at) > max_age:
        return f"The event is too old (or from the future): more than {max_age} s off."
    scheme, _, given = signature.partition("=")
    expected = sign(secret, sent_at, body)
    if scheme != "sha256" or not hmac.compare_digest(expected.encode(), given.encode()):
        return "The signature does not match."
    return None


def signature_required(secret_setting, *, max_age_setting=None, default_max_age=300):
    """Accept the request only with a valid, fresh signature made with the secret in the
    config key `secret_setting`: 401 otherwise, 503 when no secret is configured. The view is
    then not subject to CSRF (see the module docstring)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            config = current_app.config
            secret = config.get(secret_setting)
            if not secret:
                return jsonify(success=False, error="This webhook is not configured."), 503
            max_age = int(config.get(max_age_setting) or default_max_age) \
                if max_age_setting else default_max_age
            problem = check_signature(secret, request.headers.get(TIMESTAMP_HEADER),
                                      request.headers.get(SIGNATURE_HEADER),
                                      request.get_data(cache=True), max_age=max_age)
            if problem:
                log.warning("webhook %s refused: %s", request.path, problem)
                return jsonify(success=False, error=problem), 401
            return view(*args, **kwargs)
        wrapped.authenticated_by_signature = True
        return wrapped
    return decorator


TWILIO_HEADER = "X-Twilio-Signature"


def twilio_signature(auth_token, url, params):
    """Twilio's request signature: base64 HMAC-SHA1 of the full URL followed by each POST
    parameter's name and value, sorted by name (twilio.com/docs/usage/security)."""
    message = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_required(view):
    """Accept a Twilio callback only with a valid `X-Twilio-Signature` made with
    TWILIO_AUTH_TOKEN (401 otherwise, 503 when Twilio is not configured); no CSRF, as above.
    Twilio signs no timestamp: callbacks carry their own one-time token in the URL instead."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        token = current_app.config.get("TWILIO_AUTH_TOKEN")
        if not token:
            return jsonify(success=False, error="This webhook is not configured."), 503
        params = list(request.form.items(multi=True))
        expected = twilio_signature(token, request.url, params)
        given = request.headers.get(TWILIO_HEADER, "")
        if not hmac.compare_digest(expected.encode(), given.encode()):
            log.warning("webhook %s refused: bad Twilio signature", request.path)
            return jsonify(success=False, error="The signature does not match."), 401
        return view(*args, **kwargs)
    wrapped.authenticated_by_signature = True
    return wrapped


def init_app(app, csrf):
    """Run CSRF from our own hook, skipping signature-authenticated views only."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def csrf_unless_signed():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "authenticated_by_signature", False):
            return
        csrf.protect(apply_exemptions=True)
