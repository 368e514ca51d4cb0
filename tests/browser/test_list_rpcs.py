"""Every Odoo call the jobs list causes, the service worker's background refetches included
(issue 10, defect 3): the worker refetches a kept job page only when the job changed (its
write_date, carried by the list) or the copy is old, so a repeat view of an unchanged list
costs at most 2 RPCs in all. The day's job pages come in one request, /jobs/offline (issue 26,
goal 6): a technician's login and first screen, offline copies included, cost at most 5."""
import re
import threading

import pytest

from app.odoo.client import OdooAPI
from tests.conftest import serving

pytestmark = pytest.mark.browser


class RpcCounter:
    """WSGI middleware: the Odoo calls of every response the app sends (X-Odoo-RPC)."""

    def __init__(self, app):
        self.app = app
        self.calls = []  # (method, path, rpc count)
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        def counting_start_response(status, headers, exc_info=None):
            rpc = next((v for k, v in headers if k.lower() == "x-odoo-rpc"), None)
            if rpc:
                query = environ.get("QUERY_STRING")
                with self.lock:
                    self.calls.append((environ["REQUEST_METHOD"],
                                       environ["PATH_INFO"] + (f"?{query}" if query else ""),
                                       int(rpc.split(";")[0])))
            return start_response(status, headers, exc_info)
        return self.app(environ, counting_start_response)

    def take(self):
        with self.lock:
            calls, self.calls = self.calls, []
        return calls


def total(calls):
    return sum(count for *_, count in calls)


def show_list(page, url):
    """Open the list and wait until the worker says what it kept (after its refetches)."""
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.documentElement.dataset.fkPrecached !== undefined")
    return int(page.evaluate("document.documentElement.dataset.fkPrecacheFetched") or 0)


def test_repeat_view_of_an_unchanged_list_costs_at_most_two_rpcs(app, browser, emulator):
    emulator.reset()
    # A running server: the configuration (stages, the checklist add-on, the groups' names) is
    # known from earlier visits; tech2 has made them.
    warm = app.test_client()
    warm.post("/login", data={"login": "tech2", "password": "tech2"})
    listed = warm.get("/jobs/active").get_data(as_text=True)
    warm.get(re.search(r'href="(/jobs/\d+)"', listed).group(1))
    counter = RpcCounter(app)
    with serving(counter) as base:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Login").fill("tech1")
        page.get_by_label("Password").fill("tech1")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/jobs/active")
        page.wait_for_function("() => document.documentElement.dataset.fkPrecached !== undefined")
        kept = page.eval_on_selector_all("a[data-precache]", "links => links.length")
        first = [call for call in counter.take() if call[1] != "/api/live"]
        # The first screen: log in, the list, then the day's job pages all in one request.
        assert kept >= 2
        assert [path.split("?")[0] for _, path, _ in first
                if path.startswith("/jobs/") and path != "/jobs/active"] == ["/jobs/offline"]
        assert total(first) <= 5, first

        fetched = show_list(page, f"{base}/jobs/active")
        # Live updates poll /api/live once an interval (its first poll one interval after the
        # page): a shared check whose cost is measured in bench/dispatch.py, not the view's.
        repeat = [call for call in counter.take() if call[1] != "/api/live"]
        assert [path for _, path, _ in repeat] == ["/jobs/active"], repeat
        assert total(repeat) <= 2
        assert fetched == 0

        # A job changed in Odoo: only its page is fetched again.
        job_id = int(page.eval_on_selector_all(
            "a[data-precache]", "links => links[0].href.split('/').pop()"))
        odoo = OdooAPI(emulator.url, "fieldkit")
        odoo.authenticate("admin", "admin")
        odoo.write("fsm.order", [job_id], {"description": "<p>Bring the long ladder</p>"})
        fetched = show_list(page, f"{base}/jobs/active")
        changed = [call for call in counter.take() if call[1] != "/api/live"]
        assert sorted(path for _, path, _ in changed) == sorted(
            ["/jobs/active", f"/jobs/offline?ids={job_id}"])
        assert fetched == 1
        context.close()


def test_a_list_loaded_before_the_worker_is_kept_without_fetching_it_again(app, browser,
                                                                           emulator):
    """Logged in before the worker was installed (a fast login, or a login made elsewhere):
    the list loads without the worker, which then keeps the browser's copy of it for offline
    use instead of asking the server (and Odoo) for it a second time."""
    emulator.reset()
    counter = RpcCounter(app)
    with serving(counter) as base:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        login_page = context.request.get(f"{base}/login").text()
        token = re.search(r'name="csrf-token" content="([^"]+)"', login_page).group(1)
        context.request.post(f"{base}/login", form={"login": "tech1", "password": "tech1",
                                                    "csrf_token": token}, max_redirects=0)
        page = context.new_page()
        page.goto(f"{base}/jobs/active")
        page.wait_for_function("() => document.documentElement.dataset.fkPrecached !== undefined")
        lists = [call for call in counter.take() if call[1] == "/jobs/active"]
        assert len(lists) == 1, lists
        page.context.set_offline(True)
        page.reload()
        assert page.locator("a[data-precache]").count() >= 2  # the kept copy, offline
        context.close()
