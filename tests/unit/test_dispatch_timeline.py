"""The dispatch timeline: jobs of a technician that overlap are given rows, one under the other."""
from datetime import datetime, timedelta

from app.services import planning


def card(start_hour, hours, id_):
    start = datetime(2026, 12, 4) + timedelta(hours=start_hour)
    return {"id": id_, "start_local": start, "end_local": start + timedelta(hours=hours)}


def test_overlapping_jobs_take_the_first_free_row():
    cards = [card(8, 2, 1), card(8, 1.5, 2), card(9, 3, 3), card(10, 1, 4), card(14, 1, 5)]
    assert planning.stack_rows(cards) == 3
    assert [c["row"] for c in cards] == [0, 1, 2, 0, 0]


def test_back_to_back_jobs_share_a_row_and_an_empty_day_has_one():
    cards = [card(8, 1, 1), card(9, 1, 2)]
    assert planning.stack_rows(cards) == 1
    assert [c["row"] for c in cards] == [0, 0]
    assert planning.stack_rows([]) == 1
