"""A Critical RMM notification posted to the webhook shows up as a ticket on the customer's
page and on the asset's page, on the first page load after it (no cache, no delay)."""
import re
import uuid

import pytest

from app.odoo.client import OdooAPI

pytestmark = pytest.mark.browser
SECRET = "browser-webhook-secret"  # noqa: S105 (tests only)


@pytest.fixture
def app(app, emulator):
    app.config.update(RMM_WEBHOOK_SECRET=SECRET, ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=emulator.api_keys["integration"])
    return app


def test_critical_alert_reaches_customer_and_asset_pages(page, live_server, emulator):
    from fake_rmm import start_in_thread

    odoo = OdooAPI(emulator.url, "fieldkit")
    odoo.authenticate("admin", "admin")
    asset = odoo.search_read("x_client_asset", [("x_status", "=", "active")],
                             ["x_name", "x_pulseway_id", "x_partner_id"], limit=1, order="id")[0]
    header = f"Disk failure predicted {uuid.uuid4().hex[:6]}"

    page.goto(f"{live_server}/login")
    page.fill('input[name="login"]', "office")
    page.fill('input[name="password"]', "office")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    with start_in_thread() as rmm:
        response = rmm.send_event(f"{live_server}/webhooks/rmm", SECRET, "Notification", {
            "system_id": asset["x_pulseway_id"], "header": header,
            "message": "SMART status: reallocated sectors rising", "priority": "Critical"})
    assert response.status_code == 200, response.text
    assert response.json()["action"] == "ticket_opened"

    page.goto(f"{live_server}/customers/{asset['x_partner_id'][0]}")
    page.locator("[data-more-sections]").get_by_role("link", name="Open tickets").click()
    tickets = page.locator('[data-section="tickets"]')
    assert f"Alert: {header}" in tickets.inner_text()
    page.goto(f"{live_server}/customers/{asset['x_partner_id'][0]}")
    page.locator("[data-more-sections]").get_by_role("link", name="Assets").click()
    page.locator(".customer-assets").get_by_role("link", name=asset["x_name"]).click()
    page.wait_for_url(re.compile(rf"/assets/{asset['id']}$"))
    ticket = page.locator(".asset-ticket", has_text=f"Alert: {header}")
    assert ticket.count() == 1
    assert "High priority" in ticket.inner_text()
