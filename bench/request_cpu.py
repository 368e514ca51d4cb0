"""CPU time per request of the load run's pages (bench/load.py): the app's process CPU (its
request thread and the threads of OdooAPI.parallel), median and minimum over --rounds requests,
in-process with Flask's test client, the Odoo emulator in a process of its own so that its work
is not counted (and does not take the interpreter lock from the app). What the load run's own
time waits on besides the CPU of others; --profile PAGE prints that page's cProfile (by own
time and by cumulative time).

    .venv/bin/python bench/request_cpu.py [--rounds 60] [--profile "/jobs"]

Pages: a technician's job page, the office's job page, /jobs/active, /jobs, /dispatch,
/dashboard and a note posted with an Idempotency-Key (as the outbox sends it).
"""
import argparse
import cProfile
import logging
import multiprocessing
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routes import client_as, login, new_app  # noqa: E402
from tests.pages import demo_records  # noqa: E402

ENCODINGS = {"Accept-Encoding": "br, gzip"}


def _serve(connection):
    from odoo_emulator import start_in_thread

    emulator = start_in_thread(port=0, quiet=True, version=17)
    connection.send((emulator.url, emulator.api_keys))
    while True:
        time.sleep(60)


class Emulator:
    """The emulator in a child process, with what new_app needs of a handle."""

    def __init__(self):
        parent, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        self.url, self.api_keys = parent.recv()

    def stop(self):
        self.process.kill()


def pages(app, ids):
    """name -> a function sending the page's request."""
    _client, tech_cookie = login(app, "tech1")
    _client, office_cookie = login(app, "office")
    tech, office = client_as(app, tech_cookie), client_as(app, office_cookie)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"',
                     tech.get("/jobs/active").get_data(as_text=True)).group(1)
    app.config["WTF_CSRF_ENABLED"] = True
    job = f"/jobs/{ids['job']}"

    def note():
        return tech.post(f"{job}/notes", data={"note": "request_cpu note"}, headers={
            "Idempotency-Key": secrets.token_urlsafe(12), "Accept": "application/json",
            "X-CSRFToken": csrf, **ENCODINGS})

    return {"/jobs/<id> tech": lambda: tech.get(job, headers=ENCODINGS),
            "/jobs/<id> office": lambda: office.get(job, headers=ENCODINGS),
            "/jobs/active": lambda: tech.get("/jobs/active", headers=ENCODINGS),
            "/jobs": lambda: office.get("/jobs", headers=ENCODINGS),
            "/dispatch": lambda: office.get("/dispatch", headers=ENCODINGS),
            "/dashboard": lambda: office.get("/dashboard", headers=ENCODINGS),
            "POST notes": note}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--profile", help="a page's name, as printed")
    args = parser.parse_args()
    for name in ("fieldkit.request", "fieldkit.odoo", "fieldkit.audit", "app.errors",
                 "app.platform.links"):
        logging.getLogger(name).setLevel(logging.WARNING)
    emulator = Emulator()
    try:
        app = new_app(emulator, os.path.join(tempfile.mkdtemp(prefix="fk-cpu-"), "store.sqlite3"))
        sends = pages(app, demo_records(emulator.url, app))
        print(f"process CPU per request, ms ({args.rounds} requests each, warm)")
        for name, send in sends.items():
            for _ in range(3):
                answer = send()
            if answer.status_code >= 400:
                sys.exit(f"{name}: {answer.status_code}")
            spent = []
            for _ in range(args.rounds):
                started = time.process_time()
                send()
                spent.append((time.process_time() - started) * 1000)
            print(f"  {name:<18} median {statistics.median(spent):6.2f}  min {min(spent):6.2f}")
            if name == args.profile:
                profile = cProfile.Profile()
                profile.runcall(lambda send=send: [send() for _ in range(args.rounds)])
                stats = pstats.Stats(profile)
                stats.sort_stats("tottime").print_stats(30)
                stats.sort_stats("cumulative").print_stats(50)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
