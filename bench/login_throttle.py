"""What the login throttle costs: a failed login with its counts in the SQLite store and in
Redis, against the same failed login without the throttle (the baseline, measured in the same
run), plus a refused attempt (over the limit: no Odoo call at all).

    .venv/bin/python bench/login_throttle.py [--rounds 40]

Runs in process: the Odoo emulator in a thread, the app through Flask's test client, and a
redis-server on a free port when the Debian package is installed.
"""
import argparse
import contextlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.platform import login_throttle  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402


def median_ms(action, rounds):
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@contextlib.contextmanager
def redis_server():
    server = shutil.which("redis-server")
    if server is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=5)


def make_app(odoo_url, folder, **config):
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=odoo_url, STORE_PATH=str(Path(folder) / "store.sqlite3"),
                      WTF_CSRF_ENABLED=False, LOGIN_MAX_FAILURES=10**6, **config)
    return app


def failed_logins(app):
    client = app.test_client()

    def attempt(n):
        # A new address and account each time: the counts never reach the limit.
        client.environ_base["REMOTE_ADDR"] = f"10.1.{n // 250}.{n % 250}"
        response = client.post("/login", data={"login": f"nobody{n}", "password": "x"})
        assert response.status_code == 200
    return attempt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    emulator = start_in_thread(port=0, quiet=True)
    emulator.state.login_cooldown_after = 0  # Odoo's own cooldown would blur the numbers
    rows = []
    try:
        with tempfile.TemporaryDirectory() as folder, redis_server() as redis_url:
            plain = make_app(emulator.url, folder)
            real = login_throttle.login_attempt
            login_throttle.login_attempt = lambda login, address: contextlib.nullcontext()
            try:
                median_ms(failed_logins(plain), 10)  # warm up the app, the emulator, the pool
                baseline = median_ms(failed_logins(plain), args.rounds)
            finally:
                login_throttle.login_attempt = real
            rows.append(("failed login, no throttle (baseline)", baseline))
            rows.append(("failed login, SQLite store",
                         median_ms(failed_logins(make_app(emulator.url, folder)), args.rounds)))
            if redis_url:
                rows.append(("failed login, Redis store", median_ms(
                    failed_logins(make_app(emulator.url, folder, REDIS_URL=redis_url)),
                    args.rounds)))
            limited = make_app(emulator.url, folder)
            limited.config["LOGIN_MAX_FAILURES"] = 1
            client = limited.test_client()
            client.post("/login", data={"login": "tech1", "password": "x"})
            rows.append(("refused over the limit (no Odoo call)", median_ms(
                lambda n: client.post("/login", data={"login": "tech1", "password": "x"}),
                args.rounds)))
    finally:
        emulator.stop()
    print(f"{'case':44} {'median ms':>10} {'ratio':>7}")
    for name, value in rows:
        print(f"{name:44} {value:10.2f} {value / baseline:7.2f}")


if __name__ == "__main__":
    main()
