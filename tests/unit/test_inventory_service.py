"""The inventory service without a server: quantities people type, the version's quantity
fields, Odoo's wizard actions, the signed question, and the van and parts delivery with OCA
fieldservice_stock installed (fields the emulator does not have)."""

import pytest

from app.services import inventory
from app.services.viewer import Viewer


class FakeOdoo:
    """Answers call()/search_read()/read() from a table keyed by (model, method)."""

    base_url = "http://fake"
    db = "fieldkit"

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def call(self, model, method, *args, **kwargs):
        self.calls.append((model, method, args, kwargs))
        answer = self.answers.get((model, method))
        return answer(*args, **kwargs) if callable(answer) else answer

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", domain, fields=fields, **kwargs)

    def read(self, model, ids, fields):
        return self.call(model, "read", ids, fields)

    def create(self, model, vals):
        return self.call(model, "create", vals)

    def write(self, model, ids, vals):
        return self.call(model, "write", ids, vals)


@pytest.fixture(autouse=True)
def _clear():
    inventory.clear_caches()
    yield
    inventory.clear_caches()


TECH = Viewer(user_id=7, partner_id=70, role="technician", tz="America/New_York", version=17,
              company_id=1)


@pytest.mark.parametrize("text, value", [("2", 2.0), (" 1.5 ", 1.5), ("1,5", 1.5), ("0", 0.0)])
def test_quantities_people_type(text, value):
    assert inventory.parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "abc", "-1", "nan", "inf", "1e9", "1" * 30, None])
def test_quantities_refused_with_a_message(text):
    with pytest.raises(inventory.InventoryError) as exc:
        inventory.parse_quantity(text, "Widget")
    assert exc.value.user_message.startswith("Widget:")


def test_quantity_fields_follow_fields_get():
    old = FakeOdoo({("stock.move", "fields_get"): {"quantity_done": {},
                                                   "reserved_availability": {}}})
    qf = inventory.quantity_fields(old)
    assert qf.values(3.0) == {"quantity_done": 3.0} and qf.reserved == "reserved_availability"
    inventory.clear_caches()
    new = FakeOdoo({("stock.move", "fields_get"): {"quantity": {}, "picked": {}}})
    assert inventory.quantity_fields(new).values(3.0) == {"quantity": 3.0, "picked": True}


def test_wizard_actions_become_questions_and_unknown_ones_a_refusal():
    action = {"type": "ir.actions.act_window", "res_model": "confirm.stock.sms", "res_id": 10,
              "context": {"button_validate_picking_ids": [4]}}
    assert inventory.wizard_question(action) == {
        "model": "confirm.stock.sms", "res_id": 10,
        "context": {"button_validate_picking_ids": [4]}}
    assert inventory.wizard_question(True) is None
    assert inventory.wizard_question({"type": "ir.actions.act_window_close"}) is None
    with pytest.raises(inventory.InventoryError, match="finish this transfer in Odoo"):
        inventory.wizard_question({"type": "ir.actions.act_window",
                                   "res_model": "stock.warn.insufficient.qty.scrap"})


def test_a_signed_question_is_bound_to_its_transfer_and_model():
    question = {"model": "stock.backorder.confirmation", "res_id": None,
                "context": {"button_validate_picking_ids": [5]}}
    token = inventory.sign_question("k", 5, question)
    assert inventory.load_question("k", 5, token) == question
    assert inventory.load_question("k", 6, token) is None
    assert inventory.load_question("other key", 5, token) is None
    assert inventory.load_question("k", 5, token + "x") is None


def test_pressing_a_wizard_without_res_id_creates_it_under_the_actions_context():
    odoo = FakeOdoo({("stock.backorder.confirmation", "create"): 3,
                     ("stock.backorder.confirmation", "process"): True})
    ctx = {"button_validate_picking_ids": [5], "default_pick_ids": [[4, 5]]}
    inventory._press(odoo, {"model": "stock.backorder.confirmation", "res_id": None,
                            "context": ctx}, "process")
    assert odoo.calls == [
        ("stock.backorder.confirmation", "create", ({},), {"context": ctx}),
        ("stock.backorder.confirmation", "process", ([3],), {"context": ctx}),
    ]


def test_unattended_validation_answers_no_backorder_and_skips_the_sms_question():
    answers = iter([
        {"type": "ir.actions.act_window", "res_model": "stock.backorder.confirmation",
         "context": {"button_validate_picking_ids": [9]}},
    ])
    odoo = FakeOdoo({("stock.picking", "button_validate"): lambda *a, **k: next(answers),
                     ("stock.backorder.confirmation", "create"): 1,
                     ("stock.backorder.confirmation", "process_cancel_backorder"): True})
    assert inventory.validate_unattended(odoo, 9) is True
    assert odoo.calls[0][3]["context"] == {"skip_sms": True}
    assert odoo.calls[-1][1] == "process_cancel_backorder"
    assert odoo.calls[-1][3]["context"]["skip_sms"] is True


def fieldservice_stock_odoo(created):
    """An Odoo with OCA fieldservice_stock: the worker's and the location's stock fields."""
    return FakeOdoo({
        ("fsm.person", "fields_get"): {"default_warehouse_id": {}},
        ("fsm.person", "search_read"): [{"id": 3, "default_warehouse_id": [12, "Van 7"]}],
        ("stock.warehouse", "read"): [{"id": 12, "name": "Van 7",
                                       "lot_stock_id": [40, "V7/Stock"],
                                       "out_type_id": [41, "Van 7: Delivery Orders"]}],
        ("fsm.location", "fields_get"): {"inventory_location_id": {}, "partner_id": {}},
        ("fsm.location", "read"): [{"id": 8, "partner_id": [80, "Acme - Main"],
                                    "inventory_location_id": [55, "Partners/Acme"]}],
        ("stock.picking", "fields_get"): {"fsm_order_id": {}},
        ("stock.picking", "search_read"): [],
        ("product.product", "search_read"): [{"id": 30, "display_name": "[A1] Fan",
                                              "uom_id": [1, "Units"]}],
        ("stock.picking", "create"): lambda vals, **k: created.append(vals) or 99,
    })


def test_with_fieldservice_stock_the_worker_warehouse_is_the_van_and_the_order_is_linked():
    created = []
    odoo = fieldservice_stock_odoo(created)
    van = inventory.get_van(odoo, TECH)
    assert (van.warehouse_id, van.location_id, van.out_type_id, van.is_set) == (12, 40, 41, True)
    assert not any(c[0] == "res.users" for c in odoo.calls)  # the worker's setting wins
    order = {"id": 5, "name": "FO005", "is_closed": False, "location_id": [8, "Acme - Main"]}
    message = inventory.add_part(odoo, TECH, order, "A1", "2")
    assert message == "Added 2 × [A1] Fan."
    (vals,) = created
    assert vals["fsm_order_id"] == 5 and vals["origin"] == "FO005"
    assert (vals["picking_type_id"], vals["location_id"], vals["location_dest_id"]) == (41, 40, 55)
    assert vals["partner_id"] == 80
    assert vals["move_ids"] == [(0, 0, {"product_id": 30, "product_uom_qty": 2.0,
                                        "product_uom": 1, "name": "[A1] Fan",
                                        "location_id": 40, "location_dest_id": 55})]


def test_without_any_default_warehouse_the_company_stock_stands_in():
    odoo = FakeOdoo({
        ("fsm.person", "fields_get"): {},
        ("res.users", "fields_get"): {"property_warehouse_id": {}},
        ("res.users", "read"): [{"id": 7, "property_warehouse_id": False}],
        ("stock.warehouse", "search_read"): [{"id": 1, "name": "WH",
                                              "lot_stock_id": [8, "WH/Stock"],
                                              "out_type_id": [2, "WH: Delivery Orders"]}],
    })
    van = inventory.get_van(odoo, TECH)
    assert (van.location_id, van.is_set) == (8, False)
    search = next(c for c in odoo.calls if c[:2] == ("stock.warehouse", "search_read"))
    assert search[2][0] == [("company_id", "=", 1)]


def products_odoo(exact, contains, quants=()):
    """An Odoo whose product search answers `exact` to the exact query (barcode, reference or
    the whole name) and `contains` to the partial one; the van is WH/Stock (location 8)."""
    def products(domain, **kwargs):
        return exact if ("name", "=ilike", domain[-1][2]) in domain else contains
    return FakeOdoo({
        ("fsm.person", "fields_get"): {},
        ("res.users", "fields_get"): {},
        ("stock.warehouse", "search_read"): [{"id": 1, "name": "WH",
                                              "lot_stock_id": [8, "WH/Stock"],
                                              "out_type_id": [2, "WH: Delivery Orders"]}],
        ("product.product", "search_read"): products,
        ("product.product", "read"): lambda ids, fields: [p for p in contains if p["id"] in ids],
        ("stock.quant", "search_read"): list(quants),
    })


COILS = [{"id": 1, "display_name": "Coil cleaner", "default_code": "CC-1", "barcode": "111",
          "uom_id": [1, "Units"]},
         {"id": 2, "display_name": "Evaporator coil", "default_code": "EC-2", "barcode": False,
          "uom_id": [3, "m"]}]


def test_a_partial_name_is_never_taken_for_the_product_even_when_only_one_matches():
    odoo = products_odoo(exact=[], contains=COILS[1:])
    order = {"id": 5, "name": "FO005", "is_closed": False, "location_id": [8, "Acme"]}
    with pytest.raises(inventory.PartChoice) as asked:
        inventory.add_part(odoo, TECH, order, "coil", "1")
    assert asked.value.products == [{"id": 2, "name": "Evaporator coil"}]
    assert "Pick it" in asked.value.user_message
    assert not any(c[1] in ("create", "write") for c in odoo.calls)  # nothing added


def test_part_suggestions_put_what_the_van_holds_first_with_its_quantity():
    odoo = products_odoo(exact=[], contains=COILS,
                         quants=[{"product_id": [2, "Evaporator coil"], "quantity": 2.5},
                                 {"product_id": [2, "Evaporator coil"], "quantity": 1}])
    found = inventory.suggest_parts(odoo, TECH, "  coil ")
    assert [s["name"] for s in found] == ["Evaporator coil", "Coil cleaner"]
    assert found[0]["detail"] == "EC-2 · 3.5 m in your van"
    assert found[1]["detail"] == "CC-1 · 111 · not in your van"
    search = next(c for c in odoo.calls if c[:2] == ("product.product", "search_read"))
    assert ("barcode", "ilike", "coil") in search[2][0]  # name, reference or barcode
    quant = next(c for c in odoo.calls if c[:2] == ("stock.quant", "search_read"))
    assert ("location_id", "child_of", 8) in quant[2][0]


def test_with_an_empty_field_the_suggestions_are_what_the_van_holds():
    odoo = products_odoo(exact=[], contains=COILS,
                         quants=[{"product_id": [1, "Coil cleaner"], "quantity": 4}])
    found = inventory.suggest_parts(odoo, TECH, "")
    assert [(s["id"], s["detail"]) for s in found] == [(1, "CC-1 · 111 · 4 Units in your van")]
    assert not any(c[:2] == ("product.product", "search_read") for c in odoo.calls)
