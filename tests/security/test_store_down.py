"""Redis down (issue 25, item 5): every page, walked as each role, renders or refuses with a
4xx, never a 5xx. The store is an accelerator and a guard, not a dependency of reading.
(/readyz is the one page whose job is to say the store is down: 503.)"""
import pytest

from tests.conftest import start_redis

from .conftest import app_routes, make_role_client
from .test_access_matrix import build_url

SAYS_WHAT_IS_DOWN = {"ops.readyz"}


@pytest.fixture(scope="module")
def store_down_app(module_app, tmp_path_factory):
    process, url = start_redis(tmp_path_factory.mktemp("redis-down"))
    module_app.config["REDIS_URL"] = url
    module_app.extensions.pop("fieldkit_store", None)
    yield module_app, process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)
    module_app.config["REDIS_URL"] = None
    module_app.extensions.pop("fieldkit_store", None)


@pytest.mark.parametrize("role", ["technician", "office", "manager"])
def test_no_page_is_a_5xx_with_redis_killed(store_down_app, role, admin_odoo):
    app, process = store_down_app
    client = make_role_client(app, {})(role)  # logged in while Redis runs
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)
    failures = []
    for route in app_routes(app):
        if route.method != "GET" or route.endpoint in SAYS_WHAT_IS_DOWN \
                or route.endpoint == "static":
            continue
        url = build_url(route, admin_odoo, "own")
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{url}: {status}")
    assert not failures, failures
