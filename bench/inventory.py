"""Print, for the inventory pages against the Odoo emulator under gunicorn: RPCs per page,
median server time, and that time as a ratio to the login page (no RPC) measured in the same
run: the transfers list, a transfer, the van's stock, and the list filtered to the van.

    .venv/bin/python bench/inventory.py [--requests 30] [--odoo-version 17]
"""
import argparse
import os
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crm import report  # noqa: E402
from bench.pages import fieldkit_on_emulator, logged_in_session  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()

    with fieldkit_on_emulator(args.odoo_version, storage=False) as (emulator, url):
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs; "
              "RPCs of a warm process (each gunicorn worker reads the move fields and the van "
              "once every few minutes)")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "tech1")
        html = http.get(f"{url}/inventory").text
        first = re.search(r'data-transfer-id="(\d+)"', html).group(1)
        for _ in range(4):  # warm every worker's caches
            http.get(f"{url}/inventory/{first}")
            http.get(f"{url}/inventory/van")
        report("transfers to do (/inventory)", lambda: http.get(f"{url}/inventory"),
               args.requests, baseline)
        report("my van's transfers", lambda: http.get(f"{url}/inventory?kind=van"),
               args.requests, baseline)
        report(f"transfer /inventory/{first}", lambda: http.get(f"{url}/inventory/{first}"),
               args.requests, baseline)
        report("van stock (/inventory/van)", lambda: http.get(f"{url}/inventory/van"),
               args.requests, baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
