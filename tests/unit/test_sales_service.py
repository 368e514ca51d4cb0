"""Sales service pieces that need no Odoo: line parsing, states per version, list domains."""

import pytest
from werkzeug.datastructures import MultiDict

from app.platform.currency import Currency
from app.services import sales
from app.services.sales import ModelInfo, QuoteRefused, SalesViewer

INFO_16 = ModelInfo(states={"draft": "Quotation", "sent": "Quotation Sent", "sale": "Sales Order",
                            "done": "Locked", "cancel": "Cancelled"},
                    order_fields=frozenset({"name", "state"}), line_fields=frozenset({"tax_id"}),
                    tax_field="tax_id", uom_field="product_uom")
INFO_19 = ModelInfo(states={"draft": "Quotation", "sent": "Quotation Sent", "sale": "Sales Order",
                            "cancel": "Cancelled"},
                    order_fields=frozenset({"name", "state", "locked"}),
                    line_fields=frozenset({"tax_ids"}), tax_field="tax_ids",
                    uom_field="product_uom_id")


def test_lines_from_the_form():
    form = MultiDict({"line-0-product": "Filter", "line-0-product_id": "4", "line-0-qty": "2,5",
                      "line-1-product": "", "line-1-qty": "1",
                      "line-2-id": "9", "line-2-qty": "3", "line-2-remove": "1"})
    lines = sales.parse_lines(form)
    assert [(x.product_id, x.qty, x.line_id, x.remove) for x in lines] == [
        (4, 2.5, None, False), (None, 3.0, 9, True)]


@pytest.mark.parametrize("qty", ["lots", "-1", "1e9", "nan"])
def test_bad_quantities_are_refused(qty):
    with pytest.raises(QuoteRefused):
        sales.parse_lines(MultiDict({"line-0-product": "Filter", "line-0-qty": qty}))


def test_states_come_from_odoo_per_version():
    assert sales.state_of({"state": "done"}, INFO_16)["label"] == "Locked"
    locked = sales.state_of({"state": "sale", "locked": True}, INFO_19)
    assert locked["label"] == "Sales Order (locked)" and locked["tone"] == "success"
    assert INFO_16.confirmed_states == ["sale", "done"] and INFO_19.confirmed_states == ["sale"]
    assert INFO_19.line_read_fields()[-1] == "tax_ids"


def test_list_domains():
    viewer = SalesViewer(user_id=7, partner_id=3, sales_access="own")
    assert sales.list_domain(viewer, INFO_19, "mine", "") == [("user_id", "=", 7)]
    assert sales.list_domain(viewer, INFO_16, "confirmed", "") == [
        ("state", "in", ["sale", "done"])]
    assert sales.list_domain(viewer, INFO_19, "all", "S01") == [
        "|", ("name", "ilike", "S01"), ("partner_id", "ilike", "S01")]


def test_money_is_odoos_amount_in_the_order_currency():
    euro = Currency(symbol="€", position="after", digits=2)
    assert sales.money(1234.5, euro) == "1,234.50\u00a0€"
    assert sales.money(1234.5, None) == "1,234.50"


def test_lines_name_their_taxes_and_amounts():
    records = [{"id": 1, "product_id": [5, "Filter"], "name": "Filter", "product_uom_qty": 2,
                "price_unit": 10.0, "price_subtotal": 20.0, "price_tax": 3.0, "tax_id": [7, 8]},
               {"id": 2, "product_id": [6, "Labour"], "name": "Labour", "product_uom_qty": 1,
                "price_unit": 50.0, "price_subtotal": 50.0, "price_tax": 0.0, "tax_id": []}]
    dollar = Currency(symbol="$", position="before")
    first, second = sales._lines(records, INFO_16, dollar, {7: "15%", 8: "Eco 1%"})
    assert first["tax_names"] == "15%, Eco 1%" and first["tax"] == "$\u00a03.00"
    assert first["has_tax"] and first["price_unit"] == "$\u00a010.00"
    assert not second["has_tax"] and second["tax_names"] == ""
    # A tax whose name could not be read: the amount alone.
    assert sales._lines(records[:1], INFO_16, dollar, {7: "15%"})[0]["tax_names"] == "15%"


def test_viewer_without_sales_rights_is_refused():
    with pytest.raises(sales.SalesForbidden):
        sales.require_access(SalesViewer(user_id=1, partner_id=1, sales_access="none"))
    old_session = {"user_id": 1, "role": "office"}  # logged in before sales_access existed
    assert SalesViewer.from_session(old_session).sales_access == "all"
