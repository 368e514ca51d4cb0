"""SMS to customers: numbers, segments, limits and the two ways out (Odoo's SMS or Twilio).

* Numbers are normalised to E.164 with `phonenumbers`, the company's country as the default
  region (read once per company and cached), as Odoo's own `phone_sanitized` does. Fieldkit only
  texts numbers of the record it texts from (a job's or a customer's phone/mobile): the sheet
  offers those, and anything else is refused, so the API can't be used to text strangers.
* Odoo (default): `sms.composer` in comment mode on the record, so the text lands in that
  record's history; `action_send_sms` answers `false` whatever happens, so the outcome is read
  back from the message's SMS `mail.notification` (the `sms.sms` queue itself is readable by
  administrators only). Without SMS credit (IAP) Odoo marks it failed with `sms_server`: we say
  "not delivered" and keep the text.
* Twilio (when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are set): the REST API
  through `requests` with timeouts, then the sent text is posted as a note on the record.
  Twilio's "accepted" is not "delivered": with an integration user configured, each text asks
  Twilio for delivery reports (`StatusCallback` to `/webhooks/twilio/<token>`, a one-time token
  kept in the store with the record it was sent from), and the final status (delivered,
  undelivered, failed with Twilio's error) is noted on that record as the integration user.
* Limits: 10 messages per user per minute and 200 per day, counted in the shared store.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass

import phonenumbers
import requests
from flask import current_app, url_for

from app.odoo import versions
from app.odoo.client import OdooError
from app.odoo.integration import IntegrationConfigError
from app.platform.i18n import _, lazy_gettext
from app.platform.store import StoreError, get_store
from app.services import jobs
from app.validation import whole_number

log = logging.getLogger(__name__)

MAX_SEGMENTS = 10
PER_MINUTE = 10
PER_DAY = 200
TWILIO_URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
TWILIO_TIMEOUT = (3.05, 10)
REGION_CACHE_SECONDS = 3600

# GSM 03.38: the basic set (1 septet each) and the extension table (escape + char: 2 septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

# Labels and texts in the page's language ({minutes} stays as it is in every language: the
# sheet's script and render_template fill it in).
TEMPLATES = (
    {"key": "eta", "label": lazy_gettext("On my way"),
     "text": lazy_gettext("On my way, arriving in about {minutes} minutes.")},
    {"key": "done", "label": lazy_gettext("Job done"),
     "text": lazy_gettext("Your job is done. Thank you!")},
    {"key": "free", "label": lazy_gettext("Free text"), "text": ""},
)
ETA_MINUTES = (10, 15, 20, 30, 45, 60)

FAILURE_REASONS = {
    "sms_server": lazy_gettext(
        "Odoo's SMS service did not send it (no SMS credit, or a server error)."),
    "sms_credit": lazy_gettext("Odoo has no SMS credit left."),
    "sms_acc": lazy_gettext("Odoo's SMS account is not registered."),
    "sms_number_format": lazy_gettext("Odoo found the number badly formatted."),
    "sms_number_missing": lazy_gettext("Odoo found no number to send to."),
}


class SmsError(Exception):
    """A refusal with a message for people; `status` is the HTTP status of the JSON answer."""

    status = 400

    def __init__(self, user_message, status=None, **extra):
        super().__init__(user_message)
        self.user_message = user_message
        if status:
            self.status = status
        self.extra = extra


class RateLimited(SmsError):
    status = 429


class NotDelivered(SmsError):
    """The provider refused or failed: the text was not delivered (Odoo may have logged it)."""

    status = 502


@dataclass(frozen=True)
class Target:
    """What a text is sent from: a job or a customer, and the numbers it has."""

    model: str
    id: int
    name: str
    numbers: tuple  # ((field, label, raw number, E.164 or ""), ...)
    lang: str = ""  # a customer's Odoo language (res.partner.lang): texts written for them


# --------------------------------------------------------------------------- text


def segment_info(text: str) -> dict:
    """Characters, encoding and segments of an SMS, as phones count them: GSM-7 (160 per
    message, 153 per part when split) unless a character needs UCS-2 (70, 67 per part; a
    character outside the BMP, such as an emoji, takes two UTF-16 units)."""
    text = text or ""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    segments = 0 if units == 0 else (1 if units <= single else -(-units // multi))
    return {"chars": len(text), "units": units, "encoding": encoding, "segments": segments}


def render_template(key: str, minutes: int | None = None) -> str:
    for template in TEMPLATES:
        if template["key"] == key:
            return str(template["text"]).format(minutes=minutes or 20)
    return ""


def check_body(body) -> str:
    """The message to send, stripped; refuses empty and over-long (> 10 segments) texts."""
    if not isinstance(body, str) or not body.strip():
        raise SmsError(_("Write a message first."), status=422)
    body = body.strip()
    info = segment_info(body)
    if info["segments"] > MAX_SEGMENTS:
        raise SmsError(
            _("This message is %(num)d SMS long; the most is %(most)d. Shorten it.",
              num=info["segments"], most=MAX_SEGMENTS), status=422)
    return body


# --------------------------------------------------------------------------- numbers


def to_e164(raw, region: str | None) -> str:
    """`raw` in E.164, read in `region`'s national format when it has no + prefix.
    :raises SmsError: when it is not a valid phone number."""
    if not isinstance(raw, str) or not raw.strip():
        raise SmsError(_("Choose a phone number."), status=422)
    try:
        parsed = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        raise SmsError(_("“%(number)s” is not a phone number.", number=raw[:40]),
                       status=422) from None
    if not phonenumbers.is_valid_number(parsed):
        raise SmsError(_("“%(number)s” is not a valid phone number.", number=raw[:40]),
                       status=422)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def e164_or_empty(raw, region) -> str:
    try:
        return to_e164(raw, region)
    except SmsError:
        return ""


_region_cache: dict = {}
_region_lock = threading.Lock()


def company_region(odoo, company_id) -> str | None:
    """The ISO code of the company's country (default region for national numbers), cached
    per Odoo and company for an hour: it changes about never."""
    if not company_id:
        return None
    key = (getattr(odoo, "base_url", ""), company_id)
    now = time.monotonic()
    with _region_lock:
        hit = _region_cache.get(key)
    if hit and hit[1] > now:
        return hit[0]
    rows = odoo.read("res.company", [company_id], ["country_id"])
    country = rows[0].get("country_id") if rows else False
    code = None
    if country:
        found = odoo.read("res.country", [country[0]], ["code"])
        code = (found[0].get("code") or None) if found else None
    with _region_lock:
        _region_cache[key] = (code, now + REGION_CACHE_SECONDS)
    return code


NUMBER_LABELS = {"mobile": lazy_gettext("Mobile"), "phone": lazy_gettext("Phone")}


def number_fields(version: int) -> list[str]:
    """`mobile` is gone in Odoo 19; mobile first, as Odoo picks it first for SMS."""
    return versions.fields_for(version, "res.partner", ["mobile", "phone"])


def load_target(odoo, viewer, kind: str, record_id) -> Target:
    """The job (with Fieldkit's ownership rules) or customer a text is sent from.
    :raises SmsError: for an unknown kind or id."""
    if not isinstance(record_id, int) or isinstance(record_id, bool) or record_id <= 0:
        raise SmsError(_("Say which job or customer this text is for."))
    fields = number_fields(viewer.version)
    if kind == "job":
        row = jobs.fetch_order(odoo, viewer, record_id, ["name", *fields])
        model = "fsm.order"
    elif kind == "customer":
        rows = odoo.read("res.partner", [record_id], ["name", "lang", *fields])
        if not rows:
            raise SmsError(_("This customer does not exist (any more)."), status=404)
        row, model = rows[0], "res.partner"
    else:
        raise SmsError(_("Texts are sent from a job or a customer."))
    region = company_region(odoo, viewer.company_id)
    numbers = tuple(
        (f, str(NUMBER_LABELS[f]), row[f], e164_or_empty(row[f], region))
        for f in fields if row.get(f)
    )
    return Target(model, record_id, row.get("name") or "", numbers, row.get("lang") or "")


def sheet_numbers(target: Target) -> list[dict]:
    """The numbers the SMS sheet offers, valid ones only."""
    return [{"field": f, "label": label, "number": raw, "e164": e164}
            for f, label, raw, e164 in target.numbers if e164]


def pick_number(target: Target, raw, region) -> tuple[str, str]:
    """(field, E.164) of the target's number that `raw` designates.
    :raises SmsError: invalid, or not one of the record's numbers."""
    wanted = to_e164(raw, region)
    for field, _label, _raw, e164 in target.numbers:
        if e164 and e164 == wanted:
            return field, wanted
    raise SmsError(_("Choose one of the customer's numbers: this one is not on the record."),
                   status=422)


# --------------------------------------------------------------------------- limits


def check_rate(user_id) -> None:
    """Count one message against the user's per-minute and per-day limits.
    :raises RateLimited: over a limit. :raises SmsError: the store can't be reached (we fail
    closed: texts cost money and reach customers)."""
    store = get_store()
    try:
        minute = store.incr(f"sms:min:{user_id}", 60)
        if minute > PER_MINUTE:
            wait = store.ttl(f"sms:min:{user_id}") or 60
            raise RateLimited(_("That's %(num)d texts this minute. Try again in %(wait)d s.",
                                num=PER_MINUTE, wait=wait), retry_after=wait)
        day = store.incr(f"sms:day:{user_id}", 86400)
        if day > PER_DAY:
            wait = store.ttl(f"sms:day:{user_id}") or 86400
            raise RateLimited(_("That's %(num)d texts today, the daily limit.", num=PER_DAY),
                              retry_after=wait)
    except StoreError:
        log.warning("sms: the shared store can't be reached", exc_info=True)
        raise SmsError(_("Texts can't be sent right now. Try again in a moment."),
                       status=503) from None


# --------------------------------------------------------------------------- sending


def twilio_configured(config) -> bool:
    return bool(config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN")
                and config.get("TWILIO_FROM"))


def send(odoo, viewer, payload: dict) -> dict:
    """Validate and send one text; returns {"status", "message", "to", "segments"}.
    :raises SmsError: (and subclasses) with a message for people and an HTTP status."""
    body = check_body(payload.get("message"))
    target = load_target(odoo, viewer, payload.get("target"), payload.get("id"))
    region = company_region(odoo, viewer.company_id)
    field, to = pick_number(target, payload.get("number"), region)
    check_rate(viewer.user_id)
    config = current_app.config
    if twilio_configured(config):
        sent = _send_twilio(config, to, body, _status_callback(config, target, to))
        note = _("SMS to %(number)s (Twilio %(status)s):", number=to, status=sent) + "\n" + body
        odoo.message_post(target.model, target.id, note, message_type="comment",
                          subtype_xmlid="mail.mt_note")
        result = {"status": "sent", "message": _("Text sent.")}
    else:
        result = _send_odoo(odoo, viewer, target, field, body)
    return {**result, "to": to, "segments": segment_info(body)["segments"]}


def _send_odoo(odoo, viewer, target: Target, field: str, body: str) -> dict:
    context = {"default_res_model": target.model, "default_res_id": target.id}
    wizard = odoo.call("sms.composer", "create", {
        "composition_mode": "comment", "res_model": target.model, "res_id": target.id,
        "number_field_name": field, "body": body}, context=context)
    odoo.call("sms.composer", "action_send_sms", [wizard])
    rows = odoo.search_read(
        "mail.notification",
        [("mail_message_id.model", "=", target.model),
         ("mail_message_id.res_id", "=", target.id),
         ("notification_type", "=", "sms"), ("author_id", "=", viewer.partner_id)],
        ["notification_status", "failure_type"], limit=1, order="id desc")
    state = rows[0] if rows else {}
    status = state.get("notification_status")
    if status in ("exception", "bounce", "canceled"):
        reason = FAILURE_REASONS.get(state.get("failure_type")) or _("Odoo could not send it.")
        raise NotDelivered(_("Not delivered: %(reason)s It is noted in the history.",
                             reason=reason), logged=True)
    if status == "sent":
        return {"status": "delivered", "message": _("Text delivered.")}
    return {"status": "sent", "message": _("Text sent.")}


_TWILIO_ERRORS = {
    21211: lazy_gettext("Twilio says this number is not valid"),
    21408: lazy_gettext("Twilio may not send texts to this country"),
    21610: lazy_gettext("The customer has unsubscribed from texts (replied STOP)"),
    21614: lazy_gettext("This number can't receive texts"),
    20003: lazy_gettext("Twilio refused Fieldkit's credentials"),
}


def _send_twilio(config, to: str, body: str, callback: str | None = None) -> str:
    """POST the message to Twilio; returns its status ("queued", "sent"...).
    :raises NotDelivered: timeout, network failure or a refusal (with Twilio's error code)."""
    sid = config["TWILIO_ACCOUNT_SID"]
    data = {"To": to, "From": config["TWILIO_FROM"], "Body": body}
    if callback:
        data["StatusCallback"] = callback
    try:
        response = requests.post(
            TWILIO_URL.format(sid=sid),
            data=data,
            auth=(sid, config["TWILIO_AUTH_TOKEN"]), timeout=TWILIO_TIMEOUT)
    except requests.Timeout:
        raise NotDelivered(_("Not delivered: Twilio did not answer in time. Try again."),
                           status=504) from None
    except requests.RequestException:
        log.warning("sms: Twilio can't be reached", exc_info=True)
        raise NotDelivered(_("Not delivered: Twilio can't be reached. Try again.")) from None
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400 or not isinstance(data, dict):
        code = data.get("code") if isinstance(data, dict) else None
        log.warning("sms: Twilio refused (%s, code %s): %s", response.status_code, code,
                    data.get("message") if isinstance(data, dict) else "")
        reason = _TWILIO_ERRORS.get(code) or _("Twilio refused it")
        if code:
            message = _("Not delivered: %(reason)s (Twilio error %(code)s).",
                        reason=reason, code=code)
        else:
            message = _("Not delivered: %(reason)s (HTTP %(status)s).",
                        reason=reason, status=response.status_code)
        raise NotDelivered(message, code=code)
    return str(data.get("status") or "queued")


# --------------------------------------------------------------------------- delivery reports

CALLBACK_TTL = 7 * 24 * 3600  # Twilio reports within hours; a week covers a phone kept off
FINAL_STATUSES = ("delivered", "undelivered", "failed")
_DELIVERY_ERRORS = {
    30003: lazy_gettext("the phone is off or out of reach"),
    30004: lazy_gettext("the number blocks texts"),
    30005: lazy_gettext("the number is unknown or no longer in service"),
    30006: lazy_gettext("it is a landline or the carrier can't take texts"),
    30007: lazy_gettext("the carrier filtered it"),
    30008: lazy_gettext("an unknown error at the carrier"),
}


def _status_callback(config, target: Target, to: str) -> str | None:
    """The URL Twilio reports this text's delivery to, or None when the report could not be
    noted anywhere (no integration user: nobody is logged in when Twilio calls)."""
    if not (config.get("ODOO_INTEGRATION_LOGIN") and config.get("ODOO_INTEGRATION_KEY")):
        return None
    token = secrets.token_urlsafe(24)
    record = json.dumps({"model": target.model, "id": target.id, "to": to})
    try:
        get_store().set(f"sms:cb:{token}", record, CALLBACK_TTL)
    except StoreError:
        log.warning("sms: no delivery report for this text (store unavailable)")
        return None
    return url_for("webhooks.twilio_status", token=token, _external=True)


def delivery_report(token: str, form, odoo_factory) -> dict:
    """Note a Twilio delivery report on the record the text was sent from, once per final
    status. Returns {"action": "noted"|"ignored"|"duplicate"}.
    :raises SmsError: 404 for an unknown or expired token. Odoo and store errors propagate."""
    store = get_store()
    kept = store.get(f"sms:cb:{token}")
    if not kept:
        raise SmsError(_("No text is waiting for this report (unknown or expired)."), status=404)
    record = json.loads(kept)
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if status not in FINAL_STATUSES:
        return {"action": "ignored"}
    done_key = f"sms:cb:{token}:done"
    if not store.set(done_key, status, CALLBACK_TTL, nx=True):
        return {"action": "duplicate"}
    to = record["to"]
    code = form.get("ErrorCode") or ""
    reason = _DELIVERY_ERRORS.get(whole_number(code) or 0)
    if status == "delivered":
        note = _("SMS to %(number)s delivered.", number=to)
    elif reason and code:
        note = _("SMS to %(number)s not delivered: %(reason)s (Twilio error %(code)s).",
                 number=to, reason=reason, code=code)
    elif code:
        note = _("SMS to %(number)s not delivered (Twilio error %(code)s).", number=to, code=code)
    else:
        note = _("SMS to %(number)s not delivered.", number=to)
    try:
        odoo_factory().message_post(record["model"], record["id"], note)
    except (OdooError, IntegrationConfigError):
        store.delete(done_key)  # not noted: a report sent again may try again
        raise
    return {"action": "noted"}
