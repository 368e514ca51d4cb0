"""The signed service report: the document a customer keeps (issue 27). The company's header from
Odoo (logo, name, address, phone, e-mail, VAT), the job reference and the date of service, the
customer and the service address, the technician and the times in the site's time zone with
their date (never "Today"), the problem and the work done (the resolution), parts with their
unit, checklist, photos as thumbnails, time on site, and the signature with the signer's name and
time. In the customer's language (``partner.lang``, read as ``job["lang"]``), not the
technician's: the PDF and the e-mail that carries it are written under ``force_locale`` of the
closest language Fieldkit has (English otherwise), words and dates alike. Attached
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
from markupsafe import escape
from PIL import Image, UnidentifiedImageError

from app.odoo import versions
from app.odoo.client import OdooCall, OdooError, OdooUnavailable
from app.platform import chatter, formatting, i18n, media
from app.platform import timezone as tzs
from app.platform.i18n import _, ngettext
from app.platform.s3_service import get_storage
from app.platform.sanitize import html_to_text
from app.platform.ttl_cache import TTLCache, server_key
from app.services import checklists, inventory, invoices, jobs

log = logging.getLogger(__name__)

MODEL = "fsm.order"
NAME_PREFIX = "Service report"
THUMB_PX = 480            # longest side of an embedded photo (about 300 dpi at 40 mm)
MAX_PHOTOS = 12
SIGNED_BY = re.compile(r"Signed by (.+)")
COMPANY_FIELDS = ["name", "street", "street2", "zip", "city", "state_id", "country_id", "phone",
                  "email", "vat", "website", "logo"]
PARTNER_FIELDS = ["name", "street", "street2", "zip", "city", "state_id", "country_id", "lang"]
_PARTNER_M2O = ("state_id", "country_id")
_companies = TTLCache(600)   # a company's header (and logo) changes rarely
# 15/16: a job's location id, so the report reads its site and customer with the order (a job
# moved since is read again); 17+ nest them in the order's read.
_job_sites = TTLCache(24 * 3600, shared="fsm-order-site")



def customer_language(job) -> str:
    """The language the report speaks: the customer's (``fr_BE`` -> ``fr``), else English."""
    return i18n.closest(job.get("lang")) or i18n.DEFAULT


def _latin(text) -> str:
    """The core PDF fonts speak Latin-1: replace what they can't draw."""
    text = str(text or "").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2026", "...")
    # CLDR's narrow no-break space (French thousands, "14 h"), French ligatures, the euro.
    text = text.replace("\u202f", "\u00a0").replace("\u0153", "oe").replace("\u0152", "OE")
    text = text.replace("\u20ac", "EUR")
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
    photos, signer, signed_at = [], "", None
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
                signer = found.group(1).strip().rstrip(".") if found else ""
                signed_at = msg.get("date")
    signature = None
    key = media.unbind(rec, job.get("signature_ref"), storage) if job.get("signature_ref") else None
    if key:
        signature = storage.get_object(key)
    return photos, signature, signer, signed_at


def company_header(odoo, company_id) -> dict:
    """The company's header for the report: name, address lines, phone, e-mail, website, VAT and
    logo bytes (1 RPC, then cached for minutes per server and company)."""
    def load():
        rows = odoo.read("res.company", [company_id], COMPANY_FIELDS) if company_id else []
        return _company_header(rows)
    return _companies.get(server_key(odoo, "report-company", company_id), load)


def _company_header(rows) -> dict:
    row = rows[0] if rows else {}
    logo = row.get("logo")
    return {"name": row.get("name") or "", "address": _address(row),
            "phone": row.get("phone") or "", "email": row.get("email") or "",
            "website": row.get("website") or "", "vat": row.get("vat") or "",
            "logo": base64.b64decode(logo) if logo else None}


def _address(row) -> str:
    """An address in lines, as on an envelope."""
    city = " ".join(filter(None, [row.get("zip"), row.get("city")]))
    state = _name(row.get("state_id"))
    return "\n".join(filter(None, [row.get("street"), row.get("street2"),
                                   ", ".join(filter(None, [city, state])),
                                   _name(row.get("country_id"))]))


def _name(value) -> str:
    return value[1] if isinstance(value, list) and len(value) > 1 else ""


def _id(value):
    if isinstance(value, dict):  # nested by web_read
        return value.get("id")
    return value[0] if isinstance(value, list) else value or None


def _spec(fields) -> dict:
    """A ``web_read`` specification of these fields, state and country with their names."""
    return {"fields": {"display_name": {}, **{name: {"fields": {"display_name": {}}}
                                              if name in _PARTNER_M2O else {} for name in fields}}}


def _site_spec() -> dict:
    """17+: the location as the order's ``web_read`` nests it: its name, time zone, and its
    owner and partner with their address and language (the customer: _site_and_customer)."""
    return {"fields": {"display_name": {}, "tz": {}, "owner_id": _spec(PARTNER_FIELDS),
                       "partner_id": _spec(PARTNER_FIELDS)}}


def _site_and_customer_calls(location) -> list[OdooCall]:
    """The reads of :func:`_site_and_customer` where the order's read did not nest them (15/16,
    or the nest refused), sent together: the location, and the customer found as the partner
    owning it (fsm.location's ``owner_id``, read the other way round)."""
    return [OdooCall("read", "fsm.location", [_id(location)], ["owner_id", "partner_id", "tz"]),
            OdooCall("search_read", "res.partner", [("owned_location_ids", "in", [_id(location)])],
                     PARTNER_FIELDS, limit=1)]


def _site_and_customer(odoo, location, answers) -> tuple[dict, dict]:
    """The job's location (its time zone) and the customer who owns it, with their address and
    language: on 17+ from the location the order's read nested (:func:`_site_spec`), before
    from the answers of :func:`_site_and_customer_calls` (fsm.location inherits res.partner, so
    `tz` reads through it); a location without an owner: its partner (15/16: read after, 1 RPC
    more)."""
    if not _id(location):
        return {}, {}
    if isinstance(location, dict):  # 17+: the owner and the partner nested in the order's read
        owner = location.get("owner_id") or location.get("partner_id")
        return location, (jobs._from_web(dict(owner), {}) if isinstance(owner, dict) else {})
    rows, owners = answers
    site = rows[0] if rows else {}
    if owners:
        return site, owners[0]
    owner = _id(site.get("partner_id"))
    found = odoo.read("res.partner", [owner], PARTNER_FIELDS) if owner else []
    return site, (found[0] if found else {})


def report_data(odoo, viewer, job_id, storage) -> dict:
    """Everything the report shows (job page data + parts + the files' bytes). 17+: the order
    with its history, site, customer and (not cached) company nested, and the parts once the
    job's reference is known here (inventory.known_job_name; else after): 2 calls, one round
    trip. 15/16: the job page's reads with the parts, the site and its customer (once known
    here: :data:`_job_sites`) and the company (not cached): 5 calls in one round trip (2 on
    15: the history after the order); what was not known goes in a second round."""
    web = versions.has_web_read(viewer.version)
    reads = checklists.detail_reads(odoo, viewer, job_id)
    name = inventory.known_job_name(odoo, job_id)
    site_key = server_key(odoo, "fsm.order-site", job_id)
    site_id = None if web else _job_sites.peek(site_key)
    header_cached = _companies.has(server_key(odoo, "report-company", viewer.company_id))
    early = {"moves": inventory.moves_call(name)} if name else {}
    if web:
        reads["nested"].update(message_ids=chatter.nested_history(), location_id=_site_spec())
        if not header_cached:
            reads["nested"]["company_id"] = _spec(COMPANY_FIELDS)
    else:
        if site_id:
            early["site"], early["owner"] = _site_and_customer_calls(site_id)
        if not header_cached and viewer.company_id:
            early["company"] = OdooCall("read", "res.company", [viewer.company_id],
                                        COMPANY_FIELDS)
    job = jobs.job_detail(odoo, viewer, job_id, storage=storage,
                          more_fields=("company_id", "date_start", "date_end"),
                          more=tuple(early.values()), **reads)
    # (nothing "more" when the order was read again without its nest: all read below)
    got = dict(zip(early, job["extra"]["more"], strict=True)) if "more" in job["extra"] else {}
    inventory.remember_job_name(odoo, job_id, job["name"])
    job["checklist_lines"] = checklists.report_lines(odoo, viewer, job)
    order, location = job["extra"], job.get("location_ref")  # 17+: nested (a dict)
    company = order.get("company_id")
    company_id = _id(company) or viewer.company_id
    company_key = server_key(odoo, "report-company", company_id)
    if isinstance(company, dict) and "logo" in company:  # its header nested in the order's read
        _companies.put(company_key, _company_header([jobs._from_web(dict(company), {})]))
    if isinstance(got.get("company"), list):
        _companies.put(server_key(odoo, "report-company", viewer.company_id),
                       _company_header(got["company"]))
    moves = got.get("moves") if job["name"] == name else None
    site_answers = ([got["site"], got["owner"]] if "site" in got and _id(location) == site_id
                    else [])
    # a location read without its nest (15/16, or the nest refused), not read early: read now
    site_calls = (_site_and_customer_calls(location) if _id(location) and not site_answers
                  and not isinstance(location, dict) else [])
    if site_calls:
        _job_sites.put(site_key, _id(location))
    fetch_company = bool(company_id) and not _companies.has(company_key)
    calls = [*site_calls, *([] if moves is not None else [inventory.moves_call(job["name"])]),
             *([OdooCall("read", "res.company", [company_id], COMPANY_FIELDS)]
               if fetch_company else [])]
    answers = odoo.parallel(calls, return_errors=True) if calls else []
    site_answers = site_answers or answers[:len(site_calls)]
    if moves is None:
        moves = answers[len(site_calls)]
    for answer in [*site_answers, *(answers[-1:] if fetch_company else [])]:
        if isinstance(answer, OdooError):
            raise answer
    if fetch_company:
        _companies.put(company_key, _company_header(answers[-1]))
    site, customer = _site_and_customer(odoo, location, site_answers)
    job["customer_partner_id"] = customer.get("id")
    job["customer_name"] = customer.get("name") or job.get("customer") or ""
    job["customer_address"] = _address(customer)
    job["lang"] = customer.get("lang") or ""   # the customer's language: the report's
    job["tz"] = site.get("tz") or viewer.tz
    job["date_start"], job["date_end"] = order.get("date_start"), order.get("date_end")
    job["company"] = company_header(odoo, company_id)
    if isinstance(moves, OdooError):  # no stock app, or no access: the report goes without parts
        log.info("no parts for the report of job %s: %s", job_id, moves)
        job["parts"] = []
    else:
        job["parts"] = inventory.parts_of(moves).get("parts", [])
    (job["photo_bytes"], job["signature_bytes"], job["signer"],
     job["signed_at"]) = _files(job, media.record(MODEL, job_id), storage)
    return job


class _Report(FPDF):
    def footer(self):   # written while build_pdf's language is in force
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        # {nb}: fpdf's alias for the number of pages, filled in at output
        self.cell(0, 8, _latin(_("Page %(page)d of %(pages)s", page=self.page_no(),
                                 pages=self.str_alias_nb_pages)), align="C")


def _when(value, tz, lang) -> str:
    """An absolute date and time for a document (``Friday 4 December 2026, 14:38``)."""
    if not value:
        return ""
    return (f"{formatting.format_long_date(value, tz, lang)}, "
            f"{formatting.format_time(value, tz, lang)}")


def visit_lines(job) -> list[tuple[str, str]]:
    """Technician, start, end (with their dates, in the site's zone) and the time on site."""
    tz, lang = job.get("tz"), job.get("lang")
    start, end = job.get("date_start"), job.get("date_end")
    rows = [(_("Technician"), job.get("technician") or "-"),
            (_("Started"), _when(start, tz, lang) or _("not recorded")),
            (_("Finished"), _when(end, tz, lang) or _("not recorded"))]
    if start and end:
        seconds = (tzs.parse_odoo_datetime(end) - tzs.parse_odoo_datetime(start)).total_seconds()
        if seconds >= 0:
            rows.append((_("Time on site"), formatting.format_duration(seconds / 3600, lang)))
    return rows


def build_pdf(job: dict, company: str = "", *, compress=True) -> bytes:
    """The report's PDF from :func:`report_data`'s job (``company``: a name when the job has no
    ``company`` header, for callers without Odoo), in the customer's language."""
    with i18n.force_locale(customer_language(job)):
        return _build_pdf(job, company, compress)


def _build_pdf(job, company, compress) -> bytes:
    header = job.get("company") or {"name": company}
    tz, lang = job.get("tz"), job.get("lang")
    title = _("Service report")
    pdf = _Report(format="A4")
    pdf.compress = compress   # tests read the text of an uncompressed one
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_latin(f"{title} {job.get('name')}"))
    pdf.set_lang(customer_language(job))   # the PDF's /Lang, for screen readers
    pdf.set_author(_latin(header.get("name") or ""))
    pdf.add_page()
    width = pdf.epw

    def heading(text):
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(width, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=10)

    def para(text, w=None, x=None):
        if x is not None:
            pdf.set_x(x)
        pdf.multi_cell(w or width, 5, _latin(text) or "-", new_x="LMARGIN", new_y="NEXT")

    # the company's header: logo, name, address, contact, VAT
    top, text_x = pdf.get_y(), pdf.l_margin
    logo = _thumbnail(header["logo"], 300) if header.get("logo") else None
    if logo:
        pdf.image(logo, x=pdf.l_margin, y=top, h=20, keep_aspect_ratio=True, w=30)
        text_x = pdf.l_margin + 34
    pdf.set_xy(text_x, top)
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(width - (text_x - pdf.l_margin), 7, _latin(header.get("name") or ""),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    contact = " - ".join(filter(None, [header.get("phone"), header.get("email"),
                                       header.get("website")]))
    vat = _("VAT: %(number)s", number=header["vat"]) if header.get("vat") else ""
    for line in filter(None, [header.get("address", "").replace("\n", ", "), contact, vat]):
        pdf.set_x(text_x)
        pdf.cell(width - (text_x - pdf.l_margin), 4.5, _latin(line), new_x="LMARGIN",
                 new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + (22 if logo else 0)) + 2)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)

    # title, job reference, date of service
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(width, 9, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    para(_("Job reference: %(reference)s", reference=job.get("name")))
    service_day = formatting.format_long_date(job.get("date_start") or job.get("date_end"),
                                              tz, lang)
    if service_day:
        para(_("Date of service: %(day)s", day=service_day))

    # customer | service address, side by side
    half = (width - 6) / 2
    y = bottom = pdf.get_y() + 3
    for i, (title, body) in enumerate((
            (_("Customer"), "\n".join(filter(None, [
                job.get("customer_name") or job.get("customer"), job.get("customer_address")]))),
            (_("Service address"), "\n".join(filter(None, [job.get("location"),
                                                            job.get("address")]))))):
        x = pdf.l_margin + i * (half + 6)
        pdf.set_xy(x, y)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(half, 7, _latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=10)
        para(body, w=half, x=x)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom)

    heading(_("Visit"))
    for label, value in visit_lines(job):
        pdf.set_font("helvetica", "B", 10)
        pdf.cell(38, 5, _latin(label))
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(width - 38, 5, _latin(value), new_x="LMARGIN", new_y="NEXT")
    if tz:
        pdf.set_font("helvetica", size=8)
        para(_("Times are local to the site: %(zone)s", zone=formatting.zone_label(tz, lang)))
        pdf.set_font("helvetica", size=10)

    heading(_("The problem"))
    para(html_to_text(str(job.get("description") or "")))
    heading(_("Work done"))
    para(job.get("resolution_text") or "")
    paid = invoices.receipts(job.get("messages"))
    if paid:
        heading(_("Payments"))
        for line in paid:
            para(line)
    heading(_("Parts used"))
    parts = job.get("parts") or []
    if parts:
        pdf.set_font("helvetica", "B", 10)
        for w, text in ((20, _("Qty")), (30, _("Unit")), (width - 50, _("Product"))):
            pdf.cell(w, 6, _latin(text), border="B")
        pdf.ln(6)
        pdf.set_font("helvetica", size=10)
        for part in parts:
            pdf.cell(20, 6, _latin(part.get("quantity_text")))
            pdf.cell(30, 6, _latin(part.get("unit") or ""))
            pdf.multi_cell(width - 50, 6, _latin(part.get("product")), new_x="LMARGIN",
                           new_y="NEXT")
    else:
        para(_("None"))
    _checklist_block(job, heading, para)
    photos = [t for t in (_thumbnail(p) for p in job.get("photo_bytes") or []) if t]
    if photos:
        heading(ngettext("Photo (%(num)d)", "Photos (%(num)d)", len(photos)))
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
    heading(_("Customer signature"))
    signature = _thumbnail(job["signature_bytes"], 600) if job.get("signature_bytes") else None
    if signature:
        if pdf.get_y() + 36 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(signature, x=pdf.l_margin, y=pdf.get_y(), w=70, h=28, keep_aspect_ratio=True)
        pdf.ln(30)
        name = job.get("signer") or job.get("customer_name") or _("Customer")
        when = _when(job.get("signed_at"), tz, lang)
        para(_("Signed by %(name)s on %(when)s", name=name, when=when) if when
             else _("Signed by %(name)s", name=name))
    else:
        para(_("Not signed."))
    return bytes(pdf.output())


def _checklist_block(job, heading, para):
    """The job's checklist (app/services/checklists.py): each step with its state."""
    lines = job.get("checklist_lines") or []
    if lines:
        heading(_("Checklist"))
        para("\n".join(lines))


def file_name(job) -> str:
    return f"{NAME_PREFIX} {job.get('name')}.pdf"


def _customer_partner(odoo, job) -> int | None:
    if job.get("customer_partner_id"):
        return job["customer_partner_id"]
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
        return _("Report attached to the order.")
    partner = _customer_partner(odoo, job)
    if not partner:
        raise jobs.JobActionError(_("The report is attached, but the customer has no contact "
                                    "to send it to."))
    with i18n.force_locale(customer_language(job)):   # the customer reads this e-mail
        body = _("Hello, please find attached the service report for %(reference)s.",
                 reference=job.get("name"))
        subject = _("Service report %(reference)s", reference=job.get("name"))
    posted = odoo.call(MODEL, "message_post", [job_id],
                       body=f"<p>{escape(body)}</p>", subject=subject, message_type="comment",
                       subtype_xmlid="mail.mt_comment", partner_ids=[partner],
                       attachment_ids=[attachment])
    message_id = posted[0] if isinstance(posted, list) else posted  # 19 answers [id]
    return _("Report attached to the order. %(outcome)s",
             outcome=chatter.email_outcome(odoo, message_id))


def finish_job(odoo, viewer, job_id, resolution, *, storage=None) -> str:
    """Finish the job (:func:`jobs.finish_job`); when the customer signed it, attach the signed
    report to the order and, with ``EMAIL_REPORT_AT_FINISH`` (default on), have Odoo email it,
    saying what Odoo did. The job stays finished when the report fails: the answer says so."""
    storage = storage or get_storage()
    message = jobs.finish_job(odoo, viewer, job_id, resolution, storage=storage)
    try:
        order = jobs.fetch_order(odoo, viewer, job_id, ["x_signature_url", "name"])
        if not jobs.signature_on_file(job_id, order.get("x_signature_url"), storage):
            return message  # unsigned: no report (1 read, no photos fetched)
        # the reference finds the parts: known now, they go out with the report's reads
        inventory.remember_job_name(odoo, job_id, order.get("name"))
        job = report_data(odoo, viewer, job_id, storage)
        email = bool(current_app.config.get("EMAIL_REPORT_AT_FINISH", True))
        outcome = _attach_and_send(odoo, job_id, job, email)
    except OdooUnavailable as exc:
        log.warning("signed report of job %s not attached at finish: %s", job_id, exc)
        outcome = _("Odoo stopped answering before the signed report was attached: attach it "
                    "from the job page.")
    except jobs.JobActionError as exc:  # attached; no customer to email it to
        outcome = exc.user_message
    except OdooError as exc:
        log.warning("signed report of job %s at finish: %s", job_id, exc)
        outcome = _("The signed report could not be attached or emailed: %(reason)s",
                    reason=exc.user_message)
    return f"{message} {outcome}"   # two sentences, each translated


def preview(odoo, viewer, job_id, storage) -> tuple[bytes, str]:
    job = report_data(odoo, viewer, job_id, storage)
    return build_pdf(job), file_name(job)


def _reports_call(job_id, fields=("name", "create_date", "file_size", "create_uid"),
                  limit=10) -> OdooCall:
    """The reports attached to the order, newest first."""
    return OdooCall("search_read", "ir.attachment",
                    [("res_model", "=", MODEL), ("res_id", "=", job_id),
                     ("name", "=like", f"{NAME_PREFIX}%")], list(fields), order="id desc",
                    limit=limit)


def newest_call(job_id) -> OdooCall:
    """The newest report attached to the order with its file: what the customer's link gives,
    read with the job (see :func:`newest_file`)."""
    return _reports_call(job_id, ("name", "datas"), limit=1)


def newest_file(rows) -> tuple[bytes, str] | None:
    """(PDF, file name) from :func:`newest_call`'s answer, or None when none is attached."""
    if not rows or not rows[0].get("datas"):
        return None
    return base64.b64decode(rows[0]["datas"]), rows[0]["name"]


def reports_page(odoo, viewer, job_id) -> dict:
    """The job (ownership checked) and its attached reports: 2 RPCs sent together.

    :raises JobNotFound: / :raises JobForbidden: see :func:`jobs.fetch_order`."""
    order, (rows,) = jobs.fetch_order_with(odoo, viewer, job_id, ["name", "is_closed"],
                                           [_reports_call(job_id)])
    return {"job": {"id": job_id, "name": order.get("name") or f"#{job_id}",
                    "is_closed": bool(order.get("is_closed"))},
            "reports": [_report_row(r, viewer) for r in rows]}


def _report_row(row: dict, viewer) -> dict:
    """What a reader needs of an attached report: when, by whom, how big (the file name is
    kept, smaller, for who looks for it)."""
    by = row.get("create_uid")
    return {"id": row["id"], "name": row.get("name") or "",
            "when": formatting.relative_day(row.get("create_date"), viewer.tz)
            if row.get("create_date") else "",
            "by": by[1] if isinstance(by, (list, tuple)) and len(by) > 1 else "",
            "size": formatting.format_size(row.get("file_size")) if row.get("file_size") else ""}


def download(odoo, viewer, job_id, attachment_id) -> tuple[bytes, str]:
    """A report attached earlier: the job (ownership checked) and the file read together."""
    _order, (rows,) = jobs.fetch_order_with(odoo, viewer, job_id, ["name"], [OdooCall(
        "search_read", "ir.attachment",
        [("id", "=", attachment_id), ("res_model", "=", MODEL), ("res_id", "=", job_id)],
        ["name", "datas"], limit=1)])
    found = newest_file(rows)
    if found is None:
        raise jobs.JobNotFound()
    return found
