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


# --- the reader's language (issue 29): CLDR through Babel -------------------------------------

NNBSP = "\N{NARROW NO-BREAK SPACE}"   # CLDR's French group separator


@pytest.mark.parametrize(("locale", "amount", "day", "long", "time"), [
    ("fr", f"1{NNBSP}234,50{fmt.NBSP}€", "ven. 4 déc.", "vendredi 4 décembre 2026", "14:05"),
    ("fr_BE", f"1{NNBSP}234,50{fmt.NBSP}€", "ven. 4 déc.", "vendredi 4 décembre 2026", "14:05"),
    ("de", f"1.234,50{fmt.NBSP}€", "Fr., 4. Dez.", "Freitag, 4. Dezember 2026", "14:05"),
    ("es", f"1.234,50{fmt.NBSP}€", "vie, 4 dic", "viernes, 4 de diciembre de 2026", "14:05"),
    ("nl_BE", f"1.234,50{fmt.NBSP}€", "vr 4 dec", "vrijdag 4 december 2026", "14:05"),
    # Mexico: Spanish words, American separators and a 12-hour clock.
    ("es_MX", f"1,234.50{fmt.NBSP}€", "vie 4 de dic", "viernes, 4 de diciembre de 2026",
     f"2:05{NNBSP}p.m."),
])
def test_other_languages_write_as_their_country(locale, amount, day, long, time):
    assert fmt.format_money(1234.5, "€", "after", locale=locale) == amount
    assert fmt.format_date(date(2026, 12, 4), NY, locale, year=False) == day
    assert fmt.format_long_date(date(2026, 12, 4), locale=locale) == long
    assert fmt.format_time(datetime(2026, 12, 4, 14, 5), locale=locale) == time


def test_english_keeps_its_own_shapes_whatever_the_country():
    for locale in ("en", "en_US", "en_GB"):
        assert fmt.format_date(date(2026, 12, 4), NY, locale, year=False) == "Fri 4 Dec"
        assert fmt.format_time(datetime(2026, 12, 4, 14, 5), locale=locale) == "14:05"
        assert fmt.format_money(1234.5, "$", "before", locale=locale) == f"${fmt.NBSP}1,234.50"


def test_money_keeps_odoos_symbol_side_and_the_currencys_decimals():
    assert fmt.format_money(1234.5, "$", "before", 0, locale="fr") == f"${fmt.NBSP}1{NNBSP}235"
    assert fmt.format_money(2.675, "€", "after", 3, locale="de") == f"2,675{fmt.NBSP}€"


def test_week_starts_and_clocks_per_country():
    assert fmt.first_weekday("fr_FR") == 0 and fmt.first_weekday("de") == 0
    assert fmt.first_weekday("en_US") == 6 and fmt.first_weekday("es_MX") == 6
    assert fmt.first_weekday("xx_YY") == 0
    assert fmt.uses_24_hour_clock("fr") and not fmt.uses_24_hour_clock("es_MX")


@pytest.mark.parametrize(("text", "locale", "number"), [
    ("1,5", "fr", "1.5"), ("1.5", "fr", "1.5"), (f"1{NNBSP}234,50", "fr", "1234.50"),
    ("1 234,50", "fr", "1234.50"), ("1.234,5", "de", "1234.5"), ("1,5", "de", "1.5"),
    ("1.5", "de", "1.5"),           # a dot where the grouping can't be: the decimal point
    ("1,234.5", "en", "1234.5"), ("1,5", "en", "1.5"), ("-2", "nl", "-2"), (" 3 ", "es", "3"),
])
def test_typed_numbers_accept_the_locales_separator_or_a_dot(text, locale, number):
    from decimal import Decimal
    assert fmt.parse_number(text, locale) == Decimal(number)


@pytest.mark.parametrize("text", ["", "  ", "abc", "1,2,3", "1.2.3", "NaN", "Infinity", None])
def test_typed_non_numbers_are_refused(text):
    with pytest.raises(ValueError):
        fmt.parse_number(text, "en")


def test_relative_days_and_durations_speak_the_page_language(app):
    import pytz
    now = pytz.utc.localize(datetime(2026, 12, 4, 15, 0))
    with app.test_request_context(headers={"Accept-Language": "fr-BE,fr;q=0.9"}):
        assert str(fmt.i18n.get_locale()) == "fr"
        assert fmt.html_lang() == "fr"
        # English msgids until the French catalogue has them; the French time either way.
        assert fmt.relative_day(datetime(2026, 12, 4, 14, 0), NY, now).endswith("14:00")
    for odoo_lang, lang, number in (("es_MX", "es-MX", "1,234.50"), ("de_DE", "de-DE", "1.234,50")):
        with app.test_request_context():
            fmt.session["lang"] = odoo_lang
            fmt.i18n.refresh()                  # what a login does
            assert fmt.html_lang() == lang and fmt.format_number(1234.5, 2) == number
            with fmt.i18n.force_locale("nl"):   # a customer's report: their language
                assert fmt.current_locale() == "nl" and fmt.html_lang() == "nl"


def test_zones_are_named_by_their_city_in_the_readers_language():
    assert fmt.zone_label("America/New_York") == "New York time"
    assert fmt.zone_label("America/Los_Angeles", "en") == "Los Angeles time"
    assert fmt.zone_label("UTC") == "UTC"
    assert "Bruxelles" in fmt.zone_label("Europe/Brussels", "fr")
    assert "Nueva York" in fmt.zone_label("America/New_York", "es")


def test_quantities_keep_only_their_decimals_in_the_readers_format():
    assert [fmt.format_quantity(v, locale="en") for v in (8, 6.5, 6.25, 1234.5)] == \
        ["8", "6.5", "6.25", "1,234.5"]
    assert fmt.format_quantity(6.5, locale="de") == "6,5"
    assert fmt.format_quantity(1234.5, locale="de") == "1.234,5"
    assert fmt.format_quantity(6.25, 1, locale="fr") == "6,3"
