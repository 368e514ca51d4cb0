"""No cold-worker tax (issue 26): what every worker needs (fields per model, currencies,
working hours, stages, vans, tax names) is kept in the shared store, so a restarted worker,
which finds the store filled but its own caches empty, makes at most one call more than a warm
one on any page."""

import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from tests.conftest import CSRFClient
from tests.pages import forget_process_caches


def calls(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


@pytest.fixture
def worker(fresh, tmp_path):
    """worker() -> a new app (a worker process) on the same shared store."""
    def make():
        app = create_app(TestConfig)
        app.config.update(ODOO_URL=fresh.url, STORE_PATH=str(tmp_path / "store.sqlite3"),
                          STORAGE_LOCAL_DIR=str(tmp_path / "storage"))
        app.test_client_class = CSRFClient
        return app
    return make


@pytest.fixture
def ids(fresh):
    admin = OdooAPI(fresh.url, "fieldkit")
    admin.authenticate("admin", "admin")
    tech = admin.search_read("res.users", [("login", "=", "tech1")], ["partner_id"])[0]
    return {
        "quote": admin.search_read("sale.order", [], ["id"], limit=1, order="id")[0]["id"],
        "transfer": admin.search_read("stock.picking", [("user_id", "=", tech["id"])], ["id"],
                                      limit=1, order="id")[0]["id"],
        "job": admin.search_read("fsm.order", [("person_id.partner_id", "=",
                                                tech["partner_id"][0])], ["id"],
                                 limit=1, order="id")[0]["id"],
    }


@pytest.mark.parametrize("username, page", [
    ("office", "/sales"), ("office", "/sales/{quote}"), ("office", "/dispatch"),
    ("tech1", "/inventory/van"), ("tech1", "/inventory/{transfer}"), ("tech1", "/jobs/{job}"),
])
def test_a_restarted_worker_costs_at_most_one_call_more(worker, login, ids, username, page):
    path = page.format(**ids)
    forget_process_caches()  # the first worker starts empty too (earlier tests filled them)
    first = worker().test_client()
    login(first, username)
    assert first.get(path).status_code == 200
    warm = first.get(path)
    assert warm.status_code == 200
    cookie = first.get_cookie(TestConfig.SESSION_COOKIE_NAME).value
    forget_process_caches()
    restarted = worker().test_client()  # the same user's next request lands on a new worker
    restarted.set_cookie(TestConfig.SESSION_COOKIE_NAME, cookie)
    response = restarted.get(path)
    assert response.status_code == 200
    assert calls(response) <= calls(warm) + 1, (path, calls(warm), calls(response))


def test_a_login_in_a_restarted_worker_reuses_the_group_names(worker, login):
    """The xml ids of the user groups are known per server in the shared store: a login in a
    new worker is authenticate and the user's groups, no get_external_id."""
    forget_process_caches()
    first = worker().test_client()
    login(first, "tech1")
    forget_process_caches()
    restarted = worker().test_client()
    response = login(restarted, "tech2")
    assert calls(response) == 2
