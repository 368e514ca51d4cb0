"""Readiness: can this process serve pages? Odoo, the shared store and (when files go to S3)
the bucket, each asked once with its own short deadline (`HEALTH_TIMEOUT` seconds).

The checks run at the same time, each in a thread of a small pool, so `/readyz` answers in
about the slowest deadline even when everything hangs. A check that misses its deadline is
reported as `timeout` and left to finish on its own (its client has timeouts of its own).

The answer names each part, its state and its time, and nothing else: no URL, host, bucket
or exception text (a load balancer's probe is not a place to learn the configuration).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import current_app

from app.odoo.client import OdooAPI, OdooError
from app.platform.s3_service import S3Storage, StorageError, get_storage
from app.platform.store import StoreError, get_store

log = logging.getLogger(__name__)

PROBE_KEY = "health:probe"
# Odoo, store, S3: one thread each, plus room for a check still running from an earlier probe.
_pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


def _odoo_check(config, timeout):
    # Anonymous and cheap: no session, no database, no retry (a probe must not linger).
    client = OdooAPI(config["ODOO_URL"], config["ODOO_DB"], timeout=(timeout, timeout),
                     max_retries=0)
    return lambda: client.version_info()


def _store_check(store):
    return lambda: store.get(PROBE_KEY)


def _s3_check(storage):
    return storage.ping


def checks():
    """name -> a callable that raises when the part is not answering (built in the request's
    app context, run outside it)."""
    config = current_app.config
    timeout = config.get("HEALTH_TIMEOUT", 2.0)
    found = {"odoo": _odoo_check(config, timeout), "store": _store_check(get_store())}
    storage = get_storage()
    if isinstance(storage, S3Storage):
        found["s3"] = _s3_check(storage)
    return found


def _timed(check):
    started = time.perf_counter()
    try:
        check()
        state = "ok"
    except (OdooError, StoreError, StorageError, OSError):
        state = "unavailable"
    return state, time.perf_counter() - started


def readiness(found=None, timeout=None):
    """(ready, {name: {"state": "ok"|"unavailable"|"timeout", "ms": float}})."""
    found = checks() if found is None else found
    timeout = current_app.config.get("HEALTH_TIMEOUT", 2.0) if timeout is None else timeout
    started = time.perf_counter()
    futures = {name: _pool.submit(_timed, check) for name, check in found.items()}
    parts = {}
    for name, future in futures.items():
        # One deadline for all: they run together, so the probe costs the slowest one.
        remaining = max(0.0, timeout - (time.perf_counter() - started))
        try:
            state, seconds = future.result(timeout=remaining + 0.25)
        except FutureTimeout:
            state, seconds = "timeout", time.perf_counter() - started
        parts[name] = {"state": state, "ms": round(seconds * 1000, 1)}
    ready = all(part["state"] == "ok" for part in parts.values())
    if not ready:
        log.warning("not ready: %s", ", ".join(
            f"{name} {part['state']}" for name, part in parts.items() if part["state"] != "ok"))
    return ready, parts
