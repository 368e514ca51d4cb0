"""Access-control matrix, generated from the app's URL map: every route x role (anonymous,
technician, office, manager) x own/other record.

- anonymous: a login redirect (JSON 401 under /api/) on every route that is not PUBLIC;
- a role the route's @role_required leaves out: 403;
- a technician on another's record (unless RECORDS says technicians may see it): 403 or 404;
- everyone else: GET answers 200, POST anything but 401/403/404/5xx;
and no Odoo write is made by a request that was refused. Entries a new route needs live in
tests/security/conftest.py; a route without one fails here with a message saying what to add.
"""
from urllib.parse import urlsplit

import pytest

from app import create_app
from app.config import TestConfig

from .conftest import (
    ARG_VALUES,
    BODIES,
    PUBLIC,
    RECORDS,
    REDIRECT_REFUSALS,
    ROLES,
    VIEW_ROLES,
    app_routes,
    missing_entries,
)

ROUTES = app_routes(create_app(TestConfig))
DENIED = (401, 403, 404)


def cases():
    for route in ROUTES:
        record_args = [a for a in route.arguments if route.lookup(RECORDS, a)]
        for role in ROLES:
            if route.endpoint in PUBLIC and role != "anonymous":
                continue  # public routes are the same for everyone: checked anonymously
            if role == "manager" and not ((route.access or {}).get("roles")
                                          or route.endpoint in VIEW_ROLES):
                continue  # a manager differs from office staff only on role-restricted routes
            anonymous = role == "anonymous"  # sent to log in, whoever's record it is
            # Office staff and managers see everyone's records: "other" says it all.
            sides = ("own", "other") if role == "technician" else ("other",)
            for whose in (sides if record_args and not anonymous else ("-",)):
                yield pytest.param(route, role, whose,
                                   id=f"{route.method}-{route.rule}-{role}-{whose}")


def test_every_route_has_its_table_entries():
    problems = [problem for route in ROUTES for problem in missing_entries(route)]
    assert not problems, "\n".join(problems)


def build_url(route, admin_odoo, whose):
    values = {}
    for argument in route.arguments:
        records = route.lookup(RECORDS, argument)
        if records is not None:
            values[argument] = (records.own if whose != "other" else records.other)(admin_odoo)
        else:
            values[argument] = route.lookup(ARG_VALUES, argument)
    url = route.rule
    for argument, value in values.items():
        url = url.replace(f"<{argument}>", str(value))
        for converter in ("int", "path", "string", "any", "float", "uuid"):
            url = url.replace(f"<{converter}:{argument}>", str(value))
    return url


def expectation(route, role, whose):
    """'login', 'forbidden', 'hidden' (403/404) or 'allowed'."""
    if route.endpoint in PUBLIC:
        return "public"
    if role == "anonymous":
        return "login"
    roles = (route.access or {}).get("roles") or VIEW_ROLES.get(route.endpoint)
    if roles and role != "manager" and role not in roles:
        return "forbidden"
    if whose == "other" and role == "technician":
        records = [route.lookup(RECORDS, a) for a in route.arguments]
        if not all(r.technician_sees_other for r in records if r):
            return "hidden"
    return "allowed"


@pytest.mark.parametrize("route, role, whose", list(cases()))
def test_access(route, role, whose, module_role_client, admin_odoo, writes):
    if missing_entries(route):
        pytest.fail("\n".join(missing_entries(route)))
    client = module_role_client(role)
    url = build_url(route, admin_odoo, whose)
    body = BODIES[route.endpoint](admin_odoo) if route.endpoint in BODIES else {}
    writes.clear()
    if route.method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=route.method, **body)
    status = response.status_code
    expected = expectation(route, role, whose)
    where = f"{route} as {role} on the {whose} record ({url})"
    assert status < 500, f"{where}: {status}"
    if expected == "login":
        if route.is_api:
            assert status == 401 and response.get_json()["success"] is False, where
        else:
            assert status == 302, f"{where}: {status}"
            assert urlsplit(response.headers["Location"]).path == "/login", where
    elif expected == "forbidden":
        assert status == 403, f"{where}: expected 403, got {status}"
    elif expected == "hidden":
        allowed = (403, 404, 302) if route.endpoint in REDIRECT_REFUSALS else (403, 404)
        assert status in allowed, f"{where}: expected 403 or 404, got {status}"
    elif expected == "allowed":
        assert status not in DENIED, f"{where}: refused with {status}"
        if route.method == "GET" or route.endpoint in BODIES:
            # GET pages open; a POST with the body its table entry gives succeeds (or is
            # refused by a business rule, e.g. the job is already closed: 422).
            assert status in (200, 302, 304, 422), f"{where}: {status}"
    if status >= 400 or expected in ("login", "forbidden", "hidden"):
        assert not writes.calls, f"{where}: refused ({status}) after writing {writes.calls}"
