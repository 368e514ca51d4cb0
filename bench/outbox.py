"""Print how long the offline outbox takes to empty once the network is back: 20 notes queued
on a job page in Chromium (offline), then the network restored; the time from "online" to
"outbox empty", as a ratio to the same 20 notes posted one after another by a plain HTTP client
(the baseline, measured in the same run against the same gunicorn).

    .venv/bin/python bench/outbox.py [--items 20]
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import logged_in_session, start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402
from tests.browser.test_outbox import logged_in_page, phone_context  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def baseline(url, job_path, items):
    http, _ = logged_in_session(url, "tech1")
    token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(url + job_path).text)
    started = time.perf_counter()
    for n in range(items):
        http.post(f"{url}{job_path}/notes", data={"note": f"baseline note {n}"},
                  headers={"X-CSRFToken": token.group(1)}, allow_redirects=False, timeout=30)
    return time.perf_counter() - started


def outbox(url, job_path, items):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = phone_context(browser)
        page = logged_in_page(context, url)
        page.goto(url + job_path)
        context.set_offline(True)
        for n in range(items):
            page.fill("#note-text", f"queued note {n}")
            page.get_by_role("button", name="Post note").click()
            page.wait_for_function(f"() => document.querySelectorAll('[data-outbox-item]')"
                                   f".length == {n + 1}")
        started = time.perf_counter()
        context.set_offline(False)
        page.wait_for_function("() => !document.querySelector('[data-outbox-item]') && "
                               "document.readyState === 'complete'", timeout=120000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    emulator = start_in_thread(port=0, quiet=True)
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false",
           "STORE_PATH": str(ROOT / "bench" / "out" / "outbox-store.sqlite3")}
    app, url = start_gunicorn("app:create_app()", env)
    try:
        http, _ = logged_in_session(url, "tech1")
        job_path = re.search(r'href="(/jobs/\d+)"', http.get(f"{url}/jobs/active").text).group(1)
        base = baseline(url, job_path, args.items)
        drained = outbox(url, job_path, args.items)
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        print(f"{args.items} notes posted one after another (baseline): {base:6.2f} s")
        print(f"{args.items} notes from the outbox, network back -> empty: {drained:6.2f} s "
              f"(x{drained / base:.2f} the baseline)")
    finally:
        app.terminate()


if __name__ == "__main__":
    main()
