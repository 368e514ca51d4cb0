"""On a phone (390x844), on every Odoo version: a quote gets one product through the picker
and one typed, for a customer picked from the suggestions, which offer the customer and never
its service location's look-alike partner (issue 24: name_search's keyword per version, OCA
locations as partners)."""

import re

import pytest

from app.services import sales as sales_service
from tests.browser.test_sales_flow import pick
from tests.conftest import clear_config_caches
from tests.integration.test_every_version import odoo  # noqa: F401 (fixture: each version)

pytestmark = pytest.mark.browser


@pytest.fixture
def odoo_url(odoo):  # noqa: F811 (the imported fixture, requested)
    sales_service.clear_caches()
    clear_config_caches()
    return odoo.url


def test_quote_with_a_picked_and_a_typed_product(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Login").fill("office")
    page.get_by_label("Password").fill("office")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("domcontentloaded")
    page.goto(f"{live_server}/sales/new")
    field = page.locator("#customer")
    field.fill("bluewater")
    options = field.locator("xpath=..").locator("[data-combobox-list] [role=option]")
    options.first.wait_for()
    names = [n.strip() for n in options.locator(".combobox__name").all_text_contents()]
    assert names == ["Bluewater Marina"]   # not its location "Bluewater Marina - Main"
    options.first.click()
    picked = pick(page, "#line-0-product", "filter")
    page.locator("#line-1-product").fill("HVAC-TSTAT")   # typed, no suggestion chosen
    page.fill('input[name="line-1-qty"]', "2")
    page.get_by_role("button", name="Create quote").click()
    page.wait_for_url(re.compile(r"/sales/\d+$"))
    lines = " ".join(page.locator("[data-line-id]").all_text_contents())
    assert picked.split("] ")[-1] in lines and "Smart Thermostat" in lines
    assert page.locator("[data-line-id]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
