"""Odoo stores datetimes as naive UTC strings; people live in time zones with DST.

Everything here converts between the two, in the logged-in user's zone (`session["tz"]`,
falling back to DEFAULT_TZ). Writing dates and times for people is app.platform.formatting.
"""
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import pytz
from flask import current_app, has_request_context, session

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"
ODOO_DATE = "%Y-%m-%d"


def now_utc():
    """The current time, aware, in UTC (one place for tests to freeze)."""
    return datetime.now(pytz.utc)


def get_tz(name=None):
    """A pytz zone for `name`, else the user's, else DEFAULT_TZ, else UTC."""
    if name is None and has_request_context():
        name = session.get("tz") or current_app.config.get("DEFAULT_TZ")
    return _zone(name) if name else pytz.utc


@lru_cache(maxsize=512)
def _zone(name):
    # A list page converts every card's times: pytz's own lookup (name checks, its lock) per
    # card was a fifth of a card's cost; a zone object never changes, so it is kept.
    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return pytz.utc


def parse_odoo_datetime(value):
    """'2026-03-08 14:30:00' (UTC) -> aware UTC datetime; False/None/'' -> None."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else pytz.utc.localize(value)
    return _parse_utc(value[:19])


@lru_cache(maxsize=4096)
def _parse_utc(text):
    # A list row parses the same few strings several times (window, day, badges): strptime is
    # the slowest part of a 50-row table, and the result is immutable, so it is kept.
    return pytz.utc.localize(datetime.strptime(text, ODOO_DATETIME))


def parse_odoo_date(value):
    """'2026-03-08' -> date; False/None/'' -> None."""
    if not value:
        return None
    if isinstance(value, date):
        return value
    return datetime.strptime(value[:10], ODOO_DATE).date()


def to_local(value, tz_name=None):
    """An Odoo UTC value (string or datetime) in the given or the user's zone."""
    moment = parse_odoo_datetime(value)
    if moment is None:
        return None
    return moment.astimezone(get_tz(tz_name))


def localize(naive, tz_name=None):
    """Attach a zone to a wall-clock time, DST-safe.

    An ambiguous time (the repeated hour when clocks go back) is taken as its first
    occurrence; a time that does not exist (skipped when clocks go forward) is moved forward
    by the gap, as a wall clock would show it.
    """
    tz = get_tz(tz_name)
    try:
        return tz.localize(naive, is_dst=None)
    except pytz.AmbiguousTimeError:
        return tz.localize(naive, is_dst=True)
    except pytz.NonExistentTimeError:
        return tz.normalize(tz.localize(naive, is_dst=False))


def to_odoo_datetime(value, tz_name=None):
    """A local wall-clock (naive) or aware datetime -> Odoo's UTC string."""
    if value is None:
        return False
    aware = value if value.tzinfo else localize(value, tz_name)
    return aware.astimezone(pytz.utc).strftime(ODOO_DATETIME)


def today(tz_name=None, now=None):
    """Today's date in the given or the user's zone."""
    return (now or now_utc()).astimezone(get_tz(tz_name)).date()


def day_range_utc(day, tz_name=None):
    """(start, end) of a local day as Odoo UTC strings, for domains: start <= x < end.

    A day is 23 or 25 hours long when DST starts or ends; this follows the zone's rules.
    """
    start = localize(datetime.combine(day, time.min), tz_name)
    end = localize(datetime.combine(day + timedelta(days=1), time.min), tz_name)
    return to_odoo_datetime(start), to_odoo_datetime(end)
