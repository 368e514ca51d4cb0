"""Shared fixtures: the Odoo emulator, the app, a CSRF-aware client, login, a live server and a
phone-sized Chromium page. See docs/architecture.md ("Tests") for the contract."""
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from app.services import auth as auth_service
from tests.emulators import EmulatorPool

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# --- Odoo emulator ----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _no_remembered_integration_session():
    """Every test starts without the integration user's remembered session (emulators come
    and go on reused ports)."""
    from app.odoo.integration import _sessions

    _sessions.clear()
    yield
    _sessions.clear()


@pytest.fixture(scope="session", autouse=True)
def worker_store(tmp_path_factory):
    """The shared store of apps a test makes itself (`create_app(TestConfig)` without a
    STORE_PATH): this worker's file, not the repository's instance/ one that every worker and
    every run would share. The `app` fixture gives each test a store of its own."""
    path = tmp_path_factory.mktemp("store") / "store.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TestConfig, "STORE_PATH", str(path))
        yield path


@pytest.fixture(scope="session")
def emulator_pool(worker_store):
    """This worker's shared emulators (tests/emulators.py): `emulator_pool.take(version=16)`
    / `.give_back(handle)`, or `with emulator_pool.lease(...) as handle:` in a module fixture.
    An emulator taken again is reset, and what the apps cached from it is forgotten (in this
    process and in the worker's store)."""
    pool = EmulatorPool(store_path=worker_store)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def emulator(emulator_pool):
    """An Odoo 17 emulator for the whole session (call `emulator.reset()` for fresh data)."""
    return emulator_pool.take(version=17)


def clear_config_caches():
    """Forget what the app caches per process about Odoo's configuration (order stages,
    technicians, working hours): after an emulator reset, ids may differ."""
    from app.services import checklists, dispatch, jobs, planning

    jobs.clear_stage_cache()
    checklists.clear_cache()
    dispatch.clear_caches()
    planning.clear_caches()


@pytest.fixture
def fresh(emulator):
    """The session's emulator with fresh demo data and the app's configuration caches empty.
    A test module may define its own `fresh` (this one is then not used)."""
    emulator.reset()
    clear_config_caches()
    return emulator


@pytest.fixture
def make_emulator(emulator_pool):
    """An emulator of other options for this test, fresh: make_emulator(version=19,
    today=..., addons=[...], latency_ms=...), from the worker's pool (given back after)."""
    taken = []

    def make(**options):
        handle = emulator_pool.take(**options)
        taken.append(handle)
        return handle

    yield make
    for handle in taken:
        emulator_pool.give_back(handle)


# --- App and client ---------------------------------------------------------------------------

class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every unsafe request, as a browser
    with our pages would. Pass `csrf=False` to send none."""

    def open(self, *args, csrf=True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method in UNSAFE_METHODS:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self):
        """A token for this client's session, made the way Flask-WTF makes it."""
        app = self.application
        field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        with self.session_transaction() as session:
            if field not in session:
                session[field] = os.urandom(20).hex()
            raw = session[field]
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def odoo_url(emulator):
    """Where the app finds Odoo; unit tests override this with a `responses` URL."""
    return emulator.url


@pytest.fixture
def app(odoo_url, tmp_path, monkeypatch):
    """The app on TestConfig, talking to `odoo_url`, with retries that do not sleep."""
    monkeypatch.setattr(OdooAPI, "_sleep_seconds", lambda self, attempt: 0)
    auth_service._xmlid_cache.clear()
    auth_service._database_cache.clear()
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=odoo_url, STORAGE_LOCAL_DIR=str(tmp_path / "storage"),
                      STORE_PATH=str(tmp_path / "store.sqlite3"))
    app.test_client_class = CSRFClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login():
    """login(client, "tech1") logs in through the form (password = login in the demo data)."""
    def do_login(client, username="tech1", password=None, next=None):
        url = "/login" if next is None else f"/login?next={next}"
        response = client.post(url, data={"login": username, "password": password or username})
        assert response.status_code == 302, f"login as {username} failed"
        return response
    return do_login


# --- Shared store -----------------------------------------------------------------------------

def start_redis(workdir):
    """A real redis-server (Debian's package) on a free port; returns (process, URL). The caller
    terminates it (or kills it, to see what Fieldkit does without its store)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: `bash scripts/test.sh` installs it "
                    "(apt-get install --no-install-recommends redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server for the session; yields its URL.
    Apps use it with `app.config["REDIS_URL"] = redis_url` before their first `get_store()`."""
    process, url = start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(timeout=5)


# --- Browser ----------------------------------------------------------------------------------

@contextlib.contextmanager
def serving(wsgi_app):
    """Serve a WSGI app over real HTTP in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    # shutdown() waits for the loop to see its flag: every poll_interval (0.5 s by default,
    # half a second of every browser test's teardown)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP in a thread; yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """The system Chromium (Debian's package), launched by Playwright; never downloaded.

    Module-scoped: Playwright's sync API allows one instance per thread at a time, so a test
    module that starts its own must not overlap with this one.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh phone-sized page (390x844, touch) in its own browser context.

    Playwright's default 30 s timeout stays: CI machines are slower than ours.
    """
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    yield page
    context.close()
