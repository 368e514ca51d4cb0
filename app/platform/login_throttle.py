"""Login throttling, and the guard that keeps Odoo's login cooldown from locking everyone out.

Odoo's cooldown (res.users._assert_can_auth): it counts failed logins per *source address*
since that address's last success; after `base.login_cooldown_after` failures (10 in a new
database) every login from the address is refused for `base.login_cooldown_duration` seconds
(60) after the last failure, right password or not. Every Fieldkit login reaches Odoo from
Fieldkit's address, so without care a handful of wrong passwords from anywhere would lock the
whole company out. Three things prevent that:

1. Each login tells Odoo whose it is (X-Forwarded-For, see OdooAPI.client_address_headers):
   an Odoo started with --proxy-mode then counts per person.
2. The guard: at most LOGIN_ODOO_SLOTS (8, below Odoo's 10) logins are *open* at once, Fieldkit
   wide: sent to Odoo and not answered yet, or failed and not yet followed by a success that
   started after the failure ended (a success resets Odoo's count). Each open login holds one
   slot (a key in the shared store), so Odoo's count stays below LOGIN_ODOO_SLOTS, and a login
   that holds a slot is never refused by the cooldown. With the integration user configured
   (ODOO_INTEGRATION_LOGIN/KEY), a failed login resets Odoo's count at once with that user's
   own login (common.login with its API key: a success from Fieldkit's address), so slots
   free in a moment. Without it a failed slot waits for the next success, for at most
   FAILED_SLOT_SECONDS; logins from an account or address that failed recently
   ("suspects") may use only half the slots and never wait, so people who have not failed
   keep room.
3. Per-account and per-address limits, counted in the shared store, refused here without
   asking Odoo ("try again in N minutes"): LOGIN_MAX_FAILURES (5) per account in
   LOGIN_FAILURE_WINDOW (15 minutes), strict; LOGIN_ADDRESS_MAX_FAILURES (100) per client
   address, generous, because an office's NAT or a carrier's CGNAT puts many people behind
   one address. A success clears the account's count (the person knows the password), not
   the address's (one valid account must not reset a guesser's budget). Only one attempt per
   account runs at a time, so a burst of parallel requests cannot slip past its count.

When the shared store can't be reached, each process counts in its own memory (MemoryStore)
with LOCAL_SLOTS slots: logins that already failed here are refused (closed), the others go on.
Should Odoo's cooldown trip anyway (another client behind Fieldkit's address), the login form
says so (`LoginCooldown`) instead of "wrong password".
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import random
import time

from flask import current_app

from app.odoo.client import (
    AccessDenied,
    LoginCooldown,
    OdooError,
    OdooUnavailable,
    TwoFactorExpired,
)
from app.odoo.integration import integration_client
from app.platform.i18n import _, lazy_gettext, ngettext
from app.platform.store import MemoryStore, StoreError, get_store

log = logging.getLogger(__name__)

PREFIX = "throttle:login:"
SLOT_PREFIX = "throttle:odoo-login:slot:"
LOCK_SECONDS = 30      # a login never takes this long (the read timeout is shorter)
LOCK_WAIT_SECONDS = 10
# A failed login whose count Fieldkit could not reset holds its slot this long at most
# (Odoo's login_cooldown_duration): after that Odoo lets a login through again anyway.
FAILED_SLOT_SECONDS = 60
LOCAL_SLOTS = 2        # per process, while the shared store is out
BUSY_MESSAGE = lazy_gettext("Many logins are failing right now. Please try again in a minute.")

_local_store = MemoryStore()


class TooManyAttempts(Exception):
    """Fieldkit refuses this login attempt before asking Odoo; `user_message` says until when."""

    def __init__(self, user_message, retry_after):
        super().__init__(user_message)
        self.user_message = str(user_message)
        self.retry_after = retry_after


class PasswordAccepted(Exception):  # noqa: N818 (an outcome, raised to leave the login)
    """Raised out of a login attempt whose password Odoo accepted though the login is not done
    (a two-factor code comes next): a success for Odoo's count."""


def _account_key(login):
    # Hashed: logins are user input (any length, any character) and need not sit in the store.
    digest = hashlib.sha256((login or "").strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}account:{digest}"


def _address_key(address):
    return f"{PREFIX}address:{address or 'unknown'}"


def _refusal(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyAttempts(ngettext(
        "Too many failed login attempts. Please try again in %(num)d minute.",
        "Too many failed login attempts. Please try again in %(num)d minutes.", minutes), seconds)


def check(store, address_key, account_key):
    """Whether this client failed recently (a "suspect").

    :raises TooManyAttempts: when the account or the address has used up its failures.
    """
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW"]
    suspect = False
    for key, limit in ((account_key, config["LOGIN_MAX_FAILURES"]),
                       (address_key, config["LOGIN_ADDRESS_MAX_FAILURES"])):
        count = int(store.get(key) or 0)
        if count >= limit:
            raise _refusal(store.ttl(key) or window)
        suspect = suspect or count > 0
    return suspect


@contextlib.contextmanager
def _one_at_a_time(store, key):
    """Hold a short lock on `key`; wait a little for a concurrent attempt to finish."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not store.set(f"{key}:busy", "1", LOCK_SECONDS, nx=True):
        if time.monotonic() > deadline:
            raise TooManyAttempts(_("Another login attempt is still running. Please try again."), 5)
        time.sleep(0.05)
    try:
        yield
    finally:
        _quietly(store.delete, f"{key}:busy")


# --- the guard of Odoo's cooldown -----------------------------------------------------------

def _slot_key(index):
    return f"{SLOT_PREFIX}{index}"


class _Slot:
    """One open login at Odoo (see the module's docstring, point 2)."""

    def __init__(self, store, total, index):
        self.store, self.total, self.key = store, total, _slot_key(index)
        self.started = time.time()

    def released(self):
        """Odoo did not check the password (its cooldown, a refused database, no answer)."""
        _quietly(self.store.delete, self.key)

    def succeeded(self):
        """Odoo's count is 0 now: free this slot and every failure that ended before."""
        _quietly(self.store.delete, self.key)
        self._free_failures_before(self.started)

    def failed(self):
        _quietly(self.store.set, self.key, f"failed:{time.time()!r}", FAILED_SLOT_SECONDS)
        reset_at = _reset_odoo_count()
        if reset_at is not None:
            self._free_failures_before(reset_at)

    def _free_failures_before(self, moment):
        for index in range(self.total):
            value = _quietly(self.store.get, _slot_key(index)) or ""
            if value.startswith("failed:") and float(value.split(":", 1)[1]) < moment:
                _quietly(self.store.delete, _slot_key(index))


def _take_slot(store, total, suspect):
    """A free slot; suspects get half of them and do not wait.

    :raises TooManyAttempts: none came free in time.
    """
    capacity = max(1, total // 2) if suspect else total
    deadline = time.monotonic() + (0 if suspect else LOCK_WAIT_SECONDS)
    while True:
        for index in range(capacity):
            if store.set(_slot_key(index), f"busy:{time.time()!r}", LOCK_SECONDS, nx=True):
                return _Slot(store, total, index)
        if time.monotonic() >= deadline:
            log.warning("login guard: all %d slots open, login refused", capacity)
            raise TooManyAttempts(BUSY_MESSAGE, FAILED_SLOT_SECONDS)
        time.sleep(random.uniform(0.02, 0.08))


def _reset_odoo_count():
    """Log the integration user in (a success from Fieldkit's address clears Odoo's count of
    its failures); when it started, or None without an integration user or when refused."""
    config = current_app.config
    if not (config.get("ODOO_INTEGRATION_LOGIN") and config.get("ODOO_INTEGRATION_KEY")):
        return None
    started = time.time()
    try:
        integration_client().check_login()
    except OdooError as exc:
        log.warning("login guard: the integration user's login failed, no reset: %s", exc)
        return None
    return started


def guard_state(store):
    """The open slots, for tests and diagnostics: ["busy:...", "failed:..."]."""
    total = current_app.config["LOGIN_ODOO_SLOTS"]
    return [value for value in (store.get(_slot_key(i)) for i in range(total)) if value]


def _outcome(exc):
    """What Odoo made of the password: "ok", "failed" or "unchecked"."""
    if exc is None or isinstance(exc, PasswordAccepted):
        return "ok"
    if isinstance(exc, (LoginCooldown, TwoFactorExpired, TooManyAttempts)):
        return "unchecked"
    if isinstance(exc, OdooUnavailable):  # an answer lost on the way may hide a failure
        return "failed" if exc.reached else "unchecked"
    if isinstance(exc, AccessDenied):  # wrong password, wrong 6-digit code
        return "failed"
    return "unchecked" if isinstance(exc, OdooError) else "failed"


# --- one login --------------------------------------------------------------------------------

def _enter(stack, store, keys, total):
    stack.enter_context(_one_at_a_time(store, keys[1]))
    suspect = check(store, *keys)
    return _take_slot(store, total, suspect)


@contextlib.contextmanager
def login_attempt(login, address):
    """Wrap one login: refuse it when over a limit or when Odoo's cooldown is near, count it
    when Odoo says wrong password.

    :raises TooManyAttempts: without asking Odoo.
    """
    keys = (_address_key(address), _account_key(login))
    with contextlib.ExitStack() as stack:
        try:
            store = get_store()
            slot = _enter(stack, store, keys, current_app.config["LOGIN_ODOO_SLOTS"])
        except StoreError as exc:
            log.error("login throttle store unavailable, counting in this process: %s", exc)
            stack.close()
            store = _local_store
            slot = _enter(stack, store, keys, LOCAL_SLOTS)
        def record(_type, exc, _traceback):
            """Called on the way out with what the login raised (None: it went through),
            before the account's one-at-a-time lock is let go; never swallows it."""
            outcome = _outcome(exc)
            if outcome == "failed":
                slot.failed()
                if isinstance(exc, AccessDenied):
                    _count_failure(store, keys, login, address)
            elif outcome == "ok":
                slot.succeeded()
                if exc is None:
                    _quietly(store.delete, keys[1])
            else:
                slot.released()
            return False

        stack.push(record)
        yield


def _count_failure(store, keys, login, address):
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    counts = [_quietly(store.incr, key, window) or 0 for key in keys]
    if counts[1] >= current_app.config["LOGIN_MAX_FAILURES"]:
        log.warning("login throttled after %s failures: login %r (address %s)", counts[1],
                    login, address)


def _quietly(operation, *args):
    try:
        return operation(*args)
    except StoreError as exc:
        log.error("login throttle store failed: %s", exc)
        return None
