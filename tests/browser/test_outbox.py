"""The offline outbox in Chromium on a phone: with the network cut, a technician starts a job,
writes a note, adds a photo, takes the signature and finishes the job; a reload while still
offline loses nothing; when the network is back every item reaches Odoo exactly once, in order,
authored by the technician."""

import base64
import re
import time

import pytest

from app.odoo.client import OdooAPI
from app.platform import chatter
from tests.browser.test_jobs_flow import draw_signature, open_group

pytestmark = pytest.mark.browser

# A real small JPEG the browser can decode (the photo form downscales before sending).
JPEG_SMALL = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIs"
    "IxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy"
    "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAeACgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDnqKKK8k/QwooooAKKKKACiiigAooooAKKKKAP/9k=")




def phone_context(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True, device_scale_factor=2)


def logged_in_page(context, base, login="tech1"):
    """A page of `context` logged in as `login`, on its jobs list."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', login)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/jobs/active$"))
    return page


def go_offline_and_back(page, context):
    """Cut the network, wait until the page knows it, then bring it back: the page gets its
    `online` event, on which the outbox sends what waits at once. (Toggling both ways without
    waiting may give the page no event at all; the outbox then only tries on its 15 s round,
    which a busy machine can stretch past any wait.)"""
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    context.set_offline(False)
    page.wait_for_function("() => navigator.onLine === true")


def panel_items(page):
    return page.locator("[data-outbox-item]").count()


def test_a_job_done_offline_reaches_odoo_once_in_order(browser, live_server, fresh, tmp_path):
    context = phone_context(browser)
    try:
        page = logged_in_page(context, live_server)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_function("() => document.documentElement.dataset.fkPrecached !== undefined")
        link = page.locator('[data-group="today"] a[data-precache]').first
        job_url = live_server + link.get_attribute("href")
        job_id = int(job_url.rsplit("/", 1)[1])
        page.goto(job_url)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        me = page.locator(".usermenu__panel strong").first.text_content().strip()

        context.set_offline(True)
        page.get_by_role("button", name="Start job").click()
        page.locator("[data-outbox-item]").first.wait_for()
        page.fill("#note-text", "Offline: gasket replaced")
        page.get_by_role("button", name="Post note").click()
        page.wait_for_function("() => document.querySelectorAll('[data-outbox-item]').length == 2")
        photo = tmp_path / "leak.jpg"
        photo.write_bytes(JPEG_SMALL)
        page.set_input_files("#photo-input", str(photo))  # choosing is the upload (one tap)
        page.wait_for_function("() => document.querySelectorAll('[data-outbox-item]').length == 3")
        pad = page.locator("[data-signature-pad]")
        pad.locator('input[name="signer_name"]').fill("Ann Offline")
        canvas = pad.locator("canvas")
        # The middle of the screen: the offline notice sits at the bottom.
        canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
        draw_signature(page, canvas)
        pad.locator('[data-action="save"]').click()
        page.wait_for_function("() => document.querySelectorAll('[data-outbox-item]').length == 4")
        page.fill("#resolution", "Offline: replaced the gasket, no more leak")
        page.get_by_role("button", name="Finish job").click()
        page.wait_for_function("() => document.querySelectorAll('[data-outbox-item]').length == 5")
        assert "5 unsent" in page.locator("[data-outbox-count]").text_content()

        page.reload()  # still offline: the worker's copy, and the outbox from IndexedDB
        page.locator("[data-outbox-item]").nth(4).wait_for()
        assert panel_items(page) == 5

        odoo = OdooAPI(fresh.url, "fieldkit")
        odoo.authenticate("admin", "admin")
        assert odoo.read("fsm.order", [job_id], ["date_start"])[0]["date_start"] is False

        context.set_offline(False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not odoo.read(
                "fsm.order", [job_id], ["is_closed"])[0]["is_closed"]:
            time.sleep(0.3)
        page.wait_for_function("() => !document.querySelector('[data-outbox-item]')",
                               timeout=30000)
        order = odoo.read("fsm.order", [job_id], ["is_closed", "date_start", "x_signature_url"])[0]
        assert order["is_closed"] and order["date_start"] and order["x_signature_url"]
        result = odoo.json_route("/mail/thread/messages",
                                 {"thread_model": "fsm.order", "thread_id": job_id, "limit": 100})
        messages = sorted(chatter.normalize_messages(result), key=lambda m: m["id"])
        ours = [m for m in messages if any(k in m["text"] for k in (
            "gasket replaced", "photo added", "Signed by Ann Offline"))]
        assert [next(k for k in ("gasket replaced", "photo added", "Signed by Ann Offline")
                     if k in m["text"]) for m in ours] == \
            ["gasket replaced", "photo added", "Signed by Ann Offline"], [m["text"] for m in ours]
        assert all(m["author"] == me for m in ours)
        tracking = [m for m in messages if m["tracking"]]
        assert tracking and tracking[-1]["author"] == me
        assert ours[0]["id"] < ours[-1]["id"] < tracking[-1]["id"]  # finished last
    finally:
        context.close()


def test_a_change_made_offline_on_a_job_changed_since_asks_first(browser, live_server, fresh):
    context = phone_context(browser)
    try:
        page = logged_in_page(context, live_server)
        job_url = live_server + page.locator('[data-group="today"] a[data-precache]').first \
            .get_attribute("href")
        job_id = int(job_url.rsplit("/", 1)[1])
        page.goto(job_url)
        context.set_offline(True)
        open_group(page, "work")
        page.fill("#note-text", "Written before the office moved the job")
        page.get_by_role("button", name="Post note").click()
        page.locator("[data-outbox-item]").first.wait_for()

        odoo = OdooAPI(fresh.url, "fieldkit")
        odoo.authenticate("admin", "admin")
        time.sleep(1.1)  # write_date has whole seconds
        odoo.write("fsm.order", [job_id], {"priority": "3"})

        context.set_offline(False)
        page.locator(".outbox__item--conflict").wait_for(timeout=30000)
        text = page.locator(".outbox__item--conflict").inner_text()
        assert "changed in Odoo" in text and "Changed:" in text
        result = odoo.json_route("/mail/thread/messages",
                                 {"thread_model": "fsm.order", "thread_id": job_id, "limit": 50})
        assert not [m for m in chatter.normalize_messages(result)
                    if "before the office moved" in m["text"]]  # not applied blindly

        page.get_by_role("button", name="Send anyway").click()
        page.wait_for_function("() => !document.querySelector('[data-outbox-item]')",
                               timeout=30000)
        result = odoo.json_route("/mail/thread/messages",
                                 {"thread_model": "fsm.order", "thread_id": job_id, "limit": 50})
        assert len([m for m in chatter.normalize_messages(result)
                    if "before the office moved" in m["text"]]) == 1
    finally:
        context.close()


def test_a_change_whose_answer_was_lost_is_checked_before_it_is_sent_again(browser, live_server,
                                                                           fresh):
    """A note reached Odoo and the answer was lost (a gateway timeout; here Odoo had not saved
    it): the outbox must not send it again by itself. It says "maybe saved"; the user checks,
    finds nothing and sends it again (under a new key)."""
    context = phone_context(browser)
    try:
        page = logged_in_page(context, live_server)
        job_url = live_server + page.locator('[data-group="today"] a[data-precache]').first \
            .get_attribute("href")
        job_id = int(job_url.rsplit("/", 1)[1])
        page.goto(job_url)
        fresh.fail_next(1, "hang", hang_seconds=0, path="/message_post")  # not applied
        open_group(page, "work")
        page.fill("#note-text", "Sent while the gateway timed out")
        # The answer is a 503 (Odoo's 504); on a busy machine the outbox's own timeout may give
        # up first, so the test waits for what the user sees, not for that response.
        page.get_by_role("button", name="Post note").click()
        # Kept, waiting (or already sent again by the outbox's 15 s round and marked unknown).
        page.locator(".outbox__item--waiting, .outbox__item--unknown").first.wait_for()
        go_offline_and_back(page, context)  # the outbox sends what waits, same key
        item = page.locator(".outbox__item--unknown")
        item.wait_for()
        assert "maybe saved" in item.inner_text() and "can't tell whether" in item.inner_text()

        odoo = OdooAPI(fresh.url, "fieldkit")
        odoo.authenticate("admin", "admin")

        def posted():
            result = odoo.json_route("/mail/thread/messages", {
                "thread_model": "fsm.order", "thread_id": job_id, "limit": 50})
            return [m for m in chatter.normalize_messages(result)
                    if "gateway timed out" in m["text"]]

        assert not posted()  # the user looks: not there
        page.get_by_role("button", name="Send again").click()
        page.wait_for_function("() => !document.querySelector('[data-outbox-item]')",
                               timeout=30000)
        assert len(posted()) == 1
    finally:
        context.close()
