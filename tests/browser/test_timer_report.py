"""Issue 19 on a phone: start the job timer, pause, resume, finish with a signature, preview
the service report and send it to the customer."""

import pytest

from app.services import jobs as jobs_service
from app.services import timer
from tests.browser.test_jobs_flow import open_first_job_of_today, sign_on_the_pad

pytestmark = pytest.mark.browser


def test_timer_signature_and_report_on_a_phone(page, live_server, emulator):
    emulator.reset()
    jobs_service.clear_stage_cache()
    timer.clear_cache()
    job_url = open_first_job_of_today(page, live_server)

    # one clock (issue 27): starting the job starts its time
    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started. Timer started.").wait_for()
    clock = page.locator(".job-timer__clock")
    first = clock.text_content()
    page.wait_for_function(
        "t => document.querySelector('.job-timer__clock').textContent !== t", arg=first)
    box = page.get_by_role("button", name="Pause").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44      # a gloved thumb's target
    page.get_by_role("button", name="Pause").click()
    page.locator(".banner", has_text="Timer paused").wait_for()
    page.get_by_role("button", name="Resume").click()
    page.locator(".banner", has_text="Timer resumed.").wait_for()

    sign_on_the_pad(page, "Ann Customer")
    page.goto(job_url)
    page.fill("#resolution", "Replaced the compressor bearings")
    page.get_by_role("button", name="Finish job").click()
    page.locator(".banner", has_text="Job finished").wait_for()
    # Finish stopped the timer (under a minute here: nothing to write to Odoo).
    banner = page.locator(".banner").first.text_content()
    assert "Timer stopped" in banner
    # a signed job: the report is attached at finish and Odoo emails it (issue 24)
    assert "Report attached to the order. Odoo emailed it to the customer." in banner
    assert page.get_by_role("button", name="Pause").count() == 0

    preview = page.locator("a", has_text="Preview the report")
    answer = page.request.get(live_server + preview.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")

    report = page.locator("#report")
    assert report.locator('input[name="email"]').is_checked()
    report.get_by_role("button", name="Attach the report to the order").click()
    page.locator(".banner", has_text="Report attached to the order. Odoo emailed it").wait_for()
    assert any("service report" in t.lower()
               for t in page.locator(".history__item").all_text_contents())
    # The reports attached earlier have their own page (the job page stays within 2 RPCs).
    report.get_by_role("link", name="Reports attached earlier").click()
    download = page.locator(".job-reports a").first
    assert download.text_content().startswith("Service report")
