"""Signed links for people without an Odoo account: one piece for every kind of link (the
subcontractor's job link `/t/<token>`, app/services/job_links.py; the customer's link).

A link is a signed token (itsdangerous, the app's secret, one salt per kind) naming a record
kept in the shared store (`<kind>:<link id>`), so a link can be
- checked: a forged or altered token, or one naming another target, is refused;
- bound: `bound` holds what the target had when the link was made (the job's person, the
  customer); the kind's own rule compares it with the target now and calls `end()` when the
  target left it: the link is over for good ("ended", with the kind's reason);
- expiring: `expires_at` (1 to MAX_DAYS days); the record outlives it by a week, so an
  expired link says "expired", not "unknown";
- revocable: the office withdraws it (`revoke`);
- read-only: the kind's rule may say the target is done; the caller then shows it and
  refuses writes with `LinkReadOnly`;
- logged: every use (`log_use`: the app log and the record's last USES_KEPT uses).

`LinkKind(name, salt)` has the operations; errors are HTTP exceptions with pages for people
(404 invalid, 410 expired / withdrawn / ended / read-only, 403 another target).
"""
from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import Forbidden, Gone, NotFound

from app.platform import formatting as fmt
from app.platform.i18n import lazy_gettext
from app.platform.store import read

log = logging.getLogger(__name__)

MAX_DAYS = 30
DEFAULT_DAYS = 3
KEEP_AFTER_EXPIRY = 7 * 24 * 3600
USES_KEPT = 20


class LinkInvalid(NotFound):
    description = lazy_gettext("This link is not valid. Ask the office for a new one.")


class LinkExpired(Gone):
    description = lazy_gettext("This link has expired. Ask the office for a new one.")


class LinkRevoked(Gone):
    description = lazy_gettext(
        "This link was withdrawn by the office. Ask them if you still need it.")


class LinkEnded(Gone):
    """The target left what the link was bound to; `description` is the kind's reason."""

    description = lazy_gettext("This link ended. Ask the office for a new one.")

    def __init__(self, reason=None):
        super().__init__(reason)


class LinkReadOnly(Gone):
    description = lazy_gettext("This job is done: the link only shows it now. Ask the office if "
                               "something is missing.")


class LinkWrongTarget(Forbidden):
    description = lazy_gettext(
        "This link is for another job: it only opens the job it was made for.")


def _load(raw):
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _utc(timestamp):
    return datetime.fromtimestamp(timestamp, UTC)


def _target(record):
    # Job links made before this module named their target "job_id" (claim "j").
    return record.get("target_id", record.get("job_id"))


class LinkKind:
    """The links of one kind (`name`: "joblink", ...), signed with their own `salt`."""

    def __init__(self, name, salt):
        self.name, self.salt = name, salt

    def _serializer(self, secret_key):
        return URLSafeSerializer(secret_key, salt=self.salt)

    def _record_key(self, link_id):
        return f"{self.name}:{link_id}"

    def _index_key(self, server, target_id):
        return f"{self.name}s:{server}:{target_id}"

    def index_key(self, server, target_id) -> str:
        """The store key listing the target's links (for :func:`store.prefetch`)."""
        return self._index_key(server, target_id)

    def _save(self, store, record):
        ttl = max(1, int(record["expires_at"] - time.time()) + KEEP_AFTER_EXPIRY)
        store.set(self._record_key(record["id"]), json.dumps(record), ttl)

    def create(self, store, secret_key, server, target_id, *, name, days, bound, created_by,
               created_uid, extra=None, now=None) -> dict:
        """A new link to `target_id`, valid `days` days; returns its record with `token`."""
        now = time.time() if now is None else now
        link_id = secrets.token_urlsafe(12)
        record = {"id": link_id, "target_id": target_id, "name": name, "server": server,
                  "bound": bound, "created_by": created_by, "created_uid": created_uid,
                  "created_at": now, "expires_at": now + days * 86400, "revoked": False,
                  "ended": None, "uses": [], **(extra or {})}
        self._save(store, record)
        index = _load(store.get(self._index_key(server, target_id))) or {"ids": []}
        index["ids"] = [i for i in index["ids"] if store.get(self._record_key(i))] + [link_id]
        store.set(self._index_key(server, target_id), json.dumps(index),
                  MAX_DAYS * 86400 + KEEP_AFTER_EXPIRY)
        token = self.token(secret_key, record)
        log.info("%s %s for %s on %s created by %s, %s days", self.name, link_id, name,
                 target_id, created_by, days)
        return {**record, "token": token}

    def token(self, secret_key, record) -> str:
        """The link's token (signing is deterministic: the same record, the same token)."""
        return self._serializer(secret_key).dumps({"l": record["id"], "t": _target(record)})

    def active(self, store, server, target_id, *, now=None) -> dict | None:
        """The target's newest link that still works (not revoked, ended or expired)."""
        now = time.time() if now is None else now
        index = _load(read(store, self._index_key(server, target_id))) or {"ids": []}
        for link_id in reversed(index["ids"]):
            record = _load(store.get(self._record_key(link_id)))
            if record and not record.get("revoked") and not record.get("ended") \
                    and now < record["expires_at"]:
                return record
        return None

    def update(self, store, record):
        """Keep a change to the record's own fields (what the kind notes on it)."""
        self._save(store, record)

    def resolve(self, store, secret_key, token, target_id=None, *, now=None) -> dict:
        """The record a token stands for, checked: signature, revocation, end, expiry, target.

        :raises LinkInvalid, LinkRevoked, LinkEnded, LinkExpired, LinkWrongTarget:
        """
        try:
            claims = self._serializer(secret_key).loads(token)
        except BadSignature:
            raise LinkInvalid() from None
        if not isinstance(claims, dict) or not isinstance(claims.get("l"), str):
            raise LinkInvalid()
        record = _load(store.get(self._record_key(claims["l"])))
        if record is None or _target(record) != claims.get("t", claims.get("j")):
            raise LinkInvalid()
        record["target_id"] = _target(record)
        if record.get("revoked"):
            raise LinkRevoked()
        if record.get("ended"):
            raise LinkEnded(record["ended"])
        if (time.time() if now is None else now) >= record["expires_at"]:
            raise LinkExpired()
        if target_id is not None and target_id != record["target_id"]:
            raise LinkWrongTarget()
        return record

    def end(self, store, record, reason):
        """The target left what the link was bound to: the link is over (raises LinkEnded)."""
        record["ended"] = reason
        self._save(store, record)
        log.info("%s %s on %s ended: %s", self.name, record["id"], record["target_id"], reason)
        raise LinkEnded(reason)

    def log_use(self, store, record, action, address, *, now=None):
        now = time.time() if now is None else now
        log.info("%s %s (%s) on %s: %s from %s", self.name, record["id"], record["name"],
                 record["target_id"], action, address)
        record["uses"] = (record.get("uses") or [])[-(USES_KEPT - 1):] + [
            {"at": now, "action": action, "address": address}]
        self._save(store, record)

    def revoke(self, store, server, target_id, link_id) -> dict | None:
        """Withdraw a link; its record, or None when there is no such link of this target."""
        record = _load(store.get(self._record_key(link_id)))
        if record is None or _target(record) != target_id or record.get("server") != server:
            return None
        record["revoked"] = True
        self._save(store, record)
        log.info("%s %s on %s revoked", self.name, link_id, target_id)
        return record

    def list_for(self, store, server, target_id, tz_name, *, now=None) -> list[dict]:
        """The target's links, newest first: state (active | expired | revoked | ended), uses."""
        now_ts = time.time() if now is None else now
        index = _load(read(store, self._index_key(server, target_id))) or {"ids": []}
        out = []
        for link_id in reversed(index["ids"]):
            record = _load(store.get(self._record_key(link_id)))
            if not record:
                continue
            state = "revoked" if record.get("revoked") else "ended" if record.get("ended") \
                else "expired" if now_ts >= record["expires_at"] else "active"
            uses = record.get("uses") or []
            out.append({"id": link_id, "name": record["name"], "state": state,
                        "ended": record.get("ended") or "",
                        "expires": fmt.format_datetime(_utc(record["expires_at"]), tz_name),
                        "created_by": record.get("created_by") or "",
                        "uses": len(uses),
                        "last_use": fmt.format_datetime(_utc(uses[-1]["at"]), tz_name)
                        if uses else ""})
        return out
