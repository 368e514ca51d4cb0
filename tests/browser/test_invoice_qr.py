"""On a phone (390x844): an invoice's QR code is on screen and decodes (zbarimg, Debian's
zbar-tools) to the invoice's portal link with its access token; a payment registered in Odoo
(not through Fieldkit) shows "Paid" within 5 s, without a reload."""

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
    invoice = admin.search_read("account.move", [("state", "=", "posted"),
                                                 ("payment_state", "=", "not_paid")],
                                ["id", "amount_total"], limit=1)[0]
    token = admin.call("account.move", "get_portal_url", [invoice["id"]]).split("=", 1)[1]

    page.goto(f"{live_server}/login")
    page.fill('input[name="login"]', "manager")
    page.fill('input[name="password"]', "manager")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/invoices/{invoice['id']}")
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
