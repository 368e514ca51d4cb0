"""A page in French against the same page in English (issue 29): the same user, the same data,
only the user's Odoo language changed (fr_FR, as Preferences would), measured in the same run.

For each page: Odoo calls (must be equal), HTML bytes (French within 5 %; gzip bytes beside
them, not marked: a few hundred bytes of longer words weigh more in a compressed page), and
the app's own time (the request's CPU time in the app's thread, as cards.py measures it: a busy
machine does not stretch it as it stretches the wall clock; --rounds pairs of requests, English
and French back to back in alternating order: the ratio of the two medians). Marks a
page whose calls differ, whose HTML bytes or own time are over 1.05 x English (exit 1 then):

    .venv/bin/python bench/languages.py [--rounds 21] [--lang fr_FR] [--path /jobs]
"""
import argparse
import gzip
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.odoo.client import OdooAPI  # noqa: E402
from bench.cards import cpu_fetch  # noqa: E402
from bench.routes import (  # noqa: E402
    calls_of,
    client_as,
    fetch,
    ids,
    login,
    new_app,
    recorded_emulator,
)

LIMIT = 1.05
QUIET = ("fieldkit.request", "fieldkit.odoo", "fieldkit.audit", "app")
PAGES = {
    "tech1": ["/jobs/active", "/jobs/{job}", "/inventory", "/customers",
              "/customers/{customer}"],
    "office": ["/dashboard", "/dispatch", "/jobs", "/jobs/board", "/crm", "/sales"],
}


def set_lang(emulator, login_name, lang):
    """What Odoo's Preferences do: the user writes their own language."""
    api = OdooAPI(emulator.url, "fieldkit")
    uid = api.authenticate(login_name, login_name)["uid"]
    api.write("res.users", [uid], {"lang": lang})


def measure(client_en, client_fr, recorder, path, rounds):
    row = {"path": path}
    for key, client in (("en", client_en), ("fr", client_fr)):
        fetch(client, recorder, path)  # warms what the page caches
        response, _trips, _own = fetch(client, recorder, path)
        data = response.get_data()
        row[key] = {"status": response.status_code, "calls": calls_of(response),
                    "bytes": len(data), "gzip": len(gzip.compress(data)), "own": [],
                    "html_lang": _html_lang(data)}
    for turn in range(rounds):
        pair = (("en", client_en), ("fr", client_fr))
        for key, client in pair if turn % 2 else pair[::-1]:
            row[key]["own"].append(cpu_fetch(client, recorder, path)[1])
    # each pair back to back, its order alternating (the first of a pair may pay for the
    # other's garbage): the languages' medians over the same moments of the machine
    for key in ("en", "fr"):
        row[key]["own"] = statistics.median(row[key]["own"])
    row["own_ratio"] = row["fr"]["own"] / row["en"]["own"] if row["en"]["own"] > 0 else 1.0
    return row


def _html_lang(data):
    head = data[:400].decode("utf-8", "replace")
    marker = '<html lang="'
    return head.split(marker, 1)[1].split('"', 1)[0] if marker in head else ""


def ratio(row, key):
    if key == "own":
        return row["own_ratio"]
    english = row["en"][key]
    return row["fr"][key] / english if english else 1.0


def marks(row):
    out = []
    if row["en"]["status"] != 200 or row["fr"]["status"] != 200:
        out.append("status")
    if row["fr"]["calls"] != row["en"]["calls"]:
        out.append("calls")
    if ratio(row, "bytes") > LIMIT:
        out.append("bytes")
    if ratio(row, "own") > LIMIT:
        out.append("own")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--lang", default="fr_FR", help="the other language (Odoo code)")
    parser.add_argument("--path", action="append", help="only paths starting with this")
    args = parser.parse_args()
    emulator, recorder, store_path = recorded_emulator(QUIET)
    marked = 0
    try:
        setup = new_app(emulator, store_path, compiled=False)
        known = ids(emulator, setup)
        app = new_app(emulator, store_path)
        print(f"Odoo emulator 17, no latency; English against {args.lang} for the same user "
              f"and data; own time: CPU ms in the app's thread, medians of {args.rounds} "
              "back-to-back pairs")
        print(f"{'login':<7} {'page':<24} {'calls en/xx':>11} {'KB en':>7} {'KB xx':>7} "
              f"{'bytes':>6} {'gzip':>6} {'own en':>7} {'own xx':>7} {'own':>6} {'lang':>5}"
              "  over")
        for user, templates in PAGES.items():
            cookie_en = login(app, user)[1]
            set_lang(emulator, user, args.lang)
            cookie_fr = login(app, user)[1]
            set_lang(emulator, user, "en_US")
            for template in templates:
                path = template.format(**known)
                if args.path and not any(path.startswith(p) for p in args.path):
                    continue
                row = measure(client_as(app, cookie_en), client_as(app, cookie_fr), recorder,
                              path, args.rounds)
                over = marks(row)
                marked += bool(over)
                en, fr = row["en"], row["fr"]
                print(f"{user:<7} {template:<24} {en['calls']:>5}/{fr['calls']:<5} "
                      f"{en['bytes'] / 1024:>7.1f} {fr['bytes'] / 1024:>7.1f} "
                      f"{ratio(row, 'bytes'):>6.3f} {ratio(row, 'gzip'):>6.3f} "
                      f"{en['own']:>7.1f} {fr['own']:>7.1f} {ratio(row, 'own'):>6.3f} "
                      f"{fr['html_lang'] or '?':>5}  {' '.join(over)}", flush=True)
    finally:
        emulator.stop()
    print(f"\n{marked} page(s) marked (French over {LIMIT:.2f} x English, or other calls)")
    return 1 if marked else 0


if __name__ == "__main__":
    sys.exit(main())
