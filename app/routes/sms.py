"""SMS: `POST /api/sms` (JSON, CSRF header) sends one text from a job or a customer.

The sheet that calls it (`static/js/sms.js`, partial `sms/_sheet.html`) is included by the job
and customer pages; without JavaScript their "Text" links open the phone's own SMS app.
"""
from contextlib import nullcontext

from flask import Blueprint, jsonify, session

from app.odoo.client import UserError, get_odoo
from app.platform import i18n, metrics
from app.platform.i18n import lazy_gettext
from app.security import login_required
from app.services import sms
from app.services.viewer import Viewer
from app.validation import Integer, Text, json_body

bp = Blueprint("sms", __name__)

# An empty message passes here and is refused by the service with its own wording (422).
SMS_BODY = {
    "target": Text(required=True, max_length=20, choices=("job", "customer"),
                   label=lazy_gettext("What the text is sent from")),
    "id": Integer(required=True, minimum=1, label=lazy_gettext("The job or customer")),
    "number": Text(required=True, max_length=40, label=lazy_gettext("The number")),
    "message": Text(max_length=2000, label=lazy_gettext("The message")),
}


@bp.post("/api/sms")
@login_required
def send():
    payload = json_body(SMS_BODY)
    try:
        result = sms.send(get_odoo(), Viewer.from_session(session), payload)
    except sms.SmsError as exc:
        metrics.count(metrics.SMS, outcome="rate_limited" if isinstance(exc, sms.RateLimited)
                      else "refused" if exc.status < 500 else "failed")
        response = jsonify(success=False, error=exc.user_message, **exc.extra)
        if isinstance(exc, sms.RateLimited):
            response.headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
        return response, exc.status
    except UserError as exc:  # e.g. Odoo finds the record's number invalid
        metrics.count(metrics.SMS, outcome="refused")
        return jsonify(success=False, error=exc.user_message), 422
    metrics.count(metrics.SMS, outcome=result.get("status", "sent"))
    return jsonify(success=True, **result)


def sheet_options(lang=""):
    """Templates and minutes for the SMS sheet partial; the templates' texts in the customer's
    language when the page knows it (`lang`: res.partner.lang), their labels in the user's."""
    language = i18n.closest(lang)
    with i18n.force_locale(language) if language else nullcontext():
        texts = {t["key"]: str(t["text"]) for t in sms.TEMPLATES}
    templates = [{"key": t["key"], "label": t["label"], "text": texts[t["key"]]}
                 for t in sms.TEMPLATES]
    return {"templates": templates, "minutes": sms.ETA_MINUTES,
            "max_segments": sms.MAX_SEGMENTS}


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["sms_options"] = sheet_options
