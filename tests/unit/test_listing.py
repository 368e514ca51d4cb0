"""The shared list query: filters, search, sort and page from the query string, never a 500."""

import pytest
from werkzeug.datastructures import MultiDict

from app.platform.listing import (
    BoardWindow,
    Filter,
    ListSpec,
    page_info,
    parse_list_args,
    search_domain,
)

SPEC = ListSpec(
    filters=(Filter("mine", "Mine"), Filter("all", "All")),
    default_filter="mine",
    sorts={"date": "date_order", "ref": "name", "customer": "partner_id"},
    default_sort=("date", "desc"),
    page_size=20,
)


def test_defaults():
    query = parse_list_args(MultiDict(), SPEC)
    assert (query.filter, query.q, query.sort, query.direction, query.page) == (
        "mine", "", "date", "desc", 1)
    assert query.order() == "date_order desc, id desc" and query.offset == 0
    assert not query.active and query.errors == ()


def test_chosen_values():
    query = parse_list_args(
        MultiDict({"filter": "all", "q": "  acme   co ", "sort": "ref", "dir": "asc", "page": "3"}),
        SPEC)
    assert query.filter == "all" and query.q == "acme co" and query.active
    assert query.order() == "name asc, id asc" and query.offset == 40 and query.limit == 20


@pytest.mark.parametrize("args", [
    {"filter": "nope"}, {"sort": "password"}, {"dir": "sideways"}, {"page": "x"},
    {"page": "-1"}, {"page": "99999999999"}, {"q": "x" * 500},
])
def test_bad_values_fall_back_with_a_message(args):
    query = parse_list_args(MultiDict(args), SPEC)
    assert query.errors
    assert query.filter in ("mine", "all") and query.sort in SPEC.sorts
    assert query.page >= 1 and len(query.q) <= 100


def test_page_info():
    query = parse_list_args(MultiDict({"page": "2"}), SPEC)
    assert page_info(query, 45, 20) == {
        "page": 2, "pages": 3, "has_next": True, "first": 21, "last": 40, "total": 45}
    assert page_info(parse_list_args(MultiDict(), SPEC), 0, 0)["first"] == 0


def test_search_domain_ors_the_fields():
    assert search_domain("", ["name"]) == []
    assert search_domain("ac", ["name", "partner_id"]) == [
        "|", ("name", "ilike", "ac"), ("partner_id", "ilike", "ac")]


def test_a_board_window_is_the_whole_board_or_one_column_a_page_at_a_time():
    whole = BoardWindow.from_args({})
    assert (whole.stage, whole.domain(), whole.read_kwargs()) == (None, [], {"limit": 100})
    assert whole.column(4, 40, 12) == {"count": 40, "shown": 12, "chosen": False, "hidden": 28,
                                       "pages": None}
    column = BoardWindow.from_args({"stage": "4", "page": "3"})
    assert column.domain() == [("stage_id", "=", 4)]
    assert column.read_kwargs() == {"limit": 50, "offset": 100}
    chosen = column.column(4, 120, 20)
    assert (chosen["hidden"], chosen["pages"]["page"], chosen["pages"]["pages"]) == (0, 3, 3)
    assert column.column(5, 7, 0)["hidden"] == 7          # another column: its link shows them
    assert BoardWindow.from_args({"stage": "4"}).column(4, 30, 30)["pages"] is None  # fits
    bad = BoardWindow.from_args({"stage": "x'--", "page": "0"})
    assert bad.stage is None and len(bad.errors) == 2
