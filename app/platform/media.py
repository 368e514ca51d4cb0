"""Files on any Odoo record: stored through the storage service, noted in the record's history,
bound to the record so that only Fieldkit's own references ever become links.

How a file is kept
    The bytes go to storage under ``<section>/<record id>/<kind>s/<random>/<name>`` (the random
    part makes keys unguessable). The record's history gets one internal note per upload, with a
    line ``fieldkit-<kind>: <reference>#<tag>`` per file: ``reference`` is the storage's stable
    name for the object and ``tag`` an HMAC over (model, record id, reference) made with a key
    only Fieldkit has. The page lists the files from the messages it reads anyway (no extra RPC)
    and the note says who added them and when.

Why the tag (issue 9, "forged file references")
    Anyone can type ``fieldkit-photo: local://jobs/7/photos/...`` into a note, or write any value
    into a field such as ``x_signature_url`` through Odoo. A reference becomes a link only when its
    tag is valid for *this* record, so text a user typed, a reference copied from another record
    and a guessed key all give nothing: they are shown as the plain text they are.

Untagged references written before the tags existed (jobs only: ``jobs/<id>/photos/...`` and
``signatures/fsm_<id>_...``) are still shown when their key lies under the record's own folder,
so an old job keeps its photos and signature. Set ``MEDIA_ACCEPT_UNTAGGED = False`` once those
jobs are archived.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass

from flask import current_app, has_app_context
from markupsafe import Markup

from app.odoo.client import OdooError
from app.platform import chatter, metrics
from app.platform.actions import ActionRefused
from app.platform.i18n import _, ngettext
from app.platform.s3_service import StorageError, make_key
from app.platform.uploads import UploadRejected, check_photo, sniff_video_type

logger = logging.getLogger(__name__)

KINDS = ("photo", "video", "signature", "file")
MARKER_RE = re.compile(r"fieldkit-(photo|video|signature|file):\s*([^\s<]+)")
# The folder of each model's files; a section that adds files to a new model adds a line here.
SECTION_FOLDERS = {
    "fsm.order": "jobs",
    "sale.order": "quotes",
    "crm.lead": "leads",
    "res.partner": "customers",
    "stock.picking": "transfers",
}
_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
}
_VIDEO_EXTENSIONS = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
_TAG_BYTES = 18  # 144 bits, 24 characters of base64url


@dataclass(frozen=True)
class RecordRef:
    """The record files belong to: its Odoo model and id."""

    model: str
    res_id: int

    @property
    def folder(self) -> str:
        section = SECTION_FOLDERS.get(self.model) or self.model.replace(".", "_")
        return f"{section}/{int(self.res_id)}"

    def legacy_prefixes(self) -> tuple[str, ...]:
        """Key prefixes of untagged references written before tags existed (jobs only)."""
        if self.model == "fsm.order":
            return (f"jobs/{int(self.res_id)}/", f"signatures/fsm_{int(self.res_id)}_")
        return ()


def record(model: str, res_id: int) -> RecordRef:
    return RecordRef(model, int(res_id))


# --------------------------------------------------------------------------- binding


def _signing_key() -> bytes:
    config = current_app.config
    key = config.get("MEDIA_SIGNING_KEY") or config.get("SECRET_KEY")
    if not key:
        raise RuntimeError("media references need SECRET_KEY (or MEDIA_SIGNING_KEY)")
    if isinstance(key, str):
        key = key.encode()
    # Derived for this one purpose, so a tag can't be replayed as any other signature.
    return hmac.new(key, b"fieldkit.media.v1", hashlib.sha256).digest()


def tag(rec: RecordRef, ref: str) -> str:
    """The HMAC tag binding storage reference ``ref`` to the record."""
    message = f"{rec.model}\n{int(rec.res_id)}\n{ref}".encode()
    digest = hmac.new(_signing_key(), message, hashlib.sha256).digest()[:_TAG_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def bind(rec: RecordRef, ref: str) -> str:
    """``<reference>#<tag>``: what Fieldkit writes in notes and fields."""
    return f"{ref}#{tag(rec, ref)}"


def _accept_untagged() -> bool:
    if not has_app_context():
        return True
    return bool(current_app.config.get("MEDIA_ACCEPT_UNTAGGED", True))


def unbind(rec: RecordRef, bound, storage) -> str | None:
    """The storage key behind ``bound`` when Fieldkit bound it to this record, else None."""
    if not isinstance(bound, str) or not bound:
        return None
    ref, sep, given = bound.rpartition("#")
    if not sep:
        ref = bound
    try:
        key = storage.key_from_reference(ref)
    except StorageError:
        return None
    if sep:
        return key if hmac.compare_digest(tag(rec, ref), given) else None
    if _accept_untagged() and key.startswith(rec.legacy_prefixes()):
        return key
    return None


def content_type_of(key: str) -> str:
    return _CONTENT_TYPES.get(os.path.splitext(key)[1].lower(), "application/octet-stream")


def presign(storage, key) -> str | None:
    """A fresh pre-signed URL, or None (logged) when the store can't sign it."""
    try:
        return storage.presigned_url(key)
    except StorageError:
        logger.warning("Could not sign a URL for %s", key, exc_info=True)
        return None


def link(rec: RecordRef, bound, storage) -> str | None:
    """A fresh link to a file bound to the record (e.g. a field's value), or None."""
    key = unbind(rec, bound, storage)
    return presign(storage, key) if key else None


# --------------------------------------------------------------------------- reading


def _strip_line(body: Markup, kind: str, token: str) -> Markup:
    """Remove one of Fieldkit's reference lines from sanitised HTML (a whole paragraph if alone)."""
    escaped = re.escape(token)
    html = re.sub(rf"<p>\s*fieldkit-{kind}:\s*{escaped}\s*</p>", "", str(body), count=1)
    html = re.sub(rf"fieldkit-{kind}:\s*{escaped}", "", html, count=1)
    return Markup(html)  # noqa: S704 (removing a text-only paragraph from safe HTML keeps it safe)


def collect(messages: list[dict], rec: RecordRef, storage) -> dict:
    """Find the record's files in its history; give each message its ``media``.

    Only references bound to ``rec`` count; their lines are removed from the message's body.
    Anything else (typed text, another record's reference, a guessed key) stays plain text.
    :returns: ``{"photos": [...], "videos": [...], "signatures": [...], "files": [...]}``, each
        item ``{kind, url, content_type, author, date, caption}`` (``caption``: the note's own
        text, e.g. "1 photo added for “Clean the burner”"), newest first; unsignable ones
        skipped.
    """
    found = {f"{k}s": [] for k in KINDS}
    seen = set()
    for msg in messages:
        msg["media"] = []
        caption = " ".join(MARKER_RE.sub("", msg.get("text") or "").split())
        for kind, token in MARKER_RE.findall(msg.get("text") or ""):
            key = unbind(rec, token, storage)
            if key is None:
                continue
            msg["body"] = _strip_line(msg["body"], kind, token)
            if key in seen:
                continue
            seen.add(key)
            url = presign(storage, key)
            if url is None:
                continue
            item = {
                "kind": kind,
                "url": url,
                "content_type": content_type_of(key),
                "author": msg.get("author") or "",
                "date": msg.get("date"),
                "caption": caption,
            }
            msg["media"].append(item)
            found[f"{kind}s"].append(item)
        if msg["media"]:
            text = MARKER_RE.sub("", msg.get("text") or "")
            msg["has_body"] = bool(text.strip()) and bool(str(msg["body"]).strip())
    return found


# --------------------------------------------------------------------------- writing


def discard(storage, keys):
    """Remove what was stored for an upload that failed later (logged, never raised)."""
    for key in keys:
        try:
            storage.delete(key)
        except StorageError:
            logger.warning("Could not remove %s after a failed upload", key, exc_info=True)


def note_html(summary: str, kind: str, bound_refs) -> Markup:
    """The note recording files: a summary paragraph, then one reference line per file."""
    lines = [Markup("<p>{}</p>").format(summary)] if summary else []
    lines += [Markup("<p>fieldkit-{}: {}</p>").format(kind, b) for b in bound_refs]
    return Markup("").join(lines)


def check_photos(files) -> list[tuple[str, bytes, str]]:
    """``(name, bytes)`` pairs → ``(name, bytes, content_type)``, every one checked by content.

    :raises UploadRejected: when there is none, or one is not an accepted photo.
    """
    files = [(name, data) for name, data in files if name or data]
    if not files:
        raise UploadRejected(_("Please choose at least one photo."))
    return [(name, data, check_photo(data, name)) for name, data in files]


def photo_caption(count: int, about: str | None = None, by: str | None = None) -> str:
    """The summary of a photo note: "2 photos added", "1 photo added for “<about>”", each
    with " by <by>" when given. The quotes around `about` are the placeholder's value, never
    the translation's: checklists find a step's photos by them in any language."""
    step = f"“{about}”" if about else None
    if step and by:
        return ngettext("%(num)d photo added for %(step)s by %(name)s",
                        "%(num)d photos added for %(step)s by %(name)s", count, step=step, name=by)
    if step:
        return ngettext("%(num)d photo added for %(step)s", "%(num)d photos added for %(step)s",
                        count, step=step)
    if by:
        return ngettext("%(num)d photo added by %(name)s", "%(num)d photos added by %(name)s",
                        count, name=by)
    return ngettext("%(num)d photo added", "%(num)d photos added", count)


def add_photos(odoo, version: int, rec: RecordRef, checked, storage, *, by=None,
               about=None) -> str:
    """Store photos (from :func:`check_photos`) under ``<folder>/photos/`` and note them
    (`by`: who added them, when the note's author is not that person; `about`: what they show,
    e.g. a checklist step, named in the note as :func:`photo_caption` writes it).

    Call after checking the user may change the record. Nothing stays stored if the note fails.
    :raises StorageError: / :raises ActionRefused: / OdooError.
    """
    keys = []
    try:
        for name, data, content_type in checked:
            key = make_key(f"{rec.folder}/photos", name or "photo", content_type)
            storage.put_object(key, data, content_type)
            metrics.UPLOAD_BYTES.labels("photo").inc(len(data))
            keys.append(key)
        summary = photo_caption(len(keys), about, by)
        refs = [bind(rec, storage.reference(k)) for k in keys]
        chatter.post_note(odoo, version, rec.model, rec.res_id, note_html(summary, "photo", refs))
    except (StorageError, ActionRefused, OdooError):
        discard(storage, keys)
        raise
    return ngettext("%(num)d photo added.", "%(num)d photos added.", len(keys))


def add_video(odoo, version: int, rec: RecordRef, name, stream, storage, *, max_bytes) -> str:
    """Stream one video to ``<folder>/videos/`` (type judged by its first bytes) and note it.

    ``stream`` is a file-like object read in chunks: the video is never held whole in memory.
    :raises UploadRejected: not a video (MP4/MOV/WebM), empty or over ``max_bytes``; nothing kept.
    :raises StorageError: / :raises ActionRefused: / OdooError: nothing kept either.
    """
    head = stream.read(64 * 1024)
    content_type = sniff_video_type(head)
    if not head:
        raise UploadRejected(
            _("“%(file)s” is empty. Please choose the video again.", file=name) if name
            else _("This file is empty. Please choose the video again."))
    if content_type is None:
        raise UploadRejected(
            _("“%(file)s” is not a video Fieldkit accepts (MP4, MOV or WebM).", file=name) if name
            else _("This file is not a video Fieldkit accepts (MP4, MOV or WebM)."))
    key = make_video_key(rec, name, content_type)
    # The storage consumes the chunks as they arrive; over the limit, it removes what it wrote.
    storage.put_stream(key, _limited(_chunks(head, stream), max_bytes), content_type)
    try:
        ref = bind(rec, storage.reference(key))
        note = note_html(_("Video added"), "video", [ref])
        chatter.post_note(odoo, version, rec.model, rec.res_id, note)
    except (StorageError, ActionRefused, OdooError):
        discard(storage, [key])
        raise
    return _("Video added.")


def make_video_key(rec: RecordRef, name, content_type) -> str:
    extension = _VIDEO_EXTENSIONS[content_type]
    stem = os.path.splitext(name or "")[0] or "video"
    return make_key(f"{rec.folder}/videos", stem + extension)


def _chunks(head: bytes, stream, size=1024 * 1024):
    yield head
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


def _limited(chunks, max_bytes):
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise VideoTooLarge(max_bytes)
        metrics.UPLOAD_BYTES.labels("video").inc(len(chunk))
        yield chunk


def store_signature(rec: RecordRef, png: bytes, storage) -> tuple[str, str]:
    """Store a checked signature PNG under ``<folder>/signatures/``.

    :returns: ``(key, bound reference)``; keep the bound reference in Odoo.
    :raises StorageError: when the store fails.
    """
    key = make_key(f"{rec.folder}/signatures", "signature.png", "image/png")
    storage.put_object(key, png, "image/png")
    metrics.UPLOAD_BYTES.labels("signature").inc(len(png))
    return key, bind(rec, storage.reference(key))


def signature_note(rec: RecordRef, bound_ref: str, signer_name: str) -> Markup:
    # Stays English: the service report finds the signer in it (report.SIGNED_BY), in whatever
    # language the customer reads the report.
    who = f"Signed by {signer_name}" if signer_name else "Customer signature collected"
    return note_html(who, "signature", [bound_ref])


def oversize_message(limit: int) -> str:
    return _("This video is too large: videos can be up to %(num)d MB.",
             num=limit // (1024 * 1024))


class VideoTooLarge(UploadRejected):
    """Raised by storage streams when the bytes pass the limit (nothing is kept)."""

    def __init__(self, limit):
        super().__init__(oversize_message(limit))
        self.limit = limit


__all__ = [
    "ActionRefused",
    "RecordRef",
    "VideoTooLarge",
    "add_photos",
    "add_video",
    "bind",
    "collect",
    "link",
    "record",
    "store_signature",
    "unbind",
]
