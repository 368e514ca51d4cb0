"""auth_totp as Odoo serves it to a browser: the password step of /web/login, the code step of
/web/login/totp and trusted devices (the `td_id` cookie), from the recordings in
tests/fixtures/odoo-recordings-more (`s_totp_*`) and auth_totp/controllers/home.py.

The code is RFC 6238 (SHA-1, 6 digits, 30 s steps), accepted one step either side as Odoo's
`TOTP.match(window=30)` does; 19 also refuses a step already used (`totp_last_counter`).
"""

import base64
import hashlib
import hmac
import html
import re
import secrets
import struct
import time

TIMESTEP = 30
TRUSTED_DEVICE_AGE = 90 * 86400   # auth_totp TRUSTED_DEVICE_AGE: the td_id cookie's Max-Age
WRONG = "Verification failed, please double-check the 6-digit code"
REUSED = "Verification failed, please use the latest 6-digit code"
WRONG_LOGIN = "Wrong login/password"
# Odoo names the device after the browser the User-Agent names; without one it fails (500).
BROWSERS = ("chrome", "firefox", "safari", "edge", "opera", "msie", "trident")


def demo_secret(login):
    """A deterministic base32 secret for a demo user (printed by the CLI)."""
    digest = hashlib.sha256(f"fieldkit-totp-{login}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def hotp(secret, counter):
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1000000:06d}"


def match(secret, code, now=None):
    """The time step the code belongs to (one step either side of now), else None."""
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        return None
    step = int((now or time.time()) // TIMESTEP)
    for counter in (step - 1, step, step + 1):
        if hmac.compare_digest(hotp(secret, counter), code):
            return counter
    return None


def login_form(csrf, error=None, redirect=""):
    alert = f'<p class="alert alert-danger" role="alert">{html.escape(error)}</p>' if error else ""
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Odoo</title></head>"
            "<body><form role=\"form\" method=\"post\" class=\"oe_login_form\" "
            "action=\"/web/login\">"
            f"<input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\"/>"
            "<input type=\"text\" name=\"login\" id=\"login\"/>"
            "<input type=\"password\" name=\"password\" id=\"password\"/>"
            f"{alert}<input type=\"hidden\" name=\"type\" value=\"password\"/>"
            f"<input type=\"hidden\" name=\"redirect\" value=\"{html.escape(redirect)}\"/>"
            "</form></body></html>")


def totp_form(csrf, error=None, redirect=""):
    alert = (f'<p class="alert alert-danger" role="alert">\n    {html.escape(error)}\n</p>'
             if error else "")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Odoo</title></head>"
            "<body><form method=\"POST\" action=\"\" class=\"\">"
            f"<input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\"/>"
            f"<input type=\"hidden\" name=\"redirect\" value=\"{html.escape(redirect)}\"/>"
            "<label class=\"fw-bold\" for=\"totp_token\">Authentication Code</label>"
            "<input id=\"totp_token\" name=\"totp_token\" autocomplete=\"off\" "
            "inputmode=\"numeric\" required=\"required\" placeholder=\"e.g. 123456\"/>"
            f"{alert}"
            "<input type=\"checkbox\" name=\"remember\" id=\"switch-remember\" value=\"1\"/>"
            "<label for=\"switch-remember\">Don't ask again on this device</label>"
            "<button type=\"submit\" class=\"btn btn-primary\">Log in</button>"
            "</form></body></html>")


def names_a_browser(user_agent):
    agent = (user_agent or "").lower()
    return any(name in agent for name in BROWSERS)


def new_device_key():
    return secrets.token_hex(20)
