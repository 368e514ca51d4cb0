"""Every page, as the role that uses it: Odoo calls warm, in a restarted worker (the shared
store filled) and in a brand-new one (empty store); round trips and the Odoo wait read from the
emulator's own timestamps at --latency-ms per call; the app's own time; HTML bytes and gzip
bytes. Marks what is over issue 26's goals (exit 1 when anything is marked):

  calls    more than 2 Odoo calls warm (the dashboard: 8, sent together: issue 26's 6 parallel
           reads and invoicing's 2 of issue 32, one round trip)
  rt       more than 1 round trip warm (or the page over 1.3 x one call at the latency)
  restart  a restarted worker makes more than 1 call more than a warm one
  first    a restarted worker's first request of the page takes over 30 ms more own time
  own      own time over 40 ms (warm, no latency)
  size     HTML over 30 KB gzipped

    .venv/bin/python bench/routes.py [--latency-ms 50] [--rounds 5] [--role office] [--path /crm]
                                     [--odoo-version 16]

In-process (Flask's test client, the app on TestConfig): a "restarted worker" is a new app
object on the same store with every per-process cache emptied and the templates compiled as
gunicorn's post_worker_init does; a "new" one also gets an empty store. The login cookie is
carried over (the session is a signed cookie). Own time = the app's time (Server-Timing) minus
the time the emulator spent on the request's calls (their union).
"""
import argparse
import gzip
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import compile_templates, create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402
from tests.pages import demo_records, forget_process_caches  # noqa: E402

GOAL_CALLS, DASHBOARD_CALLS, GOAL_FIRST_MS, GOAL_OWN_MS, GOAL_GZIP = 2, 8, 30, 40, 30 * 1024


class Recorder:
    """WSGI middleware around the emulator: (start, end) of every request it answers."""

    def __init__(self, app):
        self.app, self.spans, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.spans.append((started, time.perf_counter()))

    def take(self):
        with self.lock:
            spans, self.spans = sorted(self.spans), []
        return spans


def recorded_emulator(quiet=("fieldkit.request", "fieldkit.odoo"), version=17):
    """What an in-process page bench starts with: the Odoo emulator (17 unless told) with a
    Recorder in front of it, a new store file for the app, and the `quiet` loggers at WARNING."""
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    emulator = start_in_thread(port=0, quiet=True, version=version)
    recorder = Recorder(emulator._server.app)
    emulator._server.app = recorder
    store_path = os.path.join(tempfile.mkdtemp(prefix="fk-bench-store-"), "store.sqlite3")
    return emulator, recorder, store_path


def round_trips(spans):
    """(round trips, seconds waited): calls that overlap went out together."""
    trips, waited, end = 0, 0.0, None
    for start, stop in spans:
        if end is None or start > end:
            trips += 1
            waited += stop - start
            end = stop
        elif stop > end:
            waited += stop - end
            end = stop
    return trips, waited


def new_app(emulator, store_path, *, compiled=True):
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=emulator.url, STORE_PATH=store_path, WTF_CSRF_ENABLED=False,
                      ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=emulator.api_keys["integration"],
                      STORAGE_LOCAL_DIR=tempfile.mkdtemp(prefix="fk-bench-files-"))
    if compiled:
        compile_templates(app)
    return app


def client_as(app, cookie):
    client = app.test_client()
    if cookie:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


def login(app, username):
    client = app.test_client()
    response = client.post("/login", data={"login": username, "password": username})
    assert response.status_code == 302, f"login as {username}: {response.status_code}"
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return client, cookie.value if cookie else None


def app_ms(response):
    match = re.search(r"app;dur=([\d.]+)", response.headers.get("Server-Timing", ""))
    return float(match.group(1)) if match else 0.0


def calls_of(response):
    header = response.headers.get("X-Odoo-RPC", "0;")
    return int(header.split(";")[0])


def fetch(client, recorder, path):
    recorder.take()
    response = client.get(path)
    trips, waited = round_trips(recorder.take())
    return response, trips, app_ms(response) - waited * 1000


def ids(emulator, app):
    """Demo records the pages open (tests/pages.demo_records) and a subcontractor link to the
    job."""
    out = demo_records(emulator.url, app)
    office, _cookie = login(app, "office")
    made = office.post(f"/jobs/{out['job']}/links", data={"name": "Bench Plumbing", "days": "2"})
    page = office.get(made.location).get_data(as_text=True) if made.status_code == 302 else ""
    token = re.search(r"/t/([A-Za-z0-9_.\-]+)", page)
    out["token"] = token.group(1) if token else "none"
    return out


ROUTES = {
    "technician": ["/jobs/active", "/jobs/{job}", "/jobs/{job}/reports", "/jobs/{job}/report.pdf",
                   "/inventory", "/inventory/van", "/inventory/{transfer}",
                   "/inventory/jobs/{job}/parts", "/customers", "/customers/{customer}",
                   "/assets"],
    "office": ["/dashboard", "/jobs", "/jobs/board", "/jobs/{job}", "/jobs/{job}/reports",
               "/jobs/{job}/report.pdf", "/dispatch", "/dispatch?view=week",
               "/dispatch/jobs/{job}", "/crm", "/crm/{lead}", "/crm/new?job_id={job}",
               "/customers", "/customers/{customer}", "/customers/{customer}/quotes",
               "/customers/{customer}/opportunities", "/customers/{customer}/equipment",
               "/customers/{customer}/tickets", "/customers/{customer}/assets", "/sales",
               "/sales/{quote}", "/sales/new", "/assets", "/assets/{asset}", "/inventory",
               "/inventory/{transfer}"],
    "subcontractor": ["/t/{token}"],
}
LOGINS = {"technician": "tech1", "office": "office", "subcontractor": None}


def measure(emulator, recorder, store_path, cookie, path, latency_ms, rounds):
    row = {"path": path}
    app = new_app(emulator, store_path)
    client = client_as(app, cookie)
    emulator.state.latency_ms = latency_ms
    first, _trips, _own = fetch(client, recorder, path)  # warms what the page caches
    row["status"] = first.status_code
    response, trips, _own = fetch(client, recorder, path)
    row["warm"], row["rt"] = calls_of(response), trips
    row["page_ms"] = app_ms(response)
    data = response.get_data()
    row["bytes"], row["gzip"] = len(data), len(gzip.compress(data))
    emulator.state.latency_ms = 0
    owns = [fetch(client, recorder, path)[2] for _ in range(rounds)]
    row["own"] = statistics.median(owns)
    # A restarted worker: same store, empty process caches, templates compiled at start.
    forget_process_caches()
    restarted = client_as(new_app(emulator, store_path), cookie)
    response, _trips, row["own_restart"] = fetch(restarted, recorder, path)
    row["restart"] = calls_of(response)
    # A brand-new one: an empty store as well.
    forget_process_caches()
    fresh_store = os.path.join(tempfile.mkdtemp(prefix="fk-bench-store-"), "store.sqlite3")
    response, _trips, _own = fetch(client_as(new_app(emulator, fresh_store), cookie), recorder,
                                   path)
    row["cold"] = calls_of(response)
    return row


def marks(row, latency_ms):
    out = []
    limit = DASHBOARD_CALLS if row["path"].startswith("/dashboard") else GOAL_CALLS
    if row["warm"] > limit:
        out.append("calls")
    if row["rt"] > 1 or (row["warm"] and row["page_ms"] > 1.3 * latency_ms + row["own"]):
        out.append("rt")
    if row["restart"] > row["warm"] + 1:
        out.append("restart")
    if row["own_restart"] - row["own"] > GOAL_FIRST_MS:
        out.append("first")
    if row["own"] > GOAL_OWN_MS:
        out.append("own")
    if row["gzip"] > GOAL_GZIP:
        out.append("size")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--role", action="append", choices=sorted(ROUTES))
    parser.add_argument("--path", action="append", help="only paths starting with this")
    parser.add_argument("--odoo-version", type=int, default=17, choices=(15, 16, 17, 18, 19))
    args = parser.parse_args()
    emulator, recorder, store_path = recorded_emulator(version=args.odoo_version)
    marked = 0
    try:
        setup = new_app(emulator, store_path, compiled=False)
        known = ids(emulator, setup)
        print(f"Odoo emulator {args.odoo_version}, {args.latency_ms} ms per call for calls and "
              f"round trips; own time at 0 ms (median of {args.rounds})")
        print(f"{'role':<13} {'page':<36} {'st':>3} {'warm':>4} {'rst':>4} {'cold':>4} "
              f"{'rt':>3} {'page ms':>8} {'own ms':>7} {'1st ms':>7} {'KB':>6} {'gz KB':>6}  over")
        for role in args.role or list(ROUTES):
            cookie = login(setup, LOGINS[role])[1] if LOGINS[role] else None
            for template in ROUTES[role]:
                path = template.format(**known)
                if args.path and not any(path.startswith(p) for p in args.path):
                    continue
                row = measure(emulator, recorder, store_path, cookie, path, args.latency_ms,
                              args.rounds)
                over = marks(row, args.latency_ms) if row["status"] == 200 else ["status"]
                marked += bool(over)
                print(f"{role:<13} {template:<36} {row['status']:>3} {row['warm']:>4} "
                      f"{row['restart']:>4} {row['cold']:>4} {row['rt']:>3} "
                      f"{row['page_ms']:>8.1f} {row['own']:>7.1f} "
                      f"{row['own_restart'] - row['own']:>7.1f} {row['bytes'] / 1024:>6.1f} "
                      f"{row['gzip'] / 1024:>6.1f}  {' '.join(over)}", flush=True)
    finally:
        emulator.stop()
    print(f"\n{marked} page(s) marked")
    return 1 if marked else 0


if __name__ == "__main__":
    sys.exit(main())
