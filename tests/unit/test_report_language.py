"""The service report and its e-mail speak the customer's language (partner.lang), not the
technician's (issue 29)."""
import io

import pytest
from pypdf import PdfReader

from app.platform import i18n
from app.services import report

JOB = {"name": "FO-7", "customer": "Brasserie De Kroon", "technician": "Théo Technicien",
       "date_start": "2026-12-04 13:05:00", "date_end": "2026-12-04 14:35:00",
       "tz": "Europe/Brussels", "signer": "Dana", "resolution_text": "Œuvre faite",
       "messages": [{"text": "Payment received: 1\u202f234,50\u00a0€ (Cash) for invoice INV/1."}]}


@pytest.fixture
def odoo_url():
    return "http://odoo.invalid"   # build_pdf calls no Odoo


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def languages_while_writing(monkeypatch, job):
    """The page language in force each time the report writes a line."""
    seen = []
    latin = report._latin

    def spy(text):
        seen.append(str(i18n.get_locale()))
        return latin(text)
    monkeypatch.setattr(report, "_latin", spy)
    return report.build_pdf(job, compress=False), set(seen)


def test_a_dutch_speaking_customer_gets_the_report_in_dutch(app, monkeypatch):
    with app.test_request_context():
        i18n.session["lang"] = "fr_FR"     # the technician works in French
        i18n.refresh()
        pdf, seen = languages_while_writing(monkeypatch, {**JOB, "lang": "nl_BE"})
        assert seen == {"nl"}
        assert str(i18n.get_locale()) == "fr"   # the technician's pages stay French
    assert b"/Lang (nl)" in pdf
    text = text_of(pdf)
    assert "vrijdag 4 december 2026, 14:05" in text   # Brussels time, Dutch names
    assert "1 u 30" in text or "1 h 30" in text        # (the catalogue's word for hours)
    assert "décembre" not in text


def test_a_customer_without_a_language_fieldkit_has_gets_english(app, monkeypatch):
    with app.test_request_context():
        i18n.session["lang"] = "de_DE"
        i18n.refresh()
        pdf, seen = languages_while_writing(monkeypatch, {**JOB, "lang": "it_IT"})
    assert seen == {"en"}
    text = text_of(pdf)
    assert "Friday 4 December 2026, 14:05" in text and "Service report" in text


def test_what_latin_1_fonts_cannot_draw_is_spelt_out():
    assert report._latin("1\u202f234,50\u00a0€ œuvre") == "1\u00a0234,50\u00a0EUR oeuvre"


def test_the_payment_link_text_is_in_the_customers_language(app, monkeypatch):
    from app.platform import currency
    from app.services import sms
    from app.services.invoices import sending

    invoice = {"id": 9, "name": "INV/2026/0009", "state": "posted", "partner_id": [5, "Kroon"],
               "currency_id": [1, "EUR"], "amount_residual": 1234.5, "move_type": "out_invoice",
               "link": "https://pay.example/my/invoices/9?access_token=t"}
    sent = {}

    def fake_send(odoo, viewer, payload):
        sent.update(payload, language=str(i18n.get_locale()))
        return {"status": "sent", "message": "Text sent.", "to": "+32470000000"}
    monkeypatch.setattr(sending, "_posted_with_link", lambda *a: dict(invoice))
    monkeypatch.setattr(sms, "load_target", lambda *a: sms.Target(
        "res.partner", 5, "Kroon", (("mobile", "Mobile", "0470", "+32470000000"),), "de_DE"))
    monkeypatch.setattr(sms, "send", fake_send)
    monkeypatch.setattr(currency, "lookup", lambda odoo, values: {
        1: currency.Currency(symbol="€", position="after", digits=2)})
    with app.test_request_context():
        i18n.session["lang"] = "fr_FR"
        i18n.refresh()
        sending.text_link(object(), object(), 9, base_url="https://pay.example")
        assert str(i18n.get_locale()) == "fr"
    assert sent["language"] == "fr"      # sms.send answers the technician, in French
    assert "1.234,50\u00a0€" in sent["message"]   # German separators for a German customer
    assert "INV/2026/0009" in sent["message"] and sent["message"].endswith("access_token=t")


def test_the_sms_sheet_writes_its_texts_in_the_customers_language(app):
    from app.routes.sms import sheet_options
    from app.services import sms

    with app.test_request_context():
        i18n.session["lang"] = "en_US"          # the technician works in English
        i18n.refresh()
        with i18n.force_locale("fr"):
            french = {t["key"]: str(t["text"]) for t in sms.TEMPLATES}
        options = sheet_options("fr_BE")         # a customer who speaks French
        english = sheet_options("")              # a page that does not know
    eta = next(t for t in options["templates"] if t["key"] == "eta")
    assert eta["text"] == french["eta"] != "On my way, arriving in about {minutes} minutes."
    assert "{minutes}" in eta["text"]             # sms.js fills it in
    assert str(eta["label"]) == "On my way"       # the sheet itself speaks the technician's
    assert next(t for t in english["templates"] if t["key"] == "eta")["text"] == \
        "On my way, arriving in about {minutes} minutes."
