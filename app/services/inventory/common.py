"""Inventory: states, wizards, errors, quantity parsing and the per-process field caches."""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass

from werkzeug.exceptions import Forbidden, NotFound

from app.platform import formatting as fmt
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import Filter, ListSpec
from app.platform.ttl_cache import TTLCache, server_key

logger = logging.getLogger(__name__)

LIST_LIMIT = 30
MOVE_LIMIT = 200
VAN_LIMIT = 300
LOW_QUANTITY = 2.0
CACHE_SECONDS = 300
MAX_QUANTITY = 1_000_000
QUESTION_MAX_AGE = 3600
OPEN_STATES = ["assigned", "confirmed", "waiting"]
STATE_LABELS = {
    "draft": lazy_gettext("Draft"),
    "waiting": lazy_gettext("Waiting another operation"),
    "confirmed": lazy_gettext("Waiting"),
    "partially_available": lazy_gettext("Partially available"),
    "assigned": lazy_gettext("Ready"),
    "done": lazy_gettext("Done"),
    "cancel": lazy_gettext("Cancelled"),
}
STATE_TONES = {"assigned": "success", "done": "info", "cancel": "danger", "draft": None}
STATUS_FILTERS = {
    "todo": [("state", "in", OPEN_STATES)],
    "ready": [("state", "=", "assigned")],
    "waiting": [("state", "in", ["confirmed", "waiting"])],
    "late": None,  # needs "now": see list_domain
}
LIST_SPEC = ListSpec(
    filters=(Filter("todo", lazy_gettext("To do")), Filter("ready", lazy_gettext("Ready")),
             Filter("waiting", lazy_gettext("Waiting")), Filter("late", lazy_gettext("Late"))),
    default_filter="todo",
    sorts={"scheduled": "scheduled_date", "ref": "name", "state": "state"},
    default_sort=("scheduled", "asc"),
    page_size=LIST_LIMIT,
    search_label=lazy_gettext("Scan a transfer or product, or search"),
)
KIND_FILTERS = {
    "all": lazy_gettext("All"),
    "incoming": lazy_gettext("Receipts"),
    "outgoing": lazy_gettext("Deliveries"),
    "internal": lazy_gettext("Internal"),
    "van": lazy_gettext("My van"),
}
PICKING_LIST_FIELDS = [
    "name",
    "state",
    "picking_type_id",
    "picking_type_code",
    "partner_id",
    "scheduled_date",
    "origin",
    "location_id",
    "location_dest_id",
    "user_id",
    "priority",
]
PICKING_DETAIL_FIELDS = PICKING_LIST_FIELDS + ["date_done", "backorder_id", "note"]

# The wizards Odoo answers button_validate with, the buttons Fieldkit offers for each (method,
# label, style) and the question in the words of Odoo's own dialog.
WIZARDS = {
    "stock.immediate.transfer": {
        "title": lazy_gettext("Immediate transfer?"),
        "text": lazy_gettext("You have not recorded done quantities yet. Odoo will process "
                             "everything that is reserved as done."),
        "answers": [("process", lazy_gettext("Apply: all reserved is done"), "primary")],
    },
    "stock.backorder.confirmation": {
        "title": lazy_gettext("Create a backorder?"),
        "text": lazy_gettext("You have processed less than the initial demand. Create a "
                             "backorder if you expect to process the remaining quantities "
                             "later; no backorder if you will not."),
        "answers": [
            ("process", lazy_gettext("Create backorder"), "primary"),
            ("process_cancel_backorder", lazy_gettext("No backorder"), None),
        ],
    },
    "confirm.stock.sms": {
        "title": lazy_gettext("Send an SMS to the customer?"),
        "text": lazy_gettext("Odoo can text customers when their delivery is validated. This "
                             "question is asked once for the company; the answer applies to "
                             "every later delivery."),
        "answers": [
            ("send_sms", lazy_gettext("Yes, send SMS"), "primary"),
            ("dont_send_sms", lazy_gettext("No SMS"), None),
        ],
    },
}
# When Fieldkit validates on its own (parts, at the end of a job), it answers like this: the
# parts were used, so nothing is left to deliver later; the company-wide SMS question is left
# for a person (``skip_sms`` is stock_sms's own switch for validations without a user).
AUTO_ANSWERS = {
    "stock.immediate.transfer": "process",
    "stock.backorder.confirmation": "process_cancel_backorder",
}
AUTO_CONTEXT = {"skip_sms": True}


class InventoryError(ActionRefused):
    """Something Fieldkit refuses before (or instead of) asking Odoo; the message is for people."""

    def __init__(self, user_message, *, field=None):
        super().__init__(user_message)
        self.field = field


class TransferNotFound(NotFound):
    description = lazy_gettext("This transfer does not exist, or it was deleted.")


class TransferForbidden(Forbidden):
    description = lazy_gettext("This transfer is assigned to someone else.")


# --------------------------------------------------------------------------- small helpers


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def format_quantity(value) -> str:
    """2.0 -> "2", 1.5 -> "1.5" (Odoo floats, without trailing zeros)."""
    value = float(value or 0.0)
    return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def parse_quantity(text, label=None) -> float:
    """A quantity typed by a person: a non-negative number ("2", "1.5", "1,5").

    :raises InventoryError: for anything else, with a message naming the line.
    """
    label = label or _("Quantity")
    raw = (text or "").strip() if isinstance(text, str) else text
    if isinstance(raw, str) and len(raw) > 20:
        raise InventoryError(_("%(label)s: that is not a number.", label=label))
    if raw in ("", None):
        raise InventoryError(_("%(label)s: type a number (0 or more).", label=label))
    try:   # typed in the user's locale ("1,5" in French), or with a dot
        value = float(fmt.parse_number(raw) if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise InventoryError(_("%(label)s: “%(text)s” is not a number.", label=label,
                               text=text)) from None
    if not math.isfinite(value):
        raise InventoryError(_("%(label)s: “%(text)s” is not a number.", label=label, text=text))
    if value < 0:
        raise InventoryError(_("%(label)s: a quantity can't be negative.", label=label))
    if value > MAX_QUANTITY:
        raise InventoryError(_("%(label)s: %(text)s is more than Fieldkit accepts.", label=label,
                               text=text))
    return value


# --------------------------------------------------------------------------- per-process caches

_cache = TTLCache(CACHE_SECONDS)
# Which fields a model has on a server, and each user's van: in the shared store too, so a new
# or restarted worker does not ask again (issue 26: "no cold-worker tax").
_fields_cache = TTLCache(CACHE_SECONDS, shared="model-fields", encode=sorted, decode=frozenset)
_vans = TTLCache(CACHE_SECONDS, shared="vans", encode=lambda van: dataclasses.asdict(van),
                 decode=lambda values: _van_type()(**values))


def _van_type():
    from app.services.inventory.van import Van

    return Van


def _cached(key, loader):
    return _cache.get(key, loader)


def clear_caches():
    for cache in (_cache, _fields_cache, _vans):
        cache.clear()


def _server_key(odoo):
    return server_key(odoo)


def model_fields(odoo, model: str, names: list[str]) -> frozenset:
    """Which of `names` the model has on this server (``fields_get`` leaves the others out)."""
    key = (*_server_key(odoo), "fields", model, tuple(names))
    return _fields_cache.get(
        key, lambda: frozenset(odoo.call(model, "fields_get", list(names), attributes=["type"]))
    )


@dataclass(frozen=True)
class QuantityFields:
    """The move fields of this server's version for "how many were done"."""

    done: str  # quantity_done (15, 16) | quantity (17+)
    picked: str | None  # None (15, 16) | "picked" (17+)
    reserved: str | None  # reserved_availability (15, 16) | None (17+: quantity is reserved)

    def values(self, quantity: float) -> dict:
        vals = {self.done: quantity}
        if self.picked:
            vals[self.picked] = True
        return vals


def quantity_fields(odoo) -> QuantityFields:
    present = model_fields(
        odoo, "stock.move", ["quantity_done", "quantity", "picked", "reserved_availability"]
    )
    if "quantity_done" in present:
        reserved = "reserved_availability" if "reserved_availability" in present else None
        return QuantityFields("quantity_done", None, reserved)
    return QuantityFields("quantity", "picked" if "picked" in present else None, None)
