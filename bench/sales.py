"""Print, for the sales pages against the Odoo emulator under gunicorn: RPCs per page, median
server time, bytes (HTML and gzip), each time also as a ratio to the login page (no RPC)
measured in the same run: the quotes list (default and a search), a quote, the new-quote form
from a job, creating a quote (POST, two lines) and the product search.

    .venv/bin/python bench/sales.py [--requests 30] [--odoo-version 17]
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

from bench.pages import fieldkit_on_emulator, logged_in_session, rpc_count, server_ms  # noqa: E402


def sample(fetch, count):
    timings, rpcs, size, zipped = [], set(), 0, 0
    for _ in range(count):
        response = fetch()
        response.raise_for_status()
        timings.append(server_ms(response))
        rpcs.add(rpc_count(response))
        size, zipped = len(response.content), len(gzip.compress(response.content))
    return statistics.median(timings), rpcs, size, zipped


def report(label, fetch, count, baseline=None):
    median, rpcs, size, zipped = sample(fetch, count)
    ratio = f"  x{median / baseline:6.1f} login page" if baseline else ""
    print(f"{label:<34} RPCs {'/'.join(map(str, sorted(rpcs))):<5} median {median:7.1f} ms"
          f"{ratio}  {size / 1024:6.1f} KB HTML, {zipped / 1024:5.1f} KB gzip  (n={count})")
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()

    with fieldkit_on_emulator(args.odoo_version) as (emulator, url):
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "tech1")
        for _ in range(3):  # every worker reads fields_get once; measure warm pages
            http.get(f"{url}/sales?filter=all")
        report("quotes list (my quotes)", lambda: http.get(f"{url}/sales"), args.requests,
               baseline)
        report("quotes list, search", lambda: http.get(f"{url}/sales?filter=all&q=S000"),
               args.requests, baseline)
        jobs = http.get(f"{url}/jobs/active").text
        job = re.search(r'href="/jobs/(\d+)"', jobs).group(1)
        report("new quote form, from a job", lambda: http.get(f"{url}/sales/new?job_id={job}"),
               args.requests, baseline)
        form = http.get(f"{url}/sales/new?job_id={job}").text
        partner = re.search(r'name="partner_id" value="(\d+)"', form).group(1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        found = http.get(f"{url}/api/sales/products?q=HVAC").json()["results"]
        report("product search (API)", lambda: http.get(f"{url}/api/sales/products?q=filter"),
               args.requests, baseline)
        data = {"csrf_token": token, "customer": "", "partner_id": partner, "job_id": job,
                "line-0-product_id": found[0]["id"], "line-0-product": found[0]["name"],
                "line-0-qty": "2", "line-1-product_id": found[1]["id"],
                "line-1-product": found[1]["name"], "line-1-qty": "1"}
        created = []

        def create():
            response = http.post(f"{url}/sales/new", data=data, allow_redirects=False)
            created.append(response.headers.get("Location"))
            return response

        report("create a quote (POST, 2 lines)", create, max(5, args.requests // 3), baseline)
        quote = created[-1]
        report("a quote", lambda: http.get(url + quote), args.requests, baseline)


if __name__ == "__main__":
    main()
