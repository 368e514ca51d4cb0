"""Print, for the CRM pages against the Odoo emulator under gunicorn: RPCs per page, median
server time, bytes on the wire, and each time as a ratio to the login page (no RPC) measured in
the same run. The pipeline is measured with the demo data (about 20 open leads) and again with
500 more leads of the same salesperson, which must render in one page under the same budget.

    .venv/bin/python bench/crm.py [--requests 30] [--leads 500]
"""
import argparse
import gzip
import os
import re
import statistics
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.odoo.client import OdooAPI  # noqa: E402
from bench.pages import logged_in_session, rpc_count, server_ms, start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402


def sample(fetch, count):
    timings, rpcs, size = [], set(), 0
    for _ in range(count):
        response = fetch()
        response.raise_for_status()
        timings.append(server_ms(response))
        rpcs.add(rpc_count(response))
        size = len(response.content)
    return statistics.median(timings), rpcs, size


def report(label, fetch, count, baseline=None):
    median, rpcs, size = sample(fetch, count)
    ratio = f"  x{median / baseline:6.1f} login page" if baseline else ""
    print(f"{label:<32} RPCs {'/'.join(map(str, sorted(rpcs))):<4} median {median:7.1f} ms"
          f"{ratio}  {size / 1024:6.1f} KB HTML, {len(gzip.compress(fetch().content)) / 1024:5.1f}"
          f" KB gzip  (n={count})")
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--leads", type=int, default=500)
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false"}
    app, url = start_gunicorn("app:create_app()", env)
    try:
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "office")
        board = http.get(f"{url}/crm?owner=mine").text
        report("pipeline, demo data", lambda: http.get(f"{url}/crm?owner=mine"), args.requests,
               baseline)
        lead = re.search(r'href="(/crm/\d+)"', board).group(1)
        report("lead page", lambda: http.get(url + lead), args.requests, baseline)

        admin = OdooAPI(emulator.url, "fieldkit")
        admin.authenticate("admin", "admin")
        office = admin.search_read("res.users", [("login", "=", "office")], ["id"])[0]["id"]
        admin.call("crm.lead", "create", [
            {"name": f"Bench lead {i}", "expected_revenue": float(100 + i), "user_id": office,
             "type": "opportunity" if i % 3 else "lead"} for i in range(args.leads)])
        count = admin.search_count("crm.lead", [("user_id", "=", office)])
        report(f"pipeline, {count} leads", lambda: http.get(f"{url}/crm?owner=mine"),
               max(5, args.requests // 3), baseline)
        cards = http.get(f"{url}/crm?owner=mine").text.count('data-lead="')
        print(f"cards rendered in one page: {cards} of {count}")
    finally:
        app.terminate()
        app.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    main()
