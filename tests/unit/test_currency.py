"""Amounts as Odoo shows them (app/platform/currency.py): symbol side, decimals, no-break space;
currencies from the login's session info, read only when missing, kept per server."""
import pytest

from app.odoo.client import AccessError
from app.platform import currency
from app.platform.currency import NBSP, Currency


class FakeOdoo:
    """Counts reads of res.currency; answers like Odoo's read."""

    def __init__(self, records=(), refuse=False, base_url="http://odoo.test"):
        self.base_url, self.db = base_url, "fk"
        self.records = {r["id"]: r for r in records}
        self.refuse = refuse
        self.reads = []

    def read(self, model, ids, fields):
        assert model == "res.currency" and set(fields) <= {"name", "symbol", "position",
                                                           "decimal_places"}
        self.reads.append(list(ids))
        if self.refuse:
            raise AccessError("no")
        return [self.records[i] for i in ids if i in self.records]


@pytest.fixture(autouse=True)
def empty_cache():
    currency.clear_cache()
    yield
    currency.clear_cache()


@pytest.mark.parametrize("cur, amount, shown", [
    (Currency("$", "before", 2), 1234.5, f"${NBSP}1,234.50"),
    (Currency("€", "after", 2), 1234.5, f"1,234.50{NBSP}€"),
    (Currency("¥", "after", 0), 1234.5, f"1,235{NBSP}¥"),   # half up, as Odoo's float_round
    (Currency("$", "before", 2), 2.675, f"${NBSP}2.68"),
    (Currency("د.ك", "after", 3), 2.5, f"2.500{NBSP}د.ك"),
    (Currency("$", "before", 2), -40, f"${NBSP}-40.00"),
    (Currency("$", "before", 2), None, f"${NBSP}0.00"),
    (Currency("", "after", 2), 5, "5.00"),
])
def test_format_as_odoo(cur, amount, shown):
    assert cur.format(amount) == shown


def test_session_info_currencies_cost_no_call():
    odoo = FakeOdoo()
    # Shapes of Odoo 16-18 and 19 (19 adds the name).
    currency.remember(odoo, {"1": {"symbol": "$", "position": "before", "digits": [69, 2]},
                             "3": {"name": "EUR", "symbol": "€", "position": "after",
                                   "digits": [69, 2]}})
    found = currency.lookup(odoo, [[1, "USD"], [3, "EUR"], [1, "USD"], False])
    assert found == {1: Currency("$", "before", 2), 3: Currency("€", "after", 2)}
    assert odoo.reads == []


def test_missing_currencies_are_read_once_and_kept():
    odoo = FakeOdoo([{"id": 9, "name": "CHF", "symbol": "CHF", "position": "after",
                      "decimal_places": 2}])
    assert currency.lookup(odoo, [[9, "CHF"]])[9].format(3) == f"3.00{NBSP}CHF"
    assert currency.lookup(odoo, [[9, "CHF"]])[9].symbol == "CHF"
    assert odoo.reads == [[9]]
    # Another server is another cache.
    other = FakeOdoo([{"id": 9, "name": "GBP", "symbol": "£", "position": "before",
                       "decimal_places": 2}], base_url="http://other.test")
    assert currency.lookup(other, [[9, "GBP"]])[9].symbol == "£"


def test_a_refused_or_vanished_currency_shows_its_code():
    refused = FakeOdoo(refuse=True)
    assert currency.lookup(refused, [[4, "SEK"]])[4].format(1) == f"1.00{NBSP}SEK"
    gone = FakeOdoo()
    assert currency.lookup(gone, [[5, "NOK"]])[5].symbol == "NOK"


def test_bad_session_info_entries_are_ignored():
    odoo = FakeOdoo()
    currency.remember(odoo, {"x": {"symbol": "?"}, "2": "junk", "7": {"symbol": "kr",
                                                                     "digits": [69, 99]}})
    assert currency.lookup(odoo, [[7, "DKK"]])[7] == Currency("kr", "after", 2)
    currency.remember(odoo, None)
