"""Print, for dispatch against the Odoo emulator under gunicorn: RPCs and median server time of
the plan (day, week), the jobs board and a job's suggested slots, as ratios to the login page;
then what idle watchers cost: 1 and 100 pages polling /api/live as live.js does (every
interval + 1 s, with If-None-Match), in requests and Odoo calls per minute.

    .venv/bin/python bench/dispatch.py [--requests 20] [--seconds 30] [--interval 3]
"""
import argparse
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crm import report  # noqa: E402
from bench.pages import logged_in_session, rpc_count, server_ms, start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402


def watch(url, sessions, seconds, interval):
    """Every session polls like live.js; returns (requests, Odoo calls, 304s, median ms)."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"requests": 0, "rpcs": 0, "not_modified": 0, "ms": []}

    def poll(http, offset):
        time.sleep(offset)
        etag = None
        while time.monotonic() < stop:
            headers = {"If-None-Match": etag} if etag else {}
            response = http.get(f"{url}/api/live", headers=headers, timeout=10)
            etag = response.headers.get("ETag") or etag
            with lock:
                totals["requests"] += 1
                totals["rpcs"] += rpc_count(response)
                totals["not_modified"] += response.status_code == 304
                totals["ms"].append(server_ms(response))
            time.sleep(interval + 1)

    threads = [threading.Thread(target=poll, args=(http, i * (interval + 1) / len(sessions)))
               for i, http in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return totals["requests"], totals["rpcs"], totals["not_modified"], \
        statistics.median(totals["ms"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--interval", type=int, default=3)
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false",
           "LIVE_INTERVAL": str(args.interval),
           "STORE_PATH": str(ROOT / "bench" / "out" / "dispatch-store.sqlite3")}
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    app, url = start_gunicorn("app:create_app()", env)
    try:
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "office")
        plan = http.get(f"{url}/dispatch").text
        report("dispatch, day", lambda: http.get(f"{url}/dispatch"), args.requests, baseline)
        report("dispatch, week", lambda: http.get(f"{url}/dispatch?view=week"), args.requests,
               baseline)
        report("jobs board", lambda: http.get(f"{url}/jobs/board"), args.requests, baseline)
        job = re.search(r'href="(/dispatch/jobs/\d+)', plan).group(1)
        report("suggested slots (a pool job)", lambda: http.get(url + job), args.requests,
               baseline)

        print(f"\nIdle watchers, {args.seconds} s each, LIVE_INTERVAL={args.interval} s "
              f"(pages poll every {args.interval + 1} s):")
        for count in (1, 100):
            sessions = [logged_in_session(url, ("office", "manager", "admin")[i % 3])[0]
                        for i in range(count)]
            started = time.monotonic()
            sent, rpcs, unchanged, median = watch(url, sessions, args.seconds, args.interval)
            minutes = (time.monotonic() - started) / 60
            print(f"{count:>4} watcher{'s' if count > 1 else ' '}: {sent / minutes:7.1f} "
                  f"requests/min, {rpcs / minutes:5.1f} Odoo calls/min "
                  f"({rpcs / minutes / count:6.2f} per watcher), {unchanged / max(sent, 1):.0%} "
                  f"answered 304, median {median:5.1f} ms (x{median / baseline:.1f} login page)")
    finally:
        app.terminate()


if __name__ == "__main__":
    main()
