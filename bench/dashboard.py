"""Print RPCs and median server time of /dashboard (and the office /jobs table) with the Odoo
emulator answering at once and with added latency per call; the dashboard's time at that latency
in Odoo round trips (budget: under 2), and as a ratio to the same reads sent one after another,
measured in the same run.

    .venv/bin/python bench/dashboard.py [--latency-ms 100] [--requests 20]
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
from app.odoo.client import OdooAPI, OdooError  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402


def server_ms(response):
    return float(re.search(r"app;dur=([\d.]+)", response.headers["Server-Timing"]).group(1))


def rpcs(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


def serial(self, calls, *, return_errors=False):
    """OdooAPI.parallel without threads: the baseline the parallel page is compared with."""
    out = []
    for call in calls:
        try:
            out.append(getattr(self, call.method)(*call.args, **call.kwargs))
        except OdooError as exc:
            if not return_errors:
                raise
            out.append(exc)
    return out


def measure(client, path, count):
    timings, counts = [], set()
    client.get(path)  # warm: stage and technician caches
    for _ in range(count):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        timings.append(server_ms(response))
        counts.add(rpcs(response))
    return statistics.median(timings), "/".join(map(str, sorted(counts)))


def run(latency_ms, count):
    emulator = start_in_thread(port=0, quiet=True, latency_ms=latency_ms)
    try:
        app = create_app(TestConfig)
        app.config.update(ODOO_URL=emulator.url, WTF_CSRF_ENABLED=False)
        client = app.test_client()
        assert client.post("/login", data={"login": "office", "password": "office"}) \
            .status_code == 302
        results = {path: measure(client, path, count) for path in ("/dashboard", "/jobs")}
        parallel = OdooAPI.parallel
        OdooAPI.parallel = serial
        try:
            results["/dashboard serial"] = measure(client, "/dashboard", count)
        finally:
            OdooAPI.parallel = parallel
        return results
    finally:
        emulator.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    ok = True
    for latency in (0, args.latency_ms):
        results = run(latency, args.requests)
        print(f"emulator latency {latency} ms per call (n={args.requests}, office user):")
        for path, (median, counts) in results.items():
            line = f"  {path:<18} RPCs {counts:<4} median server time {median:8.1f} ms"
            if latency:
                line += f"  = {median / latency:4.2f} round trips"
            print(line)
        dash, serial_ms = results["/dashboard"][0], results["/dashboard serial"][0]
        print(f"  dashboard parallel / serial: {dash / serial_ms:.2f}")
        if latency and dash / latency >= 2:
            ok = False
            print(f"  over budget: {dash / latency:.2f} round trips (budget < 2)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
