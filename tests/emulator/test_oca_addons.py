"""The OCA field-service add-ons the emulator installs on demand (models/oca_fieldservice.py),
as their source has them, and web_read / web_search_read (17+) as odoo/models.py answers."""
import pytest

from odoo_emulator import start_in_thread
from odoo_emulator.models.oca_fieldservice import NO_LOCATION_ACCOUNT


@pytest.fixture(scope="module")
def analytic16(emulator_pool):
    with emulator_pool.lease(version=16, addons=["fieldservice_account_analytic",
                                                 "fieldservice_project"]) as handle:
        yield handle


def test_addons_exist_only_for_their_versions():
    # start_in_thread itself, not the pool: the start is what must fail
    with pytest.raises(ValueError, match="no fieldservice_timesheet for Odoo 17"):
        start_in_thread(version=17, addons=["fieldservice_timesheet"])
    with pytest.raises(ValueError, match="no fieldservice_account_analytic for Odoo 18"):
        start_in_thread(version=18, addons=["fieldservice_account_analytic"])


def test_account_analytic_fields_and_create(analytic16, client_for):
    admin = client_for(analytic16, "admin")
    fields = admin.ok("account.analytic.line", "fields_get", ["fsm_order_id", "product_id"],
                      attributes=["string", "relation"])
    assert fields["fsm_order_id"] == {"string": "FSM Order", "relation": "fsm.order"}
    assert fields["product_id"]["string"] == "Time Type"
    assert "analytic_account_id" in admin.ok("fsm.location", "fields_get", ["analytic_account_id"])
    assert "timesheet_ids" not in admin.ok("fsm.order", "fields_get", ["timesheet_ids"])
    order = admin.ok("fsm.order", "read", [1], ["location_id", "project_id"])[0]
    location = admin.ok("fsm.location", "read", [order["location_id"][0]],
                        ["analytic_account_id"])[0]
    tech = client_for(analytic16, "tech1")
    line = tech.ok("account.analytic.line", "create", {
        "name": "Work", "unit_amount": 1.0, "date": "2026-03-10", "fsm_order_id": 1,
        "project_id": order["project_id"][0]})
    read = admin.ok("account.analytic.line", "read", [line], ["account_id", "fsm_order_id"])[0]
    # the location's account, not the project's (the add-on's create runs before hr_timesheet's)
    assert read["account_id"][0] == location["analytic_account_id"][0]
    assert read["fsm_order_id"][0] == 1
    admin.ok("fsm.location", "write", [order["location_id"][0]], {"analytic_account_id": False})
    refused = tech.call("account.analytic.line", "create", {
        "name": "Work", "unit_amount": 1.0, "date": "2026-03-10", "fsm_order_id": 1})
    assert refused["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert refused["error"]["data"]["message"] == NO_LOCATION_ACCOUNT
    assert "web_read" in tech.call("fsm.order", "web_read", [1], {})["error"]["data"]["message"]


def test_web_read_and_web_search_read(emulators, client_for):
    handle = emulators(17)
    tech = client_for(handle, "admin")
    spec = {"name": {}, "stage_id": {"fields": {"display_name": {}}}, "location_id": {},
            "person_ids": {}, "message_ids": {"fields": {"message_type": {}}}}
    (row,) = tech.ok("fsm.order", "web_read", [1], spec)
    plain = tech.ok("fsm.order", "read", [1], ["name", "stage_id", "location_id", "person_ids",
                                                "message_ids"])[0]
    assert row["stage_id"] == {"id": plain["stage_id"][0], "display_name": plain["stage_id"][1]}
    assert row["location_id"] == plain["location_id"][0]      # no "fields": the id alone
    assert row["person_ids"] == plain["person_ids"]
    assert [m["id"] for m in row["message_ids"]] == plain["message_ids"]
    assert all(set(m) == {"id", "message_type"} for m in row["message_ids"])
    found = tech.ok("fsm.order", "web_search_read", [["id", "=", 1]], specification=spec)
    assert found["length"] == 1 and found["records"] == [row]


def test_message_ids_come_newest_first_and_a_limit_reads_the_newest(emulators, client_for):
    """A one2many is read in its comodel's order (fields.One2many.read searches it): mail.message
    is ``id desc``, and message_ids leaves out user notifications (mail_thread.py's domain), so
    a web_read ``limit`` nests the newest messages."""
    handle = emulators(17)
    admin = client_for(handle, "admin")
    for text in ("older", "newer"):
        admin.ok("fsm.order", "message_post", [1], body=text, message_type="comment",
                 subtype_xmlid="mail.mt_note")
    ids = admin.ok("fsm.order", "read", [1], ["message_ids"])[0]["message_ids"]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 2
    (row,) = admin.ok("fsm.order", "web_read", [1],
                      {"message_ids": {"fields": {"body": {}}, "limit": 1}})
    assert "newer" in row["message_ids"][0]["body"]
    assert all(set(m) == {"id"} for m in row["message_ids"][1:])
