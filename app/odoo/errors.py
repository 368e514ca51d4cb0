"""Odoo's errors, typed: one class per kind, mapped from the envelope's ``data.name``.

`message` and `debug` are the server's and for logs; `user_message` is safe to show.
"""
import re

# Straight from Flask-Babel: app.odoo sits below app.platform (which holds app.platform.i18n).
# Translated when read (`user_message`), in the language of the request that shows it.
from flask_babel import lazy_gettext

# --- Errors -----------------------------------------------------------------------------------

class OdooError(Exception):
    """An error from Odoo or on the way to it.

    `message` and `debug` come from the server and are for logs only; `user_message` is safe
    to show to people.
    """

    default_user_message = lazy_gettext("Odoo could not complete this request.")

    def __init__(self, message="", *, code=None, odoo_name=None, debug=None, user_message=None):
        super().__init__(message or self.default_user_message)
        self.message = message
        self.code = code
        self.odoo_name = odoo_name
        self.debug = debug
        self.user_message = user_message or self.default_user_message

    @property
    def user_message(self) -> str:
        """The message for people, in the current request's language (plain str: it goes
        into flashes, JSON and the session)."""
        return str(self._user_message)

    @user_message.setter
    def user_message(self, value):
        self._user_message = value


NOT_ANSWERING = lazy_gettext("Odoo is not answering right now (Fieldkit is reachable, the Odoo "
                             "server behind it is not). Your work is safe: please try again in "
                             "a moment.")
# A change sent to Odoo whose answer never came: Odoo may have saved it, so "try again" could
# save it twice. The user checks first (see `_rpc` and app/idempotency.py).
OUTCOME_UNKNOWN = lazy_gettext("Odoo did not answer in time, so Fieldkit can't tell whether "
                               "this change was saved. Check the record before sending it again.")


class OdooUnavailable(OdooError):
    """Odoo can't be reached or answered garbage: refused, timeout, 5xx, non-JSON."""

    default_user_message = lazy_gettext("Odoo can't be reached right now. Please try again in a "
                                        "moment.")

    def __init__(self, message="", *, should_retry=False, reached=False, timed_out=False,
                 **kwargs):
        super().__init__(message, **kwargs)
        self.should_retry = should_retry
        # A connect, read or gateway timeout (rather than a refusal or garbage).
        self.timed_out = timed_out
        # The request reached Odoo and no answer came back (read timeout, gateway timeout).
        self.reached = reached
        # Set by `_rpc` for a write that `reached` Odoo: it may or may not have been applied.
        self.outcome_unknown = False


class SessionExpired(OdooError):
    default_user_message = lazy_gettext("Your Odoo session has expired. Please log in again.")


class AccessDenied(OdooError):
    """Wrong login or password (or credentials no longer valid)."""

    default_user_message = lazy_gettext("Wrong login or password")


class TwoFactorRequired(AccessDenied):
    """Odoo answered `uid: null`: the password was right, the account needs a second factor
    (auth_totp), which only Odoo's browser login (/web/login/totp) takes."""

    default_user_message = lazy_gettext(
        "This Odoo account uses two-factor authentication: enter the 6-digit code from your "
        "authenticator app."
    )


class WrongTwoFactorCode(AccessDenied):
    """Odoo refused the 6-digit code (wrong, or of a time step already gone)."""

    default_user_message = lazy_gettext(
        "Wrong or expired code. Type the 6-digit code your authenticator app shows now "
        "(it changes every 30 seconds).")


class TwoFactorCodeReused(WrongTwoFactorCode):
    """19 refuses a code of a time step already used for a login."""

    default_user_message = lazy_gettext(
        "This code was already used. Wait for the next 6-digit code in your authenticator "
        "app and type that one.")


class TwoFactorExpired(AccessDenied):
    """The half-done login (password given, code not yet) is gone: too old, or Odoo forgot it."""

    default_user_message = lazy_gettext("Your login took too long and has expired. Please "
                                        "enter your password again.")


class LoginCooldown(AccessDenied):
    """Odoo refuses every login from our address for a while after repeated failures
    (res.users._assert_can_auth); the password was not even checked."""

    default_user_message = lazy_gettext(
        "Odoo is pausing logins for a minute after too many failed attempts. "
        "Please wait a minute and try again."
    )


class AccessError(OdooError):
    default_user_message = lazy_gettext("You don't have access to this in Odoo.")


class MissingError(OdooError):
    default_user_message = lazy_gettext("This record doesn't exist in Odoo (any more).")


class UserError(OdooError):
    """A business rule refused the request. Odoo writes its message for people: show it."""

    def __init__(self, message="", **kwargs):
        # Runs of spaces come from the source's line continuations (fieldservice_activity's
        # "before<21 spaces>completing this order."): one space for people.
        kwargs.setdefault("user_message", re.sub(r"[ \t]{2,}", " ", message) if message else None)
        super().__init__(message, **kwargs)


class ValidationError(UserError):
    pass


# data.name -> exception class; anything else (builtins.ValueError, werkzeug NotFound...) is a
# programming error on our side and stays a plain OdooError.
ERROR_CLASSES = {
    "odoo.http.SessionExpiredException": SessionExpired,
    "odoo.exceptions.AccessDenied": AccessDenied,
    "odoo.exceptions.AccessError": AccessError,
    "odoo.exceptions.MissingError": MissingError,
    "odoo.exceptions.UserError": UserError,
    "odoo.exceptions.ValidationError": ValidationError,
    "odoo.exceptions.RedirectWarning": UserError,
    "odoo.exceptions.Warning": UserError,
}
SESSION_EXPIRED_CODE = 100


def error_kind(exc):
    """A short, bounded name for what went wrong (metrics and logs): timeout, unavailable,
    session, access, missing, user_error or other."""
    if isinstance(exc, OdooUnavailable):
        return "timeout" if exc.timed_out else "unavailable"
    for cls, kind in ((SessionExpired, "session"), (AccessDenied, "access"),
                      (AccessError, "access"), (MissingError, "missing"),
                      (UserError, "user_error")):
        if isinstance(exc, cls):
            return kind
    return "other"
