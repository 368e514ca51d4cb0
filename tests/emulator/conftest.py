"""Fixtures for the emulator's own tests: one emulator per version, an RPC helper."""

import pytest
import requests

from odoo_emulator import start_in_thread

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
def emu():
    handle = start_in_thread(version=17, today=TODAY)
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def emulators():
    started = {}

    def get(version):
        if version not in started:
            started[version] = start_in_thread(version=version, today=TODAY)
        return started[version]
    yield get
    for handle in started.values():
        handle.stop()


@pytest.fixture
def fresh():
    """A private Odoo 17 emulator for tests that change data."""
    handle = start_in_thread(version=17, today=TODAY)
    yield handle
    handle.stop()


@pytest.fixture
def client_for():
    def make(handle, login=None):
        c = Client(handle.url)
        if login:
            c.login(login)
        return c
    return make
