"""OCA fieldservice_activity in the emulator (models/oca_fieldservice_activity.py) against the
recordings of real 16 and 18 servers (`a_*` in tests/fixtures/odoo-recordings-more) and OCA's
source of each branch; and access rights / record rules an administrator adds over RPC
(models/access.py), as `flask odoo-check --fix` does."""
import json
from pathlib import Path

import pytest

from odoo_emulator.models.oca_fieldservice_activity import required_open_message

from .conftest import TODAY

REC = Path(__file__).resolve().parents[1] / "fixtures" / "odoo-recordings-more"
ADDON = ["fieldservice_activity"]
FIELDS = ["name", "required", "sequence", "state", "completed", "completed_on", "completed_by",
          "ref", "fsm_order_id"]


def recorded(version, name):
    return json.loads((REC / f"odoo{version}" / f"{name}.json").read_text())["response"]["json"]


@pytest.fixture(scope="module")
def servers(emulator_pool):
    taken = {}

    def get(version):
        if version not in taken:
            taken[version] = emulator_pool.take(version=version, today=TODAY, addons=ADDON)
        return taken[version]
    yield get
    for handle in taken.values():
        emulator_pool.give_back(handle)


def _template(admin):
    return admin.ok("fsm.template", "create", {
        "name": "AC tune-up", "instructions": "Standard tune-up", "temp_activity_ids": [
            [0, 0, {"name": "Replace filter", "required": True, "sequence": 1, "ref": "FLT"}],
            [0, 0, {"name": "Photo of unit", "sequence": 2}],
            [0, 0, {"name": "Customer walkthrough", "sequence": 3}]]})


def _order(admin, template, person=1):
    location = admin.ok("fsm.location", "search", [], limit=1)[0]
    return admin.ok("fsm.order", "create", {"location_id": location, "person_id": person,
                                            "template_id": template})


@pytest.mark.parametrize("version", [16, 18])
def test_fields_get_as_recorded(servers, client_for, version):
    admin = client_for(servers(version), "admin")
    attrs = ["string", "type", "relation", "selection", "required", "readonly"]
    got = admin.ok("fsm.activity", "fields_get", attributes=attrs)
    want = recorded(version, "a_activity_fields_get")["result"]
    for name in ("name", "required", "sequence", "completed", "completed_on", "completed_by",
                 "ref", "fsm_order_id", "fsm_template_id", "state"):
        assert got[name] == want[name], name
    tmpl = admin.ok("fsm.template", "fields_get", ["temp_activity_ids"], attributes=attrs)
    assert tmpl == {"temp_activity_ids": recorded(version, "a_template_fields_get")["result"][
        "temp_activity_ids"]} if version == 18 else tmpl["temp_activity_ids"]["relation"]


@pytest.mark.parametrize("version", [16, 18])
def test_office_flow_as_recorded(servers, client_for, version):
    handle = servers(version)
    admin, office = client_for(handle, "admin"), client_for(handle, "office")
    template = _template(admin)
    order = _order(office, template)
    ids = office.ok("fsm.order", "read", [order], ["order_activity_ids"])[0]["order_activity_ids"]
    assert len(ids) == 3
    rows = office.ok("fsm.activity", "search_read", [["fsm_order_id", "=", order]],
                     fields=FIELDS, order="sequence, id")
    shape = recorded(version, "a_office_activities_search_read")["result"]
    assert [(r["name"], r["required"], r["sequence"], r["state"], r["ref"]) for r in rows] == \
        [(r["name"], r["required"], r["sequence"], r["state"], r["ref"]) for r in shape]
    assert all(r["sequence"] == 0 for r in rows)   # not copied from the template
    required, photo, walk = ids
    # the required one still open: Odoo's message, the stage stays
    stage = office.ok("fsm.order", "read", [order], ["stage_id"])[0]["stage_id"]
    office.ok("fsm.order", "write", [order], {"resolution": "Tuned.",
                                              "date_start": "2026-11-23 09:00:00",
                                              "date_end": "2026-11-23 10:00:00"})
    refused = office.call("fsm.order", "action_complete", [order])["error"]["data"]
    want = recorded(version, "a_office_order_action_complete_required_open")["error"]["data"]
    assert (refused["name"], refused["message"]) == (want["name"], want["message"])
    assert office.ok("fsm.order", "read", [order], ["stage_id"])[0]["stage_id"] == stage
    # action_done / action_cancel: no result key
    for method, aid in (("action_done", photo), ("action_cancel", walk)):
        body = office.call("fsm.activity", method, [aid])
        assert set(body) == set(recorded(version, f"a_office_activity_{method}")) == {"jsonrpc",
                                                                                      "id"}
    after = office.ok("fsm.activity", "read", [photo, walk],
                      ["name", "state", "completed", "completed_on", "completed_by"])
    assert after[0]["state"] == "done" and after[0]["completed"] is True
    assert after[0]["completed_by"][0] == office.login("office")["uid"]
    assert after[0]["completed_on"]
    assert after[1] == {"id": walk, "name": "Customer walkthrough", "state": "cancel",
                        "completed": False, "completed_on": False, "completed_by": False}
    # a done activity's name and state are writable over RPC (recorded on both)
    assert office.ok("fsm.activity", "write", [photo], {"name": "Photo of unit (renamed)"})
    assert office.ok("fsm.activity", "read", [photo], ["name", "state"])[0] == {
        "id": photo, "name": "Photo of unit (renamed)", "state": "done"}
    # create is the manager's
    created = office.call("fsm.activity", "create", {"name": "Extra check",
                                                     "fsm_order_id": order})
    assert created["error"]["data"]["message"] == recorded(
        version, "a_office_activity_create_refused")["error"]["data"]["message"]
    assert "result" not in office.call("fsm.activity", "action_done", [required])
    assert office.ok("fsm.order", "action_complete", [order]) is True
    assert office.ok("fsm.order", "read", [order], ["stage_id"])[0]["stage_id"][1] == "Completed"
    # clearing the template keeps the activities
    office.ok("fsm.order", "write", [order], {"template_id": False})
    assert office.ok("fsm.order", "read", [order], ["order_activity_ids"])[0][
        "order_activity_ids"] == ids


@pytest.mark.parametrize("version", [16, 18])
def test_technician_refused_as_recorded(servers, client_for, version):
    handle = servers(version)
    admin, tech = client_for(handle, "admin"), client_for(handle, "tech1")
    person = tech.ok("fsm.person", "search", [["user_ids", "in", [tech.login("tech1")["uid"]]]])
    order = _order(admin, _template(admin), person[0])
    aid = admin.ok("fsm.order", "read", [order], ["order_activity_ids"])[0]["order_activity_ids"][0]
    assert tech.ok("fsm.order", "write", [order], {"resolution": "Tuned.",  # as recorded
                                                   "date_start": "2026-11-23 09:00:00",
                                                   "date_end": "2026-11-23 10:00:00"})
    for name, (model, method, args) in {
            "a_tech_order_read": ("fsm.order", "read", [[order], ["name", "order_activity_ids"]]),
            "a_tech_activities_search_read": ("fsm.activity", "search_read",
                                              [[["fsm_order_id", "=", order]]]),
            "a_tech_activity_action_done": ("fsm.activity", "action_done", [[aid]]),
            "a_tech_activity_create_refused": ("fsm.activity", "create",
                                               [{"name": "Extra", "fsm_order_id": order}]),
            "a_tech_order_action_complete": ("fsm.order", "action_complete", [[order]]),
    }.items():
        body = tech.call(model, method, *args)
        want = recorded(version, name)["error"]["data"]
        assert body["error"]["data"]["name"] == want["name"], name
        assert body["error"]["data"]["message"] == want["message"], name
    # the order itself stays readable without the activities
    assert tech.ok("fsm.order", "read", [order], ["name"])


def test_versions_15_and_19(client_for, make_emulator):
    for version in (15, 19):
        handle = make_emulator(version=version, today=TODAY, addons=ADDON)
        admin = client_for(handle, "admin")
        first, second = _template(admin), admin.ok("fsm.template", "create", {
            "name": "Other", "temp_activity_ids": [[0, 0, {"name": "Only step"}]]})
        order = _order(admin, first)
        before = admin.ok("fsm.order", "read", [order], ["order_activity_ids"])[0][
            "order_activity_ids"]
        assert len(before) == 3
        admin.ok("fsm.order", "write", [order], {"template_id": second})
        after = admin.ok("fsm.order", "read", [order], ["order_activity_ids"])[0][
            "order_activity_ids"]
        # 15: an onchange, run by create only; 19: the stored compute replaces them
        assert after == before if version == 15 else len(after) == 1
        admin.ok("fsm.order", "write", [order], {"template_id": first, "date_end":
                                                 "2026-03-10 10:00:00"})
        refused = admin.call("fsm.order", "action_complete", [order])["error"]["data"]
        assert refused["message"] == required_open_message("Replace filter", version)
    assert required_open_message("X", 19) == \
        "You must complete activity 'X' before completing this order."


def test_not_installed_by_default(emulators, client_for):
    admin = client_for(emulators(16), "admin")
    assert "order_activity_ids" not in admin.ok("fsm.order", "fields_get", ["order_activity_ids"])
    assert "error" in admin.call("fsm.activity", "search", [])


def test_access_and_rule_added_over_rpc(servers, client_for):
    """What `flask odoo-check --fix` adds: read/write for the own-documents group, limited by
    a rule to activities of orders of the user's own worker (and a rule for Field Service User
    that keeps office users to everything, since their group implies the own-documents one)."""
    handle = servers(16)
    admin, tech = client_for(handle, "admin"), client_for(handle, "tech1")
    uid = tech.login("tech1")["uid"]
    mine = admin.ok("fsm.person", "search", [["user_ids", "in", [uid]]])[0]
    other = admin.ok("fsm.person", "search", [["id", "!=", mine]], limit=1)[0]
    template = _template(admin)
    own_order, other_order = _order(admin, template, mine), _order(admin, template, other)
    model_id = admin.ok("ir.model", "search", [["model", "=", "fsm.activity"]])[0]
    own_group = admin.ok("ir.model.data", "search_read", [["module", "=", "fieldservice"],
                                                          ["name", "=", "group_fsm_user_own"]],
                         fields=["res_id"])[0]["res_id"]
    user_group = admin.ok("ir.model.data", "search_read", [["module", "=", "fieldservice"],
                                                           ["name", "=", "group_fsm_user"]],
                          fields=["res_id"])[0]["res_id"]
    refused = tech.call("ir.model.access", "create", {"name": "x", "model_id": model_id})
    assert refused["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    admin.ok("ir.model.access", "create", {
        "name": "fsm.activity technician", "model_id": model_id, "group_id": own_group,
        "perm_read": True, "perm_write": True, "perm_create": False, "perm_unlink": False})
    admin.ok("ir.rule", "create", {
        "name": "own", "model_id": model_id, "groups": [[4, own_group]],
        "domain_force": "[('fsm_order_id.person_id.user_ids', '=', user.id)]",
        "perm_create": False, "perm_unlink": False})
    admin.ok("ir.rule", "create", {"name": "all", "model_id": model_id,
                                   "groups": [[4, user_group]], "domain_force": "[(1, '=', 1)]"})
    bad = admin.call("ir.rule", "create", {"name": "bad", "model_id": model_id,
                                           "domain_force": "[('x', '=', __import__('os'))]"})
    assert "error" in bad
    ids = tech.ok("fsm.order", "read", [own_order], ["order_activity_ids"])[0]["order_activity_ids"]
    assert len(ids) == 3
    assert "result" not in tech.call("fsm.activity", "action_done", [ids[0]])
    done = admin.ok("fsm.activity", "read", [ids[0]], ["completed_by", "state"])[0]
    assert done["completed_by"][0] == uid and done["state"] == "done"
    theirs = admin.ok("fsm.order", "read", [other_order], ["order_activity_ids"])[0][
        "order_activity_ids"]
    denied = tech.call("fsm.activity", "action_done", [theirs[0]])
    assert denied["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    seen = tech.ok("fsm.activity", "search_read", [], fields=["fsm_order_id"])
    assert set(ids) <= {r["id"] for r in seen} and not set(theirs) & {r["id"] for r in seen}
    owners = admin.ok("fsm.order", "read", sorted({r["fsm_order_id"][0] for r in seen}),
                      ["person_id"])
    assert {o["person_id"][0] for o in owners} == {mine}
    assert "error" in tech.call("fsm.activity", "create", {"name": "x", "fsm_order_id": own_order})
    # office users still see every activity (their group implies the own-documents one)
    office = client_for(handle, "office")
    assert office.ok("fsm.activity", "read", theirs, ["name"])
