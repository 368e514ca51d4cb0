"""After confirming, at a desk (issue 28, item 11): "Schedule the work" makes the job from the
order and opens its assign page; assigning it there comes back to the order."""
import re

import pytest

from tests.browser.test_dispatch import admin_api, office_page

pytestmark = pytest.mark.browser


def test_schedule_the_work_from_a_confirmed_order(browser, fresh, live_server):
    api = admin_api(fresh.url)
    owner = api.search_read("fsm.location", [], ["owner_id"], limit=1, order="id")[0]["owner_id"]
    products = api.search_read("product.product", [("sale_ok", "=", True)], ["id"], limit=2)
    order_id = api.create("sale.order", {"partner_id": owner[0], "order_line": [
        (0, 0, {"product_id": p["id"], "product_uom_qty": 1}) for p in products]})
    api.call("sale.order", "action_confirm", [order_id])
    name = api.read("sale.order", [order_id], ["name"])[0]["name"]
    with office_page(browser, live_server, f"/sales/{order_id}") as page:
        page.get_by_role("button", name="Schedule the work").click()
        page.wait_for_url(re.compile(r"/dispatch/jobs/\d+"))
        job_id = int(re.search(r"/dispatch/jobs/(\d+)", page.url).group(1))
        banner = page.locator(".banner", has_text=f"created from {name}")
        assert banner.is_visible()
        job = api.read("fsm.order", [job_id], ["name", "description", "person_id"])[0]
        assert name in job["description"] and not job["person_id"]
        technician = page.locator('select[name="person_id"] option[value]:not([value=""])').first
        page.select_option('select[name="person_id"]', technician.get_attribute("value"))
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(rf"/sales/{order_id}$"))
        assert api.read("fsm.order", [job_id], ["person_id"])[0]["person_id"]
