"""What real Odoo 16, 18 and 19 servers showed and the emulator once hid (issue 10): Model Data
refused to plain users, xml ids through get_external_id, a read of ["id"] that echoes missing
ids. Each test names the recording it follows (tests/fixtures/odoo-recordings-more/)."""

import pytest

VERSIONS = (16, 17, 18, 19)


@pytest.mark.parametrize("version", VERSIONS)
def test_model_data_is_refused_to_a_plain_user(emulators, client_for, version):
    tech = client_for(emulators(version), "tech1")
    body = tech.call("ir.model.data", "search_read",
                     [["model", "=", "res.groups"]], fields=["name", "res_id"])
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    assert "'Model Data' (ir.model.data)" in body["error"]["data"]["message"]
    assert "Access Rights" in body["error"]["data"]["message"]
    admin = client_for(emulators(version), "admin")
    assert admin.ok("ir.model.data", "search_read", [["model", "=", "res.groups"]],
                    fields=["name"])


@pytest.mark.parametrize("version", VERSIONS)
def test_a_plain_user_learns_group_xmlids_through_get_external_id(emulators, client_for,
                                                                   version):
    office = client_for(emulators(version), "office")
    uid = office.login("office")["uid"]
    field = "group_ids" if version >= 19 else "groups_id"
    group_ids = office.ok("res.users", "read", [uid], [field])[0][field]
    xmlids = office.ok("res.groups", "get_external_id", group_ids)
    assert set(xmlids) == {str(gid) for gid in group_ids}  # JSON object keys are strings
    assert "fieldservice.group_fsm_user" in xmlids.values()
    # a record without an xml id answers ""
    partner = office.ok("res.partner", "create", {"name": "No xml id"})
    assert office.ok("res.partner", "get_external_id", [partner]) == {str(partner): ""}


@pytest.mark.parametrize("version", VERSIONS)
def test_read_of_id_alone_echoes_a_missing_id(emulators, client_for, version):
    # s_role_admin_read_missing_id_fields_id: [{"id": 987654321}]; any other field: []
    for login in ("admin", "tech1"):
        c = client_for(emulators(version), login)
        assert c.ok("fsm.order", "read", [987654321], ["id"]) == [{"id": 987654321}]
        assert c.ok("fsm.order", "read", [987654321], ["name"]) == []


def test_custom_fields_come_and_go_with_ir_model_fields(fresh, client_for):
    admin = client_for(fresh, "admin")
    field = admin.ok("ir.model.fields", "search", [["model", "=", "fsm.order"],
                                                   ["name", "=", "x_signature_url"]])
    assert admin.ok("ir.model.fields", "unlink", field) is True
    assert admin.ok("fsm.order", "fields_get", ["x_signature_url"]) == {}
    body = admin.call("fsm.order", "read", [1], ["x_signature_url"])
    assert body["error"]["data"]["name"] == "builtins.ValueError"
    model_id = admin.ok("ir.model", "search", [["model", "=", "fsm.order"]])[0]
    admin.ok("ir.model.fields", "create", {"name": "x_signature_url", "model_id": model_id,
                                           "ttype": "char", "field_description": "Signature"})
    assert admin.ok("fsm.order", "fields_get", ["x_signature_url"], attributes=["type"]) == {
        "x_signature_url": {"type": "char"}}
    assert admin.ok("fsm.order", "read", [1], ["x_signature_url"])[0]["x_signature_url"] is False
    tech = client_for(fresh, "tech1")
    assert tech.call("ir.model.fields", "create", {"name": "x_other", "model_id": model_id,
                                                   "ttype": "char"})["error"]["data"][
        "name"] == "odoo.exceptions.AccessError"


@pytest.mark.parametrize("version", (16, 19))
def test_modules_are_listed_to_internal_users(emulators, client_for, version):
    tech = client_for(emulators(version), "tech1")
    rows = tech.ok("ir.module.module", "search_read", [["name", "in", ["fieldservice", "crm",
                                                                       "hr_timesheet"]]],
                   fields=["name", "state"])
    assert {r["name"]: r["state"] for r in rows} == {
        "fieldservice": "installed", "crm": "installed", "hr_timesheet": "uninstalled"}


def test_sessions_survive_a_restart(tmp_path):
    from odoo_emulator import start_in_thread

    from .conftest import Client
    data = str(tmp_path / "odoo.sqlite3")
    # emulators of its own (not the pool's): stopped, then started again on the same data file
    first = start_in_thread(port=0, data_path=data, quiet=True)
    c = Client(first.url)
    uid = c.login("tech1")["uid"]
    c_out = Client(first.url)
    c_out.login("tech2")
    c_out.post("/web/session/destroy")
    first.stop()
    second = start_in_thread(port=0, data_path=data, quiet=True)
    try:
        c.url = c_out.url = second.url
        assert c.ok("res.users", "read", [uid], ["login"])[0]["login"] == "tech1"
        body = c_out.call("res.users", "read", [uid], ["login"])  # logged out stays out
        assert body["error"]["data"]["name"] == "odoo.http.SessionExpiredException"
    finally:
        second.stop()


# (method, args, kwargs Odoo accepts): each refuses an unknown keyword argument with a
# TypeError, as a real server does, instead of ignoring a typo in Fieldkit's calls.
KWARG_CALLS = (
    ("read", [[1], ["name"]], {"load": "_classic_read"}),
    ("search_read", [[]], {"fields": ["name"], "limit": 1, "order": "id", "load": None}),
    ("search", [[]], {"limit": 1, "order": "id"}),
    ("search_count", [[]], {}),
    ("fields_get", [], {"attributes": ["type"]}),
    ("read_group", [[], ["stage_id"], ["stage_id"]], {"lazy": True}),
    ("write", [[1], {"priority": "1"}], {}),
    ("name_search", [], {"name": "a", "limit": 2}),
    ("message_subscribe", [[1]], {"partner_ids": []}),
)


@pytest.mark.parametrize("version", (16, 19))
@pytest.mark.parametrize("method, args, kwargs", KWARG_CALLS, ids=[c[0] for c in KWARG_CALLS])
def test_unknown_keyword_arguments_are_a_type_error(emulators, client_for, version, method,
                                                    args, kwargs):
    admin = client_for(emulators(version), "admin")
    assert "error" not in admin.call("fsm.order", method, *args, **kwargs)
    body = admin.call("fsm.order", method, *args, **kwargs, bad_kwarg=1)
    error = body["error"]
    assert error["code"] == (0 if version >= 19 else 200)
    assert error["data"]["name"] == "builtins.TypeError"
    assert error["data"]["message"].endswith("() got an unexpected keyword argument 'bad_kwarg'")


@pytest.mark.parametrize("version", (16, 19))
def test_archived_records_as_a_real_database_has_them(emulators, client_for, version):
    admin = client_for(emulators(version), "admin")
    everything = {"context": {"active_test": False}}
    archived_logins = {u["login"] for u in admin.ok(
        "res.users", "search_read", [["active", "=", False]], fields=["login"], **everything)}
    assert {"__system__", "public", "portaltemplate"} <= archived_logins
    assert ("default" in archived_logins) == (version <= 17)
    assert not admin.ok("res.users", "search", [["login", "in", list(archived_logins)]])
    bot = admin.ok("res.partner", "search", [["name", "=", "OdooBot"]], **everything)
    assert admin.ok("res.partner", "read", bot, ["active"])[0]["active"] is False
    # An archived customer and product: left out of searches, there when asked for.
    assert admin.ok("res.partner", "name_search", name="Hollis") == []
    assert admin.ok("res.partner", "search_count", [["name", "ilike", "Hollis"]],
                    **everything) == 1
    assert admin.ok("product.product", "search", [["default_code", "=", "FK-OLD1"]]) == []
    assert len(admin.ok("product.product", "search", [["default_code", "=", "FK-OLD1"]],
                        **everything)) == 1
    tech = client_for(emulators(version))
    body = tech.post("/web/session/authenticate",
                     {"db": "fieldkit", "login": "public", "password": "public"}).json()
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
