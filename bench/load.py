"""Load run with a Redis outage in the middle: N technicians and M office users (default 100
and 10) against gunicorn as shipped (gunicorn.conf.py), the Odoo emulator at 50 ms per call
and a real redis-server as the shared store. Redis is killed after the first third of the run
and started again (same port) after the second. Prints the answers by kind (0 x 5xx is the
goal), and per page the p95 of Fieldkit's own time (Server-Timing app minus odoo) and of the
Odoo wait, overall and during the outage, with the outage's own time as a ratio to before.

Technicians: their day (/jobs/active), a job, a note with an Idempotency-Key (as the outbox
sends it). Office: /dashboard, /jobs, /dispatch, a job page. Each virtual user logs in with
its own session (the demo logins are shared: tech1..tech6, office, manager).

    .venv/bin/python bench/load.py [--technicians 100] [--office 10] [--seconds 60]
                                   [--think 1.0] [--latency-ms 50]
"""
import argparse
import collections
import concurrent.futures
import functools
import os
import re
import secrets
import shutil
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

from bench.pages import start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402

TECHS = [f"tech{n}" for n in range(1, 7)]
OFFICE = ["office", "manager"]
OWN_TO_ODOO = 0.5  # the app's own time p95 at most half the Odoo wait's (issue 26)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port, workdir):
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    sys.exit("redis-server did not start")


def timings(response):
    header = response.headers.get("Server-Timing", "")
    app = re.search(r"app;dur=([\d.]+)", header)
    odoo = re.search(r"odoo;dur=([\d.]+)", header)
    cpu = re.search(r"cpu;dur=([\d.]+)", header)
    if not app:
        return None
    odoo_ms = float(odoo.group(1)) if odoo else 0.0
    return float(app.group(1)) - odoo_ms, odoo_ms, float(cpu.group(1)) if cpu else 0.0


def log_in(url, login):
    http = requests.Session()
    for _ in range(5):
        page = http.get(f"{url}/login", timeout=30)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        answer = http.post(f"{url}/login", data={"login": login, "password": login},
                           headers={"X-CSRFToken": token}, allow_redirects=False, timeout=30)
        if answer.status_code == 302:
            return http
        time.sleep(1)
    sys.exit(f"login as {login} failed: {answer.status_code}")


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = collections.Counter()
        self.server_errors = 0
        self.reasons = collections.Counter()  # (status, page, phase, reason) -> count
        self.errors = []  # (monotonic time, page, phase, message) of the client-side errors
        self.samples = collections.defaultdict(list)  # (page, phase) -> [(own, odoo, cpu)]

    def add_resent(self, page, phase):
        with self.lock:
            self.kinds[f"sent again on {page} ({phase}): connection closed as it was reused"] += 1

    def add(self, page, phase, response=None, error=None):
        with self.lock:
            if error is not None:
                self.kinds[f"{type(error).__name__} on {page} ({phase})"] += 1
                self.errors.append((time.monotonic(), page, phase, str(error)[:200]))
                return
            status = response.status_code
            kind = f"{status // 100}xx" if status < 400 else f"{status} on {page} ({phase})"
            self.kinds[kind] += 1
            if 400 <= status < 500:
                self.reasons[(status, page, phase, reason(response))] += 1
            if status >= 500:
                self.server_errors += 1
            measured = timings(response)
            if measured:
                self.samples[(page, phase)].append(measured)


def reason(response):
    """A 4xx's reason: its JSON error's first words (the load's users read English)."""
    try:
        text = response.json().get("error") or ""
    except ValueError:
        text = response.text
    return " ".join(str(text).split()[:9])


class Workers(threading.Thread):
    """Watches gunicorn's workers (the master's children in /proc): when each one started, so a
    client-side error can be set against a worker recycled by max_requests."""

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
        self.started = {}  # pid -> monotonic time first seen
        self.gone = {}  # pid -> monotonic time last seen
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.2):
            try:
                pids = set(self.path.read_text().split())
            except OSError:
                return
            now = time.monotonic()
            for pid in pids - set(self.started):
                self.started[pid] = now
            for pid in set(self.started) - pids - set(self.gone):
                self.gone[pid] = now

    def cpu_seconds(self):
        """CPU seconds (user + system) the live workers have used so far."""
        total = 0.0
        for pid in set(self.started) - set(self.gone):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def own_cpu_seconds():
    """CPU seconds of this process: the emulator and the virtual users' threads."""
    times = os.times()
    return times.user + times.system


def p50(values):
    return statistics.median(values) if values else float("nan")


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.95))] if values else float("nan")


def send_as_a_browser(send, results, page, phase):
    """`send()`, and once more when the server closed the kept-alive connection as it was
    reused (gunicorn closes one idle for `keepalive`, 5 s: the users' connections idle while
    the others log in). Browsers send again then, and the outbox resends with the same
    Idempotency-Key; counted apart, so a real failure still shows."""
    try:
        return send()
    except requests.ConnectionError as exc:
        if "Connection aborted" not in str(exc):
            raise
        results.add_resent(page, phase())
        return send()


def technician(url, http, job_paths, stop, phase, results, think):
    while time.monotonic() < stop:
        for page, send in (
            ("/jobs/active", lambda: http.get(f"{url}/jobs/active", timeout=30)),
            ("/jobs/<id>", lambda: http.get(url + secrets.choice(job_paths), timeout=30)),
            ("POST notes", lambda job=None, key=None: http.post(
                f"{url}{job}/notes", data={"note": "load run note"},
                headers={"Idempotency-Key": key, "Accept": "application/json",
                         "X-CSRFToken": http.csrf},
                allow_redirects=False, timeout=30)),
        ):
            if time.monotonic() >= stop:
                return
            if page == "POST notes":  # one job and key for the note, sent once or twice
                send = functools.partial(send, secrets.choice(job_paths),
                                         secrets.token_urlsafe(12))
            try:
                answer = send_as_a_browser(send, results, page, phase)
            except requests.RequestException as exc:
                results.add(page, phase(), error=exc)
            else:  # the phase the answer came in (the request may have left before it)
                results.add(page, phase(), answer)
            time.sleep(think)


def office(url, http, job_paths, stop, phase, results, think):
    while time.monotonic() < stop:
        for page in ("/dashboard", "/jobs", "/dispatch", "/jobs/<id>"):
            if time.monotonic() >= stop:
                return
            path = secrets.choice(job_paths) if page == "/jobs/<id>" else page
            try:
                answer = send_as_a_browser(lambda path=path: http.get(url + path, timeout=30),
                                           results, page, phase)
            except requests.RequestException as exc:
                results.add(page, phase(), error=exc)
            else:
                results.add(page, phase(), answer)
            time.sleep(think)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=100)
    parser.add_argument("--office", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()

    load_before = os.getloadavg()[0]  # the machine's own load: the own time waits on it
    emulator = start_in_thread(port=0, quiet=True, latency_ms=args.latency_ms)
    workdir = tempfile.mkdtemp(prefix="fieldkit-load-")
    redis_port = free_port()
    redis = start_redis(redis_port, workdir)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "ODOO_RPC_HEADER": "true", "SESSION_COOKIE_SECURE": "false",
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "STORAGE_BACKEND": "local",
           "STORAGE_LOCAL_DIR": os.path.join(workdir, "files"),
           "ODOO_INTEGRATION_LOGIN": "integration",
           "ODOO_INTEGRATION_KEY": emulator.api_keys["integration"]}
    app, url = start_gunicorn("app:create_app()", env)
    workers = Workers(app.pid)
    workers.start()
    results = Results()
    try:
        users = [("tech", TECHS[n % len(TECHS)]) for n in range(args.technicians)] + \
                [("office", OFFICE[n % len(OFFICE)]) for n in range(args.office)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            sessions = list(pool.map(lambda user: log_in(url, user[1]), users))
        job_paths = {}
        for (_, login), http in zip(users, sessions, strict=True):
            page = http.get(f"{url}/jobs/active", timeout=30).text
            http.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            if login not in job_paths:
                job_paths[login] = sorted(set(re.findall(r'href="(/jobs/\d+)"', page))) \
                    or ["/jobs/active"]
        tech_jobs = sorted({p for login in TECHS for p in job_paths.get(login, [])})
        started = time.monotonic()
        cpu_at_start = workers.cpu_seconds(), own_cpu_seconds()
        stop = started + args.seconds
        outage = (started + args.seconds / 3, started + 2 * args.seconds / 3)

        def phase():
            now = time.monotonic()
            return "before" if now < outage[0] else "outage" if now < outage[1] else "after"

        threads = []
        for (kind, login), http in zip(users, sessions, strict=True):
            target = technician if kind == "tech" else office
            paths = job_paths[login] if kind == "tech" else tech_jobs
            threads.append(threading.Thread(
                target=target, args=(url, http, paths, stop, phase, results, args.think),
                daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, outage[0] - time.monotonic()))
        redis.kill()
        redis.wait(timeout=5)
        print(f"Redis killed at {time.monotonic() - started:.0f} s")
        time.sleep(max(0.0, outage[1] - time.monotonic()))
        redis = start_redis(redis_port, workdir)
        print(f"Redis started again at {time.monotonic() - started:.0f} s")
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        for http in sessions:
            http.close()
        cpu_used = (workers.cpu_seconds() - cpu_at_start[0], own_cpu_seconds() - cpu_at_start[1],
                    time.monotonic() - started)
        workers.stopping.set()
    finally:
        app.terminate()
        try:
            app.wait(timeout=45)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(timeout=10)
        redis.kill()
        emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{args.technicians} technicians + {args.office} office users, {args.seconds:.0f} s, "
          f"think {args.think} s, Odoo emulator at {args.latency_ms} ms per call, "
          f"gunicorn.conf.py on {os.cpu_count()} CPUs; Redis out from 1/3 to 2/3 of the run; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"CPU used in the run's {cpu_used[2]:.0f} s: gunicorn's workers {cpu_used[0]:.0f} s, the "
          f"emulator and the virtual users {cpu_used[1]:.0f} s, of the "
          f"{os.cpu_count() * cpu_used[2]:.0f} s the machine's CPUs had for everything")
    print("\nAnswers by kind:")
    for kind, count in sorted(results.kinds.items()):
        print(f"  {kind:<30} {count:6d}")
    print(f"  {'5xx in all':<30} {results.server_errors:6d}")
    print("\n4xx by phase and reason:")
    for (status, page, when, why), count in sorted(results.reasons.items()):
        print(f"  {status} {page:<12} {when:<7} {count:6d}  {why}")
    first = min(workers.started.values(), default=started)
    recycled = sorted((workers.gone[pid] - started, pid) for pid in workers.gone)
    booted = sorted((at - started, pid) for pid, at in workers.started.items() if at > first + 1)
    print(f"\nWorkers: {len(workers.started)} seen; recycled (max_requests) at "
          f"{', '.join(f'{at:.1f} s' for at, _ in recycled) or 'none'}; new ones at "
          f"{', '.join(f'{at:.1f} s' for at, _ in booted) or 'none'}")
    for at, page, when, message in results.errors:
        print(f"  client error at {at - started:.1f} s on {page} ({when}): {message}")
    print("\nPer page: p95 own time (app - odoo) and p95 Odoo wait, ms; outage own time as a "
          "ratio to normal; 'over' when the own time's p95 exceeds half the Odoo wait's "
          "(issue 26)")
    pages = sorted({page for page, _ in results.samples})
    over = 0
    for page in pages:
        normal = results.samples.get((page, "before"), []) + \
            results.samples.get((page, "after"), [])
        out = results.samples.get((page, "outage"), [])
        own_n, own_o = p95([s[0] for s in normal]), p95([s[0] for s in out])
        odoo_n = p95([s[1] for s in normal])
        ratio = own_n / odoo_n if odoo_n else float("nan")
        mark = "over" if not ratio <= OWN_TO_ODOO else ""
        over += bool(mark)
        print(f"  {page:<14} n={len(normal) + len(out):5d}  own p95 {own_n:7.1f}  "
              f"odoo p95 {odoo_n:7.1f}  own/odoo {ratio:4.2f} {mark:<4} | outage own p95 "
              f"{own_o:7.1f} (x{own_o / own_n if own_n else float('nan'):4.1f})  "
              f"odoo p95 {p95([s[1] for s in out]):7.1f}")
    print("\nWith Redis up, ms: the request thread's CPU time (Server-Timing cpu) beside the own "
          "time; the rest of the own time is waiting for a CPU or the interpreter lock")
    for page in pages:
        normal = results.samples.get((page, "before"), []) + \
            results.samples.get((page, "after"), [])
        own, cpu = [s[0] for s in normal], [s[2] for s in normal]
        print(f"  {page:<14} cpu p50 {p50(cpu):6.1f} p95 {p95(cpu):6.1f}  own p50 {p50(own):6.1f} "
              f"p95 {p95(own):6.1f}  cpu/own {sum(cpu) / sum(own) if sum(own) else 0:4.2f}")
    print(f"\n{over} page(s) over")
    return 1 if over or results.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
