"""Print, for customer search and the customer page against the Odoo emulator: RPCs per page and
median server time, as ratios to the jobs list measured in the same run; and the customer page
with its sections read in one parallel round against the same reads one after another, with
the emulator answering after a fixed latency (as a distant Odoo would).

    .venv/bin/python bench/customers.py [--requests 30] [--latency-ms 20]
"""
import argparse
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import logged_in_session, rpc_count, server_ms  # noqa: E402

from app import create_app  # noqa: E402
from app.odoo import client as odoo_api  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402
from tests.conftest import serving  # noqa: E402


def sample(fetch, count):
    timings, rpcs = [], set()
    for _ in range(count):
        response = fetch()
        response.raise_for_status()
        timings.append(server_ms(response))
        rpcs.add(rpc_count(response))
    return statistics.median(timings), "/".join(map(str, sorted(rpcs)))


def sequential_parallel(self, calls, *, return_errors=False):
    """The same reads one after another: the baseline the parallel round is compared with."""
    out = []
    for call in calls:
        try:
            out.append(getattr(self, call.method)(*call.args, **call.kwargs))
        except odoo_api.OdooError as exc:
            if not return_errors:
                raise
            out.append(exc)
    return out


def run(latency_ms, count):
    emulator = start_in_thread(port=0, quiet=True, latency_ms=latency_ms)
    app = create_app({"SECRET_KEY": "bench", "ODOO_URL": emulator.url, "ODOO_DB": "fieldkit",
                      "ODOO_RPC_HEADER": True, "SESSION_COOKIE_SECURE": False,
                      "LOG_LEVEL": "WARNING"})
    try:
        with serving(app) as url:
            http, _ = logged_in_session(url)
            listing = http.get(f"{url}/customers?q=bluewater").text
            customer = re.search(r'href="(/customers/\d+)"', listing).group(1)
            pages = {
                "jobs list (baseline)": f"{url}/jobs/active",
                "search: name": f"{url}/customers?q=bluewater",
                "search: phone 804 555 0116": f"{url}/customers?q=804+555+0116",
                "search: phone +18045550116": f"{url}/customers?q=%2B18045550116",
                "search: email": f"{url}/customers?q=info%40bluewater",
                "customer list (no query)": f"{url}/customers",
                "customer page": url + customer,
            }
            results = {label: sample(lambda u=u: http.get(u), count) for label, u in pages.items()}
            original = odoo_api.OdooAPI.parallel
            odoo_api.OdooAPI.parallel = sequential_parallel
            try:
                results["customer page, sections in sequence"] = sample(
                    lambda: http.get(url + customer), count)
            finally:
                odoo_api.OdooAPI.parallel = original
    finally:
        emulator.stop()
    base = results["jobs list (baseline)"][0]
    print(f"Odoo emulator {emulator.version}, latency {latency_ms} ms per call, n={count}")
    for label, (median, rpcs) in results.items():
        print(f"{label:<38} RPCs {rpcs:<5} median {median:7.1f} ms  "
              f"{median / base:5.2f} x jobs list")
    seq = results["customer page, sections in sequence"][0]
    print(f"customer page: parallel sections at {results['customer page'][0] / seq:.2f} x "
          "the time of the same reads in sequence")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    run(0, args.requests)
    print()
    run(args.latency_ms, args.requests)


if __name__ == "__main__":
    main()
