"""The card pages as the data grows: the app's own time per card and the pages at 100x the
demo. Each page (/jobs/board, /dispatch day and week, /jobs, /crm, a technician's /jobs/active)
is measured three times: at 1x the demo; at --scale x (the demo's jobs and leads copied) with
its window widened to --wide cards (the board's and the plan's windows, the lists' pages), which
gives the cost of a card between two sizes of the same page; and at --scale x as shipped (the
page people get: its size and own time). Own time is the request's CPU time in the app's
thread (median, 0 ms latency): the app runs in this thread and the emulator in its own, so it
is the app's work alone, which a busy machine does not stretch as it stretches the wall clock
(bench/routes.py's wall-clock figure is printed beside it). Marks what is over issue 26's goals
4 and 5 (exit 1 when anything is marked):

  own50    own time over 15 ms for 50 cards (the 1x page moved along the per-card slope)
  card     over 0.15 ms per extra card
  own      own time over 40 ms at --scale x
  size     HTML over 30 KB gzipped at --scale x
  calls    more than 2 Odoo calls warm

    .venv/bin/python bench/cards.py [--scale 100] [--wide 300] [--rounds 7] [--path /crm]

In-process, as bench/routes.py (the same emulator, Flask test client and own-time measure).
"""
import argparse
import contextlib
import dataclasses
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routes import calls_of, client_as, fetch, login, new_app, recorded_emulator  # noqa: E402

GOAL_OWN50_MS, GOAL_CARD_MS, GOAL_OWN_MS, GOAL_GZIP, GOAL_CALLS = 15, 0.15, 40, 30 * 1024, 2

# (role, path, what marks one card in the HTML)
PAGES = [
    ("office", "/jobs/board", r'<li class="board-card '),
    ("office", "/dispatch", r'<li class="plan-card'),
    ("office", "/dispatch?view=week", r'<li class="plan-card'),
    ("office", "/jobs", r'<tr[ >]'),
    ("office", "/crm", r'<li class="crm-card'),
    ("technician", "/jobs/active", r'<li class="card job-card'),
]
LOGINS = {"technician": "tech1", "office": "office"}
COPIED = ("fsm.order", "crm.lead")


def scale_demo(emulator, factor):
    """Copy every job and lead of the demo so that there are `factor` times as many (the copies
    keep their dates, stages, people and customers; names get a suffix)."""
    storage = emulator.state.storage
    with emulator.state.lock:
        for model in COPIED:
            originals = [dict(r) for r in storage.data.get(model, {}).values()]
            for n in range(1, factor):
                for rec in originals:
                    copy = dict(rec, name=f"{rec.get('name') or ''} ({n})")
                    storage.insert(model, storage.new_id(model), copy)
        storage.commit()


def cpu_fetch(client, recorder, path):
    """(own time as routes.py measures it, the request's CPU time in this thread): the app runs
    in this thread and the emulator in its own, so the thread's CPU time is the app's work
    alone, which a busy machine does not stretch as it stretches the wall clock."""
    started = time.thread_time()
    own = fetch(client, recorder, path)[2]
    return own, (time.thread_time() - started) * 1000


@contextlib.contextmanager
def windows_of(size):
    """The pages' windows widened to `size` cards (the board's, the plan's, the lists' pages),
    so that the cost of a card can be read between two sizes of the same page."""
    from app.platform import listing
    from app.services import dispatch, jobs, planning

    saved = (listing.BOARD_WINDOW, planning.PLAN_WINDOW, jobs.ACTIVE_SPEC, dispatch.LIST_SPEC)
    listing.BOARD_WINDOW = planning.PLAN_WINDOW = size
    jobs.ACTIVE_SPEC = dataclasses.replace(jobs.ACTIVE_SPEC, page_size=size)
    dispatch.LIST_SPEC = dataclasses.replace(dispatch.LIST_SPEC, page_size=size)
    try:
        yield
    finally:
        listing.BOARD_WINDOW, planning.PLAN_WINDOW, jobs.ACTIVE_SPEC, dispatch.LIST_SPEC = saved


def measure(app, cookie, recorder, path, marker, rounds):
    client = client_as(app, cookie)
    fetch(client, recorder, path)  # warms what the page caches
    response = client.get(path)
    data = response.get_data()
    timings = [cpu_fetch(client, recorder, path) for _ in range(rounds)]
    return {"status": response.status_code, "calls": calls_of(response),
            "cards": len(re.findall(marker, data.decode("utf-8", "replace"))),
            "wall": statistics.median(t[0] for t in timings),
            "own": statistics.median(t[1] for t in timings), "bytes": len(data),
            "gzip": len(gzip.compress(data))}


def verdict(small, wide, big):
    """Per extra card (1x against the widened windows at the scale), own time for 50 cards
    (the 1x page moved along that slope), and the marks."""
    extra = wide["cards"] - small["cards"]
    per_card = (wide["own"] - small["own"]) / extra if extra >= 30 else None
    own50 = small["own"] + (50 - small["cards"]) * (per_card or 0.0)
    marks = []
    if own50 > GOAL_OWN50_MS:
        marks.append("own50")
    if per_card is not None and per_card > GOAL_CARD_MS:
        marks.append("card")
    if big["own"] > GOAL_OWN_MS:
        marks.append("own")
    if big["gzip"] > GOAL_GZIP:
        marks.append("size")
    if max(small["calls"], big["calls"]) > GOAL_CALLS:
        marks.append("calls")
    if {small["status"], wide["status"], big["status"]} != {200}:
        marks.append("status")
    return per_card, own50, marks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--wide", type=int, default=300, help="cards in the widened windows")
    parser.add_argument("--path", action="append", help="only paths starting with this")
    args = parser.parse_args()
    emulator, recorder, store_path = recorded_emulator(
        ("fieldkit.request", "fieldkit.odoo", "fieldkit.audit", "app"))
    pages = [p for p in PAGES if not args.path or any(p[1].startswith(x) for x in args.path)]
    results = {}
    try:
        app = new_app(emulator, store_path)
        cookies = {role: login(app, name)[1] for role, name in LOGINS.items()}
        for role, path, marker in pages:
            results[(path, "1x")] = measure(app, cookies[role], recorder, path, marker,
                                            args.rounds)
        scale_demo(emulator, args.scale)
        for role, path, marker in pages:
            results[(path, "big")] = measure(app, cookies[role], recorder, path, marker,
                                             args.rounds)
            with windows_of(args.wide):
                results[(path, "wide")] = measure(app, cookies[role], recorder, path, marker,
                                                  args.rounds)
    finally:
        emulator.stop()
    print(f"Odoo emulator 17, 0 ms per call; own time: CPU ms, median of {args.rounds}; "
          f"1x the demo, {args.scale}x with the windows widened to {args.wide} cards, and "
          f"{args.scale}x as shipped; load {os.getloadavg()[0]:.1f}")
    print(f"{'page':<22} {'cards':>5} {'own':>6} | {'cards':>5} {'own':>6} | {'cards':>5} "
          f"{'own':>6} {'gz KB':>6} {'KB':>6} {'calls':>5} {'wall':>6} | {'ms/card':>7} "
          f"{'own@50':>6}  over")
    marked = 0
    for _role, path, _marker in pages:
        small, wide, big = (results[(path, k)] for k in ("1x", "wide", "big"))
        per_card, own50, marks = verdict(small, wide, big)
        marked += bool(marks)
        card_text = f"{per_card:7.3f}" if per_card is not None else f"{'-':>7}"
        print(f"{path:<22} {small['cards']:>5} {small['own']:>6.1f} | {wide['cards']:>5} "
              f"{wide['own']:>6.1f} | {big['cards']:>5} {big['own']:>6.1f} "
              f"{big['gzip'] / 1024:>6.1f} {big['bytes'] / 1024:>6.1f} {big['calls']:>5} "
              f"{big['wall']:>6.1f} | {card_text} {own50:>6.1f}  {' '.join(marks)}")
    print(f"\n{marked} page(s) marked")
    return 1 if marked else 0


if __name__ == "__main__":
    sys.exit(main())
