"""The emulator's stock as Odoo behaves: validating moves quants (the van's stock goes down and
qty_available with it), the immediate transfer of 15/16 validates again (so the backorder and
SMS questions can follow), and a van per technician as the user's Default Warehouse."""

import pytest

from app.odoo.client import OdooAPI


@pytest.fixture(scope="module", params=(16,), ids=("odoo16",))  # 17: tests/integration
def admin(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        api = OdooAPI(handle.url, "fieldkit")
        api.authenticate("admin", "admin")
        api.version = request.param
        yield api


def van_of(api, login):
    user = api.search_read("res.users", [("login", "=", login)], ["property_warehouse_id"])[0]
    wh = api.read("stock.warehouse", [user["property_warehouse_id"][0]],
                  ["lot_stock_id", "out_type_id", "code"])[0]
    return wh


def test_each_technician_has_a_van_with_stock(admin):
    codes = {van_of(admin, f"tech{n}")["code"] for n in range(1, 7)}
    assert codes == {f"V{n}" for n in range(1, 7)}
    van = van_of(admin, "tech1")
    assert van["lot_stock_id"][1] == "V1/Stock"
    assert admin.search_count("stock.quant", [("location_id", "=", van["lot_stock_id"][0])]) == 8


def test_a_delivery_from_the_van_lowers_its_quants_and_qty_available(admin):
    van = van_of(admin, "tech1")
    loc = van["lot_stock_id"][0]
    quant = admin.search_read("stock.quant", [("location_id", "=", loc), ("quantity", ">=", 2)],
                              ["product_id", "quantity"], limit=1)[0]
    product = quant["product_id"][0]
    on_hand = admin.read("product.product", [product], ["qty_available"])[0]["qty_available"]
    customers = admin.search_read("stock.location", [("usage", "=", "customer")], ["id"])[0]["id"]
    pick = admin.create("stock.picking", {
        "picking_type_id": van["out_type_id"][0], "location_id": loc,
        "location_dest_id": customers, "origin": "FO-TEST",
        "move_ids": [(0, 0, {"product_id": product, "product_uom_qty": 2,
                             "location_id": loc, "location_dest_id": customers})]})
    admin.call("stock.picking", "action_confirm", [pick])
    move = admin.search_read("stock.move", [("picking_id", "=", pick)], ["id"])[0]["id"]
    vals = {"quantity_done": 2} if admin.version <= 16 else {"quantity": 2, "picked": True}
    admin.write("stock.move", [move], vals)
    result = admin.call("stock.picking", "button_validate", [pick], context={"skip_sms": True})
    assert result is True
    after = admin.read("stock.quant", [quant["id"]], ["quantity"])[0]["quantity"]
    assert after == quant["quantity"] - 2
    assert admin.read("product.product", [product], ["qty_available"])[0]["qty_available"] \
        == on_hand - 2
    assert admin.read("stock.picking", [pick], ["name"])[0]["name"].startswith("V1/OUT/")


def test_immediate_transfer_validates_again_and_can_ask_about_sms(admin):
    admin.write("res.company", [1], {"has_received_warning_stock_sms": False,
                                     "stock_move_sms_validation": True})
    pick = admin.search_read("stock.picking", [("state", "=", "assigned"),
                                               ("picking_type_code", "=", "outgoing"),
                                               ("partner_id.phone", "!=", False)],
                             ["id"], limit=1)[0]["id"]
    action = admin.call("stock.picking", "button_validate", [pick])
    assert action["res_model"] == "stock.immediate.transfer"
    wizard = admin.call("stock.immediate.transfer", "create", {}, context=action["context"])
    answer = admin.call("stock.immediate.transfer", "process", [wizard],
                        context=action["context"])
    assert answer["res_model"] == "confirm.stock.sms" and answer["res_id"]
    assert admin.call("confirm.stock.sms", "send_sms", [answer["res_id"]],
                      context=answer["context"]) is True
    assert admin.read("stock.picking", [pick], ["state"])[0]["state"] == "done"
