"""Do /metrics and the load generator agree? A short load run on a few pages under gunicorn
(2 workers, prometheus-client's multiprocess mode) against the Odoo emulator; /metrics is
scraped before and after each page's run, and p50/p95 per endpoint from the histograms' buckets
(as Prometheus' histogram_quantile computes them, over the run's increase) are printed next to
the p50/p95 the load generator measured (client) and the same requests' Server-Timing (app).

    .venv/bin/python bench/ops_metrics.py [--requests 60] [--concurrency 2] [--latency-ms 20]

A histogram only knows its buckets (5, 10, 25, 50, 100, 250 ms ...), so its quantiles are
interpolated inside a bucket: they agree with the app's when they fall in the same bucket. The
client's are higher by the network, gunicorn's queue and the client's own threads.
"""
import argparse
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import logged_in_session, server_ms, start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402

TOKEN = "bench-metrics-token"  # noqa: S105 (a local run's token)
REQUEST_HISTOGRAM = "fieldkit_http_request_duration_seconds"


def scrape(url, token=TOKEN):
    """{(sample name, sorted label items): value} of one /metrics answer."""
    response = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"},
                            timeout=10)
    response.raise_for_status()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def total(samples, name, **labels):
    """The sum of the samples called `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(value for (sample, items), value in samples.items()
               if sample == name and wanted <= set(items))


def bucket_counts(before, after, endpoint):
    """[(upper bound, cumulative count)] of the request histogram of `endpoint` during the
    run (every status added up), sorted by bound."""
    bounds = {}
    for (sample, items), value in after.items():
        labels = dict(items)
        if sample == f"{REQUEST_HISTOGRAM}_bucket" and labels.get("endpoint") == endpoint:
            bound = float(labels["le"])
            bounds[bound] = bounds.get(bound, 0) + value - before.get((sample, items), 0)
    return sorted(bounds.items())


def histogram_quantile(q, buckets):
    """Prometheus' histogram_quantile: linear inside the bucket the rank falls in."""
    if not buckets or buckets[-1][1] == 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (
                count - lower_count or 1)
        lower_bound, lower_count = bound, count
    return lower_bound


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def load(url, cookies, path, count, concurrency):
    """GET `path` `count` times from `concurrency` threads: ([client seconds], [app seconds
    from the Server-Timing header])."""
    timings, app_timings, lock, left = [], [], threading.Lock(), [count]

    def worker():
        http = requests.Session()
        http.cookies.update(cookies)
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            started = time.perf_counter()
            response = http.get(url + path, allow_redirects=False, timeout=30)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            with lock:
                timings.append(elapsed)
                app_timings.append(server_ms(response) / 1000)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, app_timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=20,
                        help="the emulator's delay per Odoo call")
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True, latency_ms=args.latency_ms)
    metrics_dir = tempfile.mkdtemp(prefix="fieldkit-bench-metrics-")
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "SESSION_COOKIE_SECURE": "false", "METRICS_TOKEN": TOKEN,
           "ODOO_RPC_HEADER": "true",
           "WEB_CONCURRENCY": "2", "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    process, url = start_gunicorn("app:create_app()", env)
    try:
        http, _ = logged_in_session(url)
        job = re.search(r'href="/jobs/(\d+)"', http.get(f"{url}/jobs/active").text).group(1)
        pages = {"jobs.active": "/jobs/active", "jobs.detail": f"/jobs/{job}",
                 "ops.healthz": "/healthz"}
        print(f"gunicorn, 2 workers; Odoo emulator {emulator.version} with "
              f"{args.latency_ms} ms per call; {args.requests} requests per page, "
              f"{args.concurrency} at a time")
        print(f"{'endpoint':<13} {'n sent/counted':>14}   p50: {'client':>7} {'app':>7} "
              f"{'metrics':>7}   p95: {'client':>7} {'app':>7} {'metrics':>7}  (ms)")
        for endpoint, path in pages.items():
            before = scrape(url)
            timings, app_timings = load(url, http.cookies, path, args.requests,
                                        args.concurrency)
            after = scrape(url)
            buckets = bucket_counts(before, after, endpoint)
            counted = buckets[-1][1] if buckets else 0
            cells = []
            for q in (0.5, 0.95):
                values = (percentile(timings, q), percentile(app_timings, q),
                          histogram_quantile(q, buckets))
                cells.append(" ".join(f"{v * 1000:7.1f}" if v is not None else f"{'-':>7}"
                                      for v in values))
            print(f"{endpoint:<13} {len(timings):>6}/{counted:<7.0f}   p50: {cells[0]}   "
                  f"p95: {cells[1]}")
        print("client: what the load generator waited; app: the same requests' Server-Timing "
              "(Fieldkit's own time);\nmetrics: histogram_quantile over the run's increase of "
              "fieldkit_http_request_duration_seconds,\ninterpolated inside its buckets (5, 10, "
              "25, 50, 100, 250, 500 ms...): it agrees with app within a bucket;\nclient adds "
              "the network, gunicorn's queue and the client's own threads.")
    finally:
        process.terminate()
        process.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    main()
