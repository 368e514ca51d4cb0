"""Issue 9 on a phone: every control of the job page is at least 44x44 px, and the offline
notice tells the saved copy's time as the app does (24-hour, the user's zone), not the device's
12-hour local time."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import PHONE

pytestmark = pytest.mark.browser

# Controls of the page itself; links inside text people wrote (history, descriptions) are text.
CONTROLS = ("main a[href], main button, main input:not([type=hidden]), main select, "
            "main textarea, main summary")
SMALL_CONTROLS = """(selector) => {
  const skip = '.rich-text, .job-html, .history__body, .visually-hidden';
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden';
  };
  const all = [...document.querySelectorAll(selector)].filter((el) => !el.closest(skip));
  // a checkbox or radio inside its label: the label is what the thumb taps
  const target = (el) => (/^(checkbox|radio)$/.test(el.type) && el.closest('label')) || el;
  const small = all.filter(shown).map((el) => [el, target(el).getBoundingClientRect()])
    .filter(([el, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
    .map(([el, r]) => `${el.outerHTML.slice(0, 80)} ${Math.round(r.width)}x${Math.round(r.height)}`)
    ;
  return {count: all.length, small};
}"""


def test_job_page_controls_and_offline_time_on_a_phone(browser, live_server, emulator):
    # The device is in Tokyo with a US (12-hour) locale; tech1 works in New York.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, timezone_id="Asia/Tokyo", locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("Login").fill("tech1")
        page.get_by_label("Password").fill("tech1")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server}/jobs/active")
        page.locator(".job-card__link").first.click()
        page.wait_for_url(re.compile(r"/jobs/\d+$"))
        # every group of the job page open: all its controls are measured
        page.evaluate("document.querySelectorAll('details.job-group').forEach(d => d.open = true)")

        controls = page.evaluate(SMALL_CONTROLS, CONTROLS)
        assert controls["count"] > 10 and controls["small"] == []

        saved = page.get_attribute('meta[name="fk-rendered-at"]', "content")
        in_new_york = datetime.fromisoformat(saved.replace("Z", "+00:00")).astimezone(
            ZoneInfo("America/New_York"))
        context.set_offline(True)
        notice = page.locator('[data-notice="offline"]')
        expect(notice).to_contain_text(re.compile(
            rf"showing the copy from (today|yesterday|\w{{3}} \d+ \w{{3}}) "
            rf"{in_new_york:%H:%M}(?!\s*[AP]M)"))
    finally:
        context.close()
