"""A fuzzer generated from the app's URL map: garbage to every route as anonymous, technician
and office users. No answer may be a 5xx or show a traceback; /api/ refusals are JSON
`{"success": false, "error": ...}`; and a refused request writes nothing to Odoo.

Every route gets one fixed nasty request per role first, then Hypothesis draws more (routes,
URL arguments, query strings, form, JSON, raw and multipart bodies). The field names it uses
are read from the templates and route modules, so new forms are fuzzed with their own names.
Examples are derandomized for CI; FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 explores further locally.
"""
import contextlib
import io
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.config import TestConfig

from .conftest import ARG_VALUES, RECORDS, app_routes

ROOT = Path(__file__).resolve().parents[2]
ROUTES = app_routes(create_app(TestConfig))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 40))
FUZZ_ROLES = ("anonymous", "technician", "office")


def field_names():
    """Names of form fields, query arguments and JSON keys the app reads."""
    names = set()
    for path in (ROOT / "app" / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([A-Za-z_][\w\-]*)"', path.read_text()))
    for path in (ROOT / "app" / "routes").rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'request\.(?:form|args|files|values)\.get(?:list)?\(\s*"(\w+)"',
                                text))
        names |= set(re.findall(r'"(\w+)":\s*(?:Text|Integer|Number|Boolean|ListOf|Object)\(',
                                text))
    names |= {"next", "page", "q", "sort", "id", "csrf_token"}
    return sorted(names)


NAMES = field_names()

# Text that has broken web apps before: huge, control characters, markup, SQL, format strings,
# odd Unicode, numbers that are not numbers.
NASTY = ["", " ", "0", "-1", "1e309", "NaN", "9" * 40, "null", "[]", "{}", "true",
         "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "{0}{1}", "../../etc/passwd",
         "\x00", "\r\nSet-Cookie: x=1", "é" * 3, "\u202e\ufeff", "x" * 25_000, "//evil.example",
         "javascript:alert(1)", "2026-13-45T25:61", "🔧" * 10,
         "\u00b2", "\u0663"]  # isdigit() and isdecimal() true, yet not what int() takes

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              texts),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(NAMES), children, max_size=4)),
    max_leaves=12)
fields = st.dictionaries(st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=10)),
                         texts, max_size=5)
bodies = st.one_of(
    st.builds(lambda data: {"data": data}, fields),
    st.builds(lambda value: {"json": value}, json_values),
    st.builds(lambda raw, kind: {"data": raw, "content_type": kind}, st.binary(max_size=300),
              st.sampled_from(["application/json", "text/plain", "application/xml",
                               "multipart/form-data", "application/x-www-form-urlencoded"])),
    st.builds(lambda name, blob, filename, extra: {"data": {
        name: (io.BytesIO(blob), filename), **extra}},
        st.sampled_from(NAMES), st.binary(max_size=2000),
        st.sampled_from(["a.jpg", "x.png", "", "../../x", "photo.heic", "a" * 300]), fields),
)


def argument_values(route, admin_odoo):
    """Strategies for each URL argument: own and other records, odd numbers, odd text."""
    values = {}
    for argument in route.arguments:
        records = route.lookup(RECORDS, argument)
        known = [route.lookup(ARG_VALUES, argument)] if route.lookup(ARG_VALUES, argument) else []
        if records is not None:
            for find in (records.own, records.other):
                with contextlib.suppress(LookupError):  # earlier tests used them up
                    known.append(find(admin_odoo))
        if f"<int:{argument}>" in route.rule:
            values[argument] = st.one_of(st.sampled_from(known or [1]),
                                         st.sampled_from([0, 2**31, 2**63, 10**30]),
                                         st.integers(min_value=0, max_value=10**6))
        else:
            values[argument] = st.one_of(st.sampled_from(known or ["x"]), texts.filter(bool))
    return values


def url_for_route(route, arguments):
    url = route.rule
    for name, value in arguments.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", quote(str(value), safe="/"), url)
    return url


def send(client, route, url, query, body):
    kwargs = {"query_string": query}
    if route.method != "GET":
        kwargs.update(body)
    return client.open(url, method=route.method, **kwargs)


def check(response, route, url, role, writes, what):
    where = f"{route} as {role}: {what} -> {url}"
    status = response.status_code
    # Binary answers (the service report PDF) are read as text too, for the traceback check.
    text = response.get_data().decode("utf-8", "replace")
    assert status < 500, f"{where}: {status}\n{text[:500]}"
    assert "Traceback" not in text and 'File "/' not in text, f"{where}: traceback shown"
    if route.is_api and status >= 400:
        payload = response.get_json(silent=True)
        assert isinstance(payload, dict) and payload.get("success") is False \
            and isinstance(payload.get("error"), str), f"{where}: {status} without a JSON error"
    if status >= 400:
        assert not writes.calls, f"{where}: refused with {status} after writing {writes.calls}"


@pytest.fixture
def fuzz_client(role_client, app):
    """A client for the role that logs in again when a fuzzed request logged it out."""
    def make(role):
        state = {"client": role_client(role)}

        def current():
            if role != "anonymous":
                with state["client"].session_transaction() as session:
                    if not session.get("odoo_sid"):
                        state["client"] = role_client(role, fresh=True)
            return state["client"]
        return current
    return make


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_route_survives_one_nasty_request(role, fuzz_client, admin_odoo, writes):
    """Deterministic first pass: each route once with the worst of the lists above."""
    client = fuzz_client(role)
    for route in ROUTES:
        arguments = {}
        for argument in route.arguments:
            records = route.lookup(RECORDS, argument)
            arguments[argument] = (records.own(admin_odoo) if records
                                   else route.lookup(ARG_VALUES, argument) or "x")
        url = url_for_route(route, arguments)
        nasty_form = {name: NASTY[i % len(NASTY)] for i, name in enumerate(NAMES)}
        for body in ({"json": [{}]}, {"data": nasty_form}):
            writes.clear()
            response = send(client(), route, url, {"next": "//evil.example", "page": "-1"}, body)
            check(response, route, url, role, writes, body.keys())


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_fuzz_every_route(role, fuzz_client, admin_odoo, writes):
    client = fuzz_client(role)
    strategies = [argument_values(route, admin_odoo) for route in ROUTES]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              derandomize=not os.environ.get("FUZZ_RANDOM"),
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        index = data.draw(st.integers(0, len(ROUTES) - 1), label="route")
        route = ROUTES[index]
        arguments = {name: data.draw(strategy, label=name)
                     for name, strategy in strategies[index].items()}
        query = data.draw(fields, label="query")
        body = data.draw(bodies, label="body")
        url = url_for_route(route, arguments)
        writes.clear()
        response = send(client(), route, url, query, body)
        check(response, route, url, role, writes, f"query={query!r} body={body!r}"[:300])

    run()
