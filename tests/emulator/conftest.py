"""Fixtures for the emulator's own tests: one emulator per version, an RPC helper."""

import pytest
import requests

TODAY = "2026-03-10"


class Client:
    """A minimal JSON-RPC client over a requests.Session (keeps the session cookie)."""

    def __init__(self, url):
        self.url = url
        self.http = requests.Session()

    def post(self, path, params=None, req_id=1):
        return self.http.post(self.url + path, json={"jsonrpc": "2.0", "method": "call",
                                                     "params": params or {}, "id": req_id},
                              timeout=10)

    def login(self, login, password=None):
        r = self.post("/web/session/authenticate",
                      {"db": "fieldkit", "login": login, "password": password or login})
        assert "result" in r.json(), r.text
        return r.json()["result"]

    def call(self, model, method, *args, **kwargs):
        """The whole JSON-RPC answer (result or error) of call_kw."""
        return self.post(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": list(args),
                          "kwargs": kwargs}).json()

    def ok(self, model, method, *args, **kwargs):
        body = self.call(model, method, *args, **kwargs)
        assert "error" not in body, body
        return body.get("result")


@pytest.fixture(scope="session")
def emu(emulator_pool):
    """An Odoo 17 emulator the whole session reads (tests that change data take `fresh`)."""
    return emulator_pool.take(version=17, today=TODAY)


@pytest.fixture(scope="session")
def emulators(emulator_pool):
    """emulators(version): one emulator per version for the session, read-only as `emu`."""
    held = {}

    def get(version):
        if version not in held:
            held[version] = emulator_pool.take(version=version, today=TODAY)
        return held[version]
    return get


@pytest.fixture
def fresh(make_emulator):
    """An Odoo 17 emulator of this test's own, with fresh data, for tests that change data."""
    return make_emulator(version=17, today=TODAY)


@pytest.fixture
def client_for():
    def make(handle, login=None):
        c = Client(handle.url)
        if login:
            c.login(login)
        return c
    return make
