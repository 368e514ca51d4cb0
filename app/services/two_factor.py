"""Two-factor login (Odoo's auth_totp) the way Odoo's own web login does it.

Odoo's JSON login (/web/session/authenticate) answers `{"uid": null}` for a TOTP account and
takes no code; only the browser pages do (auth_totp/controllers/home.py, as recorded in
tests/fixtures/odoo-recordings-more, `s_totp_*`):

1. GET /web/login (a session cookie and the form's csrf_token), POST /web/login with login,
   password and csrf_token -> 303 to /web/login/totp (a wrong password: 200, the form again);
2. GET /web/login/totp -> the code form (csrf_token, redirect, totp_token, the `remember`
   checkbox), or at once a 303 home when the `td_id` cookie names a trusted device;
3. POST /web/login/totp -> 303 and a new session_id (plus `td_id` with `remember`), or 200 with
   "Verification failed, ..." (19 also refuses a time step already used).

Odoo's cookies for the half-done login live in the Flask session (signed, server-made; never
put in a page or in a cookie of their own); the trusted-device key Odoo hands out lives in a
long-lived signed cookie of Fieldkit's, per login, because logging out clears the session.
"""
import hashlib
import html
import logging
import re
import time
from urllib.parse import urlencode, urlsplit

from flask import current_app, request, session

from app.odoo.client import (
    AccessDenied,
    LoginCooldown,
    OdooUnavailable,
    TwoFactorCodeReused,
    TwoFactorExpired,
    WrongTwoFactorCode,
)

log = logging.getLogger(__name__)

PENDING_KEY = "totp_pending"
# Long enough to open the authenticator app and type; the Odoo half-session may live longer.
PENDING_SECONDS = 300
DEVICE_COOKIE = "fieldkit_td"
DEVICE_SALT = "fieldkit-trusted-device"
DEVICE_SECONDS = 90 * 86400          # auth_totp's TRUSTED_DEVICE_AGE (the td_id cookie)
MAX_DEVICES = 5                      # logins remembered on one phone
# Odoo names a trusted device after the browser its User-Agent names and fails (500) when it
# names none; the technician's own browser is the device being trusted, so its User-Agent goes.
FALLBACK_AGENT = "Mozilla/5.0 (compatible; Fieldkit) Chrome/124.0 Safari/537.36"
KNOWN_BROWSERS = ("chrome", "firefox", "safari", "edg", "opera", "msie", "trident")

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]*)"')
_ALERT = re.compile(r'<p class="alert alert-danger"[^>]*>(.*?)</p>', re.S)


def _csrf(page):
    match = _CSRF.search(page)
    if not match:
        raise OdooUnavailable("Odoo's login page has no csrf_token")
    return html.unescape(match.group(1))


def _alert(page):
    match = _ALERT.search(page)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""


def _goes_to(response, path):
    return response.status_code in (301, 302, 303) and \
        urlsplit(response.headers.get("Location", "")).path == path


def _sid(response, previous):
    return response.cookies.get("session_id") or previous


# --- the two steps ------------------------------------------------------------------------------

def start(odoo, login, password, trusted_key=None):
    """Password step. Returns ("done", session_id) when Odoo trusts this device, else
    ("code", pending) with what the code step needs.

    :raises AccessDenied: wrong password (LoginCooldown during Odoo's cooldown).
    """
    db_query = f"?{urlencode({'db': odoo.db})}" if odoo.db else ""
    page = odoo.web_page("GET", "/web/login" + db_query)
    sid = _sid(page, None)
    cookies = {"session_id": sid}
    if trusted_key:
        cookies["td_id"] = trusted_key
    answer = odoo.web_page("POST", "/web/login", cookies=cookies, data={
        "login": login, "password": password, "csrf_token": _csrf(page.text),
        "db": odoo.db or "", "redirect": ""})
    if not _goes_to(answer, "/web/login/totp"):
        message = _alert(answer.text)
        if "too many" in message.lower():
            raise LoginCooldown(message)
        raise AccessDenied(message or "browser login refused")
    cookies["session_id"] = _sid(answer, sid)
    form = odoo.web_page("GET", "/web/login/totp", cookies=cookies)
    if form.status_code in (301, 302, 303):
        return "done", _sid(form, cookies["session_id"])
    return "code", {
        "sid": _sid(form, cookies["session_id"]), "csrf": _csrf(form.text), "login": login,
        "db": odoo.db, "remember": 'name="remember"' in form.text, "started": time.time()}


def verify(odoo, pending, code, remember=False):
    """Code step: the new Odoo session id and the trusted-device key (or None).

    :raises WrongTwoFactorCode: wrong or expired code (TwoFactorCodeReused on 19).
    :raises TwoFactorExpired: the half-done login is gone.
    """
    if time.time() - pending.get("started", 0) > PENDING_SECONDS:
        raise TwoFactorExpired("pending two-factor login too old")
    data = {"totp_token": code, "csrf_token": pending["csrf"], "redirect": ""}
    agent = None
    if remember and pending.get("remember"):
        data["remember"] = "1"
        agent = browser_agent()
    answer = odoo.web_page("POST", "/web/login/totp", data=data, user_agent=agent,
                           cookies={"session_id": pending["sid"]})
    if _goes_to(answer, "/web/login"):   # Odoo no longer knows the half-done login
        raise TwoFactorExpired("Odoo sent the code step back to the password")
    if answer.status_code in (301, 302, 303):
        return _sid(answer, pending["sid"]), answer.cookies.get("td_id")
    message = _alert(answer.text)
    pending["sid"] = _sid(answer, pending["sid"])
    if "latest" in message:
        raise TwoFactorCodeReused(message)
    raise WrongTwoFactorCode(message or f"code refused (HTTP {answer.status_code})")


def browser_agent():
    agent = request.headers.get("User-Agent", "")
    if any(name in agent.lower() for name in KNOWN_BROWSERS):
        return agent
    return FALLBACK_AGENT


# --- the half-done login in the Flask session ----------------------------------------------------

def hold(pending):
    session[PENDING_KEY] = pending


def pending_login():
    """The half-done login, or None (none, or too old: then it is dropped)."""
    pending = session.get(PENDING_KEY)
    if pending and time.time() - pending.get("started", 0) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    return pending


def drop():
    session.pop(PENDING_KEY, None)


# --- trusted devices: a long-lived signed cookie of Fieldkit's ------------------------------------

def _serializer():
    from itsdangerous import URLSafeTimedSerializer
    return URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE_SALT)


def _login_key(login):
    return hashlib.sha256((login or "").strip().lower().encode()).hexdigest()[:16]


def _devices():
    from itsdangerous import BadSignature
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        devices = _serializer().loads(raw, max_age=DEVICE_SECONDS)
    except BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def trusted_key(login):
    """Odoo's td_id for this login on this phone, if it was trusted here."""
    return _devices().get(_login_key(login))


def remember_device(response, login, key):
    devices = {k: v for k, v in _devices().items() if k != _login_key(login)}
    devices[_login_key(login)] = key
    devices = dict(list(devices.items())[-MAX_DEVICES:])
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(devices), max_age=DEVICE_SECONDS,
                        httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", True))
    return response
