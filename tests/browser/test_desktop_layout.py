"""The office on a desktop (1366x900): side navigation, the jobs table filtered by technician and
date with the view in the URL, two-column details, the dashboard; and at 390x844 the phone
layout as before (bottom tab bar, one column)."""
import re
from datetime import timedelta

import pytest

from app.platform import timezone as tzs

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("Login").fill(user)
    page.get_by_label("Password").fill(user)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("domcontentloaded")


def rows(page):
    return page.locator("table.jobs-table tbody tr").evaluate_all(
        "trs => trs.map(tr => [tr.dataset.id, tr.querySelector('[data-label=Technician]')"
        ".innerText.trim(), tr.querySelector('[data-label=Scheduled]').innerText.trim()])")


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def test_office_desktop_side_nav_jobs_table_filters_and_shared_url(live_server, desktop):
    page = desktop.new_page()
    log_in(page, live_server, "office")
    page.wait_for_url(f"{live_server}/dashboard")

    # The side rail: on the left, full height, labelled sections; content beside it.
    nav = page.locator("nav.tabbar").bounding_box()
    assert nav["x"] == 0 and nav["width"] >= 180 and nav["height"] > 600
    labels = page.locator(".tabbar__tab").all_inner_texts()
    assert "Jobs" in labels and "Dashboard" in labels
    assert page.locator("main").bounding_box()["x"] >= nav["width"]
    # The dashboard as a grid: tiles side by side.
    tiles = [page.locator(f".dash-{name}").bounding_box() for name in ("today", "attention")]
    assert tiles[0]["y"] == tiles[1]["y"] and tiles[1]["x"] > tiles[0]["x"]

    page.locator(".tabbar__tab", has_text="Jobs").click()
    page.wait_for_url(f"{live_server}/jobs")
    assert page.locator("table.jobs-table thead").is_visible()
    assert page.locator("main").evaluate("m => m.scrollWidth <= m.clientWidth + 1")

    technician = page.locator("#f-technician option").nth(2)  # after "Anyone", "Unassigned"
    name, value = technician.inner_text(), technician.get_attribute("value")
    today = tzs.today("America/New_York")
    start, end = today - timedelta(days=7), today + timedelta(days=7)
    page.select_option("#f-technician", value)
    page.fill("#f-from", start.isoformat())
    page.fill("#f-to", end.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/jobs\?"))

    url = page.url
    assert f"technician={value}" in url and f"from={start}" in url and f"to={end}" in url
    assert "q=" not in url and "stage=" not in url  # empty fields stay out of the link
    shown = rows(page)
    assert shown and all(technician == name for _, technician, _ in shown)

    # Sort by customer: the header link keeps the filters.
    page.get_by_role("link", name="Customer", exact=True).click()
    page.wait_for_url(re.compile(r"sort=customer"))
    assert f"technician={value}" in page.url
    sorted_url, sorted_rows = page.url, rows(page)
    assert sorted(r[0] for r in sorted_rows) == sorted(r[0] for r in shown)

    # The URL is the view: another tab opening it sees the same rows and controls.
    other = desktop.new_page()
    other.goto(sorted_url)
    assert rows(other) == sorted_rows
    assert other.locator("#f-technician").input_value() == value
    assert other.locator("#f-from").input_value() == start.isoformat()

    # A job page in two columns, with assign for the office.
    other.locator("table.jobs-table tbody a").first.click()
    other.wait_for_url(re.compile(r"/jobs/\d+$"))
    main, side = (other.locator(f".detail__{part}").bounding_box() for part in ("main", "side"))
    assert side["x"] > main["x"] + main["width"] - 1 and abs(side["y"] - main["y"]) < 2
    assert other.locator("#assign").is_visible()


def test_phone_layout_is_unchanged(live_server, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "tech1")
        page.wait_for_url(f"{live_server}/jobs/active")
        nav = page.locator("nav.tabbar").bounding_box()
        # The bottom tab bar, the full width, tabs 44 px tall at least.
        assert nav["x"] == 0 and nav["width"] == PHONE["width"]
        assert abs(nav["y"] + nav["height"] - PHONE["height"]) < 2
        assert page.locator(".tabbar__tab").first.bounding_box()["height"] >= 44
        assert page.locator(".job-card").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.locator(".job-card__link").first.click()
        page.wait_for_url(re.compile(r"/jobs/\d+"))
        main, side = (page.locator(f".detail__{part}").bounding_box() for part in ("main", "side"))
        assert side["x"] == main["x"] and side["y"] >= main["y"] + main["height"]
        assert page.locator("#assign").count() == 0
    finally:
        context.close()


def test_office_table_is_cards_on_a_phone(live_server, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/jobs")
        # Headers kept for screen readers only (1 px, clipped); each row a labelled card.
        assert page.locator("table.jobs-table thead").bounding_box()["height"] <= 1
        label = page.locator("[data-label=Technician]").first.evaluate(
            "td => getComputedStyle(td, '::before').content")
        assert "data-label" in label or "Technician" in label, label
        first = page.locator("table.jobs-table tbody tr").first.bounding_box()
        assert first["width"] <= PHONE["width"] and first["height"] > 80
        link = page.locator("table.jobs-table tbody a").first.bounding_box()
        assert link["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The dashboard in one column.
        page.goto(f"{live_server}/dashboard")
        today, attention = (page.locator(f".dash-{n}").bounding_box()
                            for n in ("today", "attention"))
        assert today["x"] == attention["x"] and attention["y"] > today["y"]
    finally:
        context.close()
