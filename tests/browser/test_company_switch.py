"""The company switcher on a phone (390x844): tech2co works for two companies, switches to the
second from the user menu, sees its jobs; switching back empties the worker's cached pages, so
the other company's jobs are not shown offline either."""
import re
import time

import pytest

pytestmark = pytest.mark.browser

CACHED_URLS = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith('fieldkit-pages-'));
  const urls = [];
  for (const name of names) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_switch_company_from_the_user_menu(live_server, page):
    page.goto(f"{live_server}/login")
    page.get_by_label("Login").fill("tech2co")
    page.get_by_label("Password").fill("tech2co")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/jobs/active")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.locator(".job-card").count() == 0  # nothing of theirs in the main company

    page.locator(".usermenu summary").click()
    panel = page.locator(".usermenu__panel")
    west = panel.get_by_role("radio", name="Fieldkit Services West")
    assert panel.get_by_role("radio", name="Fieldkit Services Inc.").is_checked()
    label = panel.locator("fieldset").first.locator("label", has_text="Fieldkit Services West")
    assert label.bounding_box()["height"] >= 44  # a gloved thumb's target
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    also = panel.locator("fieldset").nth(1)

    def also_box(name):
        return also.locator("label", has_text=name).locator("input")
    # The company worked in is always shown: it has no "Also show" box (left out, disabled).
    assert also_box("Fieldkit Services Inc.").is_disabled()
    assert not also_box("Fieldkit Services Inc.").is_visible()
    label.click()
    assert west.is_checked()
    assert also_box("Fieldkit Services West").is_disabled()
    assert not also_box("Fieldkit Services West").is_visible()
    assert also.get_by_role("checkbox", name="Fieldkit Services Inc.").is_enabled()
    button = panel.get_by_role("button", name="Switch company")
    assert button.bounding_box()["height"] >= 44
    with page.expect_navigation(url=f"{live_server}/jobs/active"):
        button.click()
    assert page.get_by_role("status").filter(has_text="Now working in").inner_text() \
        == "Now working in Fieldkit Services West."
    assert page.locator(".job-card", has_text="Aspen Ridge Lodge").count() >= 1
    west_jobs = page.eval_on_selector_all("a[data-precache]", "links => links.map(a => a.href)")
    assert west_jobs
    wait_until(lambda: set(west_jobs) <= set(page.evaluate(CACHED_URLS)))

    # Back to the main company alone: the worker forgets the pages cached for West.
    page.locator(".usermenu summary").click()
    page.locator(".usermenu__panel fieldset").first.locator(
        "label", has_text="Fieldkit Services Inc.").click()
    with page.expect_navigation(url=re.compile(r".*/jobs/active$")):
        page.locator(".usermenu__panel").get_by_role("button", name="Switch company").click()
    assert page.locator(".job-card").count() == 0
    wait_until(lambda: not set(west_jobs) & set(page.evaluate(CACHED_URLS)))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
