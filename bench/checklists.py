"""Print, for job checklists (OCA fieldservice_activity) against the Odoo emulator under
gunicorn: RPCs per page, median server time and bytes, each time also as a ratio to the login
page (no RPC) measured in the same run: the technician's job page with its activities (budget:
the order's round trip, then the history), the same page for a job without activities (the
to-do checklist), a tick through its POST, and the office's jobs table with "x/y steps done".

    .venv/bin/python bench/checklists.py [--requests 30] [--odoo-version 18]
"""
import argparse
import os
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import odoo_check  # noqa: E402
from bench.pages import logged_in_session, start_gunicorn  # noqa: E402
from bench.sales import report  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--odoo-version", type=int, default=18)
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True, version=args.odoo_version,
                               addons=["fieldservice_activity"])
    odoo_check.grant_activity_rights(emulator.url, "fieldkit", "admin", "admin")
    data = emulator.state.storage.data
    with_steps = sorted({r["fsm_order_id"] for r in data["fsm.activity"].values()
                         if r.get("fsm_order_id")})
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false",
           "STORAGE_BACKEND": "local", "STORAGE_LOCAL_DIR": str(ROOT / "bench" / "out" / "files")}
    app, url = start_gunicorn("app:create_app()", env)
    try:
        print(f"Odoo emulator {emulator.version} with fieldservice_activity; gunicorn.conf.py on "
              f"{os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "tech1")
        listing = http.get(f"{url}/jobs/active").text
        mine = [int(i) for i in re.findall(r'href="/jobs/(\d+)"', listing)]
        steps_job = next(j for j in mine if j in with_steps)
        todo_job = next(j for j in mine if j not in with_steps)
        for _ in range(3):  # every worker caches the stages and the add-on's detection once
            http.get(f"{url}/jobs/{steps_job}")
            http.get(f"{url}/jobs/{todo_job}")
        report("job page, 5 activities", lambda: http.get(f"{url}/jobs/{steps_job}"),
               args.requests, baseline)
        report("job page, to-do checklist", lambda: http.get(f"{url}/jobs/{todo_job}"),
               args.requests, baseline)
        token = re.search(r'name="csrf-token" content="([^"]+)"',
                          http.get(f"{url}/jobs/{steps_job}").text).group(1)
        step = min(a for a, r in data["fsm.activity"].items() if r.get("fsm_order_id")
                   == steps_job)
        report("tick (already done after the first)", lambda: http.post(
            f"{url}/jobs/{steps_job}/checklist/{step}", data={"do": "done"},
            headers={"X-CSRFToken": token}, allow_redirects=False), args.requests, baseline)
        office, _ = logged_in_session(url, "office")
        for _ in range(3):
            office.get(f"{url}/jobs/{steps_job}")   # the office's workers learn the add-on too
            office.get(f"{url}/jobs")
        report("office jobs table, steps done", lambda: office.get(f"{url}/jobs"),
               args.requests, baseline)
    finally:
        app.terminate()
        app.wait(timeout=10)
        emulator.stop()
    # the same table on a server without the add-on, for comparison (same run)
    plain = start_in_thread(port=0, quiet=True, version=args.odoo_version)
    app, url = start_gunicorn("app:create_app()", {**env, "ODOO_URL": plain.url})
    try:
        office, _ = logged_in_session(url, "office")
        for _ in range(3):
            office.get(f"{url}/jobs")
        report("office jobs table, no add-on", lambda: office.get(f"{url}/jobs"), args.requests,
               baseline)
    finally:
        app.terminate()
        app.wait(timeout=10)
        plain.stop()


if __name__ == "__main__":
    main()
