"""The office's job page at a desk (issue 28, item 10): its own next step (assign or reschedule)
instead of the technician's "On my way / Start job", no hole under the job's column, and the
assign form's date-time fields inside their card."""
import pytest

from tests.browser.test_dispatch import DESKTOP, admin_api, office_page, phone_page

pytestmark = pytest.mark.browser


def open_job(url):
    return admin_api(url).search_read("fsm.order", [("is_closed", "=", False),
                                                    ("date_start", "=", False)],
                                      ["id"], limit=1, order="id")[0]["id"]


def test_the_office_job_page_at_a_desk(fresh, live_server, browser):
    job_id = open_job(fresh.url)
    with office_page(browser, live_server, f"/jobs/{job_id}") as page:
        head = page.locator("[data-next-action]")
        assert head.get_by_role("link", name="Assign or reschedule").is_visible()
        assert head.get_by_role("link", name="Find a free slot").is_visible()
        assert head.get_by_role("button", name="On my way").count() == 0
        assert head.get_by_role("button", name="Start job").count() == 0
        # No hole: the page ends with the job's column (the side one scrolls beside it).
        main = page.locator(".detail__main").bounding_box()
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= max(main["y"] + main["height"] + 80, DESKTOP["height"]), \
            f"the page is {height} px for a {main['y'] + main['height']:.0f} px job column"
        # The assign form's date-time fields stay inside their card.
        card = page.locator("#assign").bounding_box()
        for field in ("#assign-start", "#assign-end"):
            box = page.locator(field).bounding_box()
            assert box["x"] + box["width"] <= card["x"] + card["width"], field
        head.get_by_role("link", name="Assign or reschedule").click()
        page.locator("#assign-person").wait_for(state="visible")


def test_the_technician_keeps_on_my_way_and_start(fresh, live_server, browser):
    api = admin_api(fresh.url)
    uid = api.search_read("res.users", [("login", "=", "tech1")], ["partner_id"])[0]
    job_id = api.search_read("fsm.order", [("is_closed", "=", False), ("date_start", "=", False),
                                           ("person_id.partner_id", "=", uid["partner_id"][0])],
                             ["id"], limit=1, order="id")[0]["id"]
    with phone_page(browser, live_server, f"/jobs/{job_id}", "tech1") as page:
        head = page.locator("[data-next-action]")
        assert head.get_by_role("button", name="Start job").first.is_visible()
        assert head.get_by_role("link", name="Assign or reschedule").count() == 0
