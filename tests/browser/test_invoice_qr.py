"""On a phone (390x844), from a finished job whose quote is confirmed: "Get paid", "Invoice
now", and the invoice's QR code is on screen and decodes (zbarimg, Debian's zbar-tools) to the
invoice's portal link with its access token; a payment registered in Odoo (not through
Fieldkit) shows "Paid" within 5 s, without a reload."""

import re
import shutil
import subprocess

import pytest

from app.odoo.client import OdooAPI
from app.services import invoices as invoices_service

pytestmark = pytest.mark.browser
PUBLIC = "https://odoo.fieldkit.example.com"


def decode_qr(png: bytes) -> str:
    zbarimg = shutil.which("zbarimg")
    if not zbarimg:
        pytest.fail("zbarimg not found: apt-get install -y zbar-tools (scripts/test.sh does)")
    done = subprocess.run([zbarimg, "--quiet", "--raw", "-"], input=png, capture_output=True,
                          timeout=20, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().strip()


def test_qr_code_decodes_to_the_portal_link_and_paid_shows_live(page, app, live_server,
                                                                 emulator):
    emulator.reset()
    invoices_service.clear_caches()
    app.config["ODOO_PUBLIC_URL"] = PUBLIC
    admin = OdooAPI(emulator.url, "fieldkit")
    admin.authenticate("admin", "admin")
    # tech1's job done this morning (demo data), with its quote confirmed
    done = admin.search_read("fsm.stage", [("stage_type", "=", "order"), ("is_closed", "=", True),
                                           ("name", "ilike", "complet")], ["id"], limit=1)
    job = admin.search_read("fsm.order", [("stage_id", "=", done[0]["id"]),
                                          ("date_end", "!=", False)], ["id", "name"],
                            limit=1, order="id")[0]
    partner = admin.search_read("res.partner", [("is_company", "=", True)], ["id"], limit=1)
    product = admin.search_read("product.product", [("sale_ok", "=", True)], ["id"], limit=1)
    order = admin.create("sale.order", {"partner_id": partner[0]["id"], "origin": job["name"],
                                        "order_line": [(0, 0, {"product_id": product[0]["id"],
                                                               "product_uom_qty": 1})]})
    admin.call("sale.order", "action_confirm", [order])

    page.goto(f"{live_server}/login")
    page.fill('input[name="login"]', "manager")
    page.fill('input[name="password"]', "manager")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/jobs/{job['id']}")
    page.get_by_role("link", name="Invoice and get paid").click()
    page.get_by_role("button", name="Invoice now").click()
    page.wait_for_url(re.compile(r"/invoices/\d+"))
    invoice = admin.read("account.move", [int(re.search(r"/invoices/(\d+)", page.url)[1])],
                         ["id", "amount_total", "access_token", "state"])[0]
    assert invoice["state"] == "posted"
    token = invoice["access_token"]
    qr = page.locator("[data-invoice-qr] svg")
    qr.scroll_into_view_if_needed()
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    link = decode_qr(qr.screenshot())
    assert link == f"{PUBLIC}/my/invoices/{invoice['id']}?access_token={token}"
    assert page.locator("[data-portal-link]").get_attribute("href") == link
    assert not page.locator("[data-paid-banner]").is_visible()

    # The customer pays (here: the office registers it in Odoo itself, not through Fieldkit).
    context = {"active_model": "account.move", "active_ids": [invoice["id"]],
               "active_id": invoice["id"]}
    cash = admin.search_read("account.journal", [("type", "=", "cash")], ["id"])[0]["id"]
    wizard = admin.call("account.payment.register", "create",
                        {"journal_id": cash, "amount": invoice["amount_total"]}, context=context)
    url_before = page.url
    admin.call("account.payment.register", "action_create_payments", [wizard], context=context)
    page.locator("[data-paid-banner]").wait_for(state="visible", timeout=5000)
    assert page.url == url_before  # no reload, no navigation
    assert re.search(r"\bPaid\b", page.locator("[data-payment-badge]").text_content())
    assert not page.locator("[data-payment-form]").is_visible()
    # The job page's "Get paid" card says so too (invoice.js asks once, no Odoo call in the page)
    page.goto(f"{live_server}/jobs/{job['id']}")
    summary = page.locator("[data-invoice-summary]")
    summary.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => /Paid/.test(document.querySelector('[data-invoice-summary]').textContent)",
        timeout=5000)
    assert page.get_by_role("link", name=re.compile("Open invoice")).is_visible()
