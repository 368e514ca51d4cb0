"""Login, logout, expiry, roles and error pages, over HTTP against the Odoo emulator."""
import re

import pytest
from flask import Blueprint, jsonify, redirect, render_template_string

from app.odoo.client import OdooAPI, SessionExpired, get_odoo
from app.security import login_required, role_required

PAGE = '{% extends "base.html" %}{% block title %}Probe{% endblock %}' \
       '{% block content %}<p id="who">{{ who }}</p>{% endblock %}'


@pytest.fixture
def app(app):
    """The app plus a few probe pages that call Odoo, so these tests need no other section."""
    probe = Blueprint("probe", __name__)

    @probe.get("/probe")
    @login_required
    def page():
        return render_template_string(PAGE, who=get_odoo().session_info()["username"])

    @probe.post("/probe")
    @login_required
    def post():
        get_odoo().search_count("res.partner", [])
        return redirect("/probe")

    @probe.get("/probe/bad-domain")
    @login_required
    def bad_domain():
        return str(get_odoo().search_count("res.partner", [("no_such_field", "=", 1)]))

    @probe.get("/probe/crash")
    def crash():
        raise RuntimeError("secret internal detail")

    @probe.get("/api/probe")
    @login_required
    def api():
        return jsonify(success=True, count=get_odoo().search_count("res.partner", []))

    @probe.get("/probe/office")
    @role_required("office")
    def office():
        return "office page"

    app.register_blueprint(probe)
    if "dashboard" not in app.blueprints:  # a stand-in until the real one is registered
        dashboard = Blueprint("dashboard", __name__)
        dashboard.add_url_rule("/dashboard", "index", lambda: "dashboard")
        app.register_blueprint(dashboard)
    return app


def destroy_odoo_session(emulator, client):
    """End the user's Odoo session behind the app's back (as a logout elsewhere would)."""
    with client.session_transaction() as flask_session:
        sid = flask_session["odoo_sid"]
    OdooAPI(emulator.url, "fieldkit", session_id=sid).logout()
    return sid


# --- login ------------------------------------------------------------------------------------

def test_login_page_has_labelled_fields(client):
    page = client.get("/login").data.decode()
    assert '<label class="field__label" for="login">Login</label>' in page
    assert '<label class="field__label" for="password">Password</label>' in page
    assert 'name="database"' not in page  # ODOO_DB is set
    assert '<meta name="csrf-token" content="' in page
    assert "tabbar" not in page


def test_login_lands_on_active_jobs_and_fills_the_session(client, login):
    response = login(client, "tech1")
    assert response.headers["Location"] == "/jobs/active"
    with client.session_transaction() as flask_session:
        user = dict(flask_session)
    assert user["username"] == "tech1"
    assert user["role"] == "technician"
    assert user["odoo_version"] == 17
    assert user["odoo_sid"] and isinstance(user["user_id"], int)
    assert isinstance(user["partner_id"], int) and user["user_name"]
    assert user["tz"] == "America/New_York" and user["lang"]
    assert isinstance(user["company_id"], int)
    assert "password" not in str(user)


def test_login_renders_jobs_page_when_it_exists(app, client, login):
    if "jobs.active" not in app.view_functions:
        pytest.skip("jobs blueprint not there yet")
    response = login(client, "tech1")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert b'class="tabbar"' in page.data


@pytest.mark.parametrize("username, role", [
    ("tech1", "technician"), ("tech6", "technician"), ("office", "office"),
    ("manager", "manager"), ("admin", "manager"),
])
def test_role_comes_from_odoo_groups(client, login, username, role):
    login(client, username)
    with client.session_transaction() as flask_session:
        assert flask_session["role"] == role


def test_user_time_zone_comes_from_odoo(client, login):
    login(client, "tech5")
    with client.session_transaction() as flask_session:
        assert flask_session["tz"] == "America/Los_Angeles"


def test_login_costs_at_most_three_rpcs(client):
    response = client.post("/login", data={"login": "tech2", "password": "tech2"})
    assert response.status_code == 302
    assert int(response.headers["X-Odoo-RPC"].split(";")[0]) <= 3


def test_bad_password_keeps_the_login_typed(client):
    response = client.post("/login", data={"login": "tech1", "password": "nope"})
    page = response.data.decode()
    assert response.status_code == 200
    assert "Wrong login or password" in page
    assert 'value="tech1"' in page
    assert "nope" not in page
    with client.session_transaction() as flask_session:
        assert "odoo_sid" not in flask_session


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"login": "tech1", "password": "tech1"}, csrf=False)
    assert response.status_code == 400
    with client.session_transaction() as flask_session:
        assert "odoo_sid" not in flask_session


@pytest.mark.parametrize("next_url, expected", [
    ("/jobs/12", "/jobs/12"),
    ("/probe?x=1", "/probe?x=1"),
    ("https://evil.example/", "/jobs/active"),
    ("//evil.example/", "/jobs/active"),
    ("/\\evil.example", "/jobs/active"),
    ("javascript:alert(1)", "/jobs/active"),
    ("http://localhost.evil/", "/jobs/active"),
])
def test_next_is_followed_only_when_local(client, login, next_url, expected):
    from urllib.parse import quote

    response = login(client, "tech1", next=quote(next_url, safe=""))
    assert response.headers["Location"] == expected


def test_logged_in_users_skip_the_login_page(client, login):
    login(client, "tech1")
    assert client.get("/login").headers["Location"] == "/jobs/active"
    assert client.get("/").headers["Location"] == "/jobs/active"


def test_home_sends_anonymous_users_to_login(client):
    assert client.get("/").headers["Location"] == "/login"


def test_login_when_odoo_is_down_says_so(app, client):
    app.config["ODOO_URL"] = "http://127.0.0.1:9"
    response = client.post("/login", data={"login": "tech1", "password": "tech1"})
    assert response.status_code == 200
    assert "Odoo can&#39;t be reached" in response.data.decode()
    assert 'value="tech1"' in response.data.decode()


def test_database_choice_appears_when_the_server_lists_several(app, client, monkeypatch):
    from app.services import auth

    app.config["ODOO_DB"] = None
    monkeypatch.setattr(OdooAPI, "list_databases", lambda self: ["fieldkit", "training"])
    page = client.get("/login").data.decode()
    assert '<label class="field__label" for="database">Database</label>' in page
    assert '<option value="training">' in page
    auth._database_cache.clear()


def test_the_only_database_listed_is_used(app, client, monkeypatch):
    from app.services import auth

    app.config["ODOO_DB"] = None
    monkeypatch.setattr(OdooAPI, "list_databases", lambda self: ["fieldkit"])
    assert 'name="database"' not in client.get("/login").data.decode()
    response = client.post("/login", data={"login": "tech1", "password": "tech1"})
    assert response.status_code == 302
    auth._database_cache.clear()


# --- logout -----------------------------------------------------------------------------------

def test_logout_destroys_both_sessions(emulator, client, login):
    login(client, "tech1")
    with client.session_transaction() as flask_session:
        sid = flask_session["odoo_sid"]
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert response.headers["Clear-Site-Data"] == '"cache"'
    with client.session_transaction() as flask_session:
        assert "odoo_sid" not in flask_session
    with pytest.raises(SessionExpired):
        OdooAPI(emulator.url, "fieldkit", session_id=sid).session_info()
    assert b"You are logged out." in client.get("/login").data


def test_logout_needs_post_and_csrf(client, login):
    login(client, "tech1")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    with client.session_transaction() as flask_session:
        assert "odoo_sid" in flask_session


def test_logout_works_even_if_odoo_session_is_gone(emulator, client, login):
    login(client, "tech1")
    destroy_odoo_session(emulator, client)
    assert client.post("/logout").headers["Location"] == "/login"


# --- pages as the user, expiry ----------------------------------------------------------------

def test_calls_run_with_each_users_own_session(client, app, login):
    other = app.test_client()
    login(client, "tech1")
    login(other, "tech2")
    assert b">tech1<" in client.get("/probe").data
    assert b">tech2<" in other.get("/probe").data
    assert b">tech1<" in client.get("/probe").data


def test_a_page_costs_only_its_own_rpcs(client, login):
    login(client, "tech1")
    response = client.get("/probe")
    assert response.headers["X-Odoo-RPC"].startswith("1;")


def test_expired_session_returns_to_the_same_page_after_login(emulator, client, login):
    login(client, "tech1")
    destroy_odoo_session(emulator, client)

    response = client.get("/probe?tab=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/probe?tab%3D2"
    assert response.headers["X-Odoo-RPC"].startswith("1;")  # noticed from the page's own call
    page = client.get(response.headers["Location"]).data.decode()
    assert "Your Odoo session has expired" in page

    again = client.post(response.headers["Location"],
                        data={"login": "tech1", "password": "tech1"})
    assert again.headers["Location"] == "/probe?tab=2"
    assert client.get("/probe?tab=2").status_code == 200


def test_expired_session_on_a_form_post_returns_to_the_form_page(emulator, client, login):
    login(client, "tech1")
    destroy_odoo_session(emulator, client)
    response = client.post("/probe", headers={"Referer": "http://localhost/probe?step=3"})
    assert response.headers["Location"].startswith("/login?next=")
    assert "probe" in response.headers["Location"]


def test_expired_session_on_the_api_answers_json_401(emulator, client, login):
    login(client, "tech1")
    destroy_odoo_session(emulator, client)
    response = client.get("/api/probe")
    assert response.status_code == 401
    assert response.json["success"] is False
    assert response.json["login_url"] == "/login"


@pytest.mark.parametrize("path", ["/probe", "/probe/office", "/jobs/active"])
def test_protected_pages_send_anonymous_users_to_login(app, client, path):
    if path == "/jobs/active" and "jobs.active" not in app.view_functions:
        pytest.skip("jobs blueprint not there yet")
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_api_without_login_answers_json_401(client):
    response = client.get("/api/probe")
    assert response.status_code == 401
    assert response.json == {"success": False, "error": "Please log in.", "login_url": "/login"}


@pytest.mark.parametrize("username, status", [("tech1", 403), ("office", 200), ("manager", 200)])
def test_role_required(client, login, username, status):
    login(client, username)
    assert client.get("/probe/office").status_code == status


# --- layout -----------------------------------------------------------------------------------

def test_tab_bar_lists_only_registered_sections_and_dashboard_for_office(app, client, login):
    login(client, "tech1")
    tech_page = client.get("/probe").data.decode()
    login_office = app.test_client()
    login(login_office, "office")
    office_page = login_office.get("/probe").data.decode()

    assert "Dashboard" not in tech_page
    assert 'href="/dashboard"' in office_page
    for page, first, jobs_url in ((tech_page, "/jobs/active", "/jobs/active"),
                                  (office_page, "/dashboard", "/jobs")):
        # A tab only for a registered section (both have sales rights), never a placeholder.
        assert ('href="/sales"' in page) == ("sales.index" in app.view_functions)
        if "jobs.active" in app.view_functions:
            # Technicians open their day first; the office its dashboard (its home, issue 28),
            # and its Jobs tab opens the jobs table.
            tabs = re.findall(r'class="tabbar__tab[^"]*" href="([^"]+)"', page)
            assert tabs[0] == first and jobs_url in tabs


def test_user_menu_shows_name_and_logout(client, login):
    login(client, "tech1")
    page = client.get("/probe").data.decode()
    assert 'class="usermenu"' in page
    assert 'action="/logout"' in page


def test_flash_messages_are_shown(client):
    page = client.get("/login").data.decode()
    assert "banner" not in page
    client.post("/logout")
    assert "You are logged out." in client.get("/login").data.decode()


# --- errors -----------------------------------------------------------------------------------

def test_odoo_unreachable_gives_503_with_retry(emulator, client, login):
    login(client, "tech1")
    emulator.fail_next(3, mode="502")  # the first try and both retries
    response = client.get("/probe")
    page = response.data.decode()
    assert response.status_code == 503
    assert "Odoo can&#39;t be reached" in page
    assert 'href="/probe"' in page and "Try again" in page
    assert client.get("/probe").status_code == 200


def test_a_passing_502_is_retried_for_reads(emulator, client, login):
    login(client, "tech1")
    emulator.fail_next(1, mode="502")
    response = client.get("/probe")
    assert response.status_code == 200
    assert response.headers["X-Odoo-RPC"].startswith("2;")


def test_odoo_hanging_gives_503_after_the_timeout(app, emulator, client, login):
    login(client, "tech1")
    app.config["ODOO_TIMEOUT"] = (1, 0.5)
    emulator.fail_next(1, mode="hang", hang_seconds=2)
    response = client.get("/probe")
    assert response.status_code == 503
    assert response.headers["X-Odoo-RPC"].startswith("1;")  # a read timeout is not retried


def test_odoo_programming_errors_are_not_shown(client, login):
    login(client, "tech1")
    response = client.get("/probe/bad-domain")
    page = response.data.decode()
    assert response.status_code == 500
    assert "no_such_field" not in page and "Traceback" not in page


def test_unexpected_errors_are_logged_not_shown(client, caplog):
    response = client.get("/probe/crash")
    page = response.data.decode()
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    assert "Something went wrong" in page
    assert "secret internal detail" in caplog.text


def test_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"This page doesn&#39;t exist." in response.data


def test_not_found_as_json_for_api_callers(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json["success"] is False


# --- security ---------------------------------------------------------------------------------

def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, login):
    response = login(client, "tech1")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("fieldkit_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_odoo_session_id_is_never_in_a_page(client, login):
    login(client, "tech1")
    with client.session_transaction() as flask_session:
        sid = flask_session["odoo_sid"]
    assert sid not in client.get("/probe").data.decode()


def test_session_is_replaced_at_login(client, login):
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by an attacker"
    login(client, "tech1")
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session


# --- other Odoo versions ----------------------------------------------------------------------

@pytest.mark.parametrize("version", [15, 16, 18, 19])
def test_login_and_roles_on_other_versions(app, make_emulator, login, version):
    emulator = make_emulator(version=version)
    app.config["ODOO_URL"] = emulator.url
    for username, role in (("tech1", "technician"), ("office", "office")):
        client = app.test_client()
        login(client, username)
        with client.session_transaction() as flask_session:
            assert flask_session["odoo_version"] == version
            assert flask_session["role"] == role
        assert f">{username}<".encode() in client.get("/probe").data
