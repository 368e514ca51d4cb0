"""The job's checklist offline on a phone (issue 31): with OCA fieldservice_activity and the
technicians' rights granted (odoo-check --fix), a technician cuts the network, ticks three
steps and photographs a fourth; when the network is back Odoo has the three steps completed by
the technician, in the order they were ticked, and the photo in the history named after its
step."""
import time

import pytest

from app.odoo.client import OdooAPI
from app.platform import chatter
from app.services import checklists, odoo_check
from tests.browser.test_outbox import JPEG_SMALL, logged_in_page, phone_context
from tests.integration.test_checklists import activities, boiler_job, uid_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def activity_odoo(emulator_pool):
    with emulator_pool.lease(version=18, addons=["fieldservice_activity"]) as handle:
        odoo_check.grant_activity_rights(handle.url, "fieldkit", "admin", "admin")
        yield handle


@pytest.fixture
def odoo_url(activity_odoo):
    checklists.clear_cache()
    return activity_odoo.url


def outbox_count(page, n):
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-outbox-item]').length == {n}")


def test_ticks_and_a_photo_made_offline_reach_odoo_once_in_order(
        browser, live_server, activity_odoo, tmp_path):
    job = boiler_job(activity_odoo)
    steps = activities(activity_odoo, job)
    ticked, photographed = [steps[0], steps[1], steps[3]], steps[4]
    context = phone_context(browser)
    try:
        page = logged_in_page(context, live_server)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.goto(f"{live_server}/jobs/{job}#checklist")   # opens the "Work" group
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert "0/5 steps done" in page.locator("#checklist").inner_text()

        context.set_offline(True)
        for n, step in enumerate(ticked, 1):
            button = page.locator(f'#step-{step["id"]} button[value="done"]')
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box["height"] >= 44   # a big tap target
            button.click()
            outbox_count(page, n)
            assert "sending" in page.locator(f'#step-{step["id"]}').inner_text()
        item = page.locator(f'#step-{photographed["id"]}')
        item.locator("summary").click()
        photo = tmp_path / "plate.jpg"
        photo.write_bytes(JPEG_SMALL)
        item.locator('input[type="file"]').set_input_files(str(photo))
        item.get_by_role("button", name="Upload photo").click()
        outbox_count(page, 4)
        assert [s["state"] for s in activities(activity_odoo, job)] == ["todo"] * 5

        context.set_offline(False)
        page.wait_for_function("() => !document.querySelector('[data-outbox-item]')",
                               timeout=60000)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(
                s["state"] == "done" for s in activities(activity_odoo, job)) < 3:
            time.sleep(0.3)
        after = {s["id"]: s for s in activities(activity_odoo, job)}
        tech = uid_of(activity_odoo, "tech1")
        assert [after[s["id"]]["state"] for s in steps] == ["done", "done", "todo", "done",
                                                             "todo"]
        assert all(after[s["id"]]["completed_by"] == tech for s in ticked)
        times = [after[s["id"]]["completed_on"] for s in ticked]
        assert times == sorted(times)   # in the order they were ticked
        odoo = OdooAPI(activity_odoo.url, "fieldkit")
        odoo.authenticate("admin", "admin")
        result = odoo.json_route("/mail/thread/messages",
                                 {"thread_model": "fsm.order", "thread_id": job, "limit": 100})
        notes = [m["text"] for m in chatter.normalize_messages(result)]
        assert sum(f"1 photo added for “{photographed['name']}”" in t for t in notes) == 1
        fresh_page = context.new_page()   # online again: the page as Fieldkit renders it now
        fresh_page.goto(f"{live_server}/jobs/{job}#checklist")
        assert "3/5 steps done" in fresh_page.locator("#checklist").inner_text()
        assert fresh_page.locator(f'#step-{photographed["id"]} img').count() == 1
    finally:
        context.close()
