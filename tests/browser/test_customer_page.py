"""The customer's visit page on a phone, without a session (issue 33): the window, the
technician's first name and the status; the technician taps "On my way" in another browser and
the customer's page follows without a reload; after the visit the report downloads and the
rating lands in the job's history in Odoo."""
import re
from datetime import timedelta

import pytest

from app.odoo.client import OdooAPI
from app.platform import chatter
from app.platform import timezone as tzs
from tests.conftest import PHONE

pytestmark = pytest.mark.browser


def test_the_customer_follows_the_visit(browser, page, app, live_server, fresh):
    app.config.update(ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=fresh.api_keys["integration"])
    admin = OdooAPI(fresh.url, "fieldkit")
    admin.authenticate("admin", "admin")
    partner = admin.search_read("res.users", [("login", "=", "tech1")],
                                ["partner_id"])[0]["partner_id"][0]
    person = admin.search_read("fsm.person", [("partner_id", "=", partner)], ["name"])[0]
    job = admin.search_read("fsm.order", [("person_id", "=", person["id"]),
                                          ("is_closed", "=", False), ("date_start", "=", False),
                                          ("scheduled_date_start", "!=", False)],
                            ["name"], limit=1, order="id")[0]

    # The technician's phone: the job page hands out the customer's link.
    page.goto(f"{live_server}/login")
    page.fill('input[name="login"]', "tech1")
    page.fill('input[name="password"]', "tech1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/jobs/{job['id']}")
    link = page.locator("[data-clink-url]").input_value()
    assert "/c/" in link

    # The customer's phone: no session, another browser context.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    customer = context.new_page()
    try:
        customer.goto(link)
        status = customer.locator("[data-cv-status]")
        assert status.text_content().strip() == "Scheduled"
        assert customer.locator("[data-cv-technician]").text_content().strip() == \
            person["name"].split()[0]
        assert re.search(r"\d{1,2}:\d{2}", customer.locator("[data-cv-window]").text_content())

        # "On my way" on the technician's phone: the customer's page follows, no reload.
        page.get_by_role("button", name="On my way").first.click()
        page.wait_for_load_state()
        customer.wait_for_function(
            "() => document.querySelector('[data-cv-status]').textContent.trim() === "
            "'On the way'", timeout=15000)

        # The visit ends (in Odoo): the page shows what comes after it.
        ended = tzs.now_utc()
        admin.write("fsm.order", [job["id"]], {
            "date_start": tzs.to_odoo_datetime(ended - timedelta(hours=1)),
            "date_end": tzs.to_odoo_datetime(ended), "resolution": "Replaced the valve"})
        admin.call("fsm.order", "action_complete", [job["id"]])
        customer.locator("#cv-after").wait_for(timeout=15000)
        with customer.expect_download() as download:
            customer.get_by_role("link", name=re.compile("service report")).click()
        assert download.value.suggested_filename.endswith(".pdf")

        customer.locator(".cv__star", has_text="5").click()
        customer.fill("#cv-comment", "On time and tidy")
        customer.get_by_role("button", name="Send my rating").click()
        customer.locator(".cv__banner", has_text="Thank you").wait_for()
    finally:
        context.close()
    messages = chatter.normalize_messages(admin.json_route(
        "/mail/thread/messages", {"thread_model": "fsm.order", "thread_id": job["id"],
                                  "limit": 30}))
    assert any("Customer rating: 5 of 5" in str(m.get("body")) and "On time and tidy"
               in str(m.get("body")) for m in messages)
