"""The office desk on a phone (390x844) and a desktop (1366x900): /jobs opens on today, its first
screen shows at least three jobs, and the jobs board stays short with 30 jobs in a column."""
import pytest

from app.odoo.client import OdooAPI
from tests.browser.test_dispatch import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_jobs_table_first_phone_screen_shows_three_jobs(fresh, live_server, phone):
    log_in(phone, live_server, "office")
    phone.goto(f"{live_server}/jobs")
    rows = phone.locator("table.jobs-table tbody tr")
    assert rows.count() >= 3
    tabbar = phone.locator("nav.tabbar").bounding_box()
    third = rows.nth(2).locator('[data-role="ref"] a').bounding_box()
    assert third["y"] + third["height"] <= tabbar["y"], "the third job is below the first screen"
    # The other filters are folded, and open in one tap.
    assert not phone.locator("#f-technician").is_visible()
    phone.locator(".filters-more > summary").click()
    assert phone.locator("#f-technician").is_visible()


def test_jobs_board_on_a_phone_is_short_with_30_jobs_in_a_column(fresh, live_server, phone):
    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("admin", "admin")
    stage = api.search_read("fsm.order", [("is_closed", "=", False)], ["stage_id"], limit=1,
                            order="id")[0]["stage_id"][0]
    there = api.search_count("fsm.order", [("stage_id", "=", stage)])
    others = api.search_read("fsm.order", [("is_closed", "=", False), ("stage_id", "!=", stage)],
                             ["id"], limit=30 - there, order="id")
    api.write("fsm.order", [j["id"] for j in others], {"stage_id": stage})
    log_in(phone, live_server, "office")
    phone.goto(f"{live_server}/jobs/board?stage={stage}")
    shown = phone.locator(f'[data-dropzone][data-value="{stage}"] [data-draggable]')
    assert shown.count() == 30
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 4 * PHONE["height"], f"{height} px for {shown.count()} jobs"
    # Each card still moves: its form opens under "Move…".
    card = shown.first
    card.locator("summary", has_text="Move").click()
    assert card.get_by_role("button", name="Move").is_visible()


def test_jobs_open_on_today_at_a_desk(fresh, live_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/jobs")
        first = page.locator('table.jobs-table tbody tr [data-role="when"]').first.inner_text()
        today = page.locator("#f-from").input_value()
        assert today  # the From field says where the list starts
        day = int(today[8:10])
        assert first.split()[1] == str(day), f"the list opens on {first}, not today"
        assert page.locator("#f-technician").is_visible()  # nothing folded on a desktop
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_new_quote_customer_list_lies_under_its_field(fresh, live_server, browser, viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/sales/new")
        field = page.locator("#customer")
        field.fill("Ma")
        listbox = page.locator("#customer-list")
        listbox.locator("[role=option]").first.wait_for()
        box, under = field.bounding_box(), listbox.bounding_box()
        assert under["y"] >= box["y"] + box["height"] - 1  # below the field, never over it
        assert abs(under["x"] - box["x"]) <= 1 and under["width"] <= box["width"] + 1
        rail = page.locator("nav.tabbar").bounding_box()
        if viewport is DESKTOP:
            assert under["x"] >= rail["x"] + rail["width"]  # right of the side rail
    finally:
        context.close()
