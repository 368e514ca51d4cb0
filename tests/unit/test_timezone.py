"""UTC <-> user zone conversions around DST changes, and the Jinja filters."""
from datetime import date, datetime

import pytest
import pytz

from app.platform import formatting as fmt
from app.platform import timezone as tz

NY = "America/New_York"
LA = "America/Los_Angeles"


def utc(*args):
    return pytz.utc.localize(datetime(*args))


def test_odoo_utc_string_to_local_in_summer_and_winter():
    assert tz.to_local("2026-07-01 18:30:00", NY).strftime("%H:%M %Z") == "14:30 EDT"
    assert tz.to_local("2026-01-15 18:30:00", NY).strftime("%H:%M %Z") == "13:30 EST"
    assert tz.to_local("2026-01-15 18:30:00", LA).strftime("%H:%M") == "10:30"


def test_empty_values_from_odoo():
    assert tz.to_local(False, NY) is None
    assert tz.parse_odoo_datetime("") is None
    assert fmt.format_time(False, NY) == ""
    assert fmt.relative_day(None, NY) == ""
    assert tz.to_odoo_datetime(None) is False


def test_round_trip_local_to_odoo():
    assert tz.to_odoo_datetime(datetime(2026, 7, 1, 14, 30), NY) == "2026-07-01 18:30:00"
    assert tz.to_odoo_datetime(datetime(2026, 1, 15, 13, 30), NY) == "2026-01-15 18:30:00"
    aware = pytz.timezone(LA).localize(datetime(2026, 1, 15, 10, 30))
    assert tz.to_odoo_datetime(aware) == "2026-01-15 18:30:00"


def test_times_across_spring_forward():
    # 2026-03-08: New York clocks jump from 02:00 EST to 03:00 EDT.
    assert fmt.format_time("2026-03-08 06:59:00", NY) == "01:59"
    assert fmt.format_time("2026-03-08 07:00:00", NY) == "03:00"


def test_nonexistent_wall_time_moves_forward():
    # 02:30 does not exist on 2026-03-08 in New York; a wall clock would show 03:30.
    assert tz.to_odoo_datetime(datetime(2026, 3, 8, 2, 30), NY) == "2026-03-08 07:30:00"


def test_ambiguous_wall_time_takes_the_first_occurrence():
    # 2026-11-01: 01:30 happens twice in New York (EDT, then EST); the first is 05:30 UTC.
    assert tz.to_odoo_datetime(datetime(2026, 11, 1, 1, 30), NY) == "2026-11-01 05:30:00"
    assert fmt.format_time("2026-11-01 05:30:00", NY) == "01:30"
    assert fmt.format_time("2026-11-01 06:30:00", NY) == "01:30"


@pytest.mark.parametrize("day, start, end, hours", [
    (date(2026, 3, 8), "2026-03-08 05:00:00", "2026-03-09 04:00:00", 23),
    (date(2026, 11, 1), "2026-11-01 04:00:00", "2026-11-02 05:00:00", 25),
    (date(2026, 7, 1), "2026-07-01 04:00:00", "2026-07-02 04:00:00", 24),
])
def test_day_range_follows_dst(day, start, end, hours):
    got_start, got_end = tz.day_range_utc(day, NY)
    assert (got_start, got_end) == (start, end)
    length = tz.parse_odoo_datetime(got_end) - tz.parse_odoo_datetime(got_start)
    assert length.total_seconds() == hours * 3600


def test_today_depends_on_the_zone():
    now = utc(2026, 3, 9, 3, 0)  # 23:00 on the 8th in New York, 20:00 in Los Angeles
    assert tz.today(NY, now) == date(2026, 3, 8)
    assert tz.today("Europe/Paris", now) == date(2026, 3, 9)


def test_relative_day_labels():
    now = utc(2026, 3, 8, 15, 0)  # 11:00 EDT on Sunday 8 March
    assert fmt.relative_day("2026-03-08 18:30:00", NY, now) == "Today 14:30"
    assert fmt.relative_day("2026-03-09 13:00:00", NY, now) == "Tomorrow 09:00"
    assert fmt.relative_day("2026-03-07 22:00:00", NY, now) == "Yesterday 17:00"
    later = fmt.relative_day("2026-03-11 12:00:00", NY, now)
    assert later.startswith("Wed 11 Mar") and later.endswith("08:00")


def test_relative_day_across_midnight_in_another_zone():
    now = utc(2026, 3, 9, 6, 0)  # 9 March in New York (02:00), still 8 March in LA (23:00)
    assert fmt.relative_day("2026-03-09 06:30:00", LA, now) == "Today 23:30"
    assert fmt.relative_day("2026-03-09 06:30:00", NY, now) == "Today 02:30"


def test_date_only_values_are_not_shifted():
    assert fmt.format_date("2026-03-08", "Pacific/Honolulu").startswith("Sun 8 Mar")


def test_unknown_zone_falls_back_to_utc():
    assert fmt.format_time("2026-03-08 18:30:00", "Mars/Olympus") == "18:30"


def test_filters_use_the_user_zone_from_the_session(app):
    app.add_url_rule("/tz-probe", "tz_probe", lambda: app.jinja_env.from_string(
        "{{ '2026-07-01 18:30:00'|local_time }} {{ '2026-07-01 18:30:00'|local_date }}"
    ).render())
    client = app.test_client()
    with client.session_transaction() as session:
        session["tz"] = LA
    assert client.get("/tz-probe").data.decode().startswith("11:30 Wed 1 Jul")


@pytest.fixture
def odoo_url():
    return "http://odoo.test"
