"""`flask odoo-check` against the emulator (issue 10, item 9): a healthy database, one without
the signature field, a technician without a worker, --fix, and an unreachable server."""
import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from app.services import auth as auth_service
from odoo_emulator.demo import api_key_for


@pytest.fixture
def fresh_odoo(make_emulator):
    return make_emulator(version=17)


def cli(url, **config):
    auth_service._xmlid_cache.clear()
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=url, ODOO_DB="fieldkit", **config)
    return app.test_cli_runner()


def admin(url):
    odoo = OdooAPI(url, "fieldkit")
    odoo.authenticate("admin", "admin")
    return odoo


def drop_signature_field(url):
    odoo = admin(url)
    ids = odoo.call("ir.model.fields", "search",
                    [("model", "=", "fsm.order"), ("name", "=", "x_signature_url")])
    odoo.call("ir.model.fields", "unlink", ids)


def add_technician_without_worker(url, login="tech7"):
    odoo = admin(url)
    group = odoo.search_read("ir.model.data", [("module", "=", "fieldservice"),
                                               ("name", "=", "group_fsm_user_own")],
                             ["res_id"])[0]["res_id"]
    field = "group_ids" if odoo.version >= 19 else "groups_id"
    return odoo.create("res.users", {"name": "Tess Seven", "login": login, "password": login,
                                     "email": f"{login}@example.com", "tz": "America/New_York",
                                     field: [(6, 0, [group])]})


def test_a_healthy_database_passes(fresh_odoo):
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "tech1"],
                                        input="tech1\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "version 17" in out
    assert "ok       module fieldservice" in out
    assert "ok       field fsm.order.x_signature_url: char" in out
    assert "role of tech1: technician (sales own, CRM own, stock user)" in out
    assert "ok       Field Service worker" in out
    assert "ok       email" in out and "ok       time zone: America/New_York" in out
    assert "jobs: read/write" in out
    assert "Everything Fieldkit needs is there." in out
    assert out.count("tech1") >= 1 and "\ntech1\n" not in out  # the password is not echoed


def test_office_user_role_is_reported(fresh_odoo):
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "office"],
                                        input="office\n")
    assert "role of office: office (sales all, CRM all, stock user)" in result.output
    assert "companies: Fieldkit Services Inc.\n" in result.output


def test_the_users_companies_are_reported(fresh_odoo):
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "office2co"],
                                        input="office2co\n")
    assert "companies: Fieldkit Services Inc. (current), Fieldkit Services West: the user " \
        "menu offers a company switcher" in result.output


def test_a_database_without_the_signature_field_fails(fresh_odoo):
    drop_signature_field(fresh_odoo.url)
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "tech1"],
                                        input="tech1\n")
    assert result.exit_code == 1
    assert "MISSING  field fsm.order.x_signature_url: absent" in result.output
    assert "x_studio_" in result.output


def test_a_technician_without_a_worker_fails(fresh_odoo):
    add_technician_without_worker(fresh_odoo.url)
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "tech7"],
                                        input="tech7\n")
    assert result.exit_code == 1
    assert "MISSING  Field Service worker: no fsm.person has tech7's partner" in result.output


def test_fix_creates_the_field_and_the_worker(fresh_odoo):
    drop_signature_field(fresh_odoo.url)
    add_technician_without_worker(fresh_odoo.url)
    runner = cli(fresh_odoo.url)
    result = runner.invoke(args=["odoo-check", "--login", "tech7", "--fix"],
                           input="tech7\nadmin\nadmin\n")
    out = result.output
    assert "fixed: created the field fsm.order.x_signature_url (Char)" in out
    assert "fixed: created worker fsm.person" in out and "for tech7" in out
    assert result.exit_code == 0, out
    assert out.rstrip().endswith("Everything Fieldkit needs is there.")
    # Fixed for good: a second run needs nothing.
    again = runner.invoke(args=["odoo-check", "--login", "tech7", "--fix"],
                          input="tech7\nadmin\nadmin\n")
    assert "Nothing to fix." in again.output and again.exit_code == 0


def test_fix_links_the_one_worker_of_the_same_name(fresh_odoo):
    odoo = admin(fresh_odoo.url)
    worker = odoo.create("fsm.person", {"name": "Tess Seven", "email": "tess@example.org"})
    add_technician_without_worker(fresh_odoo.url)
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--fix"], input="admin\nadmin\n")
    assert f"fixed: linked worker Tess Seven (fsm.person {worker}) to tech7's partner" \
        in result.output
    user = odoo.search_read("res.users", [("login", "=", "tech7")], ["partner_id"])[0]
    assert odoo.read("fsm.person", [worker], ["partner_id"])[0]["partner_id"][0] \
        == user["partner_id"][0]


def test_an_unreachable_server_says_so_and_exits_1():
    result = cli("http://127.0.0.1:9").invoke(args=["odoo-check"])
    assert result.exit_code == 1
    assert "MISSING  Odoo server: cannot reach http://127.0.0.1:9" in result.output


@pytest.mark.parametrize("version, addon", ((16, "fieldservice_account_analytic"),
                                            (19, "fieldservice_timesheet")))
def test_other_versions_and_the_timers_oca_addons(make_emulator, version, addon):
    handle = make_emulator(version=version, addons=[addon])
    result = cli(handle.url).invoke(args=["odoo-check", "--login", "manager"],
                                    input="manager\n")
    assert result.exit_code == 0, result.output
    assert f"version {version}" in result.output
    assert "role of manager: manager" in result.output
    optional = next(line for line in result.output.splitlines() if "optional modules" in line)
    assert f"{addon} (job time" in optional


def test_a_user_without_email_fails_up_to_18(fresh_odoo):
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "tech6"],
                                        input="tech6\n")
    assert result.exit_code == 1
    assert "MISSING  email: tech6 has none" in result.output


@pytest.mark.parametrize("version", (15, 16, 17, 18, 19))
def test_fix_links_technicians_only(make_emulator, version):
    # Odoo counts every User, Dispatcher, Manager and the admin in "Own Documents Only" (the
    # groups imply it); --fix must give a worker to technicians only, never archived users.
    handle = make_emulator(version=version)
    odoo = admin(handle.url)
    add_technician_without_worker(handle.url)
    gone = add_technician_without_worker(handle.url, login="tech8")
    odoo.write("res.users", [gone], {"active": False})
    result = cli(handle.url).invoke(args=["odoo-check", "--fix"], input="admin\nadmin\n")
    assert result.exit_code == 0, result.output
    fixed = [line for line in result.output.splitlines() if line.startswith("fixed: ")]
    # tech2fa: the demo's two-factor technician has no worker either
    assert sorted(line.rsplit(" ", 1)[1] for line in fixed) == ["tech2fa", "tech7"], \
        result.output
    people = {p["partner_id"][0] for p in odoo.search_read("fsm.person", [], ["partner_id"])}
    for login in ("office", "manager", "admin"):
        user = odoo.search_read("res.users", [("login", "=", login)], ["partner_id"])[0]
        assert user["partner_id"][0] not in people, login


def test_office_staff_with_a_worker_get_a_warning(fresh_odoo):
    odoo = admin(fresh_odoo.url)
    office = odoo.search_read("res.users", [("login", "=", "office")], ["partner_id"])[0]
    odoo.create("fsm.person", {"partner_id": office["partner_id"][0]})
    result = cli(fresh_odoo.url).invoke(args=["odoo-check", "--login", "office"],
                                        input="office\n")
    assert "ok       Field Service worker" not in result.output
    assert "warning  Field Service worker" in result.output
    assert "lane on /dispatch" in result.output


def test_the_login_lockout_guard_is_reported(fresh_odoo):
    """Issue 25: without the integration user Fieldkit can't reset Odoo's login cooldown."""
    out = cli(fresh_odoo.url).invoke(args=["odoo-check"]).output
    assert "login lockout guard: no integration user" in out and "--proxy-mode" in out
    out = cli(fresh_odoo.url, ODOO_INTEGRATION_LOGIN="integration",
              ODOO_INTEGRATION_KEY=api_key_for("integration")).invoke(args=["odoo-check"]).output
    assert "ok       login lockout guard: after a failed login" in out
    out = cli(fresh_odoo.url, ODOO_INTEGRATION_LOGIN="integration",
              ODOO_INTEGRATION_KEY="wrong").invoke(args=["odoo-check"]).output
    assert "login lockout guard: the integration user 'integration' can't log in" in out


def test_the_tickets_link_to_the_assets_is_checked(fresh_odoo):
    """The mapping's ticket_link must be a many2one on helpdesk.ticket to the asset model: one
    leading to another model would show that model's tickets on the asset pages."""
    def check(login="office", **config):
        result = cli(fresh_odoo.url, **config).invoke(args=["odoo-check", "--login", login],
                                                      input=f"{login}\n")
        line = next(line for line in result.output.splitlines() if "asset tickets" in line)
        return result.exit_code, line

    assert check() == (0, "ok       asset tickets: helpdesk.ticket.x_asset_id: many2one to "
                          "x_client_asset")
    code, line = check("tech1")  # no helpdesk rights: the asset pages show them no tickets
    assert code == 0 and "may not read helpdesk.ticket" in line
    code, line = check(ASSET_MODEL="fsm.equipment")
    assert code == 0 and "tickets are not linked to fsm.equipment" in line
    code, line = check(ASSET_MODEL="fsm.equipment", ASSET_FIELDS='{"ticket_link": "x_asset_id"}')
    assert code == 1 and line.startswith("MISSING")
    assert "x_asset_id is a many2one to x_client_asset, not a many2one to fsm.equipment" in line
    code, line = check(ASSET_MODEL="fsm.equipment",
                       ASSET_FIELDS='{"ticket_link": "x_equipment_id"}')
    assert code == 1 and "helpdesk.ticket.x_equipment_id is absent" in line
    odoo = admin(fresh_odoo.url)
    model_id = odoo.call("ir.model", "search", [("model", "=", "helpdesk.ticket")])[0]
    odoo.create("ir.model.fields", {"name": "x_equipment_id", "model_id": model_id,
                                    "ttype": "many2one", "relation": "fsm.equipment",
                                    "field_description": "Equipment", "state": "manual"})
    code, line = check(ASSET_MODEL="fsm.equipment",
                       ASSET_FIELDS='{"ticket_link": "x_equipment_id"}')
    assert code == 0 and "many2one to fsm.equipment" in line and "tickets_carry_asset" in line
