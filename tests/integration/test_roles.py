"""Roles and app access at login, found with calls a plain internal user may make on every
version (issue 10, defect 1): real Odoo refuses ir.model.data outside Access Rights, so office
staff and managers used to come out as technicians."""

import pytest

from app import create_app
from app.config import TestConfig
from app.services import auth as auth_service
from tests.conftest import CSRFClient

EXPECTED = {
    # login: role, sales_access, crm_access, stock_access (groups as docs/architecture.md says)
    "tech1": ("technician", "own", "own", "user"),
    "office": ("office", "all", "all", "user"),
    "manager": ("manager", "all", "all", "manager"),
    "admin": ("manager", "all", "all", "manager"),
}


@pytest.fixture(scope="module", params=(16, 18, 19))
def versioned_app(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        auth_service._xmlid_cache.clear()
        app = create_app(TestConfig)
        app.config.update(ODOO_URL=handle.url)
        app.test_client_class = CSRFClient
        yield app


@pytest.mark.parametrize("login", sorted(EXPECTED))
def test_role_and_access_levels_on_each_version(versioned_app, login):
    client = versioned_app.test_client()
    response = client.post("/login", data={"login": login, "password": login})
    assert response.status_code == 302
    assert int(response.headers["X-Odoo-RPC"].split(";")[0]) <= 3
    with client.session_transaction() as flask_session:
        got = tuple(flask_session[key] for key in
                    ("role", "sales_access", "crm_access", "stock_access"))
    assert got == EXPECTED[login]


def test_a_user_without_sales_rights_gets_none(versioned_app):
    levels = auth_service.access_levels({"base.group_user", "fieldservice.group_fsm_user_own"})
    assert levels == {"role": "technician", "sales_access": "none", "crm_access": "none",
                      "stock_access": "none", "invoice_access": "none"}


def test_later_logins_reuse_the_known_xml_ids(versioned_app, tmp_path):
    """Known per server in the shared store: any worker's later logins reuse them."""
    auth_service._xmlid_cache.clear()
    versioned_app.config["STORE_PATH"] = str(tmp_path / "store.sqlite3")  # nobody logged in yet
    versioned_app.extensions.pop("fieldkit_store", None)
    first, second = versioned_app.test_client(), versioned_app.test_client()
    response = first.post("/login", data={"login": "tech1", "password": "tech1"})
    assert response.headers["X-Odoo-RPC"].startswith("3;")
    response = second.post("/login", data={"login": "tech2", "password": "tech2"})
    assert response.headers["X-Odoo-RPC"].startswith("2;")
