"""Getting paid, the parts without Odoo: the portal link, the QR code's size, the payment
form's checks, the office list's domains, the receipts on the service report."""

import datetime as dt

import pytest

from app.services import invoices, report
from app.services.invoices.common import InvoiceViewer, payment_badge, receipts
from app.services.invoices.detail import parse_payment

JOURNALS = [{"id": 7, "name": "Cash", "type": "cash"}, {"id": 8, "name": "Bank", "type": "bank"}]
TOKEN = "1ba1124d-694c-495a-ba6b-30ac2a2502e0"


def test_portal_link_only_for_a_posted_invoice_with_its_token():
    posted = {"id": 12, "state": "posted", "access_url": "/my/invoices/12",
              "access_token": TOKEN}
    assert invoices.portal_link("https://odoo.example.com/", posted) == \
        f"https://odoo.example.com/my/invoices/12?access_token={TOKEN}"
    assert invoices.portal_link("https://o", {**posted, "state": "draft"}) is None
    assert invoices.portal_link("https://o", {**posted, "access_token": False}) is None


def test_qr_code_is_an_svg_under_4_kb():
    link = f"https://odoo.fieldkit.example.com/my/invoices/123456?access_token={TOKEN}"
    svg = str(invoices.qr_svg(link))
    assert svg.startswith("<svg") and "<path" in svg and link not in svg
    assert len(svg.encode()) <= 4096


@pytest.mark.parametrize("form,message", [
    ({"amount": "abc", "journal_id": "7"}, "must be a number"),
    ({"amount": "0", "journal_id": "7"}, "more than zero"),
    ({"amount": "nan", "journal_id": "7"}, "must be a number"),   # parse_number refuses NaN
    ({"amount": "70.16", "journal_id": "7"}, "more than what is due"),
    ({"amount": "10", "journal_id": "99"}, "how the customer paid"),
    ({"amount": "10", "journal_id": "x"}, "how the customer paid"),
    ({"amount": "10", "journal_id": "7", "reference": "x" * 65}, "at most 64"),
])
def test_payment_form_refusals(form, message):
    with pytest.raises(invoices.InvoiceRefused, match=message):
        parse_payment(form, JOURNALS, 70.15)


def test_payment_form_accepts_a_comma_and_a_cheque_number():
    got = parse_payment({"amount": " 70,15 ", "journal_id": "8", "reference": " CHQ 42 "},
                        JOURNALS, 70.15)
    assert got == {"amount": 70.15, "journal": JOURNALS[1], "reference": "CHQ 42"}


def test_rights_come_from_the_session():
    assert InvoiceViewer.from_session({"invoice_access": "billing"}).may_post
    assert not InvoiceViewer.from_session({}).may_post
    assert not InvoiceViewer.from_session({"invoice_access": "root"}).may_post


def test_office_list_domains():
    viewer = InvoiceViewer(user_id=1, partner_id=1, role="office", tz="America/New_York")
    now = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)
    overdue = invoices.filter_domain(viewer, "overdue", now=now)
    assert ("invoice_date_due", "<", "2026-12-04") in overdue
    assert ("state", "=", "posted") in overdue
    assert ("state", "=", "draft") in invoices.filter_domain(viewer, "to_post", now=now)
    paid = invoices.filter_domain(viewer, "paid_today", now=now)
    assert ("write_date", ">=", "2026-12-04 05:00:00") in paid
    assert payment_badge("paid") == {"key": "paid", "label": "Paid", "tone": "success"}


def test_receipts_are_on_the_service_report():
    messages = [{"text": "Payment received: $ 20.00 (Bank, ref. CHQ 42) for invoice INV/1."},
                {"text": "Arrived on site."},
                {"text": "Payment received: $ 50.15 (Cash) for invoice INV/1."}]
    assert receipts(messages) == [messages[2]["text"], messages[0]["text"]]
    pdf = report.build_pdf({"name": "FO-1", "messages": messages}, compress=False)
    text = pdf.decode("latin-1")
    assert "Payments" in text and "50.15" in text and "ref. CHQ 42" in text
    assert "Payments" not in report.build_pdf({"name": "FO-2"}, compress=False).decode("latin-1")
