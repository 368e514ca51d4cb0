"""The PWA shell in headless Chromium: the worker, offline reading, deploys, logout, drafts and
installability (issue 5, "Done when")."""
import os
import re
import shutil
import time

import pytest
from playwright.sync_api import expect

from app import pwa
from tests.browser.test_jobs_flow import open_group

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
NOTICE = "[data-notice='{}']"
PAGES_CACHED = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith('fieldkit-pages-'));
  let count = 0;
  for (const name of names) count += (await (await caches.open(name)).keys()).length;
  return count;
}"""


def log_in(page, base, user="tech1"):
    page.goto(f"{base}/login")
    page.get_by_label("Login").fill(user)
    page.get_by_label("Password").fill(user)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/jobs/active")


@pytest.fixture
def tech(page, live_server):
    """tech1 logged in on /jobs/active, the worker in control and today's jobs cached."""
    log_in(page, live_server)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.documentElement.dataset.fkPrecached !== undefined")
    return page


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def job_urls(page):
    """The jobs of today and tomorrow, as /jobs/active marks them for offline reading."""
    return page.eval_on_selector_all("a[data-precache]", "links => links.map(a => a.href)")


def test_worker_installs_and_controls_the_page(tech, app):
    with app.test_request_context():
        version = pwa.cache_version()
    assert tech.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    names = tech.evaluate("caches.keys()")
    assert f"fieldkit-static-v{version}" in names
    static = tech.evaluate(f"""async () => (await (await caches.open('fieldkit-static-v{version}'))
        .keys()).map((r) => new URL(r.url).pathname)""")
    for path in ("/offline", "/static/css/app.css", "/static/js/app.js", "/static/manifest.json",
                 "/static/icons/icon-192.png"):
        assert path in static
    assert tech.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.scope)") \
        == tech.url.split("/jobs")[0] + "/"


def test_todays_jobs_and_offline_page_work_offline(tech, live_server):
    urls = job_urls(tech)
    assert len(urls) >= 2, "the demo data has at least two jobs today"
    assert int(tech.evaluate("document.documentElement.dataset.fkPrecached")) >= len(urls)
    tech.context.set_offline(True)

    for url in urls:
        response = tech.goto(url)
        assert response.from_service_worker and response.status == 200
        assert re.search(r"/jobs/\d+$", tech.url)
        tech.locator("#note-text").wait_for(state="attached")  # the job page, not /offline
        # pwa.js writes the notice once the page knows it came from the cache: wait for it
        expect(tech.locator(NOTICE.format("offline"))).to_have_text(
            re.compile(r"^\s*Offline — showing the copy from .*\d\d:\d\d.*$"))

    tech.goto(f"{live_server}/jobs/active")
    assert tech.locator("a[data-precache]").count() == len(urls)

    tech.goto(f"{live_server}/offline")
    tech.get_by_role("heading", name="You're offline").wait_for()
    listed = tech.locator("[data-offline-pages] a")
    listed.first.wait_for()
    hrefs = listed.evaluate_all("links => links.map(a => a.href)")
    assert set(urls) <= set(hrefs)

    # "/" (a redirect, never cached itself) opens the cached start page
    tech.goto(f"{live_server}/")
    expect(tech.locator(NOTICE.format("offline"))).to_be_visible()
    assert tech.locator("a[data-precache]").count() == len(urls)

    # A page never visited: the offline page, under the URL asked for.
    tech.goto(f"{live_server}/jobs/active?never=cached")
    tech.get_by_role("heading", name="You're offline").wait_for()


def test_a_post_offline_fails_visibly_and_keeps_the_text(tech):
    """A form the outbox does not take (here the note form with its data-outbox mark removed)
    is stopped offline, visibly, its text kept as a draft. Job actions themselves go to the
    outbox instead (tests/browser/test_outbox.py)."""
    url = job_urls(tech)[0]
    tech.goto(url)
    tech.evaluate("document.getElementById('note-text').form.removeAttribute('data-outbox')")
    tech.context.set_offline(True)
    open_group(tech, "work")
    tech.fill("#note-text", "Replaced the pump seal")
    tech.get_by_role("button", name="Post note").click()
    alert = tech.locator(NOTICE.format("not-sent"))
    assert "nothing was sent" in alert.inner_text()
    assert alert.get_attribute("role") == "alert"
    assert tech.url == url
    assert tech.input_value("#note-text") == "Replaced the pump seal"
    draft = tech.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('fk-draft:'))")
    assert len(draft) == 1


def test_a_new_deploy_offers_a_reload_instead_of_taking_over(tech, monkeypatch):
    tech.goto(job_urls(tech)[0])
    open_group(tech, "work")
    tech.fill("#note-text", "Half-typed note")
    old_version = tech.evaluate("""caches.keys().then((names) =>
        names.find((n) => n.startsWith('fieldkit-static-v')))""")
    monkeypatch.setattr(pwa, "cache_version", lambda: "deploy0002")
    tech.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")

    banner = tech.locator(NOTICE.format("update"))
    banner.wait_for()
    assert "New version available" in banner.inner_text()
    # Nothing taken over yet: the old worker still serves this page, the text is untouched.
    assert tech.evaluate("navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)")
    assert tech.input_value("#note-text") == "Half-typed note"

    with tech.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    tech.wait_for_function("() => navigator.serviceWorker.controller !== null")
    names = tech.evaluate("caches.keys()")
    assert "fieldkit-static-vdeploy0002" in names and old_version not in names
    # The draft came back after the reload.
    assert tech.input_value("#note-text") == "Half-typed note"
    assert tech.locator(".fk-draft-note").is_visible()


def test_logout_clears_cached_pages(tech, live_server):
    urls = job_urls(tech)
    assert tech.evaluate(PAGES_CACHED) >= len(urls)
    tech.locator(".usermenu summary").click()
    with tech.expect_navigation(url=re.compile(r".*/login$"), wait_until="domcontentloaded"):
        tech.get_by_role("button", name="Log out").click()
    wait_until(lambda: tech.evaluate(PAGES_CACHED) == 0)
    tech.context.set_offline(True)
    tech.goto(urls[0])
    tech.get_by_role("heading", name="You're offline").wait_for()
    assert tech.locator("#note-text").count() == 0


def test_draft_restored_then_cleared_by_a_successful_submit(tech):
    tech.goto(job_urls(tech)[0])
    open_group(tech, "work")
    tech.fill("#note-text", "Customer asked for a quote on a new boiler")
    tech.wait_for_timeout(500)  # the autosave debounce
    tech.reload()
    assert tech.input_value("#note-text") == "Customer asked for a quote on a new boiler"
    assert "Draft restored" in tech.locator(".fk-draft-note").inner_text()

    with tech.expect_navigation():
        tech.get_by_role("button", name="Post note").click()
    tech.locator(".banner--success").wait_for()
    assert tech.input_value("#note-text") == ""
    assert tech.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('fk-draft:'))") == []
    tech.reload()
    assert tech.input_value("#note-text") == ""
    assert tech.locator(".fk-draft-note").count() == 0


def test_the_browser_finds_the_app_installable(browser, live_server, tmp_path):
    """Lighthouse 12 no longer checks installability: ask Chromium itself."""
    # A persistent profile: Chromium reports pages of incognito-like contexts as not installable.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, headless=True,
        viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/offline")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"].startswith(f"{live_server}/static/manifest.json?v=")
    finally:
        context.close()
