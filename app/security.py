"""Access decorators, safe redirects and the security headers every response carries."""
import logging
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, redirect, request, session, url_for

from app.config import storage_origins
from app.platform.i18n import _, lazy_gettext

log = logging.getLogger(__name__)

ROLES = ("technician", "office", "manager")


def wants_json():
    """True for `fetch` callers, the /api/ endpoints and the webhooks (machines), which get
    JSON errors, not pages (413 and 404 included)."""
    if request.path.startswith(("/api/", "/webhooks/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and (
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


INSECURE_COOKIE_MESSAGE = lazy_gettext(
    "This page came over plain HTTP, but Fieldkit's session cookie is marked Secure "
    "(production settings), so browsers do not send it back and logging in fails with "
    "“This form had expired”. Open Fieldkit over HTTPS; behind an HTTPS proxy set PROXY_COUNT; "
    "for a local run set FIELDKIT_ENV=development."
)
_warned_insecure = False


def insecure_cookie_transport():
    """True when the session cookie is Secure but this request came over plain HTTP."""
    global _warned_insecure
    if not (current_app.config.get("SESSION_COOKIE_SECURE") and not request.is_secure):
        return False
    if not _warned_insecure:  # once per process: every login page would repeat it
        _warned_insecure = True
        log.warning("Secure session cookie over plain HTTP (%s): logins will fail. %s",
                    request.host_url, INSECURE_COOKIE_MESSAGE)
    return True


def is_logged_in():
    return bool(session.get("odoo_sid"))


def login_url(next_target=None):
    """The login page, remembering where to come back to when that is a safe local URL."""
    if next_target and is_safe_redirect(next_target):
        return url_for("auth.login", next=next_target)
    return url_for("auth.login")


def current_location():
    """Where a user interrupted now should return after logging in again.

    A GET comes back to itself; a POST (which can't be replayed) to the page it came from.
    """
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return request.referrer


def login_required(view):
    """Send anonymous users to the login page (JSON 401 for API callers)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_logged_in():
            if wants_json():
                return jsonify(success=False, error=_("Please log in."),
                               login_url=login_url()), 401
            return redirect(login_url(current_location()))
        return view(*args, **kwargs)
    # Read by the access-control matrix test: which routes need a login, and which roles.
    wrapped.fieldkit_access = {"login": True,
                               "roles": getattr(view, "fieldkit_access", {}).get("roles")}
    return wrapped


def role_required(*roles):
    """Allow only the given roles (a manager passes every role check).

    Implies login_required.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            role = session.get("role")
            if role != "manager" and role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.fieldkit_access = {"login": True, "roles": tuple(roles)}
        return login_required(wrapped)
    return decorator


def is_safe_redirect(target):
    """True when `target` stays on this site (a local path, or an absolute URL to this host)."""
    if not target or not isinstance(target, str):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc:
        return target.startswith("/") and not target.startswith("//")
    if parts.scheme not in ("http", "https"):
        return False
    here = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)


def safe_next(target, default):
    """`target` when it is a safe redirect, `default` otherwise."""
    return target if is_safe_redirect(target) else default


def _content_security_policy(app):
    extra = " ".join(storage_origins(app.config))
    sources = f"'self' {extra}".strip()
    return "; ".join([
        "default-src 'self'",
        f"img-src {sources} data: blob:",
        f"connect-src {sources}",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "manifest-src 'self'",
        "worker-src 'self'",
    ])


STATIC_HEADERS = {"X-Content-Type-Options": "nosniff"}


def init_app(app):
    """Security headers on every response; computed once, since they depend on config only."""
    headers = {
        "Content-Security-Policy": _content_security_policy(app),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not app.config.get("PROXY_COUNT") and not app.testing:
            log.warning("Session cookies are Secure and PROXY_COUNT=0: unless this server "
                        "itself speaks HTTPS, browsers drop the cookie and logins fail. Serve "
                        "Fieldkit over HTTPS (behind a proxy: PROXY_COUNT=1); for a local run "
                        "set FIELDKIT_ENV=development.")

    @app.after_request
    def set_security_headers(response):
        if response.status_code == 304:
            return response  # the browser keeps the headers of the copy it revalidated
        # Our own static files (CSS, JS, icons, manifest) are never documents or workers: the
        # policies for those would only add ~650 bytes to each of them.
        for name, value in (STATIC_HEADERS if request.endpoint == "static" else headers).items():
            response.headers.setdefault(name, value)
        # Pages carry one user's data: browsers may keep them, shared caches may not.
        if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        return response
