"""The session cookie: Flask's signed cookie, encrypted, sent back only when it changed or is
due; and sessions ended by a logout, whatever Odoo did.

Encrypted (Fernet: AES-CBC with an HMAC, from `cryptography`; the key derived from SECRET_KEY,
SECRET_KEY_FALLBACKS still read): the cookie carries the Odoo session id, which a technician
could otherwise decode and use to call Odoo directly, around Fieldkit's rules. Every page
still reads its session from the cookie alone, never from the shared store.

Ended sessions: a logout marks the session's random `session_key` as ended in the shared store
(`session:ended:<key>`, as long as a session lives), so the old cookie, replayed, is no
session, even when Odoo could not be told at logout; the replay then tries again to end the
Odoo session it names. A store that can't be reached is skipped (that check fails open).

Flask re-sends a permanent session's cookie on every response to slide its expiry. That puts
~450 bytes on every response, static files and the worker script included (a user's session
cookie on a `public, immutable` response, which shared caches must not see), and a cookie that
changes every second defeats `Vary: Cookie` revalidation of pages. Here the expiry still slides
(PERMANENT_SESSION_LIFETIME after the last page), but in steps of REFRESH_AFTER, on pages only.
"""
import base64
import hashlib
import logging
import secrets
import time
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from app.odoo.client import OdooError, get_odoo
from app.platform.store import StoreError, get_store

log = logging.getLogger(__name__)

# A session is renewed by the first page seen this long after its cookie was last set.
REFRESH_AFTER = timedelta(hours=1)
# Endpoints whose responses never carry the session cookie unless the session changed.
NO_REFRESH_ENDPOINTS = {"static", "pwa.service_worker"}


ENDED_PREFIX = "session:ended:"


def _fernet_key(secret):
    secret = secret.encode() if isinstance(secret, str) else secret
    return base64.urlsafe_b64encode(hashlib.sha256(b"fieldkit session cookie\0" + secret).digest())


class EncryptedSerializer:
    """Flask's signing serializer, its output encrypted: `dumps`/`loads` as itsdangerous's."""

    def __init__(self, signer, secrets_):
        self.signer = signer
        self.fernet = MultiFernet([Fernet(_fernet_key(key)) for key in secrets_])

    def dumps(self, value):
        return self.fernet.encrypt(self.signer.dumps(value).encode()).decode()

    def loads(self, value, **kwargs):
        try:
            signed = self.fernet.decrypt(value.encode() if isinstance(value, str) else value)
        except InvalidToken:
            raise BadSignature("the session cookie does not decrypt") from None
        return self.signer.loads(signed.decode(), **kwargs)


class SessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app):
        signer = super().get_signing_serializer(app)
        if signer is None:
            return None
        return EncryptedSerializer(
            signer, [app.secret_key, *reversed(app.config.get("SECRET_KEY_FALLBACKS") or [])])

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, issued = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.issued_at = issued.timestamp()
        return session

    def should_set_cookie(self, app, session):
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        if request.endpoint in NO_REFRESH_ENDPOINTS:
            return False
        issued = getattr(session, "issued_at", None)
        return issued is None or time.time() - issued >= REFRESH_AFTER.total_seconds()


def new_key():
    """A random name for a new login's session, kept in it (see `end`)."""
    return secrets.token_urlsafe(16)


def end(key):
    """Mark the session `key` ended: its cookie, sent again, is no session. False when the
    store can't be reached (the cookie is cleared anyway)."""
    if not key:
        return True
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    try:
        get_store().set(ENDED_PREFIX + key, "1", lifetime)
    except StoreError as exc:
        log.error("could not record the end of a session: %s", exc)
        return False
    return True


def _drop_ended_session():
    if request.endpoint in NO_REFRESH_ENDPOINTS:  # static files never read the session
        return
    key = session.get("session_key")
    if not key:
        return
    try:
        ended = get_store().get(ENDED_PREFIX + key)
    except StoreError as exc:
        log.warning("ended sessions not checked, the store is out: %s", exc)
        return
    if not ended:
        return
    log.info("a logged-out session's cookie came back (%s): no session", session.get("username"))
    try:  # Odoo may have been down at the logout
        get_odoo().logout()
    except OdooError as exc:
        log.info("odoo session of an ended session not destroyed: %s", exc)
    session.clear()


def init_app(app):
    app.session_interface = SessionInterface()
    app.before_request(_drop_ended_session)
