"""The signed service report (issue 19): a PDF with every section, attached to the order in Odoo,
emailed to the customer through Odoo's mail (in the history), previewable and downloadable."""
import base64
import io
import re

from PIL import Image

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
    for section in ("Customer", "Location", "Times", "Work done", "Resolution", "Parts used",
                    r"Photos \(6\)", "Customer signature", "Maple Street Dental",
                    "Leaking valve", "Replaced the valve.", "Valve V-2",
                    "Signed by: Dana Customer"):
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
