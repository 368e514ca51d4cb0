"""Job links for subcontractors: a signed, expiring, revocable link to one job, for people
without an Odoo account. The office creates it on the job page; whoever holds it may open that
job and start it, add notes and photos, take the customer's signature and finish it.

* The token is signed (itsdangerous, the app's secret) and names a link record kept in the
  shared store: the signature stops forged or altered tokens, the record makes the link
  revocable and expiring (``expires_at``, also the record's lifetime plus a week so an expired
  link says "expired", not "unknown").
* Actions go to Odoo as the configured integration user (API key; JSON-2 on 19, ``/jsonrpc``
  before: :mod:`app.odoo.integration`) with the job rules of :mod:`app.services.jobs`,
  and every history entry Fieldkit writes names the subcontractor. Odoo's own tracking lines
  (a stage changed) are authored by the integration user, so each action also leaves a note.
* Every use is logged (the app log, and the last uses on the link record for the office).
"""

from __future__ import annotations

import json
import logging
import secrets
import time

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import Forbidden, Gone, NotFound

from app.platform import formatting as fmt
from app.services import jobs, report
from app.services.jobs import JobActionError
from app.services.viewer import Viewer
from app.validation import check_text

logger = logging.getLogger(__name__)

MAX_DAYS = 30
DEFAULT_DAYS = 3
KEEP_AFTER_EXPIRY = 7 * 24 * 3600
USES_KEPT = 20
SALT = "fieldkit-job-link"


class LinkInvalid(NotFound):
    description = "This link is not valid. Ask the office for a new one."


class LinkExpired(Gone):
    description = "This link has expired. Ask the office for a new one."


class LinkRevoked(Gone):
    description = "This link was withdrawn by the office. Ask them if you still need it."


class LinkWrongJob(Forbidden):
    description = "This link is for another job: it only opens the job it was made for."


def _serializer(secret_key):
    return URLSafeSerializer(secret_key, salt=SALT)


def _record_key(link_id):
    return f"joblink:{link_id}"


def _index_key(server, job_id):
    return f"joblinks:{server}:{job_id}"


def _load(raw):
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def create_link(store, secret_key, server, odoo, viewer: Viewer, job_id: int, name, days,
                *, now: float | None = None) -> dict:
    """Make a link to `job_id` for the subcontractor `name`, valid `days` days (1 to 30).

    :raises InvalidInput: / JobActionError for a bad name or number of days.
    :raises JobNotFound: when the job does not exist; JobActionError when it is closed.
    """
    name = check_text(name, "The subcontractor's name", max_chars=80, required=True)
    try:
        days = int(days or DEFAULT_DAYS)
    except (TypeError, ValueError):
        raise JobActionError("The number of days must be a whole number from 1 to 30.") from None
    if not 1 <= days <= MAX_DAYS:
        raise JobActionError("The number of days must be a whole number from 1 to 30.")
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", "is_closed"])
    if order.get("is_closed"):
        raise JobActionError("This job is closed: a link to it would be of no use.")
    now = time.time() if now is None else now
    link_id = secrets.token_urlsafe(12)
    record = {"id": link_id, "job_id": job_id, "job_name": order.get("name") or f"#{job_id}",
              "name": name, "server": server, "created_by": viewer.name,
              "created_uid": viewer.user_id, "created_at": now,
              "expires_at": now + days * 86400, "revoked": False, "uses": []}
    _save(store, record)
    index = _load(store.get(_index_key(server, job_id))) or {"ids": []}
    index["ids"] = [i for i in index["ids"] if store.get(_record_key(i))] + [link_id]
    store.set(_index_key(server, job_id), json.dumps(index), MAX_DAYS * 86400 + KEEP_AFTER_EXPIRY)
    token = _serializer(secret_key).dumps({"l": link_id, "j": job_id})
    logger.info("job link %s for %s on job %s created by %s, %s days", link_id, name, job_id,
                viewer.name, days)
    return {**record, "token": token}


def _save(store, record):
    ttl = max(1, int(record["expires_at"] - time.time()) + KEEP_AFTER_EXPIRY)
    store.set(_record_key(record["id"]), json.dumps(record), ttl)


def resolve(store, secret_key, token, job_id=None, *, now: float | None = None) -> dict:
    """The link record a token stands for, checked: signature, revocation, expiry, job.

    :raises LinkInvalid: / LinkRevoked / LinkExpired / LinkWrongJob (clear pages for people).
    """
    try:
        claims = _serializer(secret_key).loads(token)
    except BadSignature:
        raise LinkInvalid() from None
    if not isinstance(claims, dict) or not isinstance(claims.get("l"), str):
        raise LinkInvalid()
    record = _load(store.get(_record_key(claims["l"])))
    if record is None or record.get("job_id") != claims.get("j"):
        raise LinkInvalid()
    if record.get("revoked"):
        raise LinkRevoked()
    if (time.time() if now is None else now) >= record["expires_at"]:
        raise LinkExpired()
    if job_id is not None and job_id != record["job_id"]:
        raise LinkWrongJob()
    return record


def log_use(store, record, action, address, *, now: float | None = None):
    """Log a use of the link (app log + the record's last uses, for the office)."""
    now = time.time() if now is None else now
    logger.info("job link %s (%s) on job %s: %s from %s", record["id"], record["name"],
                record["job_id"], action, address)
    record["uses"] = (record.get("uses") or [])[-(USES_KEPT - 1):] + [
        {"at": now, "action": action, "address": address}]
    _save(store, record)


def revoke(store, server, job_id: int, link_id: str) -> str:
    record = _load(store.get(_record_key(link_id)))
    if record is None or record.get("job_id") != job_id or record.get("server") != server:
        raise JobActionError("That link does not exist any more.")
    record["revoked"] = True
    _save(store, record)
    logger.info("job link %s on job %s revoked", link_id, job_id)
    return f"The link for {record['name']} no longer works."


def links_for_job(store, server, job_id: int, tz_name: str, now=None) -> list[dict]:
    """The job's links, newest first, with their state and last use, for the office."""
    now_ts = time.time() if now is None else now
    index = _load(store.get(_index_key(server, job_id))) or {"ids": []}
    out = []
    for link_id in reversed(index["ids"]):
        record = _load(store.get(_record_key(link_id)))
        if not record:
            continue
        state = "revoked" if record.get("revoked") else \
            "expired" if now_ts >= record["expires_at"] else "active"
        uses = record.get("uses") or []
        out.append({"id": link_id, "name": record["name"], "state": state,
                    "expires": fmt.format_datetime(_utc(record["expires_at"]), tz_name),
                    "created_by": record.get("created_by") or "",
                    "uses": len(uses),
                    "last_use": fmt.format_datetime(_utc(uses[-1]["at"]), tz_name) if uses
                    else ""})
    return out


def _utc(timestamp):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, UTC)


# --------------------------------------------------------------------------- acting on the job


def subcontractor_viewer(odoo, record, tz_name) -> Viewer:
    """Who acts: the integration user, on this one job only (the link checked that), named as
    the subcontractor."""
    if odoo.version is None:
        odoo.version_info()
    return Viewer(user_id=None, partner_id=None, role="office", tz=tz_name,
                  version=int(odoo.version), name=record["name"])


def _by(record) -> str:
    return f"{record['name']} (subcontractor, through a Fieldkit job link)"


def start(odoo, viewer, record) -> str:
    message = jobs.start_job(odoo, viewer, record["job_id"])
    jobs.post_text_note(odoo, viewer, record["job_id"], f"Job started by {_by(record)}.")
    return message


def add_note(odoo, viewer, record, text) -> str:
    text = check_text(text, "The note")
    if not text:
        raise JobActionError("The note is empty.")
    return jobs.add_note(odoo, viewer, record["job_id"], f"{_by(record)}: {text}")


def add_photos(odoo, viewer, record, files, storage) -> str:
    return jobs.add_photos(odoo, viewer, record["job_id"], files, storage, by=_by(record))


def save_signature(odoo, viewer, record, png, signer_name, storage) -> dict:
    result = jobs.save_signature(odoo, viewer, record["job_id"], png, signer_name, storage)
    jobs.post_text_note(odoo, viewer, record["job_id"],
                        f"Customer signature collected by {_by(record)}.")
    return result


def finish(odoo, viewer, record, resolution) -> str:
    message = report.finish_job(odoo, viewer, record["job_id"], resolution)
    jobs.post_text_note(odoo, viewer, record["job_id"], f"Job finished by {_by(record)}.")
    return message
