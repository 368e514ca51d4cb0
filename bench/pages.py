"""Print, for the login, jobs list and job detail pages against the Odoo emulator: RPCs per
page, median server time per page, and requests/s of the jobs page under gunicorn as a
ratio to a bare Flask "hello" app under the same gunicorn settings, measured in the same run.

    .venv/bin/python bench/pages.py [--requests 200] [--concurrency 8] [--seconds 5]
"""
import argparse
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from odoo_emulator import start_in_thread  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target, env):
    port = free_port()
    env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "warning"}
    # The log goes to a file: a pipe nobody reads fills up and then blocks every worker that
    # logs (a load run with an outage logs a lot).
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/", timeout=5, allow_redirects=False)
            return process, url
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    log.seek(0)
    sys.exit(f"gunicorn {target} did not start: {log.read().decode()[-2000:]}")


@contextlib.contextmanager
def fieldkit_on_emulator(version=17, *, integration=False, storage=True, **env):
    """The Odoo emulator of `version` and Fieldkit on it under gunicorn.conf.py (production
    settings, X-Odoo-RPC on; files under bench/out with `storage`; the demo's integration user
    with `integration`; `env` added); yields (emulator, url) and stops both."""
    emulator = start_in_thread(port=0, quiet=True, version=version)
    settings = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
                "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true",
                "SESSION_COOKIE_SECURE": "false"}
    if storage:
        settings.update(STORAGE_BACKEND="local",
                        STORAGE_LOCAL_DIR=str(ROOT / "bench" / "out" / "files"))
    if integration:
        settings.update(ODOO_INTEGRATION_LOGIN="integration",
                        ODOO_INTEGRATION_KEY=emulator.api_keys["integration"])
    app, url = start_gunicorn("app:create_app()", {**settings, **env})
    try:
        yield emulator, url
    finally:
        app.terminate()
        app.wait(timeout=10)
        emulator.stop()


def server_ms(response):
    match = re.search(r"app;dur=([\d.]+)", response.headers.get("Server-Timing", ""))
    return float(match.group(1)) if match else None


def rpc_count(response):
    return int(response.headers.get("X-Odoo-RPC", "0;").split(";")[0])


def logged_in_session(url, login="tech1"):
    http = requests.Session()
    page = http.get(f"{url}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = http.post(f"{url}/login", data={"login": login, "password": login},
                         headers={"X-CSRFToken": token}, allow_redirects=False)
    assert response.status_code == 302, "login failed"
    return http, response


def measure(label, fetch, count):
    timings, rpcs = [], set()
    for _ in range(count):
        response = fetch()
        response.raise_for_status()
        timings.append(server_ms(response))
        rpcs.add(rpc_count(response))
    print(f"{label:<22} RPCs/page {'/'.join(map(str, sorted(rpcs))):<6} "
          f"median server time {statistics.median(timings):7.1f} ms  (n={count})")


def throughput(url, path, cookies, seconds, concurrency):
    done = [0] * concurrency
    stop = time.monotonic() + seconds

    def worker(index):
        http = requests.Session()
        http.cookies.update(cookies)
        while time.monotonic() < stop:
            if http.get(url + path, allow_redirects=False).status_code == 200:
                done[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()

    emulator = start_in_thread(port=0, quiet=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false"}
    app, app_url = start_gunicorn("app:create_app()", env)
    hello, hello_url = start_gunicorn("bench.hello_app:app", {})
    try:
        print(f"Odoo emulator {emulator.version}; gunicorn.conf.py on {os.cpu_count()} CPUs; "
              f"{args.concurrency} concurrent clients")
        anonymous = requests.Session()
        measure("login page (GET)", lambda: anonymous.get(f"{app_url}/login"), args.requests)
        measure("login (POST)", lambda: logged_in_session(app_url)[1], args.requests // 5 or 1)
        http, _ = logged_in_session(app_url)
        measure("jobs page", lambda: http.get(f"{app_url}/jobs/active"), args.requests)
        listing = http.get(f"{app_url}/jobs/active").text
        first_job = re.search(r'href="(/jobs/\d+)"', listing)
        if first_job:
            measure("job detail page", lambda: http.get(app_url + first_job.group(1)),
                    args.requests)

        app_rps = throughput(app_url, "/jobs/active", http.cookies, args.seconds,
                             args.concurrency)
        hello_rps = throughput(hello_url, "/", {}, args.seconds, args.concurrency)
        print(f"jobs page under gunicorn: {app_rps:8.1f} req/s")
        print(f"bare Flask hello:         {hello_rps:8.1f} req/s")
        print(f"ratio jobs/hello:         {app_rps / hello_rps:8.3f}")
    finally:
        for process in (app, hello):
            process.terminate()
            process.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    main()
