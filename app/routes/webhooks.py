"""Webhooks: machine-to-machine endpoints authenticated by a signature, not a session.

`POST /webhooks/rmm` receives the RMM's events (see app/services/rmm.py for the events and
app/signatures.py for the signature and why CSRF does not apply here).
`POST /webhooks/twilio/<token>` receives Twilio's delivery reports of a text (app/services/sms.py).
"""
from flask import Blueprint, jsonify, request

from app.odoo.client import OdooError, OdooUnavailable, UserError
from app.odoo.integration import IntegrationConfigError, integration_client
from app.openapi import SIGNATURE, TWILIO_SIGNATURE, document
from app.platform import metrics
from app.platform.i18n import _
from app.platform.store import StoreError, get_store
from app.services import rmm, sms
from app.services.assets import AssetError
from app.signatures import signature_required, twilio_signature_required
from app.validation import InvalidInput

bp = Blueprint("webhooks", __name__)


@bp.post("/webhooks/rmm")
@document(
    summary="Receive an RMM event", tags=["Webhooks"], security=SIGNATURE,
    description="`SystemRegistered` updates the asset with that RMM id or creates it for the "
                "company named by `group` (an unknown group is reported in `warning`, nothing "
                "created); `Notification` opens a ticket \"Alert: <header>\" on the asset "
                "(high priority when Critical) or adds to the open one of the same alert; "
                "where tickets are not linked to assets (no `ticket_link`) it is noted on the "
                "asset (`asset_noted`, with a `warning`). "
                "Each event id is acted on once (`duplicate: true` afterwards).",
    request=rmm.event_schema(),
    responses={200: {"action": {"enum": ["asset_created", "asset_updated", "ticket_opened",
                                         "ticket_updated", "asset_noted", "skipped",
                                         "duplicate"]},
                     "duplicate": {"type": "boolean"}, "asset_id": {"type": "integer"},
                     "ticket_id": {"type": "integer"}, "warning": {"type": "string"}}},
    errors=(400, 401, 422, 502, 503))
@signature_required("RMM_WEBHOOK_SECRET", max_age_setting="RMM_WEBHOOK_MAX_AGE")
def rmm_event():
    def act():
        try:
            event = rmm.parse_event(request.get_data(cache=True))
            return rmm.receive(event, get_store(), integration_client)
        except InvalidInput as exc:
            raise Refused(exc.user_message, 400) from None
        except (UserError, AssetError) as exc:
            raise Refused(exc.user_message, 422) from None
    return _answer(act)


@bp.post("/webhooks/twilio/<token>")
@document(
    summary="Receive a Twilio delivery report", tags=["Webhooks"], security=TWILIO_SIGNATURE,
    description="Twilio's status callback for one text (form-encoded `MessageStatus`, "
                "`ErrorCode`, ...). The URL's token was made when the text was sent. A final "
                "status (delivered, undelivered, failed) is noted once on the job or customer "
                "the text was sent from; other statuses are ignored.",
    responses={200: {"action": {"enum": ["noted", "ignored", "duplicate"]}}},
    errors=(401, 404, 502, 503))
@twilio_signature_required
def twilio_status(token):
    def act():
        try:
            return sms.delivery_report(token, request.form, integration_client)
        except sms.SmsError as exc:
            raise Refused(exc.user_message, exc.status) from None
    return _answer(act)


class Refused(Exception):
    """The caller's event is refused for good: its reason and HTTP status."""

    def __init__(self, user_message, status):
        super().__init__(user_message)
        self.user_message = user_message
        self.status = status


def _answer(act):
    """Run a webhook's action and answer as every webhook does: its result, a refusal, 503 when
    Odoo, the store or the integration user is unavailable (the sender may send it again), or
    502 with Odoo's message."""
    source = {"webhooks.rmm_event": "rmm"}.get(request.endpoint, "twilio")
    try:
        result = act()
    except Refused as exc:
        metrics.count(metrics.WEBHOOKS, source=source, outcome="refused")
        return jsonify(success=False, error=exc.user_message), exc.status
    except (OdooUnavailable, StoreError, IntegrationConfigError):
        metrics.count(metrics.WEBHOOKS, source=source, outcome="unavailable")
        return jsonify(success=False, error=_("Fieldkit can't act on this event right now; "
                                              "please send it again later.")), 503
    except OdooError as exc:
        metrics.count(metrics.WEBHOOKS, source=source, outcome="odoo_error")
        return jsonify(success=False, error=exc.user_message), 502
    metrics.count(metrics.WEBHOOKS, source=source, outcome=result.get("action", "done"))
    return jsonify(success=True, **result)
