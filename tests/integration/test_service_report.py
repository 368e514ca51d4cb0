"""The signed service report (issue 19): a PDF with every section, attached to the order in Odoo,
emailed to the customer through Odoo's mail (in the history), previewable and downloadable."""
import base64
import io
import re

from PIL import Image
from pypdf import PdfReader

from app.services import report
from tests.integration.test_job_timer import open_job


def photo(n):
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40 * n % 255, 90, 160)).save(out, "JPEG", quality=85)
    return out.getvalue()


def signature_png():
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, "PNG")
    image = Image.open(io.BytesIO(out.getvalue()))
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 20) - 10), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_text(pdf):
    return pdf.decode("latin-1")


def read_pdf(pdf):
    """The text a reader sees (pypdf: fonts and compression decoded), pages joined."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_report_attached_emailed_previewed_and_downloaded(client, login, emulator):
    emulator.reset()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    files = [(io.BytesIO(photo(n)), f"site{n}.jpg") for n in range(6)]
    assert client.post(f"/jobs/{job}/photos", data={"photos": files},
                       content_type="multipart/form-data").status_code == 302
    signed = client.post(f"/api/jobs/{job}/signature", json={
        "image": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        "signer_name": "Dana Customer"})
    assert signed.status_code == 200, signed.text
    assert client.post(f"/jobs/{job}/start").status_code == 302
    assert client.post(f"/jobs/{job}/finish",
                       data={"resolution": "Replaced the valve."}).status_code == 302
    # finishing a signed job attached the report and had Odoo email it (issue 24)
    assert "Report attached to the order. Odoo emailed it to the customer." in \
        client.get(f"/jobs/{job}").text

    preview = client.get(f"/jobs/{job}/report.pdf")
    assert preview.status_code == 200 and preview.content_type == "application/pdf"
    assert preview.data.startswith(b"%PDF") and "inline" in preview.headers["Content-Disposition"]

    sent = client.post(f"/jobs/{job}/report", data={"email": "1"})
    assert sent.status_code == 302
    page = client.get(f"/jobs/{job}")
    assert "Report attached to the order. Odoo emailed it to the customer." in page.text
    data = emulator.state.storage.data
    attachments = [(i, a) for i, a in data["ir.attachment"].items()
                   if a.get("res_model") == "fsm.order" and a.get("res_id") == job]
    assert len(attachments) == 2  # at finish, then the button's
    att_id, att = max(attachments)
    assert att["mimetype"] == "application/pdf" and att["name"].startswith("Service report")
    posted = [m for m in data["mail.message"].values()
              if m.get("model") == "fsm.order" and m.get("res_id") == job
              and att_id in (m.get("attachment_ids") or [])]
    assert posted and posted[0]["message_type"] == "comment" and posted[0]["partner_ids"]
    assert "Service report" in page.text   # in the history and in the attached list
    stored = client.get(f"/jobs/{job}/report.pdf?attachment={att_id}&download=1")
    assert stored.status_code == 200 and stored.data == base64.b64decode(att["datas"])
    assert "attachment" in stored.headers["Content-Disposition"]
    assert client.get(f"/jobs/{job}/report.pdf?attachment=999999").status_code == 404
    # The reports page says what each file is: the job, when, how big, who attached it.
    listed = client.get(f"/jobs/{job}/reports").text
    name = data["fsm.order"][job]["name"]
    assert re.search(rf"Service report for {name}, Today \d\d:\d\d", listed)
    assert re.search(r"PDF, \d+ kB, attached by \w+", listed)
    assert att["name"] in listed  # the file name stays, smaller


def test_the_report_is_a_document_the_customer_keeps(client, login, emulator):
    """Issue 27: the company's header, the job reference, absolute dates in the site's zone, the
    customer (not the location) and the service address, the resolution as the work done, each
    part with its unit, the time on site and the signer with the time of signing."""
    emulator.reset()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    data = emulator.state.storage.data
    order = data["fsm.order"][job]
    location = data["fsm.location"][order["location_id"]]
    owner = data["res.partner"][location["owner_id"]]
    product = next(p for p in data["product.product"].values() if p.get("barcode"))
    template = data["product.template"][product["product_tmpl_id"]]
    signed = client.post(f"/api/jobs/{job}/signature", json={
        "image": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        "signer_name": "Dana Customer"})
    assert signed.status_code == 200, signed.text
    assert client.post(f"/jobs/{job}/start").status_code == 302
    assert client.post(f"/inventory/jobs/{job}/parts", data={
        "product": product["barcode"], "quantity": "2"}).status_code == 302
    assert client.post(f"/jobs/{job}/finish",
                       data={"resolution": "Replaced the condenser fan bearings."}).status_code \
        == 302

    text = read_pdf(client.get(f"/jobs/{job}/report.pdf").data)
    flat = " ".join(text.split())
    assert "Fieldkit Services Inc." in flat                       # the company's name
    assert "+1 860-555-0100" in flat and "VAT: US 12-3456789" in flat and "Hartford" in flat
    assert f"Job reference: {order['name']}" in flat
    assert re.search(r"Date of service: \w+day \d{1,2} \w+ 20\d\d", flat)   # absolute
    assert re.search(r"Started \w+day \d{1,2} \w+ 20\d\d, \d\d:\d\d", flat)
    assert "Today" not in flat and "Yesterday" not in flat
    assert owner["name"] in flat and "Service address" in flat
    assert "Work done Replaced the condenser fan bearings." in flat
    assert "The problem" in flat
    unit = data["uom.uom"][template["uom_id"]]["name"]
    assert re.search(rf"2 {re.escape(unit)} (\[[^\]]+\] )?{re.escape(template['name'])}", flat)
    assert "Time on site" in flat
    assert re.search(r"Signed by Dana Customer on \w+day \d{1,2} \w+ 20\d\d, \d\d:\d\d", flat)
    # the logo is an image of the header, besides the signature
    logo = data["res.partner"][data["res.company"][1]["partner_id"]]["image_1920"]
    raw = report.build_pdf({"name": "X", "company": {"name": "C",
                                                      "logo": base64.b64decode(logo)}},
                           compress=False)
    assert len(re.findall(r"/Subtype /Image", pdf_text(raw))) == 1


def test_report_has_every_section(client, login, emulator, app):
    emulator.reset()
    login(client, "tech1")
    job = {"name": "FO-1", "customer": "Maple Street Dental", "location": "Maple Street",
           "address": "1 Maple St, Hartford", "started_at": "Today 9:00",
           "ended_at": "Today 10:30", "technician": "Tom Technician",
           "description": "<p>Leaking valve</p>", "resolution_text": "Replaced the valve.",
           "parts": [{"quantity_text": "2", "unit": "Units", "product": "Valve V-2"}],
           "photo_bytes": [photo(n) for n in range(6)], "signature_bytes": signature_png(),
           "signer": "Dana Customer"}
    text = pdf_text(report.build_pdf(job, compress=False))
    for section in ("Customer", "Service address", "Visit", "The problem", "Work done",
                    "Parts used", r"Photos \(6\)", "Customer signature", "Maple Street Dental",
                    "Leaking valve", "Replaced the valve.", "Valve V-2",
                    "Signed by Dana Customer"):
        assert section in text, section
    # six photos, the signature and its transparency (a soft mask image)
    assert len(re.findall(r"/Subtype /Image", text)) == 8
    assert text.count("/SMask") == 1


def test_another_technicians_report_is_refused(client, login, emulator):
    emulator.reset()
    login(client, "tech1")
    other = open_job(emulator, "tech2")
    assert client.get(f"/jobs/{other}/report.pdf").status_code == 403
    assert client.post(f"/jobs/{other}/report", data={"email": "1"}).status_code == 403
