"""The signed service report: a PDF of a job (customer, location, times, work done,
resolution, parts used, photos as thumbnails, the signature and the signer's name), attached
to the order in Odoo (ir.attachment) and, when asked, sent to the customer through Odoo's own
mail (message_post on the order with the attachment and the customer as recipient), so it
appears in the order's history.

fpdf2: pure Python (no wkhtmltopdf, no browser, no system libraries), small output with the
core fonts, images downscaled with Pillow before embedding, so a report with six photos stays
in the tens of kilobytes and builds in milliseconds on the app server.
"""
from __future__ import annotations

import base64
import io
import logging
import re

from flask import current_app
from fpdf import FPDF
from PIL import Image, UnidentifiedImageError

from app.odoo.client import OdooError, OdooUnavailable
from app.platform import media
from app.platform.s3_service import get_storage
from app.platform.sanitize import html_to_text
from app.services import checklists, inventory, invoices, jobs

log = logging.getLogger(__name__)

MODEL = "fsm.order"
NAME_PREFIX = "Service report"
THUMB_PX = 480            # longest side of an embedded photo (about 300 dpi at 40 mm)
MAX_PHOTOS = 12
SIGNED_BY = re.compile(r"Signed by (.+)")


def _latin(text) -> str:
    """The core PDF fonts speak Latin-1: replace what they can't draw."""
    text = str(text or "").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2026", "...")
    return text.encode("latin-1", "replace").decode("latin-1")


def _thumbnail(data: bytes, px=THUMB_PX) -> io.BytesIO | None:
    try:
        image = Image.open(io.BytesIO(data))
        image.thumbnail((px, px))   # (JPEGs are decoded at 1/8 scale: Image.draft)
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "P"):
            image.save(out, "PNG", optimize=True)
        else:
            image.convert("RGB").save(out, "JPEG", quality=70, optimize=True)
    except (UnidentifiedImageError, OSError) as exc:
        log.info("image left out of the report: %s", exc)
        return None
    out.seek(0)
    return out


def _files(job, rec, storage):
    """(photo bytes, signature bytes, signer name) from the job's history and its signature."""
    photos, signer = [], ""
    for msg in job.get("messages") or []:
        text = msg.get("text") or ""
        for kind, token in media.MARKER_RE.findall(text):
            if kind == "photo" and len(photos) < MAX_PHOTOS:
                key = media.unbind(rec, token, storage)
                data = storage.get_object(key) if key else None
                if data:
                    photos.append(data)
            if kind == "signature" and not signer:
                found = SIGNED_BY.search(text)
                signer = found.group(1).strip() if found else ""
    signature = None
    key = media.unbind(rec, job.get("signature_ref"), storage) if job.get("signature_ref") else None
    if key:
        signature = storage.get_object(key)
    return photos, signature, signer


def report_data(odoo, viewer, job_id, storage) -> dict:
    """Everything the report shows (job page data + parts + the files' bytes)."""
    job = jobs.job_detail(odoo, viewer, job_id, storage=storage,
                          **checklists.detail_reads(odoo, viewer, job_id))
    job["checklist_lines"] = checklists.report_lines(odoo, viewer, job)
    order = jobs.fetch_order(odoo, viewer, job_id, ["x_signature_url", "location_id"])
    job["signature_ref"] = order.get("x_signature_url")
    job["location_ref"] = order.get("location_id")
    try:
        job["parts"] = inventory.job_parts(odoo, job).get("parts", [])
    except OdooError as exc:  # no stock app, or no access: the report goes without parts
        log.info("no parts for the report of job %s: %s", job_id, exc)
        job["parts"] = []
    job["photo_bytes"], job["signature_bytes"], job["signer"] = _files(
        job, media.record(MODEL, job_id), storage)
    return job


class _Report(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 8, f"Page {self.page_no()}/{{nb}}", align="C")


def build_pdf(job: dict, company: str = "", *, compress=True) -> bytes:
    pdf = _Report(format="A4")
    pdf.compress = compress   # tests read the text of an uncompressed one
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_latin(f"{NAME_PREFIX} {job.get('name')}"))
    pdf.add_page()
    width = pdf.epw

    def heading(text):
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(width, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=10)

    def para(text):
        pdf.multi_cell(width, 5, _latin(text) or "-", new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("helvetica", "B", 16)
    pdf.cell(width, 9, _latin(f"{NAME_PREFIX} {job.get('name')}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    if company:
        para(company)
    heading("Customer")
    para(job.get("customer") or "")
    heading("Location")
    para(" ".join(filter(None, [job.get("location"), job.get("address")])))
    heading("Times")
    para(f"Started: {job.get('started_at') or 'not recorded'}\n"
         f"Ended: {job.get('ended_at') or 'not recorded'}\n"
         f"Technician: {job.get('technician') or '-'}")
    heading("Work done")
    para(html_to_text(str(job.get("description") or "")))
    heading("Resolution")
    para(job.get("resolution_text") or "")
    paid = invoices.receipts(job.get("messages"))
    if paid:
        heading("Payments")
        for line in paid:
            para(line)
    heading("Parts used")
    parts = job.get("parts") or []
    if parts:
        for part in parts:
            para(f"{part.get('quantity_text')} {part.get('unit') or ''} x {part.get('product')}")
    else:
        para("None")
    _checklist_block(job, heading, para)
    photos = [t for t in (_thumbnail(p) for p in job.get("photo_bytes") or []) if t]
    if photos:
        heading(f"Photos ({len(photos)})")
        size, gap, x0 = 42, 3, pdf.l_margin
        per_row = int((width + gap) // (size + gap))
        for i, thumb in enumerate(photos):
            if i % per_row == 0:
                if i:
                    pdf.ln(size + gap)
                if pdf.get_y() + size > pdf.page_break_trigger:
                    pdf.add_page()
            pdf.image(thumb, x=x0 + (i % per_row) * (size + gap), y=pdf.get_y(), w=size,
                      h=size, keep_aspect_ratio=True)
        pdf.ln(size + gap)
    heading("Customer signature")
    signature = _thumbnail(job["signature_bytes"], 600) if job.get("signature_bytes") else None
    if signature:
        if pdf.get_y() + 30 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(signature, x=pdf.l_margin, y=pdf.get_y(), w=70, h=28, keep_aspect_ratio=True)
        pdf.ln(30)
        para(f"Signed by: {job.get('signer') or 'the customer'}")
    else:
        para("Not signed.")
    return bytes(pdf.output())


def _checklist_block(job, heading, para):
    """The job's checklist (app/services/checklists.py): each step with its state."""
    lines = job.get("checklist_lines") or []
    if lines:
        heading("Checklist")
        para("\n".join(lines))


def file_name(job) -> str:
    return f"{NAME_PREFIX} {job.get('name')}.pdf"


def _customer_partner(odoo, job) -> int | None:
    location = job.get("location_ref")
    if not location:
        return None
    rows = odoo.read("fsm.location", [location[0] if isinstance(location, list) else location],
                     ["owner_id", "partner_id"])
    if not rows:
        return None
    partner = rows[0].get("owner_id") or rows[0].get("partner_id")
    return partner[0] if isinstance(partner, list) else partner


def attach(odoo, viewer, job_id, storage, email=False) -> str:
    """Make the report, attach it to the order, and email it to the customer when asked; the
    answer says what Odoo did with the email (:func:`email_outcome`)."""
    return _attach_and_send(odoo, job_id, report_data(odoo, viewer, job_id, storage), email)


def _attach_and_send(odoo, job_id, job, email) -> str:
    pdf = build_pdf(job)
    attachment = odoo.create("ir.attachment", {
        "name": file_name(job), "datas": base64.b64encode(pdf).decode(), "res_model": MODEL,
        "res_id": job_id, "mimetype": "application/pdf"})
    if not email:
        return "Report attached to the order."
    partner = _customer_partner(odoo, job)
    if not partner:
        raise jobs.JobActionError("The report is attached, but the customer has no contact "
                                  "to send it to.")
    posted = odoo.call(MODEL, "message_post", [job_id],
                       body=f"<p>Hello, please find attached the service report for "
                            f"{job.get('name')}.</p>",
                       subject=f"{NAME_PREFIX} {job.get('name')}", message_type="comment",
                       subtype_xmlid="mail.mt_comment", partner_ids=[partner],
                       attachment_ids=[attachment])
    message_id = posted[0] if isinstance(posted, list) else posted  # 19 answers [id]
    return f"Report attached to the order. {email_outcome(odoo, message_id)}"


# mail.notification failure types (mail/models/mail_notification.py) people can act on.
MAIL_FAILURES = {
    "mail_email_missing": "the customer has no email address in Odoo",
    "mail_email_invalid": "the customer's email address is not valid",
    "mail_smtp": "Odoo's outgoing mail server refused it",
    "mail_bounce": "it bounced",
}


def email_outcome(odoo, message_id) -> str:
    """What Odoo did with the email of a posted message (1 RPC). Odoo sends it at once within
    ``message_post``; its ``mail.mail`` is for administrators only (and deleted once sent), so
    its state is read from the recipient's email ``mail.notification``, which Odoo keeps in
    step: ``ready`` queued, ``sent`` sent, ``exception``/``bounce`` failed with a reason."""
    rows = odoo.search_read("mail.notification", [("mail_message_id", "=", message_id),
                                                  ("notification_type", "=", "email")],
                            ["notification_status", "failure_type", "failure_reason"],
                            limit=1, order="id desc")
    if not rows:
        return "Odoo did not email it: the customer is an Odoo user and finds it in Odoo."
    row = rows[0]
    status = row.get("notification_status")
    if status == "sent":
        return "Odoo emailed it to the customer."
    if status in ("exception", "bounce"):
        reason = " ".join(str(row.get("failure_reason") or "").split())
        label = MAIL_FAILURES.get(row.get("failure_type") or "")
        why = "; ".join(p for p in (label, reason) if p) or "no reason given"
        return f"The email to the customer failed: {why}."
    if status == "canceled":
        return "The email to the customer was cancelled in Odoo."
    return "The email to the customer is queued in Odoo: its mail server sends it shortly."


def finish_job(odoo, viewer, job_id, resolution, *, storage=None) -> str:
    """Finish the job (:func:`jobs.finish_job`); when the customer signed it, attach the signed
    report to the order and, with ``EMAIL_REPORT_AT_FINISH`` (default on), have Odoo email it,
    saying what Odoo did. The job stays finished when the report fails: the answer says so."""
    storage = storage or get_storage()
    message = jobs.finish_job(odoo, viewer, job_id, resolution, storage=storage)
    try:
        order = jobs.fetch_order(odoo, viewer, job_id, ["x_signature_url"])
        if not jobs.signature_on_file(job_id, order.get("x_signature_url"), storage):
            return message  # unsigned: no report (1 read, no photos fetched)
        job = report_data(odoo, viewer, job_id, storage)
        email = bool(current_app.config.get("EMAIL_REPORT_AT_FINISH", True))
        outcome = _attach_and_send(odoo, job_id, job, email)
    except OdooUnavailable as exc:
        log.warning("signed report of job %s not attached at finish: %s", job_id, exc)
        outcome = ("Odoo stopped answering before the signed report was attached: attach it "
                   "from the job page.")
    except jobs.JobActionError as exc:  # attached; no customer to email it to
        outcome = exc.user_message
    except OdooError as exc:
        log.warning("signed report of job %s at finish: %s", job_id, exc)
        outcome = f"The signed report could not be attached or emailed: {exc.user_message}"
    return f"{message} {outcome}"


def preview(odoo, viewer, job_id, storage) -> tuple[bytes, str]:
    job = report_data(odoo, viewer, job_id, storage)
    return build_pdf(job), file_name(job)


def reports(odoo, viewer, job_id) -> list[dict]:
    """The reports attached to the order (newest first), for downloading later."""
    return odoo.search_read("ir.attachment", [("res_model", "=", MODEL), ("res_id", "=", job_id),
                                              ("name", "=like", f"{NAME_PREFIX}%")],
                            ["name", "create_date"], order="id desc", limit=10)


def reports_page(odoo, viewer, job_id) -> dict:
    """The job (ownership checked) and its attached reports: 2 RPCs.

    :raises JobNotFound: / :raises JobForbidden: see :func:`jobs.fetch_order`."""
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", "is_closed"])
    return {"job": {"id": job_id, "name": order.get("name") or f"#{job_id}",
                    "is_closed": bool(order.get("is_closed"))},
            "reports": reports(odoo, viewer, job_id)}


def download(odoo, viewer, job_id, attachment_id) -> tuple[bytes, str]:
    jobs.fetch_order(odoo, viewer, job_id, ["name"])
    rows = odoo.search_read("ir.attachment", [("id", "=", attachment_id),
                                              ("res_model", "=", MODEL), ("res_id", "=", job_id)],
                            ["name", "datas"], limit=1)
    if not rows or not rows[0].get("datas"):
        raise jobs.JobNotFound()
    return base64.b64decode(rows[0]["datas"]), rows[0]["name"]
