"""What every section's routes share: the action runner (PRG or the page again with the refusal)
and the JSON signature endpoint's body handling.
"""

from flask import flash, jsonify, redirect, request

from app.services.actions import ActionRefused
from app.services.odoo_api import UserError
from app.services.s3_service import StorageError
from app.services.uploads import UploadRejected, decode_data_url

# Refusals shown on the record's page itself, with what was typed kept in the form.
REFUSALS = (UserError, ActionRefused, UploadRejected, StorageError)


def act(run, on_refusal, success_url):
    """Run one action: flash its message and redirect (PRG), or re-render on a refusal.

    ``run()`` returns the message for people; ``on_refusal(message, status)`` renders the page
    again (422, or 503 when the file store failed).
    """
    try:
        message = run()
    except REFUSALS as exc:
        status = 503 if isinstance(exc, StorageError) else 422
        return on_refusal(exc.user_message, status)
    flash(message, "success")
    return redirect(success_url)


def signature_payload():
    """The PNG and signer name of a signature pad's JSON body.

    :raises UploadRejected: when the body is not an object, or its fields have the wrong shape.
    """
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise UploadRejected("The signature could not be read. Please clear it and sign again.")
    signer_name = payload.get("signer_name")
    if signer_name is not None and not isinstance(signer_name, str):
        raise UploadRejected("The signer's name must be text.")
    png = decode_data_url(
        payload.get("image") or payload.get("signature") or payload.get("data_url")
    )
    return png, (signer_name or "").strip()[:120]


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
