"""Amounts as Odoo shows them: the currency's symbol on its side (``$ 1,234.50``,
``1,234.50 €``), with its number of decimals.

Odoo's session info at login lists the active currencies (``currencies``: ``{id: {symbol,
position, digits}}``, Odoo 15-19), so they cost no call: :func:`remember` keeps them per
process and server. A currency not among them (archived since, or a process that did not see a
login) is read once with ``res.currency.read`` (1 RPC for all those a page lacks) and kept too.
"""
from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass

from app.odoo.client import AccessError
from app.platform import formatting as fmt
from app.platform.ttl_cache import TTLCache, server_key

MODEL = "res.currency"
FIELDS = ["name", "symbol", "position", "decimal_places"]
NBSP = fmt.NBSP

# Symbols and decimals change about never; a login refreshes them anyway. Kept in the shared
# store too, so a new or restarted worker does not read them again.
_cache = TTLCache(seconds=6 * 3600, shared="currencies",
                  encode=lambda currency: dataclasses.asdict(currency),
                  decode=lambda values: Currency(**values))


@dataclass(frozen=True)
class Currency:
    symbol: str
    position: str = "after"  # "before" or "after" the amount, as res.currency.position
    digits: int = 2

    def format(self, amount) -> str:
        """As Odoo's formatLang: the amount rounded to the currency's decimals, grouped, and
        the symbol before or after it, joined by a no-break space."""
        return fmt.format_money(amount, self.symbol, self.position, self.digits)


def _m2o(value):
    """(id, name) of a many2one value ([id, "USD"]), (id, "") of a bare id."""
    if isinstance(value, (list, tuple)) and value:
        return value[0], (value[1] if len(value) > 1 else "")
    return (value or None), ""


def _digits(value, default=2):
    # Session info gives [69, 2] (precision, decimals); the record gives decimal_places.
    if isinstance(value, (list, tuple)) and len(value) > 1:
        value = value[1]
    return value if isinstance(value, int) and 0 <= value <= 6 else default


def _from(values, digits) -> Currency:
    return Currency(symbol=values.get("symbol") or values.get("name") or "",
                    position=values.get("position") or "after", digits=_digits(digits))


def remember(odoo, currencies):
    """Keep the currencies of a session info (``info["currencies"]``) for this server."""
    for key, value in (currencies or {}).items():
        if isinstance(value, dict) and str(key).isdigit():
            _cache.put(server_key(odoo, int(key)), _from(value, value.get("digits")))


def is_cached(odoo, currency_id) -> bool:
    return _cache.has(server_key(odoo, currency_id))


def missing_ids(odoo, values) -> list[int]:
    """The ids among many2one `values` whose currency is not cached yet."""
    ids = {_m2o(v)[0] for v in values}
    return sorted(i for i in ids if isinstance(i, int) and not is_cached(odoo, i))


def keep_read(odoo, records):
    """Keep the currencies of a ``res.currency.read`` of FIELDS."""
    for r in records or []:
        _cache.put(server_key(odoo, r["id"]), _from(r, r.get("decimal_places")))


def lookup(odoo, values) -> dict:
    """``{id: Currency}`` for the many2one currency `values` of the records a page shows:
    from the cache, reading those it lacks in one call (0 RPCs when all are known). A currency
    the user may not read shows as its code after the amount."""
    missing = missing_ids(odoo, values)
    if missing:
        # Amounts stay readable with the code Odoo sent along when the read is refused.
        with contextlib.suppress(AccessError):
            keep_read(odoo, odoo.read(MODEL, missing, FIELDS))
    out = {}
    for value in values:
        currency_id, code = _m2o(value)
        if currency_id is None or currency_id in out:
            continue
        out[currency_id] = _cache.peek(server_key(odoo, currency_id)) or Currency(symbol=code)
    return out


def clear_cache():
    _cache.clear()
