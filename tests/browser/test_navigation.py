"""Section navigation on a phone (390x844) and a desktop (1366x900): the office's eight sections
as four tabs and "More" with whole labels on a phone, More's sheet by touch, keyboard and
without JavaScript, the current section shown even under More; the technician's five tabs and
the desktop rail unchanged."""
import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# The office's order (navigation.in_role_order): its home, the dashboard, first; rail and bar agree.
ALL_SECTIONS = ["Dashboard", "Jobs", "Dispatch", "Customers", "Sales", "Invoices", "CRM", "Stock",
                "Assets"]

# The tabs a phone shows (tab links not hidden, and More's button) with their label's fit.
VISIBLE_TABS = """() => Array.from(
    document.querySelectorAll('.tabbar > .tabbar__tab, .tabbar__more > summary'))
  .filter(el => el.getClientRects().length > 0)
  .map(el => {
    const label = el.querySelector('span:not(.visually-hidden)');
    const box = el.getBoundingClientRect();
    return {text: label.textContent.trim(), fits: label.scrollWidth <= label.clientWidth,
            width: box.width, height: box.height};
  })"""


def log_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("Login").fill(user)
    page.get_by_label("Password").fill(user)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def test_office_phone_has_four_tabs_and_more(live_server, phone):
    page = phone.new_page()
    log_in(page, live_server, "office")
    page.wait_for_url(f"{live_server}/dashboard")

    tabs = page.evaluate(VISIBLE_TABS)
    assert [t["text"] for t in tabs] == ["Dashboard", "Jobs", "Dispatch", "Customers", "More"]
    for tab in tabs:  # whole labels, thumb-sized targets
        assert tab["fits"], tab
        assert tab["width"] >= 44 and tab["height"] >= 44, tab
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for width in (360, 320):  # smaller phones: the labels still whole
        page.set_viewport_size({"width": width, "height": 740})
        assert all(t["fits"] and t["width"] >= 44 for t in page.evaluate(VISIBLE_TABS)), width
    page.set_viewport_size(PHONE)

    more = page.locator(".tabbar__more > summary")
    sheet = page.locator(".more-sheet")
    assert not sheet.is_visible()
    more.tap()
    assert sheet.is_visible()
    links = sheet.get_by_role("link")
    assert links.all_inner_texts() == ["Sales", "Invoices", "CRM", "Stock", "Assets"]
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["height"] >= 44 and box["width"] >= 200
    # The sheet sits above the bar, inside the screen.
    bar = page.locator("nav.tabbar").bounding_box()
    last = links.last.bounding_box()
    assert last["y"] + last["height"] <= bar["y"] + 1

    # Tapping the dimmed page closes it; so does Escape, giving the focus back to More.
    page.touchscreen.tap(195, 60)
    assert not sheet.is_visible()
    more.focus()
    page.keyboard.press("Enter")
    assert sheet.is_visible()
    page.keyboard.press("Escape")
    assert not sheet.is_visible()
    assert page.evaluate("document.activeElement.matches('.tabbar__more > summary')")

    # A section under More: it opens, and More shows as the current tab.
    more.tap()
    sheet.get_by_role("link", name="Stock").tap()
    page.wait_for_url(re.compile(r"/inventory$"))
    assert "is-active" in more.get_attribute("class")
    assert "current section: Stock" in more.text_content()  # said to screen readers
    assert not sheet.is_visible()
    assert page.locator(".tabbar > .tabbar__tab.is-active").evaluate(
        "el => getComputedStyle(el).display") == "none"  # the rail's copy, hidden on a phone
    more.tap()
    current = sheet.locator("[aria-current=page]")
    assert current.inner_text().strip() == "Stock" and "is-active" in current.get_attribute("class")
    assert page.get_by_role("link", name="Stock", exact=True).count() == 1  # one visible copy


def test_more_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.locator(".tabbar__more > summary").click()
        page.locator(".more-sheet").get_by_role("link", name="Assets").click()
        page.wait_for_url(re.compile(r"/assets$"))
        assert "is-active" in page.locator(".tabbar__more > summary").get_attribute("class")
    finally:
        context.close()


def test_technician_phone_keeps_five_tabs_without_more(live_server, phone):
    page = phone.new_page()
    log_in(page, live_server, "tech1")
    page.wait_for_url(f"{live_server}/jobs/active")
    tabs = page.evaluate(VISIBLE_TABS)
    assert [t["text"] for t in tabs] == ["Jobs", "Sales", "CRM", "Stock", "Customers"]
    assert all(t["fits"] and t["height"] >= 44 for t in tabs)
    page.set_viewport_size({"width": 320, "height": 640})
    assert all(t["fits"] for t in page.evaluate(VISIBLE_TABS))
    assert page.locator(".tabbar__more").count() == 0


def test_desktop_rail_lists_every_section(live_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.wait_for_url(f"{live_server}/dashboard")
        rail = page.locator("nav.tabbar > a.tabbar__tab")
        assert rail.all_inner_texts() == ALL_SECTIONS
        assert all(rail.nth(i).is_visible() for i in range(rail.count()))
        assert not page.locator(".tabbar__more").is_visible()
        nav = page.locator("nav.tabbar").bounding_box()
        assert nav["x"] == 0 and nav["height"] > 600
        boxes = [rail.nth(i).bounding_box() for i in range(rail.count())]
        assert all(b["x"] == boxes[0]["x"] and b["height"] >= 44 for b in boxes)
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)
    finally:
        context.close()
