"""Dispatch beyond the first screen (issue 28): on a phone (390x844) the day reads in a couple
of screens, one technician at a time from tabs; at a desk (1366x900) a card dragged to the
bottom edge scrolls the page until a lane below the fold can take it."""
import pytest

from tests.browser.test_dispatch import PHONE, admin_api, office_page, phone_page

pytestmark = pytest.mark.browser


def test_dispatch_on_a_phone_shows_one_technician_at_a_time(fresh, live_server, browser):
    with phone_page(browser, live_server, "/dispatch", "office") as page:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 2.5 * PHONE["height"], f"/dispatch is {height} px on a phone"
        lanes = page.locator(".lane[data-lane]")
        shown = [i for i in range(lanes.count()) if lanes.nth(i).is_visible()]
        assert len(shown) == 1, "one technician's lane at a time"
        first = lanes.nth(shown[0])
        assert first.locator(".plan-card").count() >= 1  # opens on a technician with jobs
        # The unassigned jobs are one row that scrolls sideways, on the first screen.
        pool = page.locator(".dispatch-pool").bounding_box()
        assert pool["y"] + pool["height"] <= PHONE["height"]
        # Another technician from the tabs: their lane replaces the first, no page load.
        tabs = page.locator(".lane-tabs [data-stage-tab]")
        assert tabs.count() == lanes.count()
        other = tabs.nth(1 if shown[0] == 0 else 0)
        person = other.get_attribute("data-stage-tab")
        other.click()
        target = page.locator(f'.lane[data-lane="{person}"]')
        target.wait_for(state="visible")
        assert not first.is_visible()
        count = int(other.locator(".badge").inner_text())
        assert target.locator(".plan-card").count() == count
        assert f"lane={person}" in page.url
        # Without script the tab is a link to the same view.
        page.goto(page.url)
        assert page.locator(f'.lane[data-lane="{person}"]').is_visible()


def test_a_drag_to_the_bottom_edge_scrolls_to_a_lane_below_the_fold(browser, fresh, live_server):
    api = admin_api(fresh.url)
    with office_page(browser, live_server, "/dispatch") as page:
        page.wait_for_selector(".dispatch-lanes.is-timeline")
        height = page.evaluate("window.innerHeight")
        lanes = page.locator(".lane[data-lane]")
        last = lanes.nth(lanes.count() - 1)
        assert last.bounding_box()["y"] > height, "the last lane starts below the fold"
        card = lanes.nth(0).locator(".lane__cell .plan-card[tabindex]").last
        job_id = int(card.get_attribute("data-id"))
        before = api.read("fsm.order", [job_id], ["scheduled_date_start"])[0]
        box = card.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 2, height - 12, steps=12)  # held near the bottom edge
        page.wait_for_function(
            "() => { const cells = document.querySelectorAll('.lane[data-lane] .lane__cell');"
            " const r = cells[cells.length - 1].getBoundingClientRect();"
            " return r.top < window.innerHeight - 80; }")
        assert page.evaluate("window.scrollY") > 0
        # Held at the edge, the page scrolls on to its end: measure the lane once it is still.
        page.wait_for_function("() => Math.ceil(window.scrollY + window.innerHeight)"
                               " >= document.documentElement.scrollHeight")
        goal = last.locator(".lane__cell").bounding_box()
        page.mouse.move(x + 3, goal["y"] + goal["height"] / 2, steps=6)
        page.mouse.up()
        page.locator("[data-move-toast] [data-move-text]", has_text="→").wait_for()
        after = api.read("fsm.order", [job_id], ["person_id", "scheduled_date_start"])[0]
        assert after["person_id"][0] == int(last.get_attribute("data-lane"))
        assert after["scheduled_date_start"] == before["scheduled_date_start"]
