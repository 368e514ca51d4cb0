"""A small per-process cache with a lifetime, for Odoo configuration that changes rarely
(stages, tags, lost reasons, working hours, a technician's van): read once every few minutes
per server and key, shared by every request of the process.

A cache made with `shared="<name>"` also keeps its values (JSON) in the shared store
(app/platform/store.py) for the same lifetime, so a new or restarted worker process finds the
configuration another one read instead of asking Odoo again: with gunicorn's several workers
and every restart, "cold" caches otherwise cost each page its configuration reads again.
A value's age travels with it, so it is never kept longer than `seconds` in all."""
import hashlib
import json
import logging
import threading
import time
import weakref

from flask import has_app_context

log = logging.getLogger(__name__)

SHARED_PREFIX = "cfg:"
# has() / peek() remember for this long that the shared store had nothing for a key: a page
# that only asks whether something is known (the job page: the timer's fields) would otherwise
# read Redis for it on every view until someone loads it. A put() forgets the miss at once.
MISS_SECONDS = 30
_instances = weakref.WeakSet()  # every TTLCache of the process, for forget_server


class TTLCache:
    """`get(key, loader)` returns the cached value younger than `seconds`, else calls
    `loader()` and keeps its result. Thread-safe; a loader's error is not cached."""

    def __init__(self, seconds, shared=None, *, encode=None, decode=None):
        """`encode` / `decode`: a value to and from its JSON form in the shared store, for
        values JSON does not keep as they are (a dataclass, a frozenset, int keys)."""
        self.seconds = seconds
        self.shared = shared
        self._encode = encode or (lambda value: value)
        self._decode = decode or (lambda value: value)
        self._items = {}
        self._misses = {}  # key -> when the shared store had nothing for it (has / peek)
        self._lock = threading.Lock()
        _instances.add(self)

    def get(self, key, loader):
        found, value = self._lookup(key)
        if found:
            return value
        value = loader()
        self.put(key, value)
        return value

    def put(self, key, value):
        """Keep `value` (read elsewhere, e.g. in a parallel batch) as fresh."""
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._misses.pop(key, None)
        if self._shared_ok():
            try:
                from app.platform.store import get_store

                get_store().set(self._store_key(key), json.dumps(
                    {"at": time.time(), "value": self._encode(value)}), self.seconds)
            except (RuntimeError, TypeError, ValueError) as exc:  # StoreError is a RuntimeError
                log.warning("shared cache %s not written: %s", self.shared, exc)

    def has(self, key) -> bool:
        """True when `key` holds a value still fresh (no loading)."""
        return self._lookup(key, remember_miss=True)[0]

    def peek(self, key):
        """The fresh value of `key`, or None (no loading)."""
        return self._lookup(key, remember_miss=True)[1]

    def clear(self):
        """Forget this process's values (the shared store's expire on their own)."""
        with self._lock:
            self._items.clear()
            self._misses.clear()

    def forget_server(self, base_url):
        """Forget this process's values read from the server at `base_url` (keys made by
        :func:`server_key`)."""
        with self._lock:
            for known in (self._items, self._misses):
                for key in [k for k in known if isinstance(k, tuple) and k[:1] == (base_url,)]:
                    del known[key]

    def _lookup(self, key, remember_miss=False):
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            missed = self._misses.get(key)
        if hit and now - hit[0] < self.seconds:
            return True, hit[1]
        if not self._shared_ok():
            return False, None
        if remember_miss and missed is not None and now - missed < MISS_SECONDS:
            return False, None
        try:
            from app.platform.store import get_store

            raw = get_store().get(self._store_key(key))
            stored = json.loads(raw) if raw else None
        except (RuntimeError, ValueError) as exc:  # a store down: read Odoo as without it
            log.warning("shared cache %s not read: %s", self.shared, exc)
            return False, None
        if not isinstance(stored, dict) or "value" not in stored:
            if remember_miss:
                with self._lock:
                    self._misses[key] = now
            return False, None
        age = max(0.0, time.time() - float(stored.get("at") or 0))
        if age >= self.seconds:
            return False, None
        try:
            value = self._decode(stored["value"])
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # an older form
            log.warning("shared cache %s: value not understood: %s", self.shared, exc)
            return False, None
        with self._lock:
            self._items[key] = (now - age, value)
        return True, value

    def _shared_ok(self):
        return bool(self.shared) and has_app_context()

    def _store_key(self, key):
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        return f"{SHARED_PREFIX}{self.shared}:{digest}"


def server_key(odoo, *parts) -> tuple:
    """A cache key for this Odoo server and database, then `parts`."""
    return (getattr(odoo, "base_url", None), getattr(odoo, "db", None), *parts)


def translated_key(odoo, *parts) -> tuple:
    """:func:`server_key` for what Odoo answers in the user's language (stage, reason, type and
    tax names, selection labels): also per the client's context ``lang``, so a user reading in
    French never gets the names a user reading in German put in the cache."""
    return server_key(odoo, (getattr(odoo, "context", None) or {}).get("lang"), *parts)


def forget_server(base_url):
    """Every cache of this process forgets what it read from the server at `base_url`: another
    server now answers there (the test suite's shared emulators, reset to their demo data)."""
    for cache in list(_instances):
        cache.forget_server(base_url)
