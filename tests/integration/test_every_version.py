"""What real Odoo 16 and 18 refused and the emulator once let through (issue 24), on every
version Fieldkit supports: a quote gets products through the picker and by typing (name_search
takes `args` up to 18, `domain` from 19), and the customer search answers (res.partner has
`complete_name` only from 17)."""

import pytest

from app.odoo.client import OdooAPI
from tests.integration.test_sales import app, as_user  # noqa: F401 (fixture, helper)


@pytest.fixture(scope="module", params=(15, 16, 17, 18, 19))
def odoo(request, emulator_pool):
    """An emulator of each supported version (test_sales' `app` talks to it)."""
    with emulator_pool.lease(version=request.param) as handle:
        yield handle


def test_a_quote_gets_products_through_the_picker_and_by_typing(app, odoo):  # noqa: F811
    office = as_user(app, "office")
    picked = office.get("/api/sales/products?q=filter").get_json()["results"]
    assert [p["name"] for p in picked][:2] == ["[HVAC-FLT-16] Air Filter 16x25x1",
                                               "[HVAC-FLT-20] Air Filter 20x25x1"]
    customers = office.get("/api/sales/customers?q=bluewater").get_json()["results"]
    assert customers
    response = office.post("/sales/new", data={
        "partner_id": customers[0]["id"], "customer": customers[0]["name"],
        "line-0-product": picked[0]["name"], "line-0-product_id": picked[0]["id"],
        "line-0-qty": "1",
        "line-1-product": "HVAC-TSTAT", "line-1-qty": "2"})  # typed, no pick
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # a typed product on a new line of the draft
    response = office.post(f"/sales/{order_id}/lines", data={
        "line-0-product": "Flame Sensor", "line-0-qty": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    admin = OdooAPI(odoo.url, "fieldkit")
    admin.authenticate("admin", "admin")
    lines = admin.search_read("sale.order.line", [("order_id", "=", order_id)],
                              ["product_id"])
    assert sorted(line["product_id"][1] for line in lines) == [
        "[HVAC-FLM-01] Flame Sensor", "[HVAC-FLT-16] Air Filter 16x25x1",
        "[HVAC-TSTAT] Smart Thermostat"]


def test_customer_search_answers(app):  # noqa: F811
    tech = as_user(app, "tech1")
    for q in ("bluewater", "", "Wilson"):
        response = tech.get("/customers", query_string={"q": q})
        assert response.status_code == 200, (q, response.get_data(as_text=True)[-500:])
    assert "Bluewater Marina" in tech.get("/customers?q=bluewater").get_data(as_text=True)
