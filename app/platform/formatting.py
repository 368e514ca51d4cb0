"""How Fieldkit writes dates, times, durations, numbers and money: one module for the whole app,
so every page says "Fri 4 Dec 14:00" and "$ 9,509.00" the same way.

Every function takes the reader's ``locale`` (default :func:`current_locale`: the session's
``locale``, else the app's ``DEFAULT_LOCALE``, else English) and, for moments, their time zone
(``tz_name``; default the user's, see :mod:`app.platform.timezone`). Today only English names
exist; the issue "Languages" backs :data:`LOCALES` with Babel per language behind this same API.

Shapes (English):

* date: ``Fri 4 Dec`` (``Fri 4 Dec 2027`` outside the current year); long: ``Friday 4 December
  2026``; a moment: ``Fri 4 Dec 14:00``; relative: ``Today 14:00``, ``Tomorrow 09:00``;
  a time range: ``14:00–15:30``; a duration: ``1 h 30``.
* numbers grouped by thousands (``28,200``); money with the currency's symbol on Odoo's side of
  the amount, joined by a no-break space (``$ 9,509.00``, ``1.234,50 €`` in a locale that says
  so), rounded half up to the currency's decimals as Odoo's ``float_round``.

Machine formats (``<input type="datetime-local">`` values, Odoo's UTC strings) are not for
people and stay where they are parsed (``input_value`` here, :mod:`timezone` for Odoo).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, has_request_context, session

from app.platform import timezone as tzs

NBSP = "\N{NO-BREAK SPACE}"
EN_DASH = "\N{EN DASH}"
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class Locale:
    """What a language needs to write dates and numbers."""

    days: tuple        # Monday first
    days_short: tuple
    months: tuple      # January first
    months_short: tuple
    today: str
    tomorrow: str
    yesterday: str
    group: str = ","   # thousands separator
    decimal: str = "."


LOCALES = {
    "en": Locale(
        days=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        days_short=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        months=("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"),
        months_short=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec"),
        today="Today", tomorrow="Tomorrow", yesterday="Yesterday"),
}


def current_locale() -> str:
    """The reader's locale: the session's, else the app's default, else English."""
    if has_request_context():
        return session.get("locale") or current_app.config.get("DEFAULT_LOCALE") or \
            DEFAULT_LOCALE
    return DEFAULT_LOCALE


def _locale(locale) -> Locale:
    code = (locale or current_locale() or DEFAULT_LOCALE).replace("-", "_")
    return LOCALES.get(code) or LOCALES.get(code.split("_")[0]) or LOCALES[DEFAULT_LOCALE]


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
    """``14:30`` in the user's zone."""
    moment = _moment(value, tz_name)
    return f"{moment:%H}:{moment:%M}" if moment else ""


def format_date(value, tz_name=None, locale=None, *, year=None, today=None) -> str:
    """``Fri 4 Dec`` (a date or an Odoo datetime, in the user's zone); the year is added
    outside the current year (``today``'s, when the caller has it), or always with
    ``year=True``."""
    day = _day_of(value, tz_name)
    if day is None:
        return ""
    names = _locale(locale)
    text = f"{names.days_short[day.weekday()]} {day.day} {names.months_short[day.month - 1]}"
    if year is None:
        year = day.year != (today or tzs.today(tz_name)).year
    return f"{text} {day.year}" if year else text


def format_long_date(value, tz_name=None, locale=None) -> str:
    """``Friday 4 December 2026``."""
    day = _day_of(value, tz_name)
    if day is None:
        return ""
    names = _locale(locale)
    return f"{names.days[day.weekday()]} {day.day} {names.months[day.month - 1]} {day.year}"


def format_day_short(value, tz_name=None, locale=None) -> str:
    """``Fri 4``: a day in a week's header."""
    day = _day_of(value, tz_name)
    return f"{_locale(locale).days_short[day.weekday()]} {day.day}" if day else ""


def format_datetime(value, tz_name=None, locale=None, *, today=None) -> str:
    """``Fri 4 Dec 14:30`` in the user's zone (``today``: see :func:`format_date`)."""
    if not value:
        return ""
    return (f"{format_date(value, tz_name, locale, today=today)} "
            f"{format_time(value, tz_name, locale)}")


def relative_day(value, tz_name=None, now=None, locale=None, *, today=None) -> str:
    """``Today 14:30``, ``Tomorrow 09:00``, ``Yesterday 17:45``, else ``Wed 11 Mar 08:00``.
    ``today``: the user's date when the caller knows it (a list: once, not per row)."""
    moment = _moment(value, tz_name)
    if moment is None:
        return ""
    names = _locale(locale)
    today = today or tzs.today(tz_name, now)
    offset = (moment.date() - today).days
    label = {0: names.today, 1: names.tomorrow, -1: names.yesterday}.get(offset)
    if label is None:
        return format_datetime(moment, tz_name, locale, today=today)
    return f"{label} {format_time(moment, tz_name, locale)}"


def format_time_range(start, end, tz_name=None, locale=None) -> str:
    """``14:00–15:30`` (both in the user's zone)."""
    return f"{format_time(start, tz_name, locale)}{EN_DASH}{format_time(end, tz_name, locale)}"


def format_duration(hours, locale=None) -> str:
    """``1 h 30``, ``2 h``, ``45 min``."""
    minutes = round(float(hours or 0) * 60)
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if h and m else (f"{h} h" if h else f"{m} min")


def input_value(moment) -> str:
    """A local datetime as an ``<input type="datetime-local">`` value (``2026-12-04T14:00``)."""
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else ""


# --- numbers and money ------------------------------------------------------------------------

def format_number(value, digits=0, locale=None) -> str:
    """``28,200`` (``digits`` decimals, rounded half up)."""
    names = _locale(locale)
    exact = Decimal(repr(float(value or 0))).quantize(Decimal(1).scaleb(-digits),
                                                      rounding=ROUND_HALF_UP)
    text = f"{exact:,.{digits}f}"
    if (names.group, names.decimal) != (",", "."):
        text = text.replace(",", "\0").replace(".", names.decimal).replace("\0", names.group)
    return text


def format_money(amount, symbol="", position="before", digits=2, locale=None) -> str:
    """An amount as Odoo's formatLang writes it: grouped, the currency's decimals, and its
    symbol before or after the amount, joined by a no-break space; no symbol: the number."""
    number = format_number(amount, digits, locale)
    if not symbol:
        return number
    return f"{symbol}{NBSP}{number}" if position == "before" else f"{number}{NBSP}{symbol}"


def init_app(app):
    app.jinja_env.filters.update(
        local_time=format_time,
        local_date=format_date,
        local_datetime=format_datetime,
        long_date=format_long_date,
        day_short=format_day_short,
        relative_day=relative_day,
        number=format_number,
        duration=format_duration,
        zone_label=tzs.zone_label,   # "New York time", not "America/New_York"
    )
