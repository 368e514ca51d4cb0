"""Print the emulator's answer time for a search_read of 100 fsm.orders over HTTP, next to a
bare `version_info` call measured in the same run (the HTTP + JSON-RPC floor), as a ratio.

    .venv/bin/python bench/emulator.py [--rounds 200] [--odoo-version 17]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from odoo_emulator import start_in_thread  # noqa: E402


def timed_median(call, rounds):
    call()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--odoo-version", type=int, default=17)
    args = parser.parse_args()

    started = time.perf_counter()
    with start_in_thread(port=0, version=args.odoo_version, quiet=True) as emulator:
        print(f"emulator (Odoo {emulator.version}) ready in {time.perf_counter() - started:.2f} s "
              "on a fresh data file")
        http = requests.Session()
        http.post(f"{emulator.url}/web/session/authenticate", timeout=10, json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"db": "fieldkit", "login": "admin", "password": "admin"}})

        def rpc(path, params):
            answer = http.post(emulator.url + path, timeout=10,
                               json={"jsonrpc": "2.0", "method": "call", "params": params})
            return answer.json()["result"]

        search = {"model": "fsm.order", "method": "search_read", "args": [[]],
                  "kwargs": {"fields": ["name", "stage_id", "person_id", "location_id",
                                        "scheduled_date_start", "priority"], "limit": 100}}
        assert len(rpc("/web/dataset/call_kw/fsm.order/search_read", search)) == 100
        floor = timed_median(lambda: rpc("/web/webclient/version_info", {}), args.rounds)
        read = timed_median(lambda: rpc("/web/dataset/call_kw/fsm.order/search_read", search),
                            args.rounds)
        print(f"version_info (floor):             {floor:7.2f} ms median")
        print(f"search_read 100 fsm.orders:       {read:7.2f} ms median")
        print(f"ratio search_read/floor:          {read / floor:7.2f}")


if __name__ == "__main__":
    main()
