"""Login throttling: failed logins counted per account and per client address in the shared
store (so every gunicorn worker, process and host sees the same counts).

Why these numbers. Odoo has its own cooldown (res.users._assert_can_auth): after
`base.login_cooldown_after` failures from one address since that address's last success (10
in a new database; 5 when the parameter is missing), every login from that address within
`base.login_cooldown_duration` seconds (60) of the last failure is refused, right password or
not. Odoo sees every Fieldkit login coming from Fieldkit's own address, so one person guessing
passwords would lock every technician out. Fieldkit's limit therefore trips first: at most
LOGIN_MAX_FAILURES (default 5: half of Odoo's 10, so one client alone never comes near it,
and no more than Odoo's fallback of 5) failures per client address and per account in
LOGIN_FAILURE_WINDOW seconds (15 minutes); the next attempt is refused here, without asking
Odoo, with "try again in N minutes". Should Odoo's cooldown trip anyway (several addresses
failing together), the login form says so (`LoginCooldown`) instead of "wrong password".
A success clears the account's count (the person knows the password), not the address's (one
valid account must not reset a guesser's budget).
Only one attempt per address and per account runs at a time, so a burst of parallel requests
cannot slip past the count. When the store can't be reached, logins go on (logged): Odoo's own
cooldown remains behind it.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time

from flask import current_app

from app.odoo.client import (
    AccessDenied,
    LoginCooldown,
    TwoFactorExpired,
    TwoFactorRequired,
)
from app.platform.store import StoreError, get_store

log = logging.getLogger(__name__)

PREFIX = "throttle:login:"
LOCK_SECONDS = 30      # a login never takes this long (the read timeout is shorter)
LOCK_WAIT_SECONDS = 10


class TooManyAttempts(Exception):
    """Fieldkit refuses this login attempt before asking Odoo; `user_message` says until when."""

    def __init__(self, user_message, retry_after):
        super().__init__(user_message)
        self.user_message = user_message
        self.retry_after = retry_after


def _account_key(login):
    # Hashed: logins are user input (any length, any character) and need not sit in the store.
    digest = hashlib.sha256((login or "").strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}account:{digest}"


def _address_key(address):
    return f"{PREFIX}address:{address or 'unknown'}"


def _limits():
    config = current_app.config
    return config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW"]


def _refusal(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return TooManyAttempts(
        f"Too many failed login attempts. Please try again in {minutes} {unit}.", seconds)


def check(store, keys):
    """:raises TooManyAttempts: when any of `keys` has used up its failures."""
    max_failures, window = _limits()
    for key in keys:
        count = int(store.get(key) or 0)
        if count >= max_failures:
            raise _refusal(store.ttl(key) or window)


@contextlib.contextmanager
def _one_at_a_time(store, keys):
    """Hold a short lock on every key; wait a little for a concurrent attempt to finish."""
    held = []
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        for key in keys:
            while not store.set(f"{key}:busy", "1", LOCK_SECONDS, nx=True):
                if time.monotonic() > deadline:
                    raise TooManyAttempts(
                        "Another login attempt is still running. Please try again.", 5)
                time.sleep(0.05)
            held.append(key)
        yield
    finally:
        for key in held:
            store.delete(f"{key}:busy")


@contextlib.contextmanager
def login_attempt(login, address):
    """Wrap one login: refuse it when over the limit, count it when Odoo says wrong password.

    :raises TooManyAttempts: without asking Odoo.
    """
    keys = [_address_key(address), _account_key(login)]
    with contextlib.ExitStack() as stack:
        try:
            store = get_store()
            stack.enter_context(_one_at_a_time(store, keys))
            check(store, keys)
        except StoreError as exc:
            log.error("login throttle unavailable, not counting: %s", exc)
            store = None
        try:
            yield
        except AccessDenied as exc:
            # A 2FA account gave the right password; during Odoo's cooldown Odoo checked none;
            # an expired half-done login checked no code. A wrong 6-digit code counts.
            if store is not None and not isinstance(
                    exc, (TwoFactorRequired, LoginCooldown, TwoFactorExpired)):
                _count_failure(store, keys, login, address)
            raise
        else:
            if store is not None:
                _quietly(store.delete, keys[1])


def _count_failure(store, keys, login, address):
    max_failures, window = _limits()
    counts = [_quietly(store.incr, key, window) or 0 for key in keys]
    if max(counts) >= max_failures:
        log.warning("login throttled after %s failures: address %s, login %r", max(counts),
                    address, login)


def _quietly(operation, *args):
    try:
        return operation(*args)
    except StoreError as exc:
        log.error("login throttle store failed: %s", exc)
        return None
