"""Live updates: pages that watch the jobs (dispatch, the board, a technician's list) learn of a
change made anywhere (another user, Odoo itself) within a few seconds, without a reload.

How it stays cheap: watchers poll `/api/live` (ETag / If-None-Match, 304 when nothing changed).
The answer is a *change token* (the newest ``write_date`` of ``fsm.order`` and its id) kept in the
shared store (app/platform/store.py), so every worker, process and host reads the same one.
When the token is older than the interval, the first watcher to take the store's lock (a key set
only-if-absent for one interval) asks Odoo once; the others keep answering from the store. So
however many users watch, Odoo is asked at most once per interval per company and scope.

Why polling rather than server-sent events: gunicorn's threaded workers would hold one thread per
open stream (100 watchers = 100 threads), while a poll costs one short request that usually
never leaves the store. A page that cannot poll (offline) simply shows what it has.

Scope: the check runs as the watching user, so its answer is what that user may see. Office and
manager users see every job of their company; so do technicians on OCA 18/19 (only company
rules). On 15-17, OCA shows technicians their own jobs (and unassigned ones), so their check is
shared per technician instead of per company.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

from app.odoo import versions
from app.platform import timezone as tzs
from app.platform.store import StoreError
from app.services.viewer import Viewer

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 3   # seconds between two checks of Odoo for one company and scope
SAME_SECOND_LIMIT = 20
SETTLE_SECONDS = 2


def scope_of(viewer: Viewer) -> str:
    """Who shares a check: the whole company, or one technician where Odoo's rules narrow it."""
    if not viewer.is_technician or not versions.reads_own_technician_orders(viewer.version):
        return "company"
    return f"partner{viewer.partner_id}"


def _key(odoo, viewer: Viewer) -> str:
    server = hashlib.sha1(  # noqa: S324 (a short cache key, not security)
        f"{getattr(odoo, 'base_url', '')}|{getattr(odoo, 'db', '')}".encode()).hexdigest()[:12]
    companies = "-".join(str(c or 0) for c in viewer.companies_key)
    return f"live:{server}:{companies}:{scope_of(viewer)}"


def check_odoo(odoo, now: float | None = None) -> str:
    """One RPC: the newest change to a job this user may see, as a token.

    Odoo's ``write_date`` has whole seconds, so two changes in the same second look alike: the
    token names every job changed in the newest second, and says whether that second is over
    ("settled", with a margin for clock skew). A check made during that second gives an
    "open" token; the next one gives a settled token, so watchers look once more and catch a
    second change to the same job made in the same second.
    """
    rows = odoo.search_read("fsm.order", [], ["write_date"], limit=SAME_SECOND_LIMIT,
                            order="write_date desc, id desc")
    if not rows:
        return "empty"
    top = rows[0].get("write_date") or ""
    ids = ",".join(str(r["id"]) for r in rows if r.get("write_date") == top)
    moment = tzs.parse_odoo_datetime(top) if top else None
    now = time.time() if now is None else now
    settled = moment is None or now - moment.timestamp() > SETTLE_SECONDS
    return f"{top}|{ids}|{'settled' if settled else 'open'}"


def current_token(odoo, viewer: Viewer, store, *, interval=DEFAULT_INTERVAL,
                  now: float | None = None) -> str:
    """The change token for this viewer's company (and scope), asking Odoo at most once per
    interval across every process. When the store cannot be reached, Odoo is asked directly
    (correct, just not shared)."""
    now = time.time() if now is None else now
    key = _key(odoo, viewer)
    try:
        cached = _load(store.get(key))
        if cached and now - cached["checked"] < interval:
            return cached["token"]
        # Another watcher may be asking Odoo right now (or just did): answer what we have.
        if not store.set(f"{key}:lock", "1", max(1, int(interval)), nx=True) and cached:
            return cached["token"]
    except StoreError:
        logger.warning("live updates: store unavailable, asking Odoo directly", exc_info=True)
        return check_odoo(odoo, now)
    token = check_odoo(odoo, now)
    try:
        store.set(key, json.dumps({"token": token, "checked": now}), max(60, int(interval) * 20))
    except StoreError:
        logger.warning("live updates: could not save the token", exc_info=True)
    return token


def _load(raw):
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if isinstance(value, dict) and "token" in value and "checked" in value:
        return value
    return None


def changed_at(token: str) -> str | None:
    """When the newest job change of a token happened (ISO 8601 UTC), or None."""
    moment = tzs.parse_odoo_datetime(token.split("|", 1)[0]) if "|" in token else None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def etag_for(token: str) -> str:
    return hashlib.sha1(token.encode()).hexdigest()[:20]  # noqa: S324 (an ETag, not security)
