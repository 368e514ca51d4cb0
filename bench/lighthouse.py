"""Lighthouse 12 scores (performance, accessibility, best practices) of the jobs list and one
job page per look a card can have (open, en route, started, overdue, urgent, done and cancelled
today), logged in as tech1, against the Odoo emulator and the app under
gunicorn in its production config; prints the three scores per page and the failing audits.

    .venv/bin/python bench/lighthouse.py [--login tech1] [--keep-reports]
    .venv/bin/python bench/lighthouse.py --login office --preset desktop \
        --path /dashboard --path /jobs

Installs `lighthouse@12` into bench/node_modules with npm when it is missing, and runs it with
the system Chromium (CHROME_PATH, /usr/bin/chromium by default) and its default mobile
emulation (`--preset desktop`: Lighthouse's desktop preset, 1350x940, no mobile throttling).
`--path` measures those pages instead of the jobs list and its job pages. JSON reports go to
bench/out/ with --keep-reports.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import logged_in_session, start_gunicorn  # noqa: E402
from odoo_emulator import start_in_thread  # noqa: E402

BENCH = ROOT / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
METRICS = (("FCP", "first-contentful-paint"), ("LCP", "largest-contentful-paint"),
           ("TBT", "total-blocking-time"), ("CLS", "cumulative-layout-shift"))
TARGET = 95


def ensure_lighthouse():
    if LIGHTHOUSE.exists():
        return
    print("installing lighthouse@12 into bench/node_modules ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                    str(BENCH), "lighthouse@12"], check=True, stdout=sys.stderr)


def run_lighthouse(url, cookie_header, report_path, preset=None):
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [
        str(LIGHTHOUSE), url, "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={json.dumps({'Cookie': cookie_header})}",
        "--output=json", f"--output-path={report_path}",
    ]
    if preset:
        command.append(f"--preset={preset}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not Path(report_path).exists():
        sys.exit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(Path(report_path).read_text())


def failing_audits(report):
    """(category, title, score, display value, weight) of the audits under 1 in the categories
    measured; weight 0: shown by Lighthouse as advice, not counted in the category's score."""
    failing = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if score is None or score >= 1 or audit.get("scoreDisplayMode") in (
                    "informative", "manual", "notApplicable", "error"):
                continue
            if key == "performance" and not ref.get("weight") and score >= 0.9:
                continue
            failing.append((key, audit["title"], score, audit.get("displayValue", ""),
                            ref.get("weight", 0)))
    return failing


def job_pages_by_state(html):
    """One job page per look a card can have on the list (open, overdue, urgent, done and
    cancelled today), so that every visual state is audited; the list itself shows them all."""
    pages = {}
    for group in re.finditer(r'data-group="(\w+)"(.*?)</section>', html, re.S):
        for card in re.finditer(r'<li class="card job-card[^"]*" data-job-id="(\d+)">(.*?)</li>',
                                group.group(2), re.S):
            job_id, body = card.groups()
            state = re.search(r'data-stage-state="(\w+)"', body)
            looks = [state.group(1) if state else "open"]
            if group.group(1) == "overdue":
                looks.append("overdue")
            if ">Urgent<" in body:
                looks.append("urgent")
            for look in looks:
                pages.setdefault(look, f"/jobs/{job_id}")
    print("job pages audited: " + ", ".join(f"{look} {path}" for look, path in pages.items()))
    return list(dict.fromkeys(pages.values()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--login", default="tech1")
    parser.add_argument("--keep-reports", action="store_true")
    parser.add_argument("--preset", choices=("desktop",), default=None,
                        help="Lighthouse's desktop preset instead of its mobile default")
    parser.add_argument("--path", action="append", default=[],
                        help="a page to measure (repeatable); default: /jobs/active and a job")
    args = parser.parse_args()
    ensure_lighthouse()

    emulator = start_in_thread(port=0, quiet=True)
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "bench", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "SESSION_COOKIE_SECURE": "false", "WEB_CONCURRENCY": "2"}
    app, app_url = start_gunicorn("app:create_app()", env)
    results = {}  # path -> {category: score}
    try:
        http, _ = logged_in_session(app_url, args.login)
        cookie_header = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        pages = list(args.path)
        if not pages:
            listing = http.get(f"{app_url}/jobs/active")
            listing.raise_for_status()
            pages = ["/jobs/active"] + job_pages_by_state(listing.text)
            if len(pages) == 1:
                print("no job on /jobs/active: only the list is measured")
        # Each gunicorn worker compiles its templates and fills its caches on its first
        # requests: warm them, so the score is of the page, not of a fresh process.
        for path in pages:
            for _ in range(4):
                http.get(app_url + path).raise_for_status()
        out = BENCH / "out" if args.keep_reports else Path(tempfile.mkdtemp())
        out.mkdir(parents=True, exist_ok=True)
        for path in pages:
            name = path.strip("/").replace("/", "_")
            report = run_lighthouse(app_url + path, cookie_header,
                                    out / f"lighthouse_{name}.json", args.preset)
            if report.get("runtimeError"):
                print(f"{path}: runtime error {report['runtimeError']}")
            final = report.get("finalDisplayedUrl", "")
            if "/login" in final:
                sys.exit(f"{path}: lighthouse ended on the login page ({final}); cookie not sent?")
            scores = {key: round((report["categories"][key]["score"] or 0) * 100)
                      for key in CATEGORIES}
            results[path] = scores
            metrics = "  ".join(f"{name} {report['audits'][audit].get('displayValue', '?')}"
                                for name, audit in METRICS)
            print(f"{path}: {metrics}")
            failing = failing_audits(report)
            print(f"  audits under 1: {len(failing) or 'none'}")
            for category, title, score, shown, weight in failing:
                note = "" if weight else ", not scored"
                print(f"    [{category}] {title} (score {score:.2f}{note})"
                      f"{' ' + shown if shown else ''}")
        if args.keep_reports:
            print(f"reports in {out}")
    finally:
        app.terminate()
        app.wait(timeout=10)
        emulator.stop()

    print()
    print(f"{'page':<16} " + " ".join(f"{key:>14}" for key in CATEGORIES))
    for path, scores in results.items():
        print(f"{path:<16} " + " ".join(
            f"{scores[key]:>11}{'' if scores[key] >= TARGET else ' <-':>3}" for key in CATEGORIES))
    below = sum(score < TARGET for scores in results.values() for score in scores.values())
    print(f"target: every score >= {TARGET}: {'met' if not below else f'MISSED ({below} below)'}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
