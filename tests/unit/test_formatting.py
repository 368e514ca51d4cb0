"""One way to write dates, times, numbers and money (app/platform/formatting.py), and no other
place in app/ that writes them for people."""
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.platform import formatting as fmt

NY = "America/New_York"
APP = Path(__file__).resolve().parents[2] / "app"


def test_dates_are_not_zero_padded_and_name_the_day():
    assert fmt.format_long_date(date(2026, 12, 4)) == "Friday 4 December 2026"
    assert fmt.format_date(date(2026, 12, 4), NY, year=True) == "Fri 4 Dec 2026"
    assert fmt.format_day_short(date(2026, 12, 4)) == "Fri 4"
    # A local wall-clock time (naive) is not shifted again.
    assert fmt.format_time(datetime(2026, 12, 4, 9, 5)) == "09:05"
    assert fmt.format_time_range(datetime(2026, 12, 4, 14), datetime(2026, 12, 4, 15, 30)) == \
        "14:00–15:30"


def test_relative_day_of_a_local_time():
    now = datetime(2026, 12, 4, 15, 0)  # 10:00 in New York
    import pytz
    now = pytz.utc.localize(now)
    assert fmt.relative_day(datetime(2026, 12, 1, 10, 0), NY, now) == "Tue 1 Dec 10:00"
    assert fmt.relative_day(datetime(2026, 12, 4, 14, 0), NY, now) == "Today 14:00"


@pytest.mark.parametrize(("hours", "text"), [(1.5, "1 h 30"), (2, "2 h"), (0.75, "45 min")])
def test_durations(hours, text):
    assert fmt.format_duration(hours) == text


def test_numbers_and_money():
    assert fmt.format_number(28200) == "28,200"
    assert fmt.format_number(2.675, 2) == "2.68"   # half up, as Odoo's float_round
    assert fmt.format_money(9509, "$", "before", 0) == f"${fmt.NBSP}9,509"
    assert fmt.format_money(1234.5, "€", "after") == f"1,234.50{fmt.NBSP}€"
    assert fmt.format_money(3, "") == "3.00"


def test_an_unknown_locale_falls_back_to_english():
    assert fmt.format_long_date(date(2026, 12, 4), locale="xx_YY") == "Friday 4 December 2026"


# strftime with names or day numbers, str.format / f-string thousands, Intl formatters.
HUMAN = [
    (re.compile(r"strftime\([^)]*%[aAbBe]"), "a date written with strftime"),
    (re.compile(r"strftime\(\s*['\"]%H:%M['\"]"), "a time written with strftime"),
    (re.compile(r"\{[^{}]*:,(\.\d+)?f?\}"), "a number grouped by hand"),
    (re.compile(r"Intl\.(NumberFormat|DateTimeFormat)"), "a browser formatter"),
]
# Machine formats: <input type=datetime-local> values, ISO dates for links and APIs, Odoo's UTC.
ALLOWED = {"platform/formatting.py", "platform/timezone.py",
           # The offline notice writes "saved today 14:30" in the browser, as the server would.
           "static/js/pwa.js",
           # The shared client-side money format (CRM column sums after a drag).
           "static/js/app.js"}


def test_no_other_place_formats_dates_or_money():
    offenders = []
    for path in sorted(APP.rglob("*")):
        rel = path.relative_to(APP).as_posix()
        if path.suffix not in (".py", ".html", ".js") or rel in ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in HUMAN:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{rel}:{line}: {what}: {match.group(0)}")
    assert not offenders, "format dates and money with app.platform.formatting:\n" + \
        "\n".join(offenders)
