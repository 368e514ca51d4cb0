"""Issue 27 on a phone (390x844): the job page leads with the one next action for the job's
phase; the first screen holds the customer, the address, the time and that action; before the
start no signature pad or finish form is on screen; starting the job starts its time."""

import re

import pytest

from tests.browser.test_jobs_flow import open_first_job_of_today

pytestmark = pytest.mark.browser

# The job page before this issue: FO001 (today's first job, not started) was 3,635 px tall at
# 390x844 with the demo data (measured on main at 82a5325); the issue asks for at most half.
OLD_HEIGHT_BEFORE_START = 3635

VISIBLE_PRIMARY = """() => [...document.querySelectorAll('main .btn--primary')]
  .filter(b => b.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}))
  .map(b => b.textContent.trim())"""


def on_first_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844 - 56  # tab bar


def test_one_next_action_before_the_start_and_the_time_starts_with_the_job(page, live_server,
                                                                          fresh):
    open_first_job_of_today(page, live_server)
    head = page.locator(".job-head")
    for part in (".job-head__customer", ".job-head__address", ".job-head__when"):
        assert on_first_screen(page, head.locator(part)), part
    # before the start: one primary button (the next action), nothing of the finish on screen
    primary = page.evaluate(VISIBLE_PRIMARY)
    assert len(primary) == 1 and primary[0] in ("On my way", "Start job")
    assert on_first_screen(page, page.locator(".job-next .btn--primary"))
    assert page.locator("[data-signature-pad] canvas").is_hidden()
    assert page.locator("#resolution").is_hidden()
    assert page.get_by_role("button", name="Finish job").is_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= OLD_HEIGHT_BEFORE_START / 2, height
    # the rest stays one tap away
    page.locator("#group-work > summary").click()
    assert page.locator("#note-text").is_visible()

    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started. Timer started.").wait_for()
    assert page.locator("[data-timer-running]").count() == 1
    clock = page.locator(".job-timer__clock")
    first = clock.text_content()
    page.wait_for_function(
        "t => document.querySelector('.job-timer__clock').textContent !== t", arg=first)
    # while working: the next action is finishing, and the finish is on the page
    assert page.evaluate(VISIBLE_PRIMARY)[0] == "Finish the job"
    page.get_by_role("link", name="Finish the job").click()
    assert page.locator("#resolution").is_visible()
    assert re.search(r"#finish$", page.url)
