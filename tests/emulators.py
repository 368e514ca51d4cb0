"""The emulators a test worker shares between its tests (issue 26): one pool per worker process
(the `emulator_pool` fixture), keyed by the options an emulator starts with (version, add-ons,
"today", latency...).

A test or a module takes an emulator of its options and gives it back when done; the next one
to take it gets it reset (`handle.reset()`: the demo data restored from its snapshot, no
sessions, every knob as started) and the app's process caches forget what they read from it:
as good as a new emulator, without the start and the stop. While one holds an emulator,
nobody else gets it: a test taking two of the same options gets two.

Tests that need an emulator of their own (they stop it, restart it on its data file, or start
one that must fail) call `odoo_emulator.start_in_thread` and say why.
"""
import contextlib
import datetime as dt
import sqlite3

from app.platform.ttl_cache import SHARED_PREFIX, forget_server

OPTIONS = ("version", "today", "latency_ms", "addons", "fieldservice_project")
DEFAULTS = {"version": 17, "today": None, "latency_ms": 0, "addons": (),
            "fieldservice_project": False}


def start(**options):
    # The emulator is part of the repository: a failing import is an error, never a skip.
    from odoo_emulator import start_in_thread

    return start_in_thread(port=0, quiet=True, **options)


def pool_key(options):
    """The options as one hashable key: defaults filled in, "today" as text, add-ons sorted."""
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise TypeError(f"a shared emulator takes {', '.join(OPTIONS)}; not "
                        f"{', '.join(sorted(unknown))} (start your own with start_in_thread)")
    values = {**DEFAULTS, **options}
    today = values["today"]
    return (int(values["version"]),
            today.isoformat() if isinstance(today, dt.date) else today,
            values["latency_ms"],
            tuple(sorted(values["addons"] or ())),
            bool(values["fieldservice_project"]))


def forget_shared_config(store_path):
    """Drop the configuration apps keep in the SQLite store at `store_path` (ttl_cache's
    shared values: their keys are hashed, so all of them, not only one server's)."""
    if not store_path:
        return
    with contextlib.closing(sqlite3.connect(store_path, timeout=10)) as db, db:
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'kv'").fetchone()
        if exists:
            db.execute("DELETE FROM kv WHERE key LIKE ?", (SHARED_PREFIX + "%",))


class EmulatorPool:
    def __init__(self, store_path=None):
        """`store_path`: the SQLite store whose cached configuration a reused emulator
        makes stale (the worker's, see tests/conftest.py `worker_store`)."""
        self.store_path = store_path
        self._free = {}      # key -> [handles nobody holds]
        self._keys = {}      # id(handle) -> key, for every handle the pool started
        self._handles = []
        self.started = 0     # how many emulators the pool started (the rest were reused)
        self.reused = 0

    def take(self, **options):
        """An emulator of these options with fresh demo data, held until `give_back`."""
        key = pool_key(options)
        free = self._free.get(key)
        handle = None
        while free and handle is None:
            handle = free.pop()
            if handle.stopped:  # a test stopped it after all
                handle = None
        if handle is not None:
            handle.reset()
            forget_shared_config(self.store_path)
            self.reused += 1
        else:
            handle = start(**options)
            self._keys[id(handle)] = key
            self._handles.append(handle)
            self.started += 1
        forget_server(handle.url)  # a new one may answer where a stopped one did
        return handle

    def give_back(self, handle):
        if not handle.stopped:
            self._free.setdefault(self._keys[id(handle)], []).append(handle)

    @contextlib.contextmanager
    def lease(self, **options):
        """`with pool.lease(version=16) as handle:` take, then give back."""
        handle = self.take(**options)
        try:
            yield handle
        finally:
            self.give_back(handle)

    def close(self):
        for handle in self._handles:
            handle.stop()
        self._handles.clear()
        self._free.clear()
