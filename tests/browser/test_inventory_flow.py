"""Inventory on a phone (390x844): a delivery validated by keyboard-wedge scans, and parts added
on the job page itself (one scanned, one picked from the suggestions of a partial name) before
finishing it."""

import re

import pytest

from app.odoo.client import OdooAPI
from app.services import inventory
from app.services import jobs as jobs_service

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(emulator):
    # no reset: the test picks a ready delivery, an open job and van stock as it finds them
    inventory.clear_caches()
    jobs_service.clear_stage_cache()
    api = OdooAPI(emulator.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def log_in(page, base):
    page.goto(f"{base}/login")
    page.fill('input[name="login"]', "tech1")
    page.fill('input[name="password"]', "tech1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def wedge(page, selector, code):
    """What a keyboard-wedge scanner does: the code typed fast into the focused field, Enter."""
    page.focus(selector)
    page.keyboard.type(code, delay=4)
    page.keyboard.press("Enter")


def test_delivery_validated_by_scanning_then_parts_on_a_job(page, live_server, admin):
    # the smallest ready delivery nobody is responsible for
    ready = admin.search_read("stock.picking", [("state", "=", "assigned"),
                                                ("picking_type_code", "=", "outgoing"),
                                                ("user_id", "=", False)], ["name"])
    moves = admin.search_read("stock.move", [("picking_id", "in", [p["id"] for p in ready])],
                              ["picking_id", "product_id", "product_uom_qty"])
    demand = {}
    for m in moves:
        demand.setdefault(m["picking_id"][0], []).append(m)
    pick_id = min(demand, key=lambda p: sum(m["product_uom_qty"] for m in demand[p]))
    barcodes = {p["id"]: p["barcode"] for p in admin.read(
        "product.product", [m["product_id"][0] for m in demand[pick_id]], ["barcode"])}

    log_in(page, live_server)
    page.goto(f"{live_server}/inventory/{pick_id}")
    assert page.viewport_size == {"width": 390, "height": 844}
    if not page.evaluate("'BarcodeDetector' in window"):  # headless Chromium on Linux: none
        # no camera here: no button, and nothing said about it until the user asks
        assert page.locator("[data-scan-camera]").is_hidden()
        assert page.locator("[data-scan-status]").text_content().strip() == ""
    for move in demand[pick_id]:
        for _ in range(int(move["product_uom_qty"])):
            wedge(page, "#scan-code", barcodes[move["product_id"][0]])
        field = page.locator(f'input[name="qty-{move["id"]}"]')
        assert float(field.input_value()) == move["product_uom_qty"]
    assert "Validate when you are done" in page.locator("[data-scan-status]").text_content()
    assert page.url.endswith(f"/inventory/{pick_id}")  # matched on the page: no round trip
    page.get_by_role("button", name="Validate").click()
    page.wait_for_load_state()
    if page.locator("[data-question]").count():  # stock_sms asks once per company
        page.get_by_role("button", name="No SMS").click()
        page.wait_for_load_state()
    page.locator(".banner", has_text="validated").wait_for()
    assert admin.read("stock.picking", [pick_id], ["state"])[0]["state"] == "done"

    # parts used on a job, then finish it: one delivery from the van, validated
    partner = admin.search_read("res.users", [("login", "=", "tech1")],
                                ["partner_id"])[0]["partner_id"][0]
    job = admin.search_read("fsm.order", [("person_id.partner_id", "=", partner),
                                          ("is_closed", "=", False)], ["name"], limit=1)[0]
    van = admin.search_read("stock.quant", [("location_id.name", "=", "Stock"),
                                            ("location_id.location_id.name", "=", "V1"),
                                            ("quantity", ">=", 2)], ["product_id"])
    first, second = (admin.read("product.product", [q["product_id"][0]],
                                ["barcode", "default_code", "display_name", "name"])[0]
                     for q in van[:2])
    page.goto(f"{live_server}/jobs/{job['id']}")
    job_url = page.url
    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started").wait_for()
    wedge(page, "#part-product", first["barcode"])
    page.locator(".banner", has_text="Added 1").wait_for()
    # a part of the name: the suggestions under the field (what the van holds first), one tap
    word = max(second["name"].split(), key=len)[:6]
    field = page.locator("#part-product")
    field.fill(word)
    page.locator(f'#part-product-list[data-query="{word}"]').wait_for(state="attached")
    option = page.locator('[role="option"]', has_text=second["display_name"])
    option.first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    listbox = page.get_by_role("listbox")
    field_box, list_box = field.bounding_box(), listbox.bounding_box()
    assert list_box["y"] >= field_box["y"] + field_box["height"]  # under its field, not over it
    assert list_box["y"] + list_box["height"] <= 844 + 1  # inside the viewport
    assert "in your van" in option.first.text_content()
    option.first.tap()
    assert field.input_value() == second["display_name"]
    page.fill("#part-quantity", "2")
    page.get_by_role("button", name="Add part").click()
    page.locator(".banner", has_text="Added 2").wait_for()
    assert page.url.split("#")[0] == job_url  # the technician never left the job
    page.goto(f"{live_server}/inventory/jobs/{job['id']}/parts")
    parts = page.locator("[data-part]")
    assert parts.count() == 2
    assert second["display_name"] in parts.nth(1).text_content()
    page.get_by_role("link", name="Back to the job").click()
    page.wait_for_load_state()

    page.fill("#resolution", "Replaced two parts")
    page.get_by_role("button", name="Finish job").click()
    page.locator(".banner", has_text="Parts delivered from your van").wait_for()
    delivery = admin.search_read("stock.picking", [("origin", "=", job["name"])],
                                 ["state", "location_id"])
    assert [d["state"] for d in delivery] == ["done"]
    assert re.match(r"V1/", delivery[0]["location_id"][1])
