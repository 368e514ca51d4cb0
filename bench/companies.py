"""Print what showing several companies costs: RPCs, median server time and HTML bytes of the
lists that name each record's company (office jobs table, dispatch, board, quotes, CRM,
customers, transfers), logged in as office2co with one company active and with both, the time
as a ratio to the one-company page measured in the same run; and the switch itself (POST
/company: its RPCs and time as a ratio to the offline page, which asks Odoo nothing).

    .venv/bin/python bench/companies.py [--requests 20] [--odoo-version 17]
"""
import argparse
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402

PAGES = ("/jobs", "/dispatch", "/jobs/board", "/sales", "/crm", "/customers", "/inventory")


def server_ms(response):
    return float(re.search(r"app;dur=([\d.]+)", response.headers["Server-Timing"]).group(1))


def rpcs(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


def measure(client, path, count, method="get", **kwargs):
    timings, counts, size = [], set(), 0
    getattr(client, method)(path, **kwargs)  # warm: per-company caches
    for _ in range(count):
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code in (200, 302), (path, response.status_code)
        timings.append(server_ms(response))
        counts.add(rpcs(response))
        size = len(response.get_data())
    return statistics.median(timings), "/".join(map(str, sorted(counts))), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()
    emulator = start_in_thread(port=0, quiet=True, version=args.odoo_version)
    try:
        app = create_app(TestConfig)
        app.config.update(ODOO_URL=emulator.url, WTF_CSRF_ENABLED=False)
        client = app.test_client()
        assert client.post("/login", data={"login": "office2co", "password": "office2co"}) \
            .status_code == 302
        with client.session_transaction() as session:
            ids = [cid for cid, _ in session["companies"]]
        one = {path: measure(client, path, args.requests) for path in PAGES}
        switch = {"company_id": str(ids[0]), "company_ids": [str(i) for i in ids[1:]],
                  "next": "/offline"}
        client.post("/company", data=switch)
        both = {path: measure(client, path, args.requests) for path in PAGES}
        offline = measure(client, "/offline", args.requests)
        switched = measure(client, "/company", args.requests, method="post", data=switch)
    finally:
        emulator.stop()
    print(f"Odoo {args.odoo_version}, {args.requests} requests each, office2co, "
          f"median server time")
    print(f"{'page':<14}{'RPCs 1 / 2 co.':>16}{'ms 1 co.':>10}{'ms 2 co.':>10}{'ratio':>8}"
          f"{'bytes 1 / 2 co.':>20}")
    for path in PAGES:
        (t1, r1, b1), (t2, r2, b2) = one[path], both[path]
        print(f"{path:<14}{r1 + ' / ' + r2:>16}{t1:>10.1f}{t2:>10.1f}{t2 / t1:>8.2f}"
              f"{f'{b1} / {b2}':>20}")
    print(f"switch (POST /company): {switched[1]} RPCs, {switched[0]:.1f} ms, "
          f"{switched[0] / offline[0]:.2f}x the offline page ({offline[0]:.1f} ms, "
          f"{offline[1]} RPCs)")


if __name__ == "__main__":
    main()
