"""Idempotency keys: a state-changing request sent again with the same `Idempotency-Key`
header gets the first answer back, and Odoo is written to once. Forms sent without
JavaScript have the same through a one-time `idempotency_key` field that `add_form_keys`
puts in every POST form of a page (after its CSRF field); the stored key is that field plus
a digest of the form's content, so the button pressed twice writes once while the same page
sent again with other content is a request of its own (login and logout excepted).

The browser's outbox (static/js/outbox.js) gives every queued action a key and may send it
several times (a lost answer, a retry after a timeout, two tabs flushing at once). Here:

* the first request with a key marks it "pending" in the shared store (only-if-absent, so two
  processes can't both take it), runs, and keeps its answer for `IDEMPOTENCY_TTL` (7 days);
* a repeat gets the kept answer (`Idempotent-Replayed: true`), whichever worker, process or
  host serves it;
* a repeat that arrives while the first still runs waits for it (up to
  `IDEMPOTENCY_WAIT` seconds), then gets 409 "still being processed": never a second write;
* answers that say nothing was done are not kept, so the same key can be sent again: 5xx
  (Odoo or storage down: the outbox retries), 401 (log in again), 409 (a stale job: the user
  decides). A refused CSRF token never gets here: CSRF is checked before this hook runs.
* one 5xx is different: a write that reached Odoo and whose answer was lost (a read or gateway
  timeout; `OdooAPI` flags it). Odoo may have applied it, so a repeat with the key gets
  409 `{"unknown": true}` for as long as answers are kept: the outbox then asks the user to
  check the record and send it again under a new key, or to discard it.

Keys are scoped by user (and by the anonymous session's CSRF secret for job links), so one
user's key can never return another user's answer. A key is 8 to 100 characters of
`A-Z a-z 0-9 _ -`; anything else is a 400.
"""
import base64
import hashlib
import json
import re
import secrets
import time

from flask import current_app, g, jsonify, make_response, request, session

from app.odoo.client import OUTCOME_UNKNOWN
from app.platform import metrics
from app.platform.i18n import _
from app.platform.store import StoreError, get_store

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"  # the same, for forms sent without JavaScript
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Logging in and out are never replayed (an answer's session cookie is not kept, and a
# digest of a password has no place in the store).
NO_FORM_KEYS = {"auth.login", "auth.login_code", "auth.logout"}
_CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrf_token" value="[^"]*">')
REPLAYED = "Idempotent-Replayed"
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PENDING = "pending"
# Statuses after which nothing was written: not kept, the key may be used again.
NOT_KEPT = {401, 409}
KEPT_HEADERS = ("Content-Type", "Location", "Retry-After", "X-Fk-Version")


def _scope():
    """Whose keys these are: the user, or an anonymous browser (a subcontractor's link) by its
    session's CSRF secret. None for a caller with neither (a signed webhook, which has its own
    idempotency by event id): its keys could not be told apart from another's."""
    user = session.get("user_id")
    if user:
        return f"u{user}"
    secret = session.get("csrf_token")
    return "a" + str(secret)[:16] if secret else None


def _store_key(key):
    return f"idem:{_scope()}:{key}"


def _refuse(status, message):
    metrics.count(metrics.OUTBOX, outcome="conflict" if status == 409 else "refused")
    return make_response(jsonify(success=False, error=message), status)


def _form_key():
    """The key of a form sent without JavaScript: its `idempotency_key` field (put in every
    POST form by `add_form_keys`) with a digest of what the form says, so pressing the button
    twice (or again after a lost answer) replays the first answer, while the same page sent
    again with other content (back, edit, send) is a request of its own. None without one."""
    if request.mimetype not in FORM_TYPES or request.endpoint in NO_FORM_KEYS:
        return None
    field = request.form.get(FORM_FIELD)
    if not field:
        return None
    digest = hashlib.sha256(field.encode())
    for name, value in sorted(request.form.items(multi=True)):
        if name not in (FORM_FIELD, "csrf_token"):
            digest.update(f"{name}\0{value}\0".encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        upload.stream.seek(0, 2)
        digest.update(f"{name}\0{upload.filename}\0{upload.stream.tell()}\0".encode())
        upload.stream.seek(0)
    return field, digest.hexdigest()[:32]


def before_request():
    if request.method not in _UNSAFE or _scope() is None:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        form_key = _form_key()
        if form_key is None:
            return None
        key, content = form_key
        if not _KEY_RE.match(key):
            return None  # not one of ours: the form goes on as if it had none
        key = f"{key}-{content}"
    elif not _KEY_RE.match(key):
        return _refuse(400, _("The Idempotency-Key header must be 8 to 100 letters, digits, "
                              "'-' or '_'."))
    store = get_store()
    store_key = _store_key(key)
    wait = current_app.config["IDEMPOTENCY_WAIT"]
    deadline = time.monotonic() + wait
    try:
        while True:
            if store.set(store_key, PENDING, max(30, int(wait) * 4), nx=True):
                g.idempotency_key = store_key
                return None
            kept = store.get(store_key)
            if kept and kept != PENDING:
                return _replay(kept)
            if time.monotonic() >= deadline:
                return _refuse(409, _("The same request is still being processed. It will "
                                      "not be applied twice; try again in a moment."))
            time.sleep(0.1)
    except StoreError:
        current_app.logger.warning("idempotency store unavailable", exc_info=True)
        # 409, not 503: nothing was done and the outbox sends it again (it retries a plain
        # 409); the store being out is no server error of this request.
        return _refuse(409, _("Fieldkit can't check for a repeated request right now. Nothing "
                              "was changed; it will be sent again."))


def _replay(kept):
    saved = json.loads(kept)
    # A kept 409 is the "outcome unknown" answer: a conflict for the user to settle.
    metrics.count(metrics.OUTBOX, outcome="conflict" if saved["status"] == 409 else "duplicate")
    response = make_response(base64.b64decode(saved["body"]), saved["status"])
    for name, value in saved["headers"].items():
        response.headers[name] = value
    response.headers[REPLAYED] = "true"
    return response


def after_request(response):
    store_key = g.pop("idempotency_key", None)
    if store_key is None:
        return response
    status = response.status_code
    metrics.count(metrics.OUTBOX, outcome="applied" if status < 400 else "conflict"
                  if status == 409 else "refused" if status < 500 else "failed")
    try:
        if g.pop("odoo_outcome_unknown", False) and response.status_code >= 500:
            get_store().set(store_key, json.dumps(_unknown_answer()),
                            current_app.config["IDEMPOTENCY_TTL"])
            return response
        if response.status_code >= 500 or response.status_code in NOT_KEPT \
                or response.direct_passthrough:
            get_store().delete(store_key)
            return response
        saved = {"status": response.status_code,
                 "headers": {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers},
                 "body": base64.b64encode(response.get_data()).decode()}
        get_store().set(store_key, json.dumps(saved), current_app.config["IDEMPOTENCY_TTL"])
    except StoreError:
        current_app.logger.warning("idempotency: could not keep the answer", exc_info=True)
    return response


def _unknown_answer():
    body = json.dumps({"success": False, "conflict": True, "unknown": True,
                       "error": str(OUTCOME_UNKNOWN)}).encode()
    return {"status": 409, "headers": {"Content-Type": "application/json"},
            "body": base64.b64encode(body).decode()}


def teardown_request(error):
    """A request that died with an exception releases its key (nothing was answered)."""
    store_key = g.pop("idempotency_key", None)
    if store_key is not None:
        try:
            get_store().delete(store_key)
        except StoreError:
            current_app.logger.warning("idempotency: could not release a key", exc_info=True)


def add_form_keys(response):
    """Give every POST form of a page a one-time key of its own: an `idempotency_key` field
    after its CSRF field (every state-changing form has one), fresh at each page view."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data()
    if b'name="csrf_token"' in body:
        response.set_data(with_form_keys(body))
    return response


def with_form_keys(body: bytes) -> bytes:
    """The page ``body`` with a fresh key after each form's CSRF field (see
    :func:`add_form_keys`; for pages sent inside another response)."""
    return _CSRF_INPUT.sub(
        lambda match: match.group(0) + b'<input type="hidden" name="' + FORM_FIELD.encode()
        + b'" value="' + secrets.token_urlsafe(16).encode() + b'">', body)


def init_app(app):
    app.config.setdefault("IDEMPOTENCY_TTL", 7 * 24 * 3600)
    app.config.setdefault("IDEMPOTENCY_WAIT", 10)
    app.before_request(before_request)
    app.after_request(after_request)
    app.after_request(add_form_keys)
    app.teardown_request(teardown_request)
