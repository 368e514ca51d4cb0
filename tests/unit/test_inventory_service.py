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
