"""Jobs: what a technician does to an order (start, stage, finish, cancel, notes, files)."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from app.odoo import versions
from app.platform import chatter, media
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.platform.sanitize import text_to_html
from app.platform.uploads import check_signature_png
from app.services import inventory
from app.services.jobs.common import MODEL, JobActionError, _m2o_id, get_stage_map
from app.services.jobs.detail import fetch_order, signature_on_file
from app.services.viewer import Viewer
from app.validation import check_text

# --------------------------------------------------------------------------- actions


def start_job(odoo, viewer: Viewer, job_id: int, *, now: datetime | None = None) -> str:
    """Set the actual start to now, and move to the started stage where one exists."""
    order = fetch_order(odoo, viewer, job_id, ["stage_id", "date_start", "is_closed"])
    if order.get("is_closed"):
        raise JobActionError(_("This job is already closed."))
    stage_map = get_stage_map(odoo, viewer)
    vals = {"date_start": tzs.to_odoo_datetime(now or tzs.now_utc())}
    current = stage_map.get(_m2o_id(order.get("stage_id")))
    started = stage_map.started
    if started and (
        current is None or (started.sequence, started.id) > (current.sequence, current.id)
    ):
        vals["stage_id"] = started.id
    odoo.write("fsm.order", [job_id], vals)
    return _("Job started.")


def set_job_stage(odoo, viewer: Viewer, job_id: int, stage_id) -> str:
    """Move the job to another open stage (completing and cancelling have their own actions)."""
    order = fetch_order(odoo, viewer, job_id, ["stage_id", "is_closed"])
    stage_map = get_stage_map(odoo, viewer)
    try:
        target = stage_map.get(int(stage_id))
    except (TypeError, ValueError):
        target = None
    if target is None:
        raise JobActionError(_("That stage does not exist any more. Please refresh the page."))
    if target.is_closed:
        raise JobActionError(_("Use “Finish job” to complete it, or “Cancel job” to cancel it."))
    if order.get("is_closed"):
        raise JobActionError(_("This job is already closed."))
    odoo.write("fsm.order", [job_id], {"stage_id": target.id})
    return _("Stage set to %(stage)s.", stage=target.name)


def finish_job(
    odoo,
    viewer: Viewer,
    job_id: int,
    resolution: str,
    *,
    now: datetime | None = None,
    storage=None,
) -> str:
    """Write the resolution and end time, then ``action_complete`` (a stage write is refused).

    ``storage`` reads the signature's reference (default: the app's storage).
    :raises JobActionError: without a resolution, or without a signature the company requires
        (one Fieldkit bound to this job: :func:`signature_on_file`).
    :raises UserError: / ValidationError when Odoo refuses; nothing is completed then.
    """
    resolution = check_text(resolution, _("The resolution"))
    if not resolution:
        raise JobActionError(
            _("Please describe what was done (the resolution) before finishing."))
    fields = ["name", "date_start", "is_closed", "x_signature_url"] + (
        versions.fields_for(viewer.version, MODEL, ["require_signature"])
    )
    order = fetch_order(odoo, viewer, job_id, fields)
    if order.get("is_closed"):
        raise JobActionError(_("This job is already closed."))
    if order.get("require_signature") and not signature_on_file(
        job_id, order.get("x_signature_url"), storage
    ):
        raise JobActionError(
            _("Your company requires the customer's signature: collect it before finishing.")
        )
    moment = tzs.to_odoo_datetime(now or tzs.now_utc())
    vals = {
        "resolution": str(text_to_html(resolution)) if versions.html_text_fields(viewer.version)
        else resolution,
        "date_end": moment,
    }
    if not order.get("date_start"):
        vals["date_start"] = moment
    odoo.write("fsm.order", [job_id], vals)
    odoo.call("fsm.order", "action_complete", [job_id])
    parts = inventory.safe_validate_job_parts(odoo, order.get("name"))  # parts used: delivered
    return _("Job finished. Well done!") + (f" {parts}" if parts else "")


def cancel_job(odoo, viewer: Viewer, job_id: int) -> str:
    """Cancel the job through Odoo's ``action_cancel``."""
    order = fetch_order(odoo, viewer, job_id, ["is_closed"])
    if order.get("is_closed"):
        raise JobActionError(_("This job is already closed."))
    odoo.call("fsm.order", "action_cancel", [job_id])
    return _("Job cancelled.")


def _post_note(odoo, viewer: Viewer, job_id: int, html: Markup):
    """An internal note on the job, as the user (see :func:`chatter.post_note`)."""
    return chatter.post_note(odoo, viewer.version, MODEL, job_id, html)


def add_note(odoo, viewer: Viewer, job_id: int, text: str) -> str:
    """Post the technician's note on the job's chatter, as the technician."""
    text = check_text(text, _("The note"))
    if not text:
        raise JobActionError(_("The note is empty."))
    fetch_order(odoo, viewer, job_id, ["id"])
    _post_note(odoo, viewer, job_id, text_to_html(text))
    return _("Note added.")


def post_text_note(odoo, viewer: Viewer, job_id: int, text: str):
    """A plain-text internal note on the job (no ownership check: the caller did it)."""
    return _post_note(odoo, viewer, job_id, text_to_html(text))


def add_photos(odoo, viewer: Viewer, job_id: int, files, storage, *, by=None,
               about=None) -> str:
    """Check, store under ``jobs/{id}/photos/`` and list the photos in a history note.

    ``files`` are ``(filename, bytes)`` pairs. Nothing is stored unless every file passes.
    ``about``: what they show (a checklist step), named in the note.

    :raises UploadRejected: for a file that is not an accepted photo or is too large.
    :raises StorageError: when the store fails (what was stored is removed again).
    """
    checked = media.check_photos(files)
    fetch_order(odoo, viewer, job_id, ["id"])
    return media.add_photos(odoo, viewer.version, media.record(MODEL, job_id), checked, storage,
                            by=by, about=about)


def save_signature(
    odoo,
    viewer: Viewer,
    job_id: int,
    png: bytes,
    signer_name: str,
    storage,
    *,
    now: datetime | None = None,
) -> dict:
    """Store the customer's signature, keep its bound reference in ``x_signature_url``, note it.

    :raises UploadRejected: when the PNG is not acceptable.
    :raises StorageError: when the store fails; ``x_signature_url`` is then left untouched.
    :returns: ``{"url": fresh pre-signed URL, "warning": None or a message}``
    """
    check_signature_png(png)
    signer_name = (signer_name or "").strip()[:120]
    fetch_order(odoo, viewer, job_id, ["id"])
    rec = media.record(MODEL, job_id)
    key, ref = media.store_signature(rec, png, storage)
    odoo.write(MODEL, [job_id], {"x_signature_url": ref})
    warning = None
    try:
        _post_note(odoo, viewer, job_id, media.signature_note(rec, ref, signer_name))
    except ActionRefused as exc:
        # The signature itself is saved; only the history note is missing.
        warning = _("Signature saved, but it could not be noted in the history: %(reason)s",
                    reason=exc.user_message)
    return {"url": storage.presigned_url(key), "warning": warning}
