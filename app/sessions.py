"""The session cookie: Flask's signed cookie, sent back only when it changed or is due.

Flask re-sends a permanent session's cookie on every response to slide its expiry. That puts
~450 bytes on every response, static files and the worker script included (a user's session
cookie on a `public, immutable` response, which shared caches must not see), and a cookie that
changes every second defeats `Vary: Cookie` revalidation of pages. Here the expiry still slides
(PERMANENT_SESSION_LIFETIME after the last page), but in steps of REFRESH_AFTER, on pages only.
"""
import time
from datetime import timedelta

from flask import request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

# A session is renewed by the first page seen this long after its cookie was last set.
REFRESH_AFTER = timedelta(hours=1)
# Endpoints whose responses never carry the session cookie unless the session changed.
NO_REFRESH_ENDPOINTS = {"static", "pwa.service_worker"}


class SessionInterface(SecureCookieSessionInterface):
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


def init_app(app):
    app.session_interface = SessionInterface()
