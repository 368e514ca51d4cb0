"""A small per-process cache with a lifetime, for Odoo configuration that changes rarely
(stages, tags, lost reasons, working hours, a technician's van): read once every few minutes
per server and key, shared by every request of the process."""
import threading
import time


class TTLCache:
    """`get(key, loader)` returns the cached value younger than `seconds`, else calls
    `loader()` and keeps its result. Thread-safe; a loader's error is not cached."""

    def __init__(self, seconds):
        self.seconds = seconds
        self._items = {}
        self._lock = threading.Lock()

    def get(self, key, loader):
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        value = loader()
        with self._lock:
            self._items[key] = (now, value)
        return value

    def put(self, key, value):
        """Keep `value` for `key` from now (what a caller learned without asking for it)."""
        with self._lock:
            self._items[key] = (time.monotonic(), value)

    def has(self, key) -> bool:
        """True when `key` holds a value still fresh (no loading)."""
        with self._lock:
            hit = self._items.get(key)
        return bool(hit) and time.monotonic() - hit[0] < self.seconds

    def clear(self):
        with self._lock:
            self._items.clear()


def server_key(odoo, *parts) -> tuple:
    """A cache key for this Odoo server and database, then `parts`."""
    return (getattr(odoo, "base_url", None), getattr(odoo, "db", None), *parts)
