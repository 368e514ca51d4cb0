"""A record's history (Odoo's chatter) for any model, and posting internal notes on it.

Every section that shows a record's history uses this module, so the version quirks live in one
place:

* ``/mail/thread/messages`` answers a bare list (16), ``{"messages": [...]}`` (17) or the store
  format (18, 19: records under ``data``, ids under ``messages``); 15 has no such route, so
  ``mail.message.message_format`` is read for the record's ``message_ids`` (read them with the
  record: see :func:`needs_message_ids`).
* ``message_post`` takes ``body_is_html`` from 17; 16 escapes a ``str`` body, so it gets plain
  text; a user without an e-mail address is refused by Odoo with a ``UserError``.

Messages come back in one shape (see :func:`normalize_messages`); files named in Fieldkit's own
notes are recognised afterwards by :mod:`app.platform.media`, which checks they are bound to the
record.
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

from app.odoo import versions
from app.odoo.client import OdooCall, OdooError, UserError
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.sanitize import html_to_text, is_blank_html, sanitize_html

MESSAGE_LIMIT = 40
NO_EMAIL_MESSAGE = lazy_gettext(
    "Your Odoo user needs an email address to post notes. "
    "Ask the office to add one to your user, then try again."
)


def needs_message_ids(version: int) -> bool:
    """True when the record's ``message_ids`` must be read with it (Odoo 15: no JSON route)."""
    return versions.needs_message_ids(version)


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def _partner_names(store: dict) -> dict:
    return {p.get("id"): p.get("name") or "" for p in store.get("res.partner", []) or []}


def _subtype_descriptions(store: dict) -> dict:
    return {
        s.get("id"): s.get("description") or "" for s in store.get("mail.message.subtype", []) or []
    }


def _body_html(body):
    # 19 sends HTML bodies as ["markup", "<p>...</p>"].
    if isinstance(body, (list, tuple)):
        return body[1] if len(body) > 1 else ""
    return body or ""


def _tracking_value(value):
    if isinstance(value, dict):
        value = value.get("value")
    if value is False or value is None:
        return ""
    return str(value)


def _normalize_tracking(values) -> list[dict]:
    out = []
    for t in values or []:
        if not isinstance(t, dict):
            continue
        info = t.get("fieldInfo") or {}
        field = (
            t.get("changedField")
            or info.get("changedField")
            or t.get("changed_field")
            or t.get("field_desc")
            or ""
        )
        old = t.get("oldValue", t.get("old_value"))
        new = t.get("newValue", t.get("new_value"))
        out.append({"field": field, "old": _tracking_value(old), "new": _tracking_value(new)})
    return out


def _author(message, partners) -> tuple[int | None, str]:
    author = message.get("author")
    if isinstance(author, dict):  # 16/17 embed the name; 18 refers to the store's res.partner
        pid = author.get("id")
        return pid, author.get("name") or partners.get(pid, "")
    author_id = message.get("author_id")
    if isinstance(author_id, (list, tuple)):  # 15 message_format: [id, name]
        return _m2o_id(author_id), _m2o_name(author_id)
    if isinstance(author_id, int):  # 19
        return author_id, partners.get(author_id, "")
    return None, ""


def _raw_messages(result) -> tuple[list[dict], dict]:
    """The message dicts and the store of related records, whatever the version's shape."""
    if isinstance(result, list):  # 15 message_format, 16 /mail/thread/messages
        return result, {}
    if not isinstance(result, dict):
        return [], {}
    store = result.get("data")
    if isinstance(store, dict):  # 18/19 store format: ids in "messages", records in data
        records = {m.get("id"): m for m in store.get("mail.message", []) or []}
        order = result.get("messages") or list(records)
        return [records[i] for i in order if i in records], store
    messages = result.get("messages")
    if isinstance(messages, list) and all(isinstance(m, dict) for m in messages):  # 17
        return messages, {}
    return [], {}


def normalize_messages(result) -> list[dict]:
    """Chatter in one shape for every version, newest first, bodies sanitised.

    Each message: id, date (aware UTC), author_id (partner), author, body (Markup), text (the
    body as plain text), has_body, is_note, kind ("note", "message" or "tracking"),
    message_type, subtype, tracking [{field, old, new}], media [] (filled by the media service).
    """
    raw, store = _raw_messages(result)
    partners = _partner_names(store)
    subtypes = _subtype_descriptions(store)
    out = []
    for m in raw:
        author_id, author = _author(m, partners)
        html = _body_html(m.get("body"))
        tracking = _normalize_tracking(m.get("trackingValues") or m.get("tracking_value_ids"))
        subtype = m.get("subtype_id")
        subtype_name = m.get("subtype_description") or (
            subtypes.get(subtype) if isinstance(subtype, int) else _m2o_name(subtype)
        )
        is_note = (
            bool(m.get("is_note"))
            or _m2o_name(subtype) == "Note"
            or (m.get("message_type") == "comment" and subtype == 2 and m.get("is_note") is None)
        )
        kind = (
            "tracking"
            if tracking
            else ("note" if m.get("message_type") == "comment" and is_note else "message")
        )
        out.append(
            {
                "id": m.get("id"),
                "date": tzs.parse_odoo_datetime(m.get("date")),
                "author_id": author_id,
                "author": author or "Odoo",
                "body": sanitize_html(html),
                "text": html_to_text(html),
                "has_body": not is_blank_html(html),
                "is_note": is_note,
                "kind": kind,
                "message_type": m.get("message_type") or "",
                "subtype": subtype_name or "",
                "tracking": tracking,
                "media": [],
            }
        )
    epoch = datetime.min.replace(tzinfo=UTC)
    out.sort(key=lambda msg: (msg["date"] or epoch, msg["id"] or 0), reverse=True)
    return out


def messages_call(odoo, version: int, model: str, res_id: int, *, limit=MESSAGE_LIMIT):
    """The read behind :func:`fetch_messages` as an ``OdooCall``, to send with other reads
    (``OdooAPI.parallel``); None on 15, where the record's ``message_ids`` come first.

    A client without a web session (an API key) reads ``mail.message`` (no tracking): an API
    key opens the ORM, not the web client's JSON routes.
    """
    if not getattr(odoo, "web_session", True):
        return history_call(model, [res_id], limit=limit)
    if needs_message_ids(version):
        return None
    return OdooCall("json_route", "/mail/thread/messages",
                    {"thread_model": model, "thread_id": res_id, "limit": limit},
                    idempotent=True)


def history_call(model: str, res_ids, *, limit=MESSAGE_LIMIT) -> OdooCall:
    """The messages of several records in one read of ``mail.message``, newest first, each
    naming its record (``res_id``): the only read of many records' histories at once, and what
    an API key may read. It has no tracking (the stage-change lines): Odoo gives tracking values
    outside its web client's per-record routes to administrators only. Group the rows with
    :func:`histories`."""
    return OdooCall(
        "search_read", "mail.message",
        [("model", "=", model), ("res_id", "in", list(res_ids)),
         ("message_type", "in", ["comment", "notification", "email"])],
        ["body", "author_id", "date", "message_type", "subtype_id", "res_id"],
        limit=limit, order="id desc")


def nested_history(limit=MESSAGE_LIMIT) -> dict:
    """17+: a record's newest messages as the ``web_read`` specification of its ``message_ids``
    (Odoo gives them in mail.message's order, newest first, and reads the first ``limit``):
    the history read with the record, for a reader that needs what the messages say (the
    service report) and not the stage-change lines (their tracking: :func:`history_call`)."""
    m2o = {"fields": {"display_name": {}}}
    return {"fields": {"body": {}, "date": {}, "message_type": {}, "author_id": m2o,
                       "subtype_id": m2o}, "limit": limit}


def nested_messages(rows) -> list[dict]:
    """:func:`normalize_messages` of the ``message_ids`` that :func:`nested_history` read (those
    past its limit come back as bare ids and are left out)."""
    def plain(value):
        return [value["id"], value.get("display_name") or ""] if isinstance(value, dict) else value
    return normalize_messages([{name: plain(value) for name, value in row.items()}
                               for row in rows or [] if isinstance(row, dict) and "date" in row])


def histories(rows, *, limit=MESSAGE_LIMIT) -> dict[int, list[dict]]:
    """{record id: its messages as :func:`normalize_messages` gives them, at most ``limit``}
    from :func:`history_call`'s rows; messages with nothing to show (no body: their tracking
    was not read) are left out."""
    by_record: dict[int, list[dict]] = {}
    for row in rows or []:
        by_record.setdefault(row.get("res_id"), []).append(row)
    return {res_id: [m for m in normalize_messages(found[:limit]) if m["has_body"]]
            for res_id, found in by_record.items()}


def fetch_messages(
    odoo, version: int, model: str, res_id: int, *, message_ids=None, limit=MESSAGE_LIMIT
) -> list[dict]:
    """A record's history with tracking, newest first (1 RPC; none on 15 without messages).

    On 15 pass the record's ``message_ids`` (read with the record, see :func:`needs_message_ids`).
    """
    call = messages_call(odoo, version, model, res_id, limit=limit)
    if call is not None:
        return normalize_messages(call.run(odoo))
    ids = sorted(message_ids or [], reverse=True)[:limit]
    return normalize_messages(odoo.call("mail.message", "message_format", ids) if ids else [])


def read_with_history(odoo, version: int, model: str, res_id: int, read, *, others=(),
                      limit=MESSAGE_LIMIT, keep_errors=False, nested=False):
    """`read` (an ``OdooCall`` of the record), the record's history and ``others`` (more
    reads) sent together: one round trip where reading the record first took two.

    Returns ``(read's result, messages, [others' results])``; ``messages`` is None when the
    read found nothing (the caller refuses) or on 15 (call :func:`fetch_messages` with the
    record's ``message_ids``). Errors: the read's first; the history's only when the read
    found the record (a record the user may not see has no history to show); the others'
    then, or (``keep_errors``) left in their places for the caller to judge.
    ``nested``: `read` is a ``web_read`` (17+) nesting the history in the record's
    ``message_ids`` (:func:`nested_history`): no call of its own, and no tracking.
    """
    history = None if nested else messages_call(odoo, version, model, res_id, limit=limit)
    calls = [read, *([history] if history is not None else []), *others]
    outcomes = odoo.parallel(calls, return_errors=True)
    found, rest = outcomes[0], outcomes[1:]
    if isinstance(found, Exception):
        raise found
    messages = None
    if history is not None:
        result, rest = rest[0], rest[1:]
        if found.get("records") if isinstance(found, dict) else found:  # web_search_read
            if isinstance(result, Exception):
                raise result
            messages = normalize_messages(result)
    elif nested:
        rows = found.get("records") if isinstance(found, dict) else found
        messages = nested_messages(rows[0].get("message_ids")) if rows else None
    for result in rest:
        if isinstance(result, Exception) and not keep_errors:
            raise result
    return found, messages, rest


def present(messages: list[dict], *, tz: str, partner_id=None, now=None) -> list[dict]:
    """Add what the ``_history.html`` partial shows: ``when`` (user's zone) and ``is_me``."""
    now = now or tzs.now_utc()
    for msg in messages:
        msg["when"] = fmt.relative_day(msg["date"], tz, now) if msg["date"] else ""
        msg["is_me"] = partner_id is not None and msg["author_id"] == partner_id
        msg.setdefault("media", [])
    return messages


def post_note(odoo, version: int, model: str, res_id: int, html: Markup) -> int:
    """``message_post`` as the user: an internal note, never an e-mail to followers.

    :raises ActionRefused: when Odoo refuses because the user has no e-mail address.
    :raises UserError: for Odoo's other refusals.
    """
    kwargs = {"message_type": "comment", "subtype_xmlid": "mail.mt_note"}
    body = str(html)
    shape = versions.note_body_shape(version)
    if shape == "flag":
        kwargs["body_is_html"] = True
    elif shape == "text":
        # 16 escapes a str body; Markup has no wire form, so send the plain text.
        body = html_to_text(html)
    try:
        return odoo.message_post(model, res_id, body, **kwargs)
    except UserError as exc:
        message = str(getattr(exc, "user_message", "") or exc)
        if "email" in message.lower() or not _has_email(odoo):
            raise ActionRefused(str(NO_EMAIL_MESSAGE)) from exc
        raise


def _has_email(odoo) -> bool:
    """Whether the user has an e-mail address. Odoo words its refusal in the user's language
    ("No se puede enviar el mensaje, configure la dirección de correo electrónico del
    remitente."), so the words cannot tell: one read, on a refusal only."""
    uid = (getattr(odoo, "context", None) or {}).get("uid")
    if not uid:
        return True
    try:
        rows = odoo.read("res.users", [uid], ["email"])
    except OdooError:
        return True
    return bool(rows and rows[0].get("email"))


# mail.notification failure types (mail/models/mail_notification.py) people can act on.
MAIL_FAILURES = {
    "mail_email_missing": lazy_gettext("the customer has no email address in Odoo"),
    "mail_email_invalid": lazy_gettext("the customer's email address is not valid"),
    "mail_smtp": lazy_gettext("Odoo's outgoing mail server refused it"),
    "mail_bounce": lazy_gettext("it bounced"),
}


def email_outcome(odoo, message_id) -> str:
    """What Odoo did with the email of a message posted to a customer (the service report's,
    ``message_post`` with ``partner_ids``), in a sentence (1 RPC). Odoo sends it at once within
    ``message_post``; its ``mail.mail`` is for administrators only (and deleted once sent), so
    its state is read from the recipient's email ``mail.notification``, which Odoo keeps in
    step: ``ready`` queued, ``sent`` sent, ``exception``/``bounce`` failed with a reason."""
    rows = odoo.search_read("mail.notification", [("mail_message_id", "=", message_id),
                                                  ("notification_type", "=", "email")],
                            ["notification_status", "failure_type", "failure_reason"],
                            limit=1, order="id desc")
    if not rows:
        return _("Odoo did not email it: the customer is an Odoo user and finds it in Odoo.")
    row = rows[0]
    status = row.get("notification_status")
    if status == "sent":
        return _("Odoo emailed it to the customer.")
    if status in ("exception", "bounce"):
        reason = " ".join(str(row.get("failure_reason") or "").split())
        label = str(MAIL_FAILURES.get(row.get("failure_type") or "") or "")
        why = "; ".join(p for p in (label, reason) if p) or _("no reason given")
        return _("The email to the customer failed: %(reason)s.", reason=why)
    if status == "canceled":
        return _("The email to the customer was cancelled in Odoo.")
    return _("The email to the customer is queued in Odoo: its mail server sends it shortly.")
