"""New quote (issue 28, item 11): each line shows quantity × price as its product is picked and
the form a total, both labelled an estimate, at a desk and on a phone; nothing shifts."""
import re

import pytest

from tests.browser.test_dispatch import admin_api, log_in, office_page
from tests.browser.test_office_desk import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def money(amount):
    return f"$\u00a0{amount:,.2f}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_new_quote_shows_line_prices_and_a_total_as_lines_are_built(fresh, live_server, browser,
                                                                     viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/sales/new")
        total = page.locator(".quote-estimate")
        sum_line = page.locator("[data-quote-estimate]")
        empty_box = total.bounding_box()
        picked = []
        for n in (0, 1):
            field = page.locator(f"#line-{n}-product")
            field.fill("HVAC")
            options = page.locator(f"#line-{n}-product-list [role=option]")
            options.nth(n).wait_for()
            detail = options.nth(n).locator(".combobox__detail").inner_text()
            price = float(re.sub(r"[^\d.]", "", detail))
            options.nth(n).click()
            picked.append(price)
        page.locator('input[name="line-1-qty"]').fill("3")
        lines = page.locator("[data-line-estimate]")
        expect_first = f"1 × {money(picked[0])} = {money(picked[0])} (estimate)"
        expect_second = f"3 × {money(picked[1])} = {money(picked[1] * 3)} (estimate)"
        page.wait_for_function(
            "([a, b]) => { const l = document.querySelectorAll('[data-line-estimate]');"
            " return l[0].textContent === a && l[1].textContent === b; }",
            arg=[expect_first, expect_second])
        assert lines.nth(0).is_visible() and lines.nth(1).is_visible()
        assert sum_line.inner_text() == f"Estimate: {money(picked[0] + picked[1] * 3)}"
        assert "Odoo sets the final prices" in page.locator(".quote-estimate").inner_text()
        # The total kept its reserved place: the button under it did not move.
        assert total.bounding_box()["height"] == pytest.approx(empty_box["height"], abs=1)
    finally:
        context.close()


def test_a_drafts_lines_estimate_from_odoos_prices(fresh, live_server, browser):
    api = admin_api(fresh.url)
    partner = api.search_read("res.partner", [("is_company", "=", True)], ["id"], limit=1)[0]
    product = api.search_read("product.product", [("sale_ok", "=", True)], ["id"], limit=1)[0]
    order_id = api.create("sale.order", {"partner_id": partner["id"], "order_line": [
        (0, 0, {"product_id": product["id"], "product_uom_qty": 1})]})
    line = api.search_read("sale.order.line", [("order_id", "=", order_id)],
                           ["price_subtotal"])[0]
    with office_page(browser, live_server, f"/sales/{order_id}") as page:
        page.locator(".quote-edit > summary").click()
        page.locator('input[name="line-0-qty"]').fill("4")
        sum_line = page.locator("[data-quote-estimate]")
        expected = f"Estimate: {money(line['price_subtotal'] * 4)}"
        page.wait_for_function("([el, text]) => el.textContent === text",
                               arg=[sum_line.element_handle(), expected])
