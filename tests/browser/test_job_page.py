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


def test_a_photo_is_chosen_and_uploaded_in_one_step_with_a_thumbnail(page, live_server, fresh,
                                                                      tmp_path):
    from tests.browser.test_outbox import JPEG_SMALL

    open_first_job_of_today(page, live_server)
    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started").wait_for()
    pick = page.locator("label.media-pick", has_text="Add photos")
    assert pick.is_visible() and pick.bounding_box()["height"] >= 44
    # no native "Choose Files / No file chosen" and no second step
    assert page.locator("#photo-input").evaluate("el => el.offsetWidth <= 1")
    assert page.get_by_role("button", name="Upload photos").is_hidden()
    photo = tmp_path / "leak.jpg"
    photo.write_bytes(JPEG_SMALL)
    # The thumbnail shows at once, before the server answers; on a fast machine the page has
    # moved on by the time a locator looks, so the page itself notes what it showed (kept in
    # sessionStorage across the reload that follows the upload).
    page.evaluate("""() => {
      const box = document.querySelector('[data-previews]');
      new MutationObserver(() => {
        const img = box.querySelector('img'), state = box.querySelector('[data-preview-state]');
        if (img) sessionStorage.setItem('fk-test-preview', state ? state.textContent : '?');
      }).observe(box, {childList: true, subtree: true, characterData: true});
    }""")
    with page.expect_response(lambda r: r.url.endswith("/photos")):
        page.set_input_files("#photo-input", str(photo))
    page.locator(".banner", has_text="photo").wait_for()
    assert page.evaluate("sessionStorage.getItem('fk-test-preview')")  # a thumbnail, a state
    assert page.url.endswith("#photos")
    assert page.locator('#photos > .media-grid img[src*="/photos/"]').count() == 1


def test_after_signing_one_signature_shows_and_replace_looks_active(page, live_server, fresh):
    from tests.browser.test_jobs_flow import sign_on_the_pad

    open_first_job_of_today(page, live_server)
    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started").wait_for()
    sign_on_the_pad(page, "Ann Customer")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-signature-image]');"
        " return img && img.complete && img.naturalWidth > 0; }")
    assert page.locator("[data-signature-image]").count() == 1
    assert page.locator("[data-signature-pad] canvas").is_hidden()  # not the drawing as well
    replace = page.get_by_role("button", name="Replace signature")
    assert replace.is_visible() and replace.is_enabled()
    assert replace.evaluate("b => getComputedStyle(b).opacity") == "1"
    # after a reload: the stored image, the pad folded, the history's thumbnail whole
    page.reload()
    assert page.locator("[data-signature-pad] canvas").is_hidden()
    thumb = page.locator(".history .media-grid__img--signature").first
    assert thumb.evaluate("i => getComputedStyle(i).objectFit") == "contain"
