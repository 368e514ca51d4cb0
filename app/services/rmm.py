"""RMM webhook events, acted on in Odoo as the integration user.

An event is a JSON object `{"id": "<unique>", "type": "<type>", "data": {...}}`:

- `SystemRegistered` `{"system_id", "name", "group", "serial_number"?, "os"?, "last_seen"?}`:
  updates the asset with that RMM id, or creates it for the company partner named `group`. An
  unknown group is logged and reported in the answer; no asset is created.
- `Notification` `{"system_id", "header", "message"?, "priority"?}` (priority: Low, Normal,
  Elevated, Critical): opens a ticket "Alert: <header>" on the asset and its customer (priority
  high when Critical), or adds the message to the open ticket of the same alert. Where tickets
  are not linked to assets (the mapping has no `ticket_link`: fsm.equipment by default) the
  alert is posted on the asset's own history instead (OCA's fsm.equipment is a mail thread,
  as is a Studio model with its chatter) and the answer's `warning` says no ticket was opened:
  an alert is never dropped, and refusing it would only make the RMM send it again to the
  same refusal.

Each event is handled once: its id is claimed in the shared store before acting (`idem:rmm:`)
and released again when Odoo fails, so the RMM's retry is handled. Everything is checked
before anything is written, and each event writes one record: nothing is half-written.
"""
# Languages (issue 29): nothing here is marked for translation. The answers go to the RMM's
# webhook client and the `flask` command's operator, and the notes and tickets are written by
# the integration user outside any person's session: English, like the logs and the API.

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import escape

from app.odoo.client import OdooError
from app.services import assets as assets_service
from app.validation import InvalidInput, Text, check_object

log = logging.getLogger(__name__)

IDEMPOTENCY_TTL = 7 * 24 * 3600   # the RMM gives up retrying long before a week
# While an event is being handled its id is held this long only: if the process dies midway,
# the RMM's retry after that is handled instead of being taken for a duplicate.
WORKING_TTL = 300
PRIORITIES = ("Low", "Normal", "Elevated", "Critical")
TICKET_PRIORITY = {"Critical": "2"}   # Odoo's "High" (OCA helpdesk_mgmt and Odoo Helpdesk)
MAX_BODY_BYTES = 256 * 1024

ENVELOPE = {
    "id": Text(required=True, max_length=200, label="The event id"),
    "type": Text(required=True, max_length=50, choices=("SystemRegistered", "Notification"),
                 label="The event type"),
}
SCHEMAS = {
    "SystemRegistered": {
        "system_id": Text(required=True, max_length=100),
        "name": Text(required=True, max_length=255),
        "group": Text(required=True, max_length=255),
        "serial_number": Text(max_length=120),
        "os": Text(max_length=255),
        "last_seen": Text(max_length=40),
    },
    "Notification": {
        "system_id": Text(required=True, max_length=100),
        "header": Text(required=True, max_length=200),
        "message": Text(),
        "priority": Text(choices=PRIORITIES, default="Normal"),
    },
}


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    data: dict


def parse_event(raw: bytes) -> Event:
    """The event in a webhook's raw body, fully checked.

    :raises InvalidInput: with the reason, for anything that is not a well-formed event.
    """
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput(f"The event is larger than {MAX_BODY_BYTES // 1024} KB.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput("The body must be a JSON object.") from None
    envelope = check_object(body, ENVELOPE)
    data = check_object(body.get("data"), SCHEMAS[envelope["type"]], prefix="data.")
    if data.get("last_seen"):
        data["last_seen"] = _odoo_datetime(data["last_seen"])
    return Event(envelope["id"], envelope["type"], data)


def _odoo_datetime(text):
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("“data.last_seen” must be an ISO 8601 date and time.",
                           field="data.last_seen") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def receive(event: Event, store, odoo_factory):
    """Handle `event` once. Returns the answer's fields (`action`, ids, `warning`).

    :raises OdooError: when Odoo failed (the event id is released for the RMM's retry).
    :raises StoreError: when the shared store can't be reached (nothing was done).
    """
    mapping = assets_service.get_mapping()
    if not mapping.rmm_id:
        raise assets_service.AssetError(
            "The asset mapping has no RMM id field: set ASSET_FIELDS={\"rmm_id\": ...}.")
    key = "idem:rmm:" + hashlib.sha256(event.id.encode()).hexdigest()
    if not store.set(key, "working", WORKING_TTL, nx=True):
        log.info("rmm event %s already received", event.id)
        return {"action": "duplicate", "duplicate": True}
    try:
        result = HANDLERS[event.type](odoo_factory(), mapping, event.data)
    except (OdooError, assets_service.AssetError):
        store.delete(key)
        raise
    store.set(key, result["action"], IDEMPOTENCY_TTL)
    log.info("rmm event %s (%s): %s", event.id, event.type, result)
    return {**result, "duplicate": False}


def _asset_by_rmm_id(odoo, m, system_id):
    domain = [(m.rmm_id, "=", system_id)]
    if not m.status:
        domain.append(("active", "in", [True, False]))
    rows = odoo.search_read(m.model, domain, [m.customer], limit=1)
    return rows[0] if rows else None


def system_registered(odoo, m, data):
    values = {m.name: data["name"]}
    for key, field in (("serial_number", m.serial), ("os", m.os), ("last_seen", m.last_audit)):
        if field and data.get(key):
            values[field] = data[key]
    asset = _asset_by_rmm_id(odoo, m, data["system_id"])
    if asset:
        odoo.write(m.model, [asset["id"]], values)
        return {"action": "asset_updated", "asset_id": asset["id"]}
    companies = odoo.search_read("res.partner", [("is_company", "=", True),
                                                 ("name", "=ilike", data["group"])],
                                 ["name"], limit=2)
    if len(companies) != 1:
        why = "no company" if not companies else "several companies"
        warning = (f"Unknown group “{data['group']}”: {why} by that name in Odoo; "
                   "no asset was created.")
        log.warning("rmm SystemRegistered %s: %s", data["system_id"], warning)
        return {"action": "skipped", "warning": warning}
    values.update({m.customer: companies[0]["id"], m.rmm_id: data["system_id"]})
    if m.status:
        values[m.status] = m.active_value
    asset_id = odoo.create(m.model, values)
    return {"action": "asset_created", "asset_id": asset_id}


def notification(odoo, m, data):
    asset = _asset_by_rmm_id(odoo, m, data["system_id"])
    if not asset:
        warning = f"Unknown system “{data['system_id']}”: no asset has this RMM id."
        log.warning("rmm Notification: %s", warning)
        return {"action": "skipped", "warning": warning}
    title = f"Alert: {data['header']}"
    body = _paragraphs(data.get("message") or data["header"])
    if not m.ticket_link:
        odoo.message_post(m.model, asset["id"], f"<p>{escape(title)}</p>{body}")
        warning = (f"Tickets are not linked to {m.model} (no ticket_link in ASSET_FIELDS): the "
                   "alert was noted on the asset, no ticket was opened.")
        log.warning("rmm Notification %s: %s", data["system_id"], warning)
        return {"action": "asset_noted", "asset_id": asset["id"], "warning": warning}
    existing = odoo.search_read(
        assets_service.TICKET_MODEL,
        [(m.ticket_link, "=", asset["id"]), ("name", "=", title)]
        + assets_service.open_ticket_domain(m), ["id"], limit=1)
    if existing:
        ticket_id = existing[0]["id"]
        odoo.message_post(assets_service.TICKET_MODEL, ticket_id, body)
        return {"action": "ticket_updated", "ticket_id": ticket_id, "asset_id": asset["id"]}
    customer = asset.get(m.customer)
    values = {"name": title, "description": body, m.ticket_link: asset["id"],
              "priority": TICKET_PRIORITY.get(data["priority"], "1")}
    if customer:
        values["partner_id"] = customer[0]
    ticket_id = odoo.create(assets_service.TICKET_MODEL, values)
    return {"action": "ticket_opened", "ticket_id": ticket_id, "asset_id": asset["id"]}


def _paragraphs(text):
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip()) \
        or "<p></p>"


HANDLERS = {"SystemRegistered": system_registered, "Notification": notification}


def event_schema():
    """The events' JSON Schema for the API document, from the schemas checked above."""
    from app.openapi import field_schema, fields_schema

    return {"type": "object", "required": ["id", "type", "data"], "properties": {
        "id": field_schema(ENVELOPE["id"]), "type": field_schema(ENVELOPE["type"]),
        "data": {"oneOf": [dict(fields_schema(SCHEMAS[kind]), title=kind)
                           for kind in SCHEMAS]}}}
