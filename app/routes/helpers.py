"""What every section's routes share: the action runner (PRG or the page again with the refusal)
and the JSON signature endpoint's body handling.
"""

from flask import flash, jsonify, redirect

from app.odoo.client import UserError
from app.platform.actions import ActionRefused
from app.platform.i18n import lazy_gettext
from app.platform.s3_service import StorageError
from app.platform.uploads import UploadRejected, decode_data_url
from app.validation import InvalidInput, Text, json_body

# Refusals shown on the record's page itself, with what was typed kept in the form.
REFUSALS = (UserError, ActionRefused, UploadRejected, StorageError, InvalidInput)
SIGNATURE_BODY = {
    "image": Text(required=True, max_length=None, label=lazy_gettext("The signature image")),
    "signer_name": Text(max_length=120, label=lazy_gettext("The signer's name")),
}


def act(run, on_refusal, success_url):
    """Run one action: flash its message and redirect (PRG), or re-render on a refusal.

    ``run()`` returns the message for people; ``on_refusal(message, status)`` renders the page
    again (422, or 503 when the file store failed). ``success_url`` may be a callable, called
    after ``run()`` (e.g. the page of a record it created).
    """
    try:
        message = run()
    except REFUSALS as exc:
        status = 503 if isinstance(exc, StorageError) else 422
        return on_refusal(exc.user_message, status)
    flash(message, "success")
    return redirect(success_url() if callable(success_url) else success_url)


def signature_payload():
    """The PNG and signer name of a signature pad's JSON body.

    :raises InvalidInput: when the body or its fields have the wrong shape (a 400 JSON answer).
    :raises UploadRejected: when the image is not a readable PNG data URL.
    """
    body = json_body(SIGNATURE_BODY)
    return decode_data_url(body["image"]), body["signer_name"] or ""


def signature_endpoint(save):
    """Answer a signature pad: ``save(png, signer_name)`` returns the JSON fields of success."""
    try:
        png, signer_name = signature_payload()
        result = save(png, signer_name)
    except (UploadRejected, ActionRefused, UserError) as exc:
        status = 400 if isinstance(exc, UploadRejected) else 422
        return jsonify(success=False, error=exc.user_message), status
    except StorageError as exc:
        return jsonify(success=False, error=exc.user_message), 503
    return jsonify(success=True, **result)
