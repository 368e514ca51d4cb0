"""Bytes transferred for the first visit of the day (empty cache: the login page, logging in,
landing on /jobs/active) and for a repeat visit of /jobs/active with the service worker and
the HTTP cache warm, against the budgets of issue 26 (45 KB and at most 5 Odoo calls for the
first visit, the worker's offline copies included; at most 2 calls for the repeat) and issue 5
(15 KB for the repeat), in headless Chromium (the system one) at 390x844.

    .venv/bin/python bench/page_weight.py [--login tech1] [--quiet] [--path /jobs/5 ...]
                                          [--cold-server]

The server is a running one: before the browser comes, another technician (tech2) has logged
in and opened the day's list and a job, as people do all day, so the configuration every
worker shares (stages, the names of the user groups, the checklist add-on) is known.
--cold-server skips that: the first visit then also pays for learning it (3 calls more).

Bytes are counted on the wire by a TCP relay in front of the app under gunicorn (production
config, Brotli or gzip as served; less the X-Odoo-RPC and Server-Timing headers this
measurement turns on, which production does not send): status lines, headers and bodies of
every response, including what the service worker fetches itself. Each response is attributed
to its request (HTTP/1.1 without pipelining: a connection's bytes belong to its latest
request) and listed with its Sec-Fetch-Dest; the worker's script and what the worker fetches
itself (Referer /sw.js) are marked "sw", the rest (the page, its assets, navigations the
worker passes on) "page".

A step lasts until the network has been quiet for 1.5 s after the load event, so the worker's
install (precaching the static files) and its offline copies of the day's job pages count too:
they are bytes the phone downloads on that visit. The budgets apply, as issue 5 words them, to
the HTML, CSS, JS and fonts among them (by the file's extension; a path without one is a page);
images (icons, the manifest's PNGs) and the manifest are listed and totalled beside them. Exit
status 1 when a budget is missed.

Each `--path` (any page, e.g. `--path /customers/52 --path /jobs`) is then visited twice in the
same browser: its Odoo calls, the worker's background fetches included, are listed per page
(the first visit may find the configuration caches cold, the second finds them warm). Pages
over the budget of 2 calls are marked; they do not change the exit status.
"""
import argparse
import contextlib
import os
import re
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402

KINDS = {"css": "css", "js": "js", "woff2": "font", "woff": "font", "ttf": "font",
         "png": "image", "svg": "image", "ico": "image", "webp": "image", "jpg": "image",
         "json": "manifest", "webmanifest": "manifest"}
BUDGETED = ("html", "css", "js", "font")  # "HTML, CSS, JS, fonts" (issue 5)
FIRST_BUDGET = 45 * 1024  # issue 26, goal 6 (issue 5 had 60 KB)
REPEAT_BUDGET = 15 * 1024
FIRST_RPC_BUDGET = 5  # login and first screen, the worker's offline copies included
RPC_BUDGET = 2  # Odoo calls per page, the worker's background fetches included
REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")
STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})")
MEASURING_HEADER = re.compile(rb"\r\n(?:X-Odoo-RPC|Server-Timing):[^\r\n]*", re.IGNORECASE)


def header(head, name):
    match = re.search(rb"\r\n" + name + rb":\s*([^\r\n]*)", head, re.IGNORECASE)
    return match.group(1).decode("latin-1") if match else ""


@dataclass
class Exchange:
    """One request and the bytes of its response, as seen on the wire."""
    method: str
    path: str
    dest: str  # Sec-Fetch-Dest
    by_worker: bool  # the worker's script, or fetched by the worker itself (Referer /sw.js)
    status: str = "---"
    down: int = 0
    rpc: int = 0  # Odoo calls the app made to answer (its X-Odoo-RPC header)

    @property
    def kind(self):
        name = self.path.split("?")[0].rsplit("/", 1)[-1]
        if "." not in name:
            return "html"
        return KINDS.get(name.rsplit(".", 1)[1].lower(), "other")

    def line(self):
        who = "sw  " if self.by_worker else "page"
        return (f"{who} {self.dest:<14} {self.kind:<8} {self.down:7d} B  {self.rpc:2d} RPC  "
                f"{self.status} {self.method} {self.path[:70]}")


class CountingRelay:
    """A TCP relay in front of the app that counts the bytes sent back to the browser, per
    request."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.exchanges: list[Exchange] = []
        self.last_byte = time.monotonic()
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            current = [None]  # this connection's latest Exchange
            threading.Thread(target=self._requests, args=(client, upstream, current),
                             daemon=True).start()
            threading.Thread(target=self._responses, args=(upstream, client, current),
                             daemon=True).start()

    def _requests(self, source, sink, current):
        def on_data(data):
            match = REQUEST_LINE.match(data)
            if match:  # a new request on this connection (the browser does not pipeline)
                exchange = Exchange(
                    method=match.group(1).decode(), path=match.group(2).decode(),
                    dest=header(data, rb"Sec-Fetch-Dest") or "?",
                    by_worker=header(data, rb"Sec-Fetch-Dest") == "serviceworker"
                    or header(data, rb"Referer").split("?")[0].endswith("/sw.js"))
                with self.lock:
                    self.exchanges.append(exchange)
                current[0] = exchange
        self._pipe(source, sink, on_data)

    def _responses(self, source, sink, current):
        def on_data(data):
            with self.lock:
                self.last_byte = time.monotonic()
                exchange = current[0]
                if exchange is None:
                    return
                match = STATUS_LINE.match(data)
                if match and exchange.status == "---":
                    exchange.status = match.group(1).decode()
                    head = data.split(b"\r\n\r\n", 1)[0]
                    rpc = header(head, rb"X-Odoo-RPC")
                    exchange.rpc = int(rpc.split(";")[0]) if rpc else 0
                    # The headers this measurement turns on (ODOO_RPC_HEADER) are not sent in
                    # production: not counted as the page's weight.
                    exchange.down -= sum(len(line) for line in MEASURING_HEADER.findall(head))
                exchange.down += len(data)
        self._pipe(source, sink, on_data)

    @staticmethod
    def _pipe(source, sink, on_data):
        try:
            while data := source.recv(65536):
                on_data(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def since(self, index):
        with self.lock:
            return list(self.exchanges[index:])

    def wait_quiet(self, quiet=1.5, limit=30):
        """Wait until no response byte has been seen for `quiet` seconds (at most `limit`)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            time.sleep(0.1)
            with self.lock:
                idle = time.monotonic() - self.last_byte
            if idle >= quiet:
                return

    def close(self):
        self.server.close()


def kb(size):
    return f"{size / 1024:5.1f} KB"


def step(label, relay, page, action, quiet):
    """Run action (it returns at the load event), then wait for the network to be quiet.

    Returns (bytes in all, of which HTML/CSS/JS/fonts, of which the page's own, Odoo calls in
    all, of which the worker's)."""
    start = len(relay.exchanges)
    served_locally = []

    def on_response(response):
        if response.from_service_worker:
            served_locally.append(response.url)

    page.on("response", on_response)
    action()
    relay.wait_quiet()
    if page.url.split("?")[0].endswith("/jobs/active"):
        # The worker's offline copies of the day's jobs belong to this step, however slow the
        # server: pwa.js marks the page once the worker has them (PRECACHED).
        page.wait_for_function(
            "document.documentElement.dataset.fkPrecached !== undefined", timeout=60000)
        relay.wait_quiet()
    page.remove_listener("response", on_response)
    exchanges = relay.since(start)
    total = sum(e.down for e in exchanges)
    budgeted = sum(e.down for e in exchanges if e.kind in BUDGETED)
    own = sum(e.down for e in exchanges if e.kind in BUDGETED and not e.by_worker)
    rpc = sum(e.rpc for e in exchanges)
    rpc_worker = sum(e.rpc for e in exchanges if e.by_worker)
    print(f"{label:<34} {kb(total)}  (HTML/CSS/JS/fonts {kb(budgeted)}: page {kb(own)}, "
          f"worker {kb(budgeted - own)}; {len(exchanges)} responses; "
          f"{rpc} Odoo RPCs, {rpc_worker} of them the worker's)")
    if not quiet:
        for exchange in exchanges:
            print(f"    {exchange.line()}")
        if served_locally:
            print(f"    + {len(served_locally)} answered by the service worker from its cache or "
                  f"its own fetch: {', '.join(short(url) for url in served_locally)}")
    return total, budgeted, own, rpc, rpc_worker


def warm_up(url, login):
    """Another technician's morning (not counted): log in, the list, one job."""
    http = requests.Session()
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      http.get(f"{url}/login", timeout=30).text).group(1)
    http.post(f"{url}/login", data={"login": login, "password": login},
              headers={"X-CSRFToken": token}, timeout=30)
    listed = http.get(f"{url}/jobs/active", timeout=30).text
    job = re.search(r'href="(/jobs/\d+)"', listed)
    if job:
        http.get(url + job.group(1), timeout=30)


def short(url):
    path = "/" + url.split("//", 1)[-1].split("/", 1)[-1]
    return path.split("?")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--login", default="tech1")
    parser.add_argument("--quiet", action="store_true", help="totals only, no per-response list")
    parser.add_argument("--path", action="append", default=[],
                        help="a page to visit afterwards and count the Odoo calls of (repeat)")
    parser.add_argument("--cold-server", action="store_true",
                        help="no other user before: the configuration caches are empty")
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "SESSION_COOKIE_SECURE": "false", "WEB_CONCURRENCY": "2",
           "ODOO_RPC_HEADER": "true",
           # a store of its own: every run starts with empty configuration caches
           "STORE_PATH": os.path.join(tempfile.mkdtemp(prefix="page-weight-"), "store.sqlite3")}
    app, app_url = start_gunicorn("app:create_app()", env)
    if not args.cold_server:
        warm_up(app_url, "tech2" if args.login != "tech2" else "tech3")
    relay = CountingRelay(int(app_url.rsplit(":", 1)[1]))
    url = f"http://127.0.0.1:{relay.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                args=["--no-sandbox"])
            # bypass_csp: the waits below evaluate JavaScript, which the CSP forbids pages.
            context = browser.new_context(viewport={"width": 390, "height": 844},
                                          bypass_csp=True)
            page = context.new_page()

            def log_in():
                page.fill("input[name=login]", args.login)
                page.fill("input[name=password]", args.login)
                # technicians land on /jobs/active, office roles on /dashboard
                with page.expect_navigation(wait_until="load"):
                    page.click("button[type=submit]")

            print(f"bytes on the wire as {args.login}, Chromium {browser.version} at 390x844, "
                  f"starting with an empty cache")
            login = step("login page (empty cache)", relay, page,
                         lambda: page.goto(f"{url}/login"), args.quiet)
            jobs = step("log in -> home page", relay, page, log_in, args.quiet)
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
            repeat = step("repeat /jobs/active (cache warm)", relay, page,
                          lambda: page.goto(f"{url}/jobs/active"), args.quiet)
            visits = []
            for path in args.path:
                counts = [step(f"{path} ({which})", relay, page,
                               lambda path=path: page.goto(f"{url}{path}"), args.quiet)
                          for which in ("first", "again")]
                visits.append((path, counts))
            browser.close()
    finally:
        relay.close()
        app.terminate()
        app.wait(timeout=10)
        emulator.stop()

    first = [a + b for a, b in zip(login, jobs, strict=True)]
    results = [
        ("first visit of the day (login + /jobs/active)", *first, FIRST_BUDGET,
         FIRST_RPC_BUDGET),
        ("repeat visit of /jobs/active", *repeat, REPEAT_BUDGET, RPC_BUDGET),
    ]
    print()
    print(f"{'':<46} {'all':>8}  {'HTML/CSS/JS/fonts':>17}  {'page':>8}  {'budget':>8}  "
          f"verdict  {'Odoo RPCs (worker)':>18}  {'budget':>6}  verdict")
    for label, total, budgeted, own, rpc, rpc_worker, budget, rpc_budget in results:
        print(f"{label:<46} {kb(total):>8}  {kb(budgeted):>17}  {kb(own):>8}  {kb(budget):>8}"
              f"  {'ok  ' if budgeted <= budget else 'OVER'}     {rpc:>10} ({rpc_worker})"
              f"  {rpc_budget:>6}  {'ok' if rpc <= rpc_budget else 'OVER'}")
    print("(a running server; --cold-server for one that has seen nobody yet)"
          if not args.cold_server else "(a server that had seen nobody: configuration read too)")
    if visits:
        print()
        print(f"{'page':<46} {'Odoo RPCs first (worker)':>26}  {'again (worker)':>16}")
        for path, counts in visits:
            (*_, rpc1, worker1), (*_, rpc2, worker2) = counts
            mark = "" if max(rpc1, rpc2) <= RPC_BUDGET else f"  over {RPC_BUDGET}"
            print(f"{path:<46} {rpc1:>20} ({worker1:>3})  {rpc2:>10} ({worker2:>3}){mark}")
    return 0 if all(budgeted <= budget and rpc <= rpc_budget
                    for _, _, budgeted, _, rpc, _, budget, rpc_budget in results) else 1


if __name__ == "__main__":
    sys.exit(main())
