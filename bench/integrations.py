"""Print, for the integrations against the Odoo emulator (app served in-process): the RMM
webhook's median time for a new alert ticket, an alert added to its open ticket and a replayed
event (the store only), and the assets pages' RPCs and median server time, each as a ratio to
the offline page (no RPC) measured in the same run.

    .venv/bin/python bench/integrations.py [--requests 30]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import logged_in_session, rpc_count, server_ms  # noqa: E402

from app import create_app  # noqa: E402
from fake_rmm import start_in_thread as start_rmm  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402
from tests.conftest import serving  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 (a local bench)


def median_ms(fetch, count):
    timings, rpcs = [], set()
    for i in range(count):
        started = time.perf_counter()
        response = fetch(i)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.text[:200]
        timings.append(server_ms(response) or elapsed)
        rpcs.add(rpc_count(response))
    return statistics.median(timings), "/".join(map(str, sorted(rpcs)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    n = args.requests
    with start_in_thread(port=0, quiet=True) as emulator, start_rmm() as rmm:
        app = create_app({"FIELDKIT_ENV": "testing", "TESTING": True,
                          "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
                          "ODOO_DB": "fieldkit", "SESSION_COOKIE_SECURE": False,
                          "ODOO_RPC_HEADER": True, "RMM_WEBHOOK_SECRET": SECRET,
                          "ODOO_INTEGRATION_LOGIN": "integration",
                          "ODOO_INTEGRATION_KEY": emulator.api_keys["integration"]})
        with serving(app) as url:
            http, _ = logged_in_session(url, "office")
            base, _ = median_ms(lambda i: http.get(f"{url}/offline"), n)
            print(f"{'offline page (baseline)':<36} RPCs 0    median {base:7.1f} ms")
            system = "d289f4020c607a28db6c2cde"  # MSD-PC01 in the demo data
            webhook = f"{url}/webhooks/rmm"

            def alert(header, event_id=None):
                return lambda i: rmm.send_event(webhook, SECRET, "Notification", {
                    "system_id": system, "header": header.format(i=i),
                    "priority": "Critical"}, event_id=event_id)
            rows = [
                ("webhook: new alert ticket", alert("Bench alert {i}")),
                ("webhook: add to open ticket", alert("Bench repeated alert")),
                ("webhook: replayed event", alert("Bench replay", event_id="evt-bench")),
                ("/assets", lambda i: http.get(f"{url}/assets")),
                ("/assets?q=dental", lambda i: http.get(f"{url}/assets?q=dental")),
                ("/assets/1", lambda i: http.get(f"{url}/assets/1")),
                ("/api/openapi.json", lambda i: http.get(f"{url}/api/openapi.json")),
            ]
            for label, fetch in rows:
                median, rpcs = median_ms(fetch, n)
                rpcs = "-" if label.startswith("webhook") else rpcs  # integration user's client
                print(f"{label:<36} RPCs {rpcs:<4} median {median:7.1f} ms  "
                      f"x{median / base:6.1f} offline page")


if __name__ == "__main__":
    main()
