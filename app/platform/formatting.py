"""How Fieldkit writes dates, times, durations, numbers and money: one module for the whole app,
so every page says "Fri 4 Dec 14:00" and "$ 9,509.00" the same way, in the reader's language.

Every function takes the reader's ``locale`` (an Odoo or Babel code: ``fr_BE``, ``nl``; default
:func:`current_locale`: the page's language, refined by the user's Odoo language when it names a
country, ``fr_BE``) and, for moments, their time zone (``tz_name``; default the user's, see
:mod:`app.platform.timezone`). Names, patterns, separators and clocks come from CLDR through
Babel, so a language Fieldkit has a catalogue for writes dates and numbers as its country does
(``ven. 4 déc. 14:30``, ``1\u202f234,50 €``; ``es_MX`` keeps its 12-hour clock). Fieldkit's
English keeps its own shapes (below), whatever English country Odoo names.

Shapes (English):

* date: ``Fri 4 Dec`` (``Fri 4 Dec 2027`` outside the current year); long: ``Friday 4 December
  2026``; a moment: ``Fri 4 Dec 14:00``; relative: ``Today 14:00``, ``Tomorrow 09:00``;
  a time range: ``14:00–15:30``; a duration: ``1 h 30``.
* numbers grouped by thousands (``28,200``); money with the currency's symbol on Odoo's side of
  the amount, joined by a no-break space (``$ 9,509.00``, ``1.234,50 €`` in German), rounded
  half up to the currency's decimals as Odoo's ``float_round``.

Typed numbers are read back with :func:`parse_number` (the locale's decimal separator, or a
dot). Machine formats (``<input type="datetime-local">`` values, Odoo's UTC strings) are not for
people and stay where they are parsed (``input_value`` here, :mod:`timezone` for Odoo).
"""
from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime
from datetime import time as clock
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as bdates
from babel import numbers as bnumbers
from babel import units as bunits
from flask import g, has_request_context, session

from app.platform import i18n
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.sanitize import blank_cell

NBSP = "\N{NO-BREAK SPACE}"
EN_DASH = "\N{EN DASH}"
DEFAULT_LOCALE = "en"

# Fieldkit's English shapes (CLDR's "en" is American: "Fri, Dec 4", "2:30 PM"); other languages
# take their CLDR skeletons (see _pattern).
ENGLISH = {"MMMEd": "EEE d MMM", "yMMMEd": "EEE d MMM y", "yMMMMEEEEd": "EEEE d MMMM y",
           "Ed": "EEE d", "time": "HH:mm"}


def current_locale() -> str:
    """The reader's locale: the page's language (the user's Odoo language, a forced one such as
    the customer's for a report, else the browser's), with the Odoo language's country when it
    is the same language (``fr_BE`` rather than ``fr``); English outside a request."""
    try:  # the memo below, without Flask-Babel's lookups (a page asks hundreds of times)
        known = g._fk_formatting["locale"]
        if known[0] is g._flask_babel.babel_locale:
            return known[1]
    except (AttributeError, KeyError, RuntimeError):  # not worked out yet, or no app context
        pass
    babel_locale = i18n.get_locale()
    memo = _request_memo()
    # Asked for every date and time of a page: worked out once per request and language (a
    # forced language is another Babel locale object, so it is worked out again).
    if memo is not None and babel_locale is not None and memo.get("locale", (None,))[0] \
            is babel_locale:
        return memo["locale"][1]
    language = str(babel_locale or DEFAULT_LOCALE)
    odoo_lang = session.get("lang") if has_request_context() else None
    code = odoo_lang if odoo_lang and i18n.closest(odoo_lang) == language else language
    if memo is not None:
        memo["locale"] = (babel_locale, code)
    return code


def _request_memo():
    """This request's memo of what its pages write again and again (flask.g), or None."""
    if not has_request_context():
        return None
    memo = g.get("_fk_formatting")
    if memo is None:
        memo = g._fk_formatting = {}
    return memo


@lru_cache(maxsize=64)
def _babel_locale(code: str) -> Locale:
    language = i18n.closest(code) or DEFAULT_LOCALE
    if language == DEFAULT_LOCALE:
        return Locale("en")
    try:
        found = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(language)
    return found if found.language == language else Locale.parse(language)


def _locale(locale) -> Locale:
    return _babel_locale(locale or current_locale() or DEFAULT_LOCALE)


@lru_cache(maxsize=256)
def _pattern(loc: Locale, skeleton: str) -> str:
    """The CLDR pattern of a skeleton in a locale; Fieldkit's own in English."""
    if loc.language == "en":
        return ENGLISH[skeleton]
    if skeleton == "time":
        return loc.time_formats["short"].pattern
    if skeleton == "yMMMMEEEEd":   # CLDR's full date: the weekday's whole name too
        return loc.date_formats["full"].pattern
    return loc.datetime_skeletons[bdates.match_skeleton(skeleton, loc.datetime_skeletons)].pattern


# Babel takes tens of microseconds a date; a page writes the same few days and times over and
# over (a list of 100 jobs), so each is written once per process.
@lru_cache(maxsize=4096)
def _write_day(day: date, skeleton: str, loc: Locale) -> str:
    return bdates.format_date(day, _pattern(loc, skeleton), locale=loc)


@lru_cache(maxsize=4096)
def _write_clock(hour: int, minute: int, loc: Locale) -> str:
    return bdates.format_time(clock(hour, minute), _pattern(loc, "time"), locale=loc)


def html_lang(locale=None) -> str:
    """``<html lang>``: the page's language with the reader's country (``fr-BE``, ``es-MX``),
    so the scripts' Intl formats (fieldkit.formatNumber) write numbers as the server does."""
    loc = _locale(locale)
    return "-".join(part for part in (loc.language, loc.territory) if part)


def zone_label(name=None, locale=None) -> str:
    """A time zone for people: ``America/New_York`` -> "New York time" (CLDR's name of the
    zone's city in the reader's language: "Bruxelles" in French); the user's zone when `name`
    is None."""
    zone = tzs.get_tz(name).zone
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    loc = _locale(locale)
    with _in_language(locale):
        return _("%(city)s time", city=_city(zone, loc))


@lru_cache(maxsize=256)
def _city(zone: str, loc: Locale) -> str:
    try:
        return bdates.get_timezone_location(bdates.get_timezone(zone), loc, return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def first_weekday(locale=None) -> int:
    """The first day of the week where the reader lives (0 = Monday ... 6 = Sunday), for views
    that lay out weeks: Monday in Europe, Sunday in the US or Mexico (CLDR)."""
    code = (locale or current_locale() or DEFAULT_LOCALE).replace("-", "_")
    try:
        return Locale.parse(code).first_week_day
    except (UnknownLocaleError, ValueError, TypeError):
        return 0


def uses_24_hour_clock(locale=None) -> bool:
    """Whether times read ``14:30`` (True) or ``2:30 PM`` where the reader lives."""
    return "H" in _pattern(_locale(locale), "time")


def _day_of(value, tz_name):
    """A date from a date, a ``YYYY-MM-DD`` string or an Odoo (UTC) datetime."""
    if (isinstance(value, str) and len(value) == 10) or (
            isinstance(value, date) and not isinstance(value, datetime)):
        return tzs.parse_odoo_date(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.date()  # a local wall-clock time
    moment = tzs.to_local(value, tz_name)
    return moment.date() if moment else None


def _moment(value, tz_name):
    """A local datetime: naive values are taken as local wall-clock times already."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value
    return tzs.to_local(value, tz_name)


# --- dates and times --------------------------------------------------------------------------

def format_time(value, tz_name=None, locale=None) -> str:
    """``14:30`` in the user's zone (``2:30 PM`` where the locale's clock has 12 hours)."""
    moment = _moment(value, tz_name)
    return _write_clock(moment.hour, moment.minute, _locale(locale)) if moment else ""


def format_date(value, tz_name=None, locale=None, *, year=None, today=None) -> str:
    """``Fri 4 Dec`` (a date or an Odoo datetime, in the user's zone); the year is added
    outside the current year (``today``'s, when the caller has it), or always with
    ``year=True``."""
    day = _day_of(value, tz_name)
    if day is None:
        return ""
    if year is None:
        year = day.year != (today or tzs.today(tz_name)).year
    return _write_day(day, "yMMMEd" if year else "MMMEd", _locale(locale))


def format_long_date(value, tz_name=None, locale=None) -> str:
    """``Friday 4 December 2026``."""
    day = _day_of(value, tz_name)
    return _write_day(day, "yMMMMEEEEd", _locale(locale)) if day else ""


def format_day_short(value, tz_name=None, locale=None) -> str:
    """``Fri 4``: a day in a week's header."""
    day = _day_of(value, tz_name)
    return _write_day(day, "Ed", _locale(locale)) if day else ""


def format_datetime(value, tz_name=None, locale=None, *, today=None) -> str:
    """``Fri 4 Dec 14:30`` in the user's zone (``today``: see :func:`format_date`)."""
    if not value:
        return ""
    return (f"{format_date(value, tz_name, locale, today=today)} "
            f"{format_time(value, tz_name, locale)}")


def _in_language(locale):
    """Words in the language of an explicit ``locale`` (a report for a customer), else the
    page's."""
    return i18n.force_locale(i18n.closest(locale) or DEFAULT_LOCALE) if locale else \
        nullcontext()


def relative_day(value, tz_name=None, now=None, locale=None, *, today=None) -> str:
    """``Today 14:30``, ``Tomorrow 09:00``, ``Yesterday 17:45``, else ``Wed 11 Mar 08:00``.
    ``today``: the user's date when the caller knows it (a list: once, not per row)."""
    moment = _moment(value, tz_name)
    if moment is None:
        return ""
    today = today or tzs.today(tz_name, now)
    offset = (moment.date() - today).days
    if offset not in (-1, 0, 1):
        return format_datetime(moment, tz_name, locale, today=today)
    time = format_time(moment, tz_name, locale)
    memo = _request_memo() if locale is None else None
    key = ("relative", offset, time, current_locale()) if memo is not None else None
    if key in (memo or {}):
        return memo[key]  # a list's cards share a few days and times
    with _in_language(locale):
        if offset == 0:
            text = _("Today %(time)s", time=time)
        elif offset == 1:
            text = _("Tomorrow %(time)s", time=time)
        else:
            text = _("Yesterday %(time)s", time=time)
    if memo is not None:
        memo[key] = text
    return text


def format_time_range(start, end, tz_name=None, locale=None) -> str:
    """``14:00–15:30`` (both in the user's zone)."""
    return f"{format_time(start, tz_name, locale)}{EN_DASH}{format_time(end, tz_name, locale)}"


def format_duration(hours, locale=None) -> str:
    """``1 h 30``, ``2 h``, ``45 min``."""
    minutes = round(float(hours or 0) * 60)
    h, m = divmod(minutes, 60)
    with _in_language(locale):
        if h and m:
            return _("%(hours)d h %(minutes)02d", hours=h, minutes=m)
        if h:
            return _("%(hours)d h", hours=h)
        return _("%(minutes)d min", minutes=m)


def input_value(moment) -> str:
    """A local datetime as an ``<input type="datetime-local">`` value (``2026-12-04T14:00``)."""
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else ""


# --- numbers and money ------------------------------------------------------------------------

def format_number(value, digits=0, locale=None) -> str:
    """``28,200`` (``digits`` decimals, rounded half up; ``28\u202f200`` in French)."""
    exact = Decimal(repr(float(value or 0))).quantize(Decimal(1).scaleb(-digits),
                                                      rounding=ROUND_HALF_UP)
    text = f"{exact:,.{digits}f}"   # CLDR's "#,##0.00", with the locale's symbols below
    table = _number_symbols(_locale(locale))
    return text.translate(table) if table else text


def format_quantity(value, max_digits=2, locale=None) -> str:
    """A count of hours or units with only the decimals it has (``8``, ``6.5``, ``6.25``; ``6,5``
    in German), rounded to ``max_digits``."""
    text = format_number(value, max_digits, locale)
    table = _number_symbols(_locale(locale))
    point = "." if table is None else ".".translate(table)
    return text.rstrip("0").rstrip(point) if point in text else text


@lru_cache(maxsize=64)
def _number_symbols(loc: Locale) -> dict | None:
    """Python's grouping comma, decimal point and minus as the locale writes them (None when
    they are the same)."""
    symbols = loc.number_symbols.get("latn", loc.number_symbols)
    table = {",": symbols.get("group", ","), ".": symbols.get("decimal", "."),
             "-": symbols.get("minusSign", "-")}
    return None if all(k == v for k, v in table.items()) else str.maketrans(table)


def parse_number(text, locale=None) -> Decimal:
    """A number a person typed, in their locale (``1,5`` or ``1 234,50`` in French, ``1.234,5``
    in German), else with a dot (``1.5``, what browsers' number fields send) or a lone decimal
    comma (``1,5`` in English too, as Fieldkit always took it); spaces are ignored.

    :raises ValueError: not a number (the form says so and keeps what was typed).
    """
    raw = "".join(str(text if text is not None else "").split()).replace("\u202f", "")
    if not raw:
        raise ValueError("empty")
    try:
        number = bnumbers.parse_decimal(raw, locale=_locale(locale), strict=True)
    except bnumbers.NumberFormatError:
        if raw.count(",") == 1 and "." not in raw:
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"not a number: {raw!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {raw!r}")
    return number


def format_money(amount, symbol="", position="before", digits=2, locale=None) -> str:
    """An amount as Odoo's formatLang writes it: grouped, the currency's decimals, and its
    symbol before or after the amount, joined by a no-break space; no symbol: the number."""
    number = format_number(amount, digits, locale)
    if not symbol:
        return number
    return f"{symbol}{NBSP}{number}" if position == "before" else f"{number}{NBSP}{symbol}"


def format_size(num_bytes, locale=None) -> str:
    """A file's size as people read it: ``38 kB``, ``1.2 MB`` (CLDR units: ``1,2 Mo`` in
    French); under a kilobyte ``1 kB``."""
    size = float(num_bytes or 0)
    if size < 1000 * 1000:
        return bunits.format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                           locale=_locale(locale), format="#,##0")
    return bunits.format_unit(size / 1000 / 1000, "digital-megabyte", length="short",
                       locale=_locale(locale), format="#,##0.#")


def init_app(app):
    app.jinja_env.filters.update(
        file_size=format_size,
        local_time=format_time,
        local_date=format_date,
        local_datetime=format_datetime,
        long_date=format_long_date,
        day_short=format_day_short,
        relative_day=relative_day,
        number=format_number,
        quantity=format_quantity,
        duration=format_duration,
        zone_label=zone_label,   # "New York time", not "America/New_York"
    )
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.tests["blank_cell"] = blank_cell
