"""Logging in on a phone-sized headless Chromium."""
import pytest

pytestmark = pytest.mark.browser


def test_login_on_a_phone_lands_on_active_jobs(app, live_server, page):
    page.goto(f"{live_server}/login")
    assert page.title() == "Log in · Fieldkit"

    login = page.get_by_label("Login")
    password = page.get_by_label("Password")
    assert login.bounding_box()["height"] >= 44
    login.fill("tech1")
    password.fill("tech1")
    # the typed password can be checked before sending it (issue 27)
    show = page.locator("[data-show-password]")
    assert show.inner_text() == "Show password" and show.bounding_box()["height"] >= 44
    show.click()
    assert password.get_attribute("type") == "text" and show.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Hide password").click()
    assert password.get_attribute("type") == "password"
    button = page.get_by_role("button", name="Log in")
    assert button.bounding_box()["height"] >= 44
    button.click()

    page.wait_for_url(f"{live_server}/jobs/active")
    if "jobs.active" in app.view_functions:
        assert page.locator("nav.tabbar").is_visible()
        tab = page.locator(".tabbar__tab").first
        assert tab.inner_text().strip() == "Jobs"
        assert tab.bounding_box()["height"] >= 44
    # Readable at phone width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_wrong_password_on_a_phone(live_server, page):
    page.goto(f"{live_server}/login")
    page.get_by_label("Login").fill("tech1")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong login or password"
    assert page.get_by_label("Login").input_value() == "tech1"


def test_user_menu_logs_out(live_server, page):
    page.goto(f"{live_server}/login")
    page.get_by_label("Login").fill("tech1")
    page.get_by_label("Password").fill("tech1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/jobs/active")
    page.locator(".usermenu__button").click()
    with page.expect_navigation(url=f"{live_server}/login", wait_until="domcontentloaded",
                                timeout=30_000):
        page.get_by_role("button", name="Log out").click()
    assert "You are logged out." in page.content()
