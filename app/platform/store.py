"""State shared by every process of Fieldkit: throttles, idempotency keys, rate limits.

One small interface, two implementations, like storage's S3/local pair:
- `SQLiteStore`: a file in the instance folder (the default). Every gunicorn worker and thread
  on the host opens the same file; writes are serialised by SQLite's own lock.
- `RedisStore`: when `REDIS_URL` is set, so Fieldkit scales out to several hosts.

Values are strings; every key has a lifetime (nothing is kept forever). Callers namespace their
keys (`throttle:`, `idem:`, `sms:` ...). A store that cannot be reached raises `StoreError`:
the caller decides whether to fail open or closed.
"""
import functools
import json
import logging
import os
import random
import sqlite3
import threading
import time

from flask import current_app, g, has_app_context

from app.platform.metrics import timed_store_operation

log = logging.getLogger(__name__)

_EXTENSION_KEY = "fieldkit_store"


class StoreError(RuntimeError):
    """The shared store cannot be reached or refused an operation."""


class Store:
    """The interface. `ttl_seconds` are whole seconds, at least 1.

    Every implementation's interface methods are timed and their failures counted
    (`fieldkit_store_*` metrics) without a line of their own: `__init_subclass__` wraps them.
    """

    OPERATIONS = ("incr", "ttl", "get", "get_many", "set", "delete")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.OPERATIONS:
            if name in cls.__dict__:
                setattr(cls, name, _timed(name, cls.__dict__[name]))

    def incr(self, key, ttl_seconds):
        """Add one to the counter `key` and return the new value. The counter's lifetime
        (a fixed window) starts at its first increment and is not extended by later ones."""
        raise NotImplementedError

    def ttl(self, key):
        """Seconds until `key` expires, or None when it does not exist."""
        raise NotImplementedError

    def get(self, key):
        """The value of `key`, or None."""
        raise NotImplementedError

    def get_many(self, keys):
        """{key: value} of those `keys` that exist, in one read (a list page asks once, not
        once per card)."""
        found = {}
        for key in keys:
            value = self.get(key)
            if value is not None:
                found[key] = value
        return found

    def set(self, key, value, ttl_seconds, nx=False):
        """Store `value` under `key` for `ttl_seconds`. With `nx`, only when `key` is absent:
        returns False (and changes nothing) when it exists. Returns True when written."""
        raise NotImplementedError

    def delete(self, key):
        """Remove `key` (absent keys are fine)."""
        raise NotImplementedError


def _timed(name, method):
    @functools.wraps(method)
    def timed(self, *args, **kwargs):
        with timed_store_operation(name):
            return method(self, *args, **kwargs)
    return timed


class SQLiteStore(Store):
    """A SQLite file shared by the processes of one host. One connection per thread."""

    # Expired rows are removed now and then by whoever writes, not by a background job.
    PURGE_PROBABILITY = 0.01

    def __init__(self, path, timeout=5.0):
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                       " expires REAL NOT NULL)")

    def _connection(self):
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                     check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db):
            self.db = db

        def __enter__(self):
            # IMMEDIATE takes the write lock at once: read-then-write stays atomic across processes.
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, exc, tb):
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"store operation failed: {exc}") from exc
            return False

    def _transaction(self):
        try:
            return self._Tx(self._connection())
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc

    def _live_row(self, db, key, now):
        row = db.execute("SELECT value, expires FROM kv WHERE key = ?", (key,)).fetchone()
        return row if row and row[1] > now else None

    def _maybe_purge(self, db, now):
        if random.random() < self.PURGE_PROBABILITY:
            db.execute("DELETE FROM kv WHERE expires <= ?", (now,))

    def incr(self, key, ttl_seconds):
        now = time.time()
        try:
            with self._transaction() as db:
                row = self._live_row(db, key, now)
                if row is None:
                    value, expires = 1, now + ttl_seconds
                else:
                    value, expires = int(row[0]) + 1, row[1]
                db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                           (key, str(value), expires))
                self._maybe_purge(db, now)
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc
        return value

    def ttl(self, key):
        now = time.time()
        row = self._read(key, now)
        return None if row is None else max(1, round(row[1] - now))

    def get(self, key):
        row = self._read(key, time.time())
        return None if row is None else row[0]

    def get_many(self, keys):
        try:
            rows = self._connection().execute(
                "SELECT key, value FROM kv WHERE expires > ? AND key IN "
                "(SELECT value FROM json_each(?))", (time.time(), json.dumps(list(keys))))
            return dict(rows.fetchall())
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc

    def _read(self, key, now):
        try:
            return self._live_row(self._connection(), key, now)
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc

    def set(self, key, value, ttl_seconds, nx=False):
        now = time.time()
        try:
            with self._transaction() as db:
                if nx and self._live_row(db, key, now) is not None:
                    return False
                db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                           (key, str(value), now + ttl_seconds))
                self._maybe_purge(db, now)
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc
        return True

    def delete(self, key):
        try:
            with self._transaction() as db:
                db.execute("DELETE FROM kv WHERE key = ?", (key,))
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {exc}") from exc


class MemoryStore(Store):
    """This process's own memory: what a caller falls back to while the shared store is out
    (the login throttle: counts per process rather than none). Thread-safe; nothing shared.
    Not timed: the store metrics are about the shared store."""

    OPERATIONS = ()

    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def _live(self, key, now):
        item = self._data.get(key)
        if item is not None and item[1] <= now:
            del self._data[key]
            return None
        return item

    def incr(self, key, ttl_seconds):
        with self._lock:
            now = time.time()
            item = self._live(key, now)
            value, expires = (1, now + ttl_seconds) if item is None else (int(item[0]) + 1,
                                                                           item[1])
            self._data[key] = (str(value), expires)
            if len(self._data) > 10_000:  # a bound: drop what has expired
                for stale in [k for k, (_, t) in self._data.items() if t <= now]:
                    del self._data[stale]
            return value

    def ttl(self, key):
        with self._lock:
            now = time.time()
            item = self._live(key, now)
            return None if item is None else max(1, round(item[1] - now))

    def get(self, key):
        with self._lock:
            item = self._live(key, time.time())
            return None if item is None else item[0]

    def set(self, key, value, ttl_seconds, nx=False):
        with self._lock:
            now = time.time()
            if nx and self._live(key, now) is not None:
                return False
            self._data[key] = (str(value), now + ttl_seconds)
            return True

    def delete(self, key):
        with self._lock:
            self._data.pop(key, None)


class RedisStore(Store):
    """Redis (REDIS_URL), shared by every host. A slow or dead store must not hold pages: one
    short attempt (`timeout`, STORE_TIMEOUT), and after a failure this process skips Redis,
    raising StoreError at once, so a page reading the store for each of its job cards waits
    one timeout, not one per card. Every `retry_after` seconds (STORE_RETRY_AFTER) one
    operation tries Redis again while the others go on skipping it; the first that succeeds
    ends the skip, so writes are taken again within seconds of Redis coming back (a load run
    with a 30-second skip refused ~300 outbox notes after Redis was back)."""

    # INCR, and start the window's clock only on the first increment (atomic in Redis).
    _INCR = ("local v = redis.call('INCR', KEYS[1]) "
             "if v == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return v")

    def __init__(self, url, timeout=0.5, retry_after=2.0):
        import redis  # imported here: only deployments with REDIS_URL need the package

        self._errors = (redis.RedisError,)
        self.retry_after = retry_after
        self._skip_until = 0.0
        self._failing = False  # since a failure, until an operation succeeds
        self._probe_lock = threading.Lock()
        self.client = redis.Redis.from_url(url, socket_timeout=timeout,
                                           socket_connect_timeout=timeout,
                                           decode_responses=True, health_check_interval=30)
        self._incr = self.client.register_script(self._INCR)

    def _run(self, operation, *args, **kwargs):
        if self._failing:
            with self._probe_lock:  # one operation probes; the others skip until it answers
                now = time.monotonic()
                if now < self._skip_until:
                    raise StoreError("Redis store skipped for a while after a failure")
                self._skip_until = now + self.retry_after
        try:
            result = operation(*args, **kwargs)
        except self._errors as exc:
            self._skip_until = time.monotonic() + self.retry_after
            self._failing = True
            log.warning("Redis store failed, skipped for %ss: %s", self.retry_after, exc)
            raise StoreError(f"Redis store operation failed: {exc}") from exc
        if self._failing:
            self._failing = False
            log.warning("Redis store answers again")
        return result

    def incr(self, key, ttl_seconds):
        return int(self._run(self._incr, keys=[key], args=[int(ttl_seconds)]))

    def ttl(self, key):
        seconds = self._run(self.client.ttl, key)
        return None if seconds is None or seconds < 0 else max(1, int(seconds))

    def get(self, key):
        return self._run(self.client.get, key)

    def get_many(self, keys):
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        values = self._run(self.client.mget, keys)
        return {k: v for k, v in zip(keys, values, strict=True) if v is not None}

    def set(self, key, value, ttl_seconds, nx=False):
        written = self._run(self.client.set, key, str(value), ex=int(ttl_seconds), nx=nx)
        return bool(written)

    def delete(self, key):
        self._run(self.client.delete, key)


def create_store(config, instance_path):
    """The store the configuration asks for: Redis when REDIS_URL is set, else SQLite."""
    if config.get("REDIS_URL"):
        return RedisStore(config["REDIS_URL"], timeout=config.get("STORE_TIMEOUT", 0.5),
                          retry_after=config.get("STORE_RETRY_AFTER", 2.0))
    path = config.get("STORE_PATH") or os.path.join(instance_path, "fieldkit-store.sqlite3")
    return SQLiteStore(path, timeout=config.get("STORE_TIMEOUT", 2.0) + 3)


def get_store() -> Store:
    """The current app's store, made on first use."""
    app = current_app._get_current_object()
    store = app.extensions.get(_EXTENSION_KEY)
    if store is None:
        store = app.extensions[_EXTENSION_KEY] = create_store(app.config, app.instance_path)
    return store


def prefetch(store, keys):
    """Read `keys`, which this request is about to read one by one, in one round trip (Redis
    MGET): a page that reads four keys waits for one answer instead of four (under load each
    answer also waits for the interpreter lock again). `read` then answers each key once from
    what was read. A store that fails is left to the readers (they meet its error)."""
    keys = list(keys)
    try:
        found = store.get_many(keys)
    except StoreError:
        return
    prefetched = g.setdefault("store_prefetched", {})
    prefetched.update({key: found.get(key) for key in keys})


def read(store, key):
    """`store.get(key)`, answered from this request's :func:`prefetch` when it read the key:
    once, as it was then (a second read goes to the store). Prefetch only what the request
    reads before it writes it."""
    prefetched = g.get("store_prefetched") if has_app_context() else None
    if prefetched and key in prefetched:
        return prefetched.pop(key)
    return store.get(key)
