"""Every error handler, in one place: Odoo errors and HTTP errors to pages or JSON.

Users see a message written for them; the exception, its Odoo debug text and the traceback go
to the log only.
"""
import logging

from flask import flash, jsonify, make_response, redirect, render_template, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.odoo.client import (
    AccessDenied,
    AccessError,
    MissingError,
    OdooError,
    OdooUnavailable,
    SessionExpired,
    UserError,
)
from app.odoo.integration import IntegrationConfigError
from app.platform.i18n import _, lazy_gettext
from app.platform.store import StoreError
from app.security import (
    INSECURE_COOKIE_MESSAGE,
    current_location,
    insecure_cookie_transport,
    is_safe_redirect,
    login_url,
    wants_json,
)
from app.validation import InvalidInput

log = logging.getLogger(__name__)

PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html",
         500: "errors/500.html", 503: "errors/503.html"}
MESSAGES = {
    400: lazy_gettext("Something in that request wasn't right."),
    403: lazy_gettext("You don't have access to this page."),
    404: lazy_gettext("This page doesn't exist."),
    405: lazy_gettext("That action isn't possible here."),
    413: lazy_gettext("That file is too large."),
    500: lazy_gettext("Something went wrong on our side. It has been logged."),
    503: lazy_gettext("Odoo can't be reached right now."),
}
AUTH_KEYS = ("odoo_sid", "user_id", "username", "user_name", "partner_id", "tz", "lang",
             "role", "odoo_version", "company_id", "companies", "company_ids")
# Odoo's refusal of an allowed_company_ids the user no longer belongs to (odoo.api
# Environment.companies): a company was taken from the user after the login. Odoo writes the
# message in the user's language (`_()` under the context's lang); its traceback (`debug`)
# quotes the raising source line, which holds the English text in every language.
UNAUTHORIZED_COMPANIES = "Access to unauthorized or invalid companies."
COMPANIES_CHANGED = lazy_gettext("Your companies changed in Odoo. Log in again to see them.")
STORE_OUT = lazy_gettext("Fieldkit's shared store can't be reached right now. Nothing was "
                         "changed; please try again in a minute.")


def error_response(status, message=None, **extra):
    """The error page for `status`, or `{"success": false, "error": ...}` for API callers."""
    message = str(message or MESSAGES.get(status) or MESSAGES[400 if status < 500 else 500])
    if wants_json():
        return make_response(jsonify(success=False, error=message), status)
    template = PAGES.get(status) or PAGES[400 if status < 500 else 500]
    return make_response(
        render_template(template, status=status, message=message, **extra), status)


def _back_with_message(message):
    """For a form post: flash the message and return to the form's page (PRG)."""
    if request.method == "POST" and not wants_json() and is_safe_redirect(request.referrer):
        flash(str(message), "error")
        return redirect(request.referrer)
    return None


def handle_session_expired(error):
    log.info("odoo session ended for %s on %s: %s", session.get("username"), request.path,
             error.message)
    return _log_in_again(error.user_message)


def _log_in_again(message):
    """Forget the login and send the user to the login page (JSON callers: 401)."""
    message = str(message)
    for key in AUTH_KEYS:
        session.pop(key, None)
    if wants_json():
        return jsonify(success=False, error=message, login_url=login_url()), 401
    flash(message, "warning")
    return redirect(login_url(current_location()))


def handle_unavailable(error):
    log.warning("odoo unavailable on %s %s: %s", request.method, request.path, error.message)
    response = error_response(503, error.user_message, retry_url=_retry_url(),
                              outcome_unknown=getattr(error, "outcome_unknown", False))
    response.headers["Retry-After"] = "10"
    return response


def _retry_url():
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return request.referrer if is_safe_redirect(request.referrer) else None


def handle_access_error(error):
    log.info("odoo access error for %s on %s: %s", session.get("username"), request.path,
             error.message)
    if UNAUTHORIZED_COMPANIES in (error.message or "") or \
            UNAUTHORIZED_COMPANIES in (error.debug or ""):
        # Every call of this session would be refused the same way: a new login reads the
        # user's companies again.
        return _log_in_again(COMPANIES_CHANGED)
    return error_response(403, error.user_message)


def handle_missing(error):
    log.info("odoo missing record on %s: %s", request.path, error.message)
    return error_response(404, error.user_message)


def handle_integration_missing(error):
    """A page that works through the integration user (job links, the customer's page) on an
    installation that has none configured: said plainly, never a 500."""
    log.error("integration user not configured, on %s %s: %s", request.method, request.path,
              error)
    return error_response(503, _("This page works through Fieldkit's integration user, which "
                                 "is not set up here. Please tell the company."))


def handle_store_unavailable(error):
    """A write that needs the shared store (timer, draft plan, links, idempotency) while it is
    out: nothing was done. Pages that only read it render without it instead."""
    log.error("store unavailable on %s %s: %s", request.method, request.path, error)
    # A write refused (409: nothing done, the outbox sends it again); a page 503.
    status = 503 if request.method == "GET" else 409
    response = _back_with_message(STORE_OUT) or error_response(status, STORE_OUT,
                                                               retry_url=_retry_url())
    response.headers["Retry-After"] = "30"
    return response


def handle_user_error(error):
    log.info("odoo refused on %s: %s", request.path, error.message)
    return _back_with_message(error.user_message) or error_response(400, error.user_message)


def handle_odoo_error(error):
    log.error("odoo error on %s %s: %s %s\n%s", request.method, request.path,
              error.odoo_name, error.message, error.debug or "")
    return error_response(500)


def handle_invalid_input(error):
    log.info("invalid input on %s %s: %s", request.method, request.path, error.user_message)
    return _back_with_message(error.user_message) or error_response(400, error.user_message)


def handle_csrf_error(error):
    log.info("csrf refused on %s: %s", request.path, error.description)
    message = _("This form had expired. Please try again.")
    if insecure_cookie_transport():
        message = str(INSECURE_COOKIE_MESSAGE)
    return _back_with_message(message) or error_response(400, message)


def handle_http_exception(error):
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, InternalServerError):
        return handle_unexpected(error.original_exception or error)
    return error_response(error.code, _own_description(error))


def _own_description(error):
    """The message of an app-defined HTTP error (e.g. JobNotFound, LinkExpired): a subclass
    that sets its own `description` for people. Werkzeug's generic texts are not shown."""
    for cls in type(error).__mro__:
        if cls.__module__.startswith("werkzeug"):
            return None
        if "description" in vars(cls):
            return error.description
    return None


def handle_unexpected(error):
    log.error("unhandled error on %s %s", request.method, request.path,
              exc_info=(type(error), error, error.__traceback__))
    return error_response(500)


def init_app(app):
    # Most specific first is not required (Flask walks the MRO), but it reads like the table.
    app.register_error_handler(SessionExpired, handle_session_expired)
    app.register_error_handler(AccessDenied, handle_session_expired)
    app.register_error_handler(OdooUnavailable, handle_unavailable)
    app.register_error_handler(AccessError, handle_access_error)
    app.register_error_handler(MissingError, handle_missing)
    app.register_error_handler(UserError, handle_user_error)
    app.register_error_handler(OdooError, handle_odoo_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(StoreError, handle_store_unavailable)
    app.register_error_handler(IntegrationConfigError, handle_integration_missing)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
