"""Print, for getting paid against the Odoo emulator under gunicorn: RPCs per page, median
server time and bytes, each time also as a ratio to the login page (no RPC) measured in the same
run: an invoice with its QR code (budget: 2 RPCs), its payment-state poll, the office's list;
and the QR code's size (budget: 4 KB) next to the page's.

    .venv/bin/python bench/invoices.py [--requests 30] [--odoo-version 17]
"""
import argparse
import os
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import fieldkit_on_emulator, logged_in_session  # noqa: E402
from bench.sales import report  # noqa: E402

QR = re.compile(r'<svg[^>]*class="invoice-qr__code".*?</svg>', re.S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()

    public = "https://odoo.fieldkit.example.com"
    with fieldkit_on_emulator(args.odoo_version, ODOO_PUBLIC_URL=public) as (emulator, url):
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs")
        anonymous = requests.Session()
        baseline = report("login page (baseline, 0 RPC)", lambda: anonymous.get(f"{url}/login"),
                          args.requests)
        http, _ = logged_in_session(url, "manager")
        listing = http.get(f"{url}/invoices?filter=all").text
        invoice = next(i for i in re.findall(r'href="/invoices/(\d+)"', listing)
                       if "data-invoice-qr" in http.get(f"{url}/invoices/{i}").text)
        for _ in range(3):  # every worker caches the journals once; measure warm pages
            http.get(f"{url}/invoices/{invoice}")
        report("invoice with QR code", lambda: http.get(f"{url}/invoices/{invoice}"),
               args.requests, baseline)
        report("payment state (poll)", lambda: http.get(f"{url}/invoices/{invoice}/status"),
               args.requests, baseline)
        report("office list (unpaid)", lambda: http.get(f"{url}/invoices"), args.requests,
               baseline)
        report("office list (all, search)", lambda: http.get(f"{url}/invoices?filter=all&q=INV"),
               args.requests, baseline)
        svg = QR.search(http.get(f"{url}/invoices/{invoice}").text).group(0).encode()
        page = len(http.get(f"{url}/invoices/{invoice}").content)
        print(f"{'QR code (inline SVG)':<34} {len(svg)} bytes = {len(svg) / 1024:.2f} KB "
              f"(budget 4 KB), x{len(svg) / page:.2f} of its page ({page / 1024:.1f} KB)")


if __name__ == "__main__":
    main()
