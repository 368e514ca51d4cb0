"""Fixtures shared by integration modules (the app-wide ones are in tests/conftest.py)."""
import pytest

from app.services import timer


@pytest.fixture
def clock(monkeypatch):
    """The job timer's clock, moved by hand: `clock["t"] += 60` is a minute of work."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(timer, "_now", lambda: now["t"])
    return now


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the app's round trips to Odoo: a call made on its own is one, a batch sent
    together by `OdooAPI.parallel` is one. Read ``round_trips["n"]`` (set it to 0 to start)."""
    from app.odoo.client import OdooAPI
    from app.odoo.integration import IntegrationAPI

    counter = {"n": 0}
    rpc, parallel = OdooAPI._rpc, OdooAPI.parallel

    def counted_rpc(self, *args, **kwargs):
        if not getattr(self, "_in_batch", False):
            counter["n"] += 1
        return rpc(self, *args, **kwargs)

    def counted_parallel(self, calls, **kwargs):
        calls = list(calls)
        if len(calls) > 1:
            counter["n"] += 1
        return parallel(self, calls, **kwargs)

    def batched(make_worker):
        def worker(self):
            client = make_worker(self)
            client._in_batch = True
            return client
        return worker

    monkeypatch.setattr(OdooAPI, "_rpc", counted_rpc)
    monkeypatch.setattr(OdooAPI, "parallel", counted_parallel)
    monkeypatch.setattr(OdooAPI, "_worker", batched(OdooAPI._worker))
    monkeypatch.setattr(IntegrationAPI, "_worker", batched(IntegrationAPI._worker))
    return counter


@pytest.fixture
def admin(fresh):
    """Odoo's administrator on the session's emulator with fresh demo data."""
    from app.odoo.client import OdooAPI

    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


@pytest.fixture
def linked_app(app, fresh):
    """The app with the demo's integration user (job links, the customer's page)."""
    app.config.update(ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=fresh.api_keys["integration"])
    return app
