"""Business methods, access rules, tracking and demo data facts the app relies on."""

import datetime as dt
from zoneinfo import ZoneInfo

from .conftest import TODAY


def _order_of(c, login_person_name=None):
    return c.ok("fsm.order", "search_read", [["stage_id.is_closed", "=", False],
                                             ["person_id", "!=", False]],
                fields=["name", "person_id", "stage_id"], limit=1)[0]


# 120 orders, plus one done, one cancelled on site and one urgent today for each technician.
DEMO_ORDERS = 120 + 3 * 6


def test_demo_every_tech_has_two_open_orders_today(emu, client_for):
    c = client_for(emu, "admin")
    for n in range(1, 7):
        login = f"tech{n}"
        user = c.ok("res.users", "search_read", [["login", "=", login]],
                    fields=["partner_id", "tz", "email"])[0]
        tz = ZoneInfo(user["tz"])
        start = dt.datetime.combine(dt.date.fromisoformat(TODAY), dt.time(0), tz)
        lo = start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        hi = (start + dt.timedelta(days=1)).astimezone(dt.UTC).strftime(
            "%Y-%m-%d %H:%M:%S")
        count = c.ok("fsm.order", "search_count", [
            ["person_id.partner_id", "=", user["partner_id"][0]],
            ["stage_id.is_closed", "=", False],
            ["scheduled_date_start", ">=", lo], ["scheduled_date_start", "<", hi]])
        assert count >= 2, login
    tech5 = c.ok("res.users", "search_read", [["login", "=", "tech5"]], fields=["tz"])[0]
    assert tech5["tz"] == "America/Los_Angeles"
    assert c.ok("res.users", "search_read", [["login", "=", "tech6"]],
                fields=["email"])[0]["email"] is False
    assert c.ok("fsm.order", "search_count", []) == DEMO_ORDERS
    assert c.ok("fsm.order", "search_count", [["person_id", "=", False]]) >= 5


def test_stages_per_version(emulators, client_for):
    names17 = [s["name"] for s in client_for(emulators(17), "admin").ok(
        "fsm.stage", "search_read", [["stage_type", "=", "order"]], fields=["name"])]
    assert names17 == ["New", "Confirmed", "Requested", "Assigned", "Scheduled", "En Route",
                       "Started", "Completed", "Cancelled"]
    names18 = [s["name"] for s in client_for(emulators(18), "admin").ok(
        "fsm.stage", "search_read", [["stage_type", "=", "order"]], fields=["name"])]
    assert names18 == ["New", "Completed", "Cancelled"]


def test_complete_flow_and_tracking_authored_by_tech(fresh, client_for):
    tech = client_for(fresh, "tech1")
    order = tech.ok("fsm.order", "search_read", [["person_id.user_ids", "in", [5]],
                                                 ["stage_id.is_closed", "=", False]],
                    fields=["name", "stage_id"], limit=1)[0]
    oid = order["id"]
    err = tech.call("fsm.order", "write", [oid], {"stage_id": 2})["error"]["data"]
    assert (err["name"], err["message"]) == ("odoo.exceptions.UserError",
                                             "Cannot move to completed from Kanban")
    err = tech.call("fsm.order", "action_complete", [oid])["error"]["data"]
    assert err["name"] == "odoo.exceptions.ValidationError"
    assert err["message"] == "Cannot move to Complete until 'Actual End' is filled in"
    assert tech.ok("fsm.order", "write", [oid], {"date_start": "2026-03-10 14:00:00",
                                                 "date_end": "2026-03-10 15:00:00",
                                                 "resolution": "Done"}) is True
    assert tech.ok("fsm.order", "action_complete", [oid]) is True
    assert tech.ok("fsm.order", "read", [oid], ["stage_id"])[0]["stage_id"][1] == "Completed"
    msgs = tech.post("/mail/thread/messages", {"thread_model": "fsm.order", "thread_id": oid,
                                               "limit": 5}).json()["result"]["messages"]
    tracking = [m for m in msgs if m["trackingValues"]]
    assert tracking[0]["author"]["name"] == "Tom Technician"
    assert tracking[0]["trackingValues"][0]["newValue"]["value"] == "Completed"
    err = tech.call("mail.message", "search_read", [["res_id", "=", oid]],
                    fields=["tracking_value_ids"])["error"]["data"]
    assert err["name"] == "odoo.exceptions.AccessError" and "tracking_value_ids" in err["message"]


def test_record_rules_by_version(emulators, client_for):
    for version, denied in ((16, True), (17, True), (18, False)):
        admin = client_for(emulators(version), "admin")
        other = admin.ok("fsm.order", "search", [["person_id.user_ids.login", "=", "tech2"]],
                         limit=1)[0]
        tech = client_for(emulators(version), "tech1")
        body = tech.call("fsm.order", "read", [other], ["name"])
        assert ("error" in body) == denied, version
        if denied:
            assert body["error"]["data"]["name"] == "odoo.exceptions.AccessError"
        visible = tech.ok("fsm.order", "search_count", [])
        assert (visible < DEMO_ORDERS) == denied


def test_message_post_needs_email_until_18(emulators, client_for):
    for version, expect_error in ((17, True), (19, False)):
        tech6 = client_for(emulators(version), "tech6")
        oid = tech6.ok("fsm.order", "search", [["person_id.user_ids.login", "=", "tech6"]],
                       limit=1)[0]
        body = tech6.call("fsm.order", "message_post", [oid], body="hi", message_type="comment",
                          subtype_xmlid="mail.mt_note")
        if expect_error:
            assert body["error"]["data"]["message"] == (
                "Unable to send message, please configure the sender's email address.")
        else:
            assert isinstance(body["result"], list)
    tech1 = client_for(emulators(17), "tech1")
    oid = tech1.ok("fsm.order", "search", [["person_id.user_ids.login", "=", "tech1"]], limit=1)[0]
    assert isinstance(tech1.ok("fsm.order", "message_post", [oid], body="note",
                               message_type="comment", subtype_xmlid="mail.mt_note"), int)


def test_orm_methods(fresh, client_for):
    c = client_for(fresh, "admin")
    pid = c.ok("res.partner", "create", {"name": "Acme Test", "is_company": True})
    assert isinstance(pid, int)
    ids = c.ok("res.partner", "create", [{"name": "A"}, {"name": "B"}])
    assert isinstance(ids, list) and len(ids) == 2
    err = c.call("res.partner", "create", {})["error"]["data"]
    assert err["name"] == "odoo.exceptions.ValidationError"
    assert c.ok("res.partner", "read", [999999], ["name"]) == []
    err = c.call("res.partner", "write", [999999], {"name": "x"})["error"]["data"]
    assert err["name"] == "odoo.exceptions.MissingError"
    assert c.ok("res.partner", "name_get", [pid]) == [[pid, "Acme Test"]]
    assert c.ok("res.partner", "name_search", "Acme Te")[0] == [pid, "Acme Test"]
    tag = c.ok("fsm.tag", "create", {"name": "T1"})
    oid = c.ok("fsm.order", "search", [], limit=1)[0]
    c.ok("fsm.order", "write", [oid], {"tag_ids": [(4, tag)]})
    assert tag in c.ok("fsm.order", "read", [oid], ["tag_ids"])[0]["tag_ids"]
    c.ok("fsm.order", "write", [oid], {"tag_ids": [(5,)]})
    assert c.ok("fsm.order", "read", [oid], ["tag_ids"])[0]["tag_ids"] == []
    assert c.ok("fsm.order", "read", [oid], ["stage_id"], load="_classic_write")[0][
        "stage_id"] in (1, 2, 3, 4, 5, 6, 7, 8, 9)
    so = c.ok("sale.order", "create", {"partner_id": pid, "order_line": [
        (0, 0, {"product_id": 1, "product_uom_qty": 2})]})
    so_data = c.ok("sale.order", "read", [so], ["amount_total", "state", "order_line"])[0]
    assert so_data["state"] == "draft" and so_data["amount_total"] > 0
    assert c.ok("sale.order", "action_confirm", [so]) is True
    groups = c.ok("fsm.order", "read_group", [], ["stage_id"], ["stage_id"], lazy=True)
    assert sum(g["stage_id_count"] for g in groups) == DEMO_ORDERS and "__domain" in groups[0]
    fields = c.ok("fsm.order", "fields_get", attributes=["type", "string"])
    assert fields["x_signature_url"]["type"] == "char" and fields["todo"]["type"] == "html"


def _delivery_to_phone_owner(c):
    return c.ok("stock.picking", "search_read", [
        ["state", "=", "assigned"], ["picking_type_id.code", "=", "outgoing"],
        ["partner_id.phone", "!=", False]], fields=["move_ids"], limit=2)


def test_first_delivery_asks_about_sms_once(fresh, client_for):
    """stock_sms: the first validated delivery to a customer with a phone answers the
    confirm.stock.sms wizard; once answered, deliveries validate straight away."""
    c = client_for(fresh, "admin")
    first, second = _delivery_to_phone_owner(c)
    action = c.ok("stock.picking", "button_validate", [first["id"]])
    assert action["res_model"] == "confirm.stock.sms" and action["res_id"]
    assert c.ok("stock.picking", "read", [first["id"]], ["state"])[0]["state"] == "assigned"
    context = {"button_validate_picking_ids": [first["id"]]}
    assert c.ok("confirm.stock.sms", "send_sms", [action["res_id"]], context=context) is True
    assert c.ok("stock.picking", "read", [first["id"]], ["state"])[0]["state"] == "done"
    assert c.ok("res.company", "read", [1], ["has_received_warning_stock_sms"])[0][
        "has_received_warning_stock_sms"] is True
    assert c.ok("stock.picking", "button_validate", [second["id"]]) is True


def test_backorder_wizard_leads_to_the_sms_question(fresh, client_for):
    c = client_for(fresh, "admin")
    pick = _delivery_to_phone_owner(c)[0]
    move = pick["move_ids"][0]
    demand = c.ok("stock.move", "read", [move], ["product_uom_qty"])[0]["product_uom_qty"]
    c.ok("stock.move", "write", [move], {"quantity": demand / 2, "picked": True})
    action = c.ok("stock.picking", "button_validate", [pick["id"]])
    wizard = c.ok("stock.backorder.confirmation", "create", {"pick_ids": [(4, pick["id"])]},
                  context=action["context"])
    sms = c.ok("stock.backorder.confirmation", "process_cancel_backorder", [wizard],
               context=action["context"])
    assert sms["res_model"] == "confirm.stock.sms"
    assert sms["context"]["skip_backorder"] is True
    assert sms["context"]["picking_ids_not_to_backorder"] == [pick["id"]]
    assert c.ok("confirm.stock.sms", "dont_send_sms", [sms["res_id"]],
                context=sms["context"]) is True
    assert c.ok("stock.picking", "read", [pick["id"]], ["state"])[0]["state"] == "done"
    assert c.ok("stock.picking", "search_count", [["backorder_id", "=", pick["id"]]]) == 0
    assert c.ok("res.company", "read", [1], ["stock_move_sms_validation"])[0][
        "stock_move_sms_validation"] is False


def test_stock_backorder_wizard(fresh, client_for):
    c = client_for(fresh, "admin")
    pick = c.ok("stock.picking", "search_read", [["state", "=", "assigned"]],
                fields=["move_ids"], limit=1)[0]
    move = pick["move_ids"][0]
    demand = c.ok("stock.move", "read", [move], ["product_uom_qty"])[0]["product_uom_qty"]
    c.ok("stock.move", "write", [move], {"quantity": demand - 1 if demand > 1 else 0.5,
                                         "picked": True})
    action = c.ok("stock.picking", "button_validate", [pick["id"]])
    assert action["res_model"] == "stock.backorder.confirmation"
    wiz = c.ok("stock.backorder.confirmation", "create", {"pick_ids": [(4, pick["id"])]},
               context=action["context"])
    assert c.ok("stock.backorder.confirmation", "process", [wiz]) is True
    assert c.ok("stock.picking", "read", [pick["id"]], ["state"])[0]["state"] == "done"
    assert c.ok("stock.picking", "search_count", [["backorder_id", "=", pick["id"]]]) == 1


