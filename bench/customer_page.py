"""Print, for the customer's visit page (/c/<token>) against the Odoo emulator under gunicorn:
Odoo calls (the integration user's, counted in X-Odoo-RPC; budget 2), median server time as a
ratio to the login page (no RPC) measured in the same run, and bytes (budget 20 KB for the page
with its CSS and JS, as sent gzipped); then the status poll.

    .venv/bin/python bench/customer_page.py [--requests 30] [--odoo-version 17]
"""
import argparse
import gzip
import os
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import fieldkit_on_emulator, logged_in_session  # noqa: E402
from bench.sales import report  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()

    with fieldkit_on_emulator(args.odoo_version, integration=True) as (emulator, url):
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        office, _ = logged_in_session(url, "office")
        jobs = office.get(f"{url}/jobs").text
        job = re.search(r'href="/jobs/(\d+)"', jobs).group(1)
        link = re.search(r'(/c/[A-Za-z0-9_.\-]+)"', office.get(f"{url}/jobs/{job}").text).group(1)
        customer = requests.Session()
        for _ in range(3):  # each worker caches the order stages once; measure warm pages
            customer.get(f"{url}{link}")
        report("customer page", lambda: customer.get(f"{url}{link}"), args.requests, baseline)
        report("status poll", lambda: customer.get(f"{url}{link}/status"), args.requests,
               baseline)
        page = customer.get(f"{url}{link}")
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
        sizes = {path: len(gzip.compress(customer.get(f"{url}{path}").content))
                 for path in assets}
        total = len(gzip.compress(page.content)) + sum(sizes.values())
        print(f"{'page + CSS + JS, gzipped':<34} {total / 1024:.1f} KB (budget 20 KB): page "
              f"{len(gzip.compress(page.content)) / 1024:.1f} KB, "
              + ", ".join(f"{Path(p).name.split('?')[0]} {s / 1024:.1f} KB"
                          for p, s in sizes.items()))


if __name__ == "__main__":
    main()
