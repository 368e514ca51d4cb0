"""Sales: viewer and rights, what this Odoo's sale models look like, and formatting."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import Forbidden, NotFound

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall
from app.platform import currency, partners
from app.platform import formatting as fmt
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import Filter, ListSpec
from app.platform.ttl_cache import TTLCache, translated_key
from app.services.viewer import Viewer

MODEL = "sale.order"
LINE_MODEL = "sale.order.line"
TAX_MODEL = "account.tax"
MAX_LINES = 40
SEARCH_LIMIT = 8
STATE_TONES = {"draft": "", "sent": "info", "sale": "success", "done": "success",
               "cancel": "danger"}
SPEC = ListSpec(
    filters=(
        Filter("mine", lazy_gettext("My quotes")),
        Filter("to_confirm", lazy_gettext("To confirm")),
        Filter("confirmed", lazy_gettext("Confirmed")),
        Filter("all", lazy_gettext("All")),
    ),
    default_filter="mine",
    sorts={"date": "date_order", "ref": "name", "customer": "partner_id",
           "total": "amount_total", "state": "state"},
    default_sort=("date", "desc"),
    page_size=20,
    search_label=lazy_gettext("Search by reference or customer"),
)
ORDER_LIST_FIELDS = ["name", "partner_id", "date_order", "state", "amount_total", "currency_id",
                     "user_id", "validity_date"]
ORDER_DETAIL_FIELDS = ORDER_LIST_FIELDS + [
    "amount_untaxed", "amount_tax", "order_line", "note", "origin", "client_order_ref",
    "signed_by", "signed_on", "require_signature", "locked", "opportunity_id", "message_ids",
]
LINE_FIELDS = ["product_id", "name", "product_uom_qty", "price_unit", "discount",
               "price_subtotal", "price_tax", "price_total", "display_type"]


class SalesForbidden(Forbidden):
    description = lazy_gettext("You don't have access to Sales in Odoo. Ask the office if you "
                               "need it.")


class QuoteNotFound(NotFound):
    description = lazy_gettext("This quote does not exist, or you may not see it.")


class QuoteRefused(ActionRefused):
    """Fieldkit refuses a quote action before asking Odoo; the message is for people."""


@dataclass(frozen=True)
class SalesViewer(Viewer):
    """Who is looking, with their sales rights: "none", "own" or "all"."""

    sales_access: str = "none"

    @classmethod
    def from_session(cls, session) -> SalesViewer:
        base = Viewer.from_session(session)
        access = session.get("sales_access")
        if access not in ("none", "own", "all"):
            # Sessions from before the login stored it: office roles see all, others their own.
            access = "own" if base.is_technician else "all"
        return cls(**{**base.__dict__, "sales_access": access})

    @property
    def sees_all(self) -> bool:
        return self.sales_access == "all"


def require_access(viewer: SalesViewer):
    """:raises SalesForbidden: for a user without any sales rights."""
    if viewer.sales_access not in ("own", "all"):
        raise SalesForbidden()


# --------------------------------------------------------------------------- version info


@dataclass(frozen=True)
class ModelInfo:
    """What this Odoo's sale models look like (from fields_get, read once per process)."""

    states: dict            # state key -> label, in Odoo's order
    order_fields: frozenset
    line_fields: frozenset
    tax_field: str
    uom_field: str

    def order_read_fields(self, wanted):
        return [f for f in wanted if f in self.order_fields]

    def line_read_fields(self):
        return [f for f in LINE_FIELDS + [self.tax_field] if f in self.line_fields]

    @property
    def confirmed_states(self):
        return [s for s in ("sale", "done") if s in self.states]


def _encode_info(info: ModelInfo) -> dict:
    return {"states": list(info.states.items()), "order_fields": sorted(info.order_fields),
            "line_fields": sorted(info.line_fields), "tax_field": info.tax_field,
            "uom_field": info.uom_field}


def _decode_info(value: dict) -> ModelInfo:
    return ModelInfo(states=dict(value["states"]), order_fields=frozenset(value["order_fields"]),
                     line_fields=frozenset(value["line_fields"]), tax_field=value["tax_field"],
                     uom_field=value["uom_field"])


# Fields per model and version: read once, kept for hours and in the shared store (a new or
# restarted worker does not read them again).
_info_cache = TTLCache(6 * 3600, shared="sale-models", encode=_encode_info, decode=_decode_info)


def _info_key(odoo):
    # Per language: fields_get answers the state labels in the user's language.
    return translated_key(odoo)


def model_info(odoo) -> ModelInfo:
    """The sale models' states and fields, read with ``fields_get`` once (2 RPCs together)."""
    return _info_cache.get(_info_key(odoo), lambda: _read_model_info(odoo))


def _read_model_info(odoo) -> ModelInfo:
    order, lines = odoo.parallel([
        OdooCall("call", MODEL, "fields_get", attributes=["type", "selection"]),
        OdooCall("call", LINE_MODEL, "fields_get", attributes=["type"]),
    ])
    return ModelInfo(
        states=dict(order.get("state", {}).get("selection") or []),
        order_fields=frozenset(order),
        line_fields=frozenset(lines),
        tax_field="tax_ids" if "tax_ids" in lines else "tax_id",
        uom_field="product_uom_id" if "product_uom_id" in lines else "product_uom",
    )


def info_is_cached(odoo) -> bool:
    return _info_cache.has(_info_key(odoo))


def clear_caches():
    _info_cache.clear()
    _tax_names.clear()
    from app.services.sales import scheduling  # the add-on's cache, per server like these
    scheduling.clear_cache()


# Tax names ("15%", "VAT 20%") are configuration: read once per process for the ids a quote
# has that were not seen yet, so a quote page costs no call for them once they are known.
_tax_names = TTLCache(seconds=3600, shared="tax-names")


def tax_names(odoo, lines, info: ModelInfo) -> dict:
    """``{tax id: name}`` for the taxes of these line records (0 RPCs when all are cached,
    else 1); a user Odoo does not let read taxes gets no names, the amounts still show."""
    ids = sorted({t for r in lines for t in (r.get(info.tax_field) or [])
                  if isinstance(t, int)})
    missing = [t for t in ids if not _tax_names.has(translated_key(odoo, t))]
    if missing:
        try:
            found = odoo.read(TAX_MODEL, missing, ["name"])
        except AccessError:
            found = []
        for tax in found:
            _tax_names.put(translated_key(odoo, tax["id"]), tax.get("name") or "")
    names = {t: _tax_names.peek(translated_key(odoo, t)) for t in ids}
    return {t: name for t, name in names.items() if name}


# --------------------------------------------------------------------------- formatting


def _name_search(odoo, version: int, model: str, text: str, domain: list, limit: int) -> list:
    """Odoo's ``name_search`` (1 RPC) with ``domain`` under the keyword this version takes
    (``args`` up to 18, ``domain`` from 19: the other one is a TypeError). ``[[id, name]]``."""
    keyword = versions.name_search_domain_keyword(version)
    return odoo.call(model, "name_search", name=text, limit=limit, **{keyword: domain})


def find_products(odoo, version: int, text: str, limit: int) -> list:
    """Sellable products whose name, internal reference or barcode matches ``text``."""
    return _name_search(odoo, version, "product.product", text, [("sale_ok", "=", True)], limit)


def find_customers(odoo, version: int, text: str, limit: int) -> list:
    """Customers by name: no service location's own partner (:mod:`app.platform.partners`)."""
    return _name_search(odoo, version, "res.partner", text, list(partners.CUSTOMERS), limit)


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def money(amount, order_currency: currency.Currency | None) -> str:
    """``$ 1,234.50``: the amount Odoo computed, shown in the order's currency as Odoo does."""
    return (order_currency or currency.Currency(symbol="")).format(amount)


def currency_of(order: dict, currencies: dict):
    return currencies.get(_m2o_id(order.get("currency_id")))


# Odoo's labels of sale.order.state (16-19, English), for pages that show a quote's state
# without reading fields_get; the server's own (model_info, in the user's language) win when
# this process has them.
STATE_LABELS = {"draft": lazy_gettext("Quotation"), "sent": lazy_gettext("Quotation Sent"),
                "sale": lazy_gettext("Sales Order"), "done": lazy_gettext("Locked"),
                "cancel": lazy_gettext("Cancelled")}


def brief_lines(odoo, orders) -> dict:
    """``{order id: "Sales Order · $ 1,234.50"}`` for lists of quotes on other pages (the
    customer's quotes): Odoo's state label and the total in its currency. Needs ``state``,
    ``amount_total`` and ``currency_id``; 0 RPCs once the currencies are known."""
    labels = model_info(odoo).states if info_is_cached(odoo) else STATE_LABELS
    currencies = currency.lookup(odoo, [o.get("currency_id") for o in orders])
    return {o["id"]: f"{labels.get(o.get('state'), o.get('state') or '')} · "
                     f"{money(o.get('amount_total'), currency_of(o, currencies))}"
            for o in orders}


def state_of(order: dict, info: ModelInfo) -> dict:
    """The badge: key, label (Odoo's own, per version) and tone; a locked 17+ order says so."""
    key = order.get("state") or "draft"
    label = info.states.get(key, key)
    if order.get("locked") and key == "sale":
        label = _("%(state)s (locked)", state=label)
    return {"key": key, "label": label, "tone": STATE_TONES.get(key, "")}


def summarize(order: dict, info: ModelInfo, tz: str, now, currencies: dict) -> dict:
    """A quote's list row; `currencies` from :func:`currency.lookup`."""
    return {
        "id": order["id"],
        "name": order.get("name") or f"#{order['id']}",
        "customer": _m2o_name(order.get("partner_id")),
        "partner_id": _m2o_id(order.get("partner_id")),
        "date": fmt.relative_day(order.get("date_order"), tz, now) if order.get("date_order")
        else "",
        "state": state_of(order, info),
        "total": money(order.get("amount_total"), currency_of(order, currencies)),
        "salesperson": _m2o_name(order.get("user_id")),
        "validity": order.get("validity_date") or "",
        "company": _m2o_name(order.get("company_id")),  # read with several companies only
    }
