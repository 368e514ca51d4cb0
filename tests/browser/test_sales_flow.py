"""On a phone, from a job: a quote for that customer with two lines (searched as you type) and
a photo, signed by the customer and confirmed. The emulator then holds the order in state
`sale` with `signed_by`, the photo note on the order and the link note on the job."""

import re
import struct
import zlib

import pytest

from app.odoo.client import OdooAPI
from app.services import jobs as jobs_service
from app.services import sales as sales_service
from tests.browser.test_jobs_flow import draw_signature, open_first_job_of_today, open_group

pytestmark = pytest.mark.browser


def png_bytes(width=64, height=48):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\x90\x40\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pick(page, field_selector, text, choice_index=0):
    field = page.locator(field_selector)
    field.fill(text)
    options = field.locator("xpath=..").locator("[data-combobox-list] [role=option]")
    options.first.wait_for()
    label = options.nth(choice_index).locator(".combobox__name").text_content()
    options.nth(choice_index).click()
    return label


def test_quote_from_a_job_signed_on_a_phone(page, live_server, emulator):
    emulator.reset()
    jobs_service.clear_stage_cache()
    sales_service.clear_caches()
    job_id = int(open_first_job_of_today(page, live_server).rsplit("/", 1)[1])

    open_group(page, "more")  # the job page's "More": assign, stage, quote, links, cancel
    page.get_by_role("link", name="New quote for this customer").click()
    page.wait_for_url(re.compile(r"/sales/new\?job_id="))
    assert page.get_by_label("Customer", exact=True).input_value()  # prefilled from the job
    first = pick(page, "#line-0-product", "filter")
    second = pick(page, "#line-1-product", "HVAC-TSTAT")
    page.fill('input[name="line-1-qty"]', "2")
    page.get_by_role("button", name="Create quote").click()
    page.wait_for_url(re.compile(r"/sales/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])
    page.locator(".banner", has_text="created").wait_for()
    lines = page.locator("[data-line-id]").all_text_contents()
    assert len(lines) == 2 and first.split("] ")[-1] in lines[0] + lines[1]
    assert second.split("] ")[-1] in " ".join(lines)
    # The product has the card's width on a phone; amounts as Odoo shows them, taxes per line.
    product = page.locator("[data-line-id] td").first.bounding_box()
    assert product["width"] >= 280
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert re.search(r"Taxes: 15% \(\$\u00a0[\d,]+\.\d\d\)", lines[0])

    page.set_input_files("#photo-input", files=[
        {"name": "leak.png", "mimeType": "image/png", "buffer": png_bytes()}])  # one step
    page.locator(".banner", has_text="1 photo added").wait_for()
    assert page.locator(f'.media img[src*="/files/quotes/{order_id}/photos/"]').count() == 1

    pad = page.locator("[data-signature-pad]")
    pad.locator('input[name="signer_name"]').fill("Pat Customer")
    canvas = pad.locator("canvas")
    canvas.scroll_into_view_if_needed()
    draw_signature(page, canvas)
    pad.get_by_role("button", name="Sign and confirm").click()
    page.locator(".history__item", has_text="Signed on site by Pat Customer").wait_for()
    assert "Sales Order" in page.locator(".quote-head .badge").text_content()
    # The confirmed order says what happened, and no longer calls itself a quote.
    assert page.locator(".banner", has_text="Signed by Pat Customer: quote confirmed").count()
    assert page.locator("summary", has_text="Cancel this quote").count() == 0
    # The signature Odoo now keeps is shown on the order, with who signed and when.
    shown = page.locator(f'img[src="/sales/{order_id}/signature.png"]')
    shown.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=shown.element_handle())
    assert page.locator("[data-signature-caption]").inner_text().startswith(
        "Signed by Pat Customer, Today ")
    # Scheduling the work is the office's: a technician is not offered it.
    assert page.get_by_role("button", name="Schedule the work").count() == 0

    admin = OdooAPI(emulator.url, "fieldkit")
    admin.authenticate("admin", "admin")
    record = admin.read("sale.order", [order_id], ["state", "signed_by", "origin"])[0]
    assert record["state"] == "sale" and record["signed_by"] == "Pat Customer"
    notes = admin.json_route("/mail/thread/messages",
                             {"thread_model": "sale.order", "thread_id": order_id, "limit": 20})
    assert "fieldkit-photo:" in str(notes)
    job_notes = admin.json_route("/mail/thread/messages",
                                 {"thread_model": "fsm.order", "thread_id": job_id, "limit": 20})
    assert f'href="/sales/{order_id}"' in str(job_notes)
