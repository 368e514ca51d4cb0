"""The test suite's time by group (unit, integration, browser, emulator, security): tests,
worker seconds in setup, call and teardown, the share of all worker time, the slowest setups,
and the wall time of the run against the 5-minute budget (issue 26).

    .venv/bin/python bench/suite_time.py [--workers 2] [-- pytest arguments]
    .venv/bin/python bench/suite_time.py --from run.txt   # the output of an earlier run made
                                                          # with --durations=0 --durations-min=0
    .venv/bin/python bench/suite_time.py --from before.txt --from after.txt \
        --files tests/integration/test_sales.py ...       # two runs side by side, and the
                                                          # worker seconds of those files

Runs `pytest -n <workers> --durations=0 --durations-min=0` (pytest prints every phase of
every test) and sums what it prints. The load average at the start and end is printed beside
the wall time: on a busy machine the wall time says more about the neighbours than the suite.
Exits 1 when the run failed or its wall time is over the budget, 0 otherwise.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import time

BUDGET_SECONDS = 300
LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S+)")
SUMMARY = re.compile(r"^(?:=+ )?(\d+ (?:passed|failed|error).*?) in ([\d.]+)s", re.MULTILINE)


def parse(text):
    """{group: {"tests": set, "setup": s, "call": s, "teardown": s}}, [(s, phase, test)]."""
    groups = collections.defaultdict(lambda: {"tests": set(), "setup": 0.0, "call": 0.0,
                                              "teardown": 0.0})
    rows = []
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        seconds, phase, test = float(match.group(1)), match.group(2), match.group(3)
        parts = test.split("/")
        group = parts[1] if len(parts) > 2 and parts[0] == "tests" else parts[0]
        groups[group]["tests"].add(test)
        groups[group][phase] += seconds
        rows.append((seconds, phase, test))
    return groups, rows


def report(text, wall=None, loads=None):
    groups, rows = parse(text)
    total = sum(g["setup"] + g["call"] + g["teardown"] for g in groups.values()) or 1.0
    print(f"{'group':<12} {'tests':>6} {'setup s':>9} {'call s':>9} {'teardown s':>11} "
          f"{'worker s':>9} {'share':>6}")
    for name, g in sorted(groups.items(), key=lambda kv: -(kv[1]["setup"] + kv[1]["call"])):
        worker = g["setup"] + g["call"] + g["teardown"]
        print(f"{name:<12} {len(g['tests']):>6} {g['setup']:>9.1f} {g['call']:>9.1f} "
              f"{g['teardown']:>11.1f} {worker:>9.1f} {worker / total:>6.0%}")
    print(f"{'all':<12} {sum(len(g['tests']) for g in groups.values()):>6} "
          f"{sum(g['setup'] for g in groups.values()):>9.1f} "
          f"{sum(g['call'] for g in groups.values()):>9.1f} "
          f"{sum(g['teardown'] for g in groups.values()):>11.1f} {total:>9.1f}")
    print("\nslowest setups:")
    for seconds, _phase, test in sorted((r for r in rows if r[1] == "setup"), reverse=True)[:8]:
        print(f"  {seconds:6.2f}s {test}")
    print("slowest calls:")
    for seconds, _phase, test in sorted((r for r in rows if r[1] == "call"), reverse=True)[:8]:
        print(f"  {seconds:6.2f}s {test}")
    summary = SUMMARY.findall(text)
    outcome = summary[-1][0] if summary else "?"
    if wall is None and summary:
        wall = float(summary[-1][1])
    if wall is not None:
        over = wall > BUDGET_SECONDS
        load = f" (load average {loads[0]:.1f} at the start, {loads[1]:.1f} at the end)" \
            if loads else ""
        print(f"\nwall time {wall:.0f} s = {wall / 60:.1f} min{load}; budget "
              f"{BUDGET_SECONDS // 60} min{' OVER' if over else ''}; {outcome}")
        return 1 if over or "failed" in outcome or "error" in outcome else 0
    return 0


def files_report(texts, files):
    """Worker seconds (setup, call, teardown) of the tests in `files`, one column per run:
    on a busy machine the wall time swings, these say what a change did to those tests."""
    print(f"\n{'file':<52}" + "".join(f"{f'run {i + 1} s':>10}" for i in range(len(texts))))
    totals = [0.0] * len(texts)
    for name in files:
        row = []
        for i, text in enumerate(texts):
            seconds = sum(s for s, _phase, test in parse(text)[1]
                          if test.split("::")[0] == name)
            totals[i] += seconds
            row.append(seconds)
        print(f"{name:<52}" + "".join(f"{s:>10.1f}" for s in row))
    print(f"{'all of them':<52}" + "".join(f"{s:>10.1f}" for s in totals))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="2")
    parser.add_argument("--from", dest="from_files", action="append", default=[],
                        help="parse an earlier run's output (twice: two runs compared)")
    parser.add_argument("--files", nargs="+", default=[],
                        help="also print these test files' worker seconds")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    if args.from_files:
        texts = []
        for number, path in enumerate(args.from_files, 1):
            with open(path, encoding="utf-8") as handle:
                texts.append(handle.read())
            print(f"== run {number}: {path}")
            code = report(texts[-1])
            print()
        if args.files:
            files_report(texts, args.files)
        return code
    env = dict(os.environ, CHROMIUM_PATH=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    start_load = os.getloadavg()[0]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", args.workers, "-p", "no:cacheprovider",
         "--durations=0", "--durations-min=0", *args.pytest_args],
        capture_output=True, text=True, env=env)
    wall = time.monotonic() - started
    text = result.stdout + result.stderr
    failures = [line for line in text.splitlines() if line.startswith(("FAILED", "ERROR"))]
    for line in failures:
        print(line)
    code = report(text, wall, (start_load, os.getloadavg()[0]))
    if args.files:
        files_report([text], args.files)
    return code or (1 if result.returncode else 0)


if __name__ == "__main__":
    sys.exit(main())
