"""Inventory (Odoo ``stock``): transfers to do, working one, the van's stock, parts used on jobs.

Routes hand in the request's ``OdooAPI`` and a :class:`~app.services.jobs.Viewer` and get back
plain dicts. Everything Odoo-specific lives here:

* quantity fields are read from ``stock.move``'s ``fields_get`` once per process: up to 16 a move
  has ``quantity_done`` (and the reservation in ``reserved_availability``); from 17 it has
  ``quantity`` plus the ``picked`` flag, and Fieldkit writes both, as the web client does.
* validating follows Odoo's answers: ``button_validate`` may answer a wizard action instead of
  ``True`` (the immediate transfer up to 16, the backorder question when quantities are short,
  stock_sms's one-time SMS question after either). Fieldkit asks the user the same question,
  calls the chosen button on the wizard Odoo made (``res_id``) or on a new one created under
  the action's context, and follows again until Odoo answers without an action.
* the van: the technician's van is a warehouse (Odoo's usual way to model vans). It is the
  worker's *Default Warehouse* (``fsm.person.default_warehouse_id``, OCA fieldservice_stock) when
  that add-on is installed and set, else the user's *Default Warehouse* (``res.users
  .property_warehouse_id``, from sale_stock), else the company's first warehouse. Its stock
  location (``lot_stock_id``) is what "the van" holds; parts leave from there.
* ownership: Odoo lets every stock user touch every transfer of the company; Fieldkit lets a
  technician work only transfers without a Responsible or with themselves as Responsible.
* parts used on a job are stock moves in one delivery per job (origin = the job's reference,
  ``fsm_order_id`` set too when fieldservice_stock adds it), from the van to the job location's
  inventory location (fieldservice_stock) or the customers location, validated when the job is
  finished.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import Forbidden, NotFound

from app.services import chatter
from app.services import timezone as tzs
from app.services.actions import ActionRefused
from app.services.listing import Filter, ListSpec
from app.services.odoo_api import AccessError, MissingError, OdooCall, UserError
from app.services.ttl_cache import TTLCache, server_key

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
    "draft": "Draft",
    "waiting": "Waiting another operation",
    "confirmed": "Waiting",
    "partially_available": "Partially available",
    "assigned": "Ready",
    "done": "Done",
    "cancel": "Cancelled",
}
STATE_TONES = {"assigned": "success", "done": "info", "cancel": "danger", "draft": None}
STATUS_FILTERS = {
    "todo": [("state", "in", OPEN_STATES)],
    "ready": [("state", "=", "assigned")],
    "waiting": [("state", "in", ["confirmed", "waiting"])],
    "late": None,  # needs "now": see list_domain
}
LIST_SPEC = ListSpec(
    filters=(Filter("todo", "To do"), Filter("ready", "Ready"), Filter("waiting", "Waiting"),
             Filter("late", "Late")),
    default_filter="todo",
    sorts={"scheduled": "scheduled_date", "ref": "name", "state": "state"},
    default_sort=("scheduled", "asc"),
    page_size=LIST_LIMIT,
    search_label="Scan a transfer or product, or search",
)
KIND_FILTERS = {
    "all": "All",
    "incoming": "Receipts",
    "outgoing": "Deliveries",
    "internal": "Internal",
    "van": "My van",
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
        "title": "Immediate transfer?",
        "text": "You have not recorded done quantities yet. Odoo will process everything "
        "that is reserved as done.",
        "answers": [("process", "Apply: all reserved is done", "primary")],
    },
    "stock.backorder.confirmation": {
        "title": "Create a backorder?",
        "text": "You have processed less than the initial demand. Create a backorder if you "
        "expect to process the remaining quantities later; no backorder if you will not.",
        "answers": [
            ("process", "Create backorder", "primary"),
            ("process_cancel_backorder", "No backorder", None),
        ],
    },
    "confirm.stock.sms": {
        "title": "Send an SMS to the customer?",
        "text": "Odoo can text customers when their delivery is validated. This question is "
        "asked once for the company; the answer applies to every later delivery.",
        "answers": [
            ("send_sms", "Yes, send SMS", "primary"),
            ("dont_send_sms", "No SMS", None),
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
    description = "This transfer does not exist, or it was deleted."


class TransferForbidden(Forbidden):
    description = "This transfer is assigned to someone else."


# --------------------------------------------------------------------------- small helpers


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def format_quantity(value) -> str:
    """2.0 -> "2", 1.5 -> "1.5" (Odoo floats, without trailing zeros)."""
    value = float(value or 0.0)
    return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def parse_quantity(text, label="Quantity") -> float:
    """A quantity typed by a person: a non-negative number ("2", "1.5", "1,5").

    :raises InventoryError: for anything else, with a message naming the line.
    """
    raw = (text or "").strip().replace(",", ".") if isinstance(text, str) else text
    if isinstance(raw, str) and len(raw) > 20:
        raise InventoryError(f"{label}: that is not a number.")
    if raw in ("", None):
        raise InventoryError(f"{label}: type a number (0 or more).")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InventoryError(f"{label}: “{text}” is not a number.") from None
    if not math.isfinite(value):
        raise InventoryError(f"{label}: “{text}” is not a number.")
    if value < 0:
        raise InventoryError(f"{label}: a quantity can't be negative.")
    if value > MAX_QUANTITY:
        raise InventoryError(f"{label}: {text} is more than Fieldkit accepts.")
    return value


# --------------------------------------------------------------------------- per-process caches

_cache = TTLCache(CACHE_SECONDS)


def _cached(key, loader):
    return _cache.get(key, loader)


def clear_caches():
    _cache.clear()


def _server_key(odoo):
    return server_key(odoo)


def model_fields(odoo, model: str, names: list[str]) -> frozenset:
    """Which of `names` the model has on this server (``fields_get`` leaves the others out)."""
    key = (*_server_key(odoo), "fields", model, tuple(names))
    return _cached(
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


# --------------------------------------------------------------------------- the van


@dataclass(frozen=True)
class Van:
    warehouse_id: int | None
    name: str
    location_id: int | None
    location_name: str
    out_type_id: int | None
    is_set: bool  # False: no van configured, the company's stock stands in


def _person_warehouse(odoo, viewer) -> int | None:
    if "default_warehouse_id" not in model_fields(odoo, "fsm.person", ["default_warehouse_id"]):
        return None
    rows = odoo.search_read(
        "fsm.person", [("partner_id", "=", viewer.partner_id)], ["default_warehouse_id"], limit=1
    )
    return _m2o_id(rows[0].get("default_warehouse_id")) if rows else None


def _user_warehouse(odoo, viewer) -> int | None:
    if "property_warehouse_id" not in model_fields(odoo, "res.users", ["property_warehouse_id"]):
        return None
    rows = odoo.read("res.users", [viewer.user_id], ["property_warehouse_id"])
    return _m2o_id(rows[0].get("property_warehouse_id")) if rows else None


def _load_van(odoo, viewer) -> Van:
    wh_id = _person_warehouse(odoo, viewer) or _user_warehouse(odoo, viewer)
    fields = ["name", "lot_stock_id", "out_type_id"]
    if wh_id:
        rows = odoo.read("stock.warehouse", [wh_id], fields)
    else:
        domain = [("company_id", "=", viewer.company_id)] if viewer.company_id else []
        rows = odoo.search_read("stock.warehouse", domain, fields, limit=1)
    if not rows:
        return Van(None, "", None, "", None, False)
    wh = rows[0]
    return Van(
        warehouse_id=wh["id"],
        name=wh.get("name") or "",
        location_id=_m2o_id(wh.get("lot_stock_id")),
        location_name=_m2o_name(wh.get("lot_stock_id")),
        out_type_id=_m2o_id(wh.get("out_type_id")),
        is_set=bool(wh_id),
    )


def get_van(odoo, viewer) -> Van:
    """The viewer's van (see the module docstring), read once every few minutes per user."""
    # per user and active companies: the van's warehouse is seen through Odoo's company rules
    key = (*_server_key(odoo), "van", viewer.user_id, viewer.companies_key)
    return _cached(key, lambda: _load_van(odoo, viewer))


def van_is_cached(odoo, viewer) -> bool:
    return _cache.has((*_server_key(odoo), "van", viewer.user_id))


# --------------------------------------------------------------------------- list


def own_domain(viewer) -> list:
    """Technicians: transfers nobody is responsible for, or they are."""
    if not viewer.is_technician:
        return []
    return ["|", ("user_id", "=", False), ("user_id", "=", viewer.user_id)]


def search_domain(q: str) -> list:
    """Reference, partner, source document or product (name, internal reference, barcode)."""
    return [
        "|",
        "|",
        "|",
        "|",
        ("name", "ilike", q),
        ("partner_id", "ilike", q),
        ("origin", "ilike", q),
        ("move_ids.product_id", "ilike", q),
        ("move_ids.product_id.barcode", "=", q),
    ]


def list_domain(viewer, *, status="todo", kind="all", q="", van=None, now=None) -> list:
    domain = list(own_domain(viewer))
    if status == "late":
        now = now or tzs.now_utc()
        domain += [("state", "in", OPEN_STATES), ("scheduled_date", "<", tzs.to_odoo_datetime(now))]
    else:
        domain += STATUS_FILTERS.get(status) or STATUS_FILTERS["todo"]
    if kind in ("incoming", "outgoing", "internal"):
        domain.append(("picking_type_code", "=", kind))
    elif kind == "van" and van is not None:
        # no van set: the company's warehouse is not "my van", so nothing matches
        domain.append(("picking_type_id.warehouse_id", "=", van.warehouse_id)
                      if van.is_set else ("id", "=", 0))
    if q:
        domain += search_domain(q)
    return domain


def summarize_picking(rec: dict, tz_name: str, now: datetime) -> dict:
    state = rec.get("state") or "draft"
    scheduled = rec.get("scheduled_date")
    late = bool(
        scheduled
        and state in OPEN_STATES
        and tzs.parse_odoo_datetime(scheduled) < now
    )
    return {
        "id": rec["id"],
        "name": rec.get("name") or "",
        "state": state,
        "state_label": STATE_LABELS.get(state, state),
        "state_tone": "danger" if late else STATE_TONES.get(state, "warning"),
        "late": late,
        "kind": rec.get("picking_type_code") or "",
        "type": _m2o_name(rec.get("picking_type_id")),
        "partner": _m2o_name(rec.get("partner_id")),
        "origin": rec.get("origin") or "",
        "source": _m2o_name(rec.get("location_id")),
        "destination": _m2o_name(rec.get("location_dest_id")),
        "responsible": _m2o_name(rec.get("user_id")),
        "scheduled": tzs.relative_day(scheduled, tz_name, now) if scheduled else "Not scheduled",
        "urgent": rec.get("priority") == "1",
        "company": _m2o_name(rec.get("company_id")),  # read with several companies only
    }


def list_transfers(odoo, viewer, query, *, kind="all", now=None) -> dict:
    """Transfers to do for a :class:`~app.services.listing.ListQuery` (status tab, search, sort,
    page) and an operation type. One RPC: one more row than a page tells whether there is a
    next one, so no count is needed ("My van" reads the van once every few minutes)."""
    now = now or tzs.now_utc()
    kind = kind if kind in KIND_FILTERS else "all"
    van = get_van(odoo, viewer) if kind == "van" else None
    domain = list_domain(viewer, status=query.filter, kind=kind, q=query.q, van=van, now=now)
    rows = odoo.search_read(
        "stock.picking",
        domain,
        PICKING_LIST_FIELDS + (["company_id"] if viewer.several_companies else []),
        limit=query.limit + 1,
        offset=query.offset,
        order=query.order(),
    )
    shown = rows[: query.limit]
    return {
        "transfers": [summarize_picking(r, viewer.tz, now) for r in shown],
        "query": query,
        "info": {"page": query.page, "pages": None, "has_next": len(rows) > query.limit,
                 "first": query.offset + 1 if shown else 0,
                 "last": query.offset + len(shown), "total": None},
        "kind": kind,
        "kind_filters": KIND_FILTERS,
        "van_missing": van is not None and not van.is_set,
    }


def find_by_reference(odoo, viewer, code: str) -> int | None:
    """A scanned transfer reference (exact, e.g. WH/OUT/00004) the viewer may open."""
    code = (code or "").strip()
    if not code:
        return None
    rows = odoo.search_read(
        "stock.picking", own_domain(viewer) + [("name", "=", code)], ["id"], limit=1
    )
    return rows[0]["id"] if rows else None


# --------------------------------------------------------------------------- detail


def fetch_picking(odoo, viewer, picking_id: int, fields=None) -> dict:
    """One transfer the viewer may work.

    :raises TransferNotFound: when it does not exist. :raises TransferForbidden: when a
        technician is not its Responsible (and someone else is).
    """
    return _allowed(viewer, odoo.read("stock.picking", [picking_id], _picking_fields(fields)))


def _picking_fields(fields):
    fields = list(fields or PICKING_DETAIL_FIELDS)
    return fields if "user_id" in fields else fields + ["user_id"]


def _allowed(viewer, rows) -> dict:
    if not rows:
        raise TransferNotFound()
    rec = rows[0]
    responsible = _m2o_id(rec.get("user_id"))
    if viewer.is_technician and responsible and responsible != viewer.user_id:
        raise TransferForbidden()
    return rec


def _moves_call(picking_id: int, qf: QuantityFields) -> OdooCall:
    fields = ["product_id", "product_uom_qty", "product_uom", "state", "location_id",
              "location_dest_id", qf.done]
    fields += [f for f in (qf.picked, qf.reserved) if f]
    return OdooCall("search_read", "stock.move", [("picking_id", "=", picking_id)], fields,
                    limit=MOVE_LIMIT, order="sequence, id")


def fetch_moves(odoo, picking_id: int, qf: QuantityFields) -> list[dict]:
    call = _moves_call(picking_id, qf)
    return odoo.search_read(*call.args, **call.kwargs)


def summarize_move(move: dict, qf: QuantityFields, codes: dict) -> dict:
    product_id = _m2o_id(move.get("product_id"))
    demand = float(move.get("product_uom_qty") or 0.0)
    # From 17 `quantity` is what is reserved until the move is picked: only then is it done.
    if qf.picked and not move.get(qf.picked):
        done, reserved = 0.0, float(move.get(qf.done) or 0.0)
    else:
        done = float(move.get(qf.done) or 0.0)
        reserved = float(move.get(qf.reserved) or 0.0) if qf.reserved else None
    return {
        "id": move["id"],
        "product_id": product_id,
        "product": _m2o_name(move.get("product_id")),
        "codes": " ".join(codes.get(product_id, ())),
        "demand": demand,
        "demand_text": format_quantity(demand),
        "done": done,
        "done_text": format_quantity(done),
        "reserved_text": format_quantity(reserved) if reserved else "",
        "unit": _m2o_name(move.get("product_uom")),
        "source": _m2o_name(move.get("location_id")),
        "destination": _m2o_name(move.get("location_dest_id")),
        "state": move.get("state") or "draft",
        "state_label": STATE_LABELS.get(move.get("state"), move.get("state") or ""),
        "short": done < demand,
    }


def product_codes(odoo, product_ids) -> dict:
    """{product id: (barcode, internal reference)} for matching scans on the page."""
    if not product_ids:
        return {}
    rows = odoo.read("product.product", sorted(set(product_ids)), ["barcode", "default_code"])
    return {r["id"]: tuple(c for c in (r.get("barcode"), r.get("default_code")) if c)
            for r in rows}


def transfer_detail(odoo, viewer, picking_id: int, *, now=None) -> dict:
    """A transfer with its moves and history: 4 RPCs in 3 round trips (transfer with moves,
    product codes, chatter), one more the first time a process sees this server (move fields)."""
    now = now or tzs.now_utc()
    qf = quantity_fields(odoo)
    fields = PICKING_DETAIL_FIELDS + (["message_ids"] if chatter.needs_message_ids(viewer.version)
                                      else [])
    # The transfer and its moves together (one round trip); the moves are shown only once the
    # transfer is known to be the viewer's.
    picking_rows, moves = odoo.parallel([
        OdooCall("read", "stock.picking", [picking_id], _picking_fields(fields)),
        _moves_call(picking_id, qf),
    ])
    rec = _allowed(viewer, picking_rows)
    codes = product_codes(odoo, [_m2o_id(m.get("product_id")) for m in moves])
    row = summarize_picking(rec, viewer.tz, now)
    lines = [summarize_move(m, qf, codes) for m in moves]
    state = row["state"]
    workable = state not in ("done", "cancel")
    return {
        **row,
        "scheduled_at": tzs.format_datetime(rec.get("scheduled_date"), viewer.tz)
        if rec.get("scheduled_date")
        else "",
        "done_at": tzs.format_datetime(rec.get("date_done"), viewer.tz)
        if rec.get("date_done")
        else "",
        "backorder_of": _m2o_name(rec.get("backorder_id")),
        "messages": chatter.present(
            chatter.fetch_messages(odoo, viewer.version, "stock.picking", picking_id,
                                   message_ids=rec.get("message_ids")),
            tz=viewer.tz, partner_id=viewer.partner_id, now=now,
        ),
        "lines": lines,
        "can_work": workable and bool(lines),
        "can_assign": state in ("draft", "confirmed", "waiting"),
        "all_done": all(not line["short"] for line in lines),
    }


# --------------------------------------------------------------------------- working a transfer


def parse_done_quantities(lines: list[dict], form) -> dict:
    """{move id: quantity} from the form's ``qty-<move id>`` fields, every one checked first.

    :raises InventoryError: naming the first bad line; nothing is written then.
    """
    quantities = {}
    for line in lines:
        key = f"qty-{line['id']}"
        if key not in form:
            continue
        quantities[line["id"]] = parse_quantity(form.get(key), line["product"])
    return quantities


def write_done_quantities(odoo, qf: QuantityFields, lines: list[dict], quantities: dict) -> int:
    """Write what changed, one ``write`` per distinct quantity (Odoo writes lists of ids)."""
    by_value: dict[float, list[int]] = {}
    known = {line["id"]: line for line in lines}
    for move_id, value in quantities.items():
        line = known.get(move_id)
        if line is None:
            continue
        if line["done"] == value and not qf.picked:
            continue
        by_value.setdefault(value, []).append(move_id)
    for value, ids in by_value.items():
        odoo.write("stock.move", ids, qf.values(value))
    return sum(len(ids) for ids in by_value.values())


def _workable(odoo, viewer, picking_id):
    qf = quantity_fields(odoo)
    rec = fetch_picking(odoo, viewer, picking_id, ["name", "state", "user_id"])
    if rec.get("state") in ("done", "cancel"):
        raise InventoryError(f"{rec.get('name')} is already {STATE_LABELS[rec['state']].lower()}.")
    moves = fetch_moves(odoo, picking_id, qf)
    lines = [summarize_move(m, qf, {}) for m in moves]
    return qf, rec, lines


def save_quantities(odoo, viewer, picking_id: int, form, *, all_done=False) -> str:
    """Record the done quantities typed (or the full demand of every line with `all_done`)."""
    qf, rec, lines = _workable(odoo, viewer, picking_id)
    if all_done:
        quantities = {line["id"]: line["demand"] for line in lines}
    else:
        quantities = parse_done_quantities(lines, form)
    write_done_quantities(odoo, qf, lines, quantities)
    return f"Quantities saved on {rec.get('name')}."


def check_availability(odoo, viewer, picking_id: int) -> str:
    """``action_assign``: reserve what the source location holds."""
    rec = fetch_picking(odoo, viewer, picking_id, ["name", "state", "user_id"])
    odoo.call("stock.picking", "action_assign", [picking_id])
    return f"Availability checked for {rec.get('name')}."


@dataclass
class Outcome:
    """What validating led to: done, or a question Odoo asks (a wizard action)."""

    done: bool
    question: dict | None = None
    message: str = ""


def wizard_question(action) -> dict | None:
    """The wizard a validate-like call answered, when it is one Fieldkit knows how to ask."""
    if not isinstance(action, dict) or action.get("type") != "ir.actions.act_window":
        return None
    model = action.get("res_model")
    if model not in WIZARDS:
        raise InventoryError(
            f"Odoo asks a question Fieldkit can't show here ({action.get('name') or model}). "
            "Please finish this transfer in Odoo."
        )
    return {
        "model": model,
        "res_id": action.get("res_id") or None,
        "context": action.get("context") or {},
    }


def _outcome(result, name) -> Outcome:
    question = wizard_question(result)
    if question:
        return Outcome(done=False, question=question)
    return Outcome(done=True, message=f"{name} validated.")


def validate(odoo, viewer, picking_id: int, form=None, *, all_done=False) -> Outcome:
    """Write the typed quantities, then ``button_validate``; a wizard answer becomes a question.

    :raises InventoryError: for a bad quantity (nothing written) or an unknown wizard.
    :raises UserError: when Odoo refuses (e.g. nothing to validate).
    """
    qf, rec, lines = _workable(odoo, viewer, picking_id)
    if all_done:
        quantities = {line["id"]: line["demand"] for line in lines}
    else:
        quantities = parse_done_quantities(lines, form or {})
    write_done_quantities(odoo, qf, lines, quantities)
    result = odoo.call("stock.picking", "button_validate", [picking_id])
    return _outcome(result, rec.get("name"))


def answer_question(odoo, viewer, picking_id: int, question: dict, answer: str) -> Outcome:
    """Press the chosen button of the wizard Odoo asked with, then follow what it answers."""
    model = question.get("model")
    allowed = {method for method, _, _ in WIZARDS.get(model, {}).get("answers", ())}
    if answer not in allowed:
        raise InventoryError("That answer is not one of the choices. Please choose again.")
    rec = fetch_picking(odoo, viewer, picking_id, ["name", "state", "user_id"])
    if picking_id not in (question.get("context") or {}).get("button_validate_picking_ids", [
        picking_id
    ]):
        raise InventoryError("This question belongs to another transfer.")
    result = _press(odoo, question, answer)
    return _outcome(result, rec.get("name"))


def _press(odoo, question, method, extra_context=None):
    context = {**(question.get("context") or {}), **(extra_context or {})}
    wizard_id = question.get("res_id")
    if not wizard_id:
        # as the web client does: a new wizard under the action's context (its defaults
        # carry the transfers); stock_sms's wizard always comes with a res_id instead
        wizard_id = odoo.call(question["model"], "create", {}, context=context)
        wizard_id = wizard_id[0] if isinstance(wizard_id, list) else wizard_id
    return odoo.call(question["model"], method, [wizard_id], context=context)


def validate_unattended(odoo, picking_id: int, max_steps=4) -> bool:
    """Validate without a person: answers per AUTO_ANSWERS; False when Odoo still asks."""
    result = odoo.call("stock.picking", "button_validate", [picking_id], context=AUTO_CONTEXT)
    for _ in range(max_steps):
        question = wizard_question(result)
        if question is None:
            return True
        answer = AUTO_ANSWERS.get(question["model"])
        if answer is None:
            return False
        result = _press(odoo, question, answer, AUTO_CONTEXT)
    return False


# The question travels to the page and back in a signed token: nothing to keep on the server,
# and nobody can make Fieldkit press a button on a wizard Odoo did not offer.

def _serializer(secret_key):
    return URLSafeTimedSerializer(secret_key, salt="fieldkit-stock-question")


def sign_question(secret_key, picking_id: int, question: dict) -> str:
    return _serializer(secret_key).dumps({"p": picking_id, **question})


def load_question(secret_key, picking_id: int, token: str) -> dict | None:
    """The question signed for this transfer, or None (bad, expired or another transfer's)."""
    if not token:
        return None
    try:
        data = _serializer(secret_key).loads(token, max_age=QUESTION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != picking_id:
        return None
    if data.get("model") not in WIZARDS:
        return None
    return {"model": data["model"], "res_id": data.get("res_id"),
            "context": data.get("context") or {}}


def question_view(question: dict) -> dict:
    """What the page shows for a question: title, text and the buttons."""
    wizard = WIZARDS[question["model"]]
    return {
        "title": wizard["title"],
        "text": wizard["text"],
        "answers": [{"method": m, "label": label, "kind": kind}
                    for m, label, kind in wizard["answers"]],
    }


def scan_line(odoo, viewer, picking_id: int, code: str) -> str:
    """A product scanned on a transfer (no JavaScript): one more done on its first line."""
    code = (code or "").strip()
    if not code:
        raise InventoryError("Scan or type a barcode or an internal reference.", field="code")
    qf, rec, lines = _workable(odoo, viewer, picking_id)
    codes = product_codes(odoo, [line["product_id"] for line in lines])
    for line in lines:
        if code in codes.get(line["product_id"], ()):
            odoo.write("stock.move", [line["id"]], qf.values(line["done"] + 1))
            return f"{line['product']}: {format_quantity(line['done'] + 1)} done."
    raise InventoryError(f"Nothing on {rec.get('name')} matches “{code}”.", field="code")


# --------------------------------------------------------------------------- van stock


def van_stock(odoo, viewer) -> dict:
    """What is on hand in the viewer's van, low quantities first flagged (≤ 1 RPC warm)."""
    van = get_van(odoo, viewer)
    quants = []
    if van.location_id:
        quants = odoo.search_read(
            "stock.quant",
            [("location_id", "child_of", van.location_id)],
            ["product_id", "quantity", "product_uom_id", "location_id"],
            limit=VAN_LIMIT,
        )
    rows = {}
    for q in quants:
        pid = _m2o_id(q.get("product_id"))
        row = rows.setdefault(pid, {"product_id": pid, "product": _m2o_name(q.get("product_id")),
                                    "quantity": 0.0, "unit": _m2o_name(q.get("product_uom_id"))})
        row["quantity"] += float(q.get("quantity") or 0.0)
    items = sorted(rows.values(), key=lambda r: r["product"].lower())
    for row in items:
        row["quantity_text"] = format_quantity(row["quantity"])
        row["low"] = row["quantity"] <= LOW_QUANTITY
    return {"van": van, "items": items, "low_count": sum(1 for r in items if r["low"]),
            "low_threshold": format_quantity(LOW_QUANTITY)}


# --------------------------------------------------------------------------- parts used on a job


PART_FIELDS = ["product_id", "product_uom_qty", "product_uom", "state", "picking_id"]


def parts_domain(job_name: str) -> list:
    return [
        ("picking_id.origin", "=", job_name),
        ("picking_id.picking_type_code", "=", "outgoing"),
        ("state", "!=", "cancel"),
    ]


def parts_job(order: dict) -> dict:
    """The job as its parts page shows it, from :func:`app.services.jobs.fetch_order`'s read of
    ``name``, ``is_closed`` and ``location_id``."""
    return {"id": order["id"], "name": order.get("name") or f"#{order['id']}",
            "location": _m2o_name(order.get("location_id")),
            "actions": {"can_act": not order.get("is_closed")}}


def job_parts(odoo, job: dict) -> dict:
    """The parts used on a job (its delivery's moves): one RPC."""
    moves = odoo.search_read("stock.move", parts_domain(job["name"]), PART_FIELDS,
                             limit=MOVE_LIMIT, order="id")
    parts = [
        {
            "id": m["id"],
            "product": _m2o_name(m.get("product_id")),
            "quantity_text": format_quantity(m.get("product_uom_qty")),
            "unit": _m2o_name(m.get("product_uom")),
            "done": m.get("state") == "done",
            "delivery": _m2o_name(m.get("picking_id")),
        }
        for m in moves
    ]
    return {"parts": parts, "validated": bool(parts) and all(p["done"] for p in parts)}


def find_products(odoo, text: str, limit=8) -> list[dict]:
    """Products matching a scan (barcode, internal reference: exact) or a search (name)."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    fields = ["display_name", "barcode", "default_code", "uom_id"]
    exact = odoo.search_read(
        "product.product",
        ["|", ("barcode", "=", text), ("default_code", "=ilike", text)],
        fields,
        limit=2,
    )
    if exact:
        return exact
    return odoo.search_read(
        "product.product",
        ["|", ("name", "ilike", text), ("default_code", "ilike", text)],
        fields,
        limit=limit,
    )


def _job_delivery(odoo, job_name: str):
    rows = odoo.search_read(
        "stock.picking",
        [("origin", "=", job_name), ("picking_type_code", "=", "outgoing"),
         ("state", "not in", ["done", "cancel"])],
        ["location_id", "location_dest_id", "state"],
        limit=1,
        order="id desc",
    )
    return rows[0] if rows else None


def _new_delivery_vals(odoo, viewer, order: dict, van: Van) -> dict:
    has = model_fields(odoo, "fsm.location", ["inventory_location_id", "partner_id"])
    location = odoo.read("fsm.location", [_m2o_id(order["location_id"])],
                         [f for f in ("partner_id", "inventory_location_id") if f in has])
    location = location[0] if location else {}
    dest = _m2o_id(location.get("inventory_location_id"))
    if not dest:
        rows = odoo.search_read("stock.location", [("usage", "=", "customer")], ["id"], limit=1)
        dest = rows[0]["id"] if rows else False
    if not van.out_type_id or not van.location_id:
        raise InventoryError("No warehouse or van is set up in Odoo for parts. Ask the office.")
    vals = {
        "picking_type_id": van.out_type_id,
        "location_id": van.location_id,
        "location_dest_id": dest,
        "partner_id": _m2o_id(location.get("partner_id")) or False,
        "origin": order["name"],
        "user_id": viewer.user_id,
    }
    if "fsm_order_id" in model_fields(odoo, "stock.picking", ["fsm_order_id"]):
        vals["fsm_order_id"] = order["id"]  # OCA fieldservice_stock links it to the order
    return vals


def add_part(odoo, viewer, order: dict, product_text: str, quantity_text, *, product_id=None,
             version=17) -> str:
    """Add a part used on the job: a move in the job's delivery (created on the first part).

    `order` is the job as :func:`app.services.jobs.fetch_order` returns it (ownership checked).
    :raises InventoryError: for a bad quantity, no or several matching products, a closed job.
    """
    quantity = parse_quantity(quantity_text, "Quantity")
    if quantity <= 0:
        raise InventoryError("Quantity: use at least 1.", field="quantity")
    if order.get("is_closed"):
        raise InventoryError("This job is closed: parts can't be added any more.")
    if product_id:
        products = odoo.read("product.product", [int(product_id)],
                             ["display_name", "barcode", "default_code", "uom_id"])
    else:
        products = find_products(odoo, product_text)
    if not products:
        raise InventoryError(f"No product matches “{(product_text or '').strip()}”.",
                             field="product")
    if len(products) > 1:
        raise PartChoice(products)
    product = products[0]
    delivery = _job_delivery(odoo, order["name"])
    move = {
        "product_id": product["id"],
        "product_uom_qty": quantity,
        "product_uom": _m2o_id(product.get("uom_id")) or False,
    }
    if version <= 18:
        move["name"] = product.get("display_name") or ""  # 19's stock.move has no name
    if delivery:
        move.update(location_id=_m2o_id(delivery.get("location_id")),
                    location_dest_id=_m2o_id(delivery.get("location_dest_id")))
        odoo.write("stock.picking", [delivery["id"]], {"move_ids": [(0, 0, move)]})
    else:
        vals = _new_delivery_vals(odoo, viewer, order, get_van(odoo, viewer))
        move.update(location_id=vals["location_id"], location_dest_id=vals["location_dest_id"])
        vals["move_ids"] = [(0, 0, move)]
        odoo.create("stock.picking", vals)
    return f"Added {format_quantity(quantity)} × {product.get('display_name')}."


class PartChoice(InventoryError):
    """Several products match: the page offers them to pick from."""

    def __init__(self, products):
        super().__init__("Several products match: pick one.", field="product")
        self.products = [{"id": p["id"], "name": p.get("display_name") or ""} for p in products]


def remove_part(odoo, viewer, order: dict, move_id: int) -> str:
    """Take back a part added by mistake (only while the job's delivery is not validated)."""
    rows = odoo.search_read("stock.move", parts_domain(order["name"]) + [("id", "=", move_id)],
                            ["state", "product_id"], limit=1)
    if not rows:
        raise InventoryError("That part is not on this job any more.")
    if rows[0].get("state") == "done":
        raise InventoryError("That part is already delivered: the office can return it in Odoo.")
    odoo.call("stock.move", "unlink", [move_id])
    return f"Removed {_m2o_name(rows[0].get('product_id'))}."


def validate_job_parts(odoo, job_name: str) -> str | None:
    """The job is finished: confirm, reserve and validate its delivery of parts, all used.

    Returns a message for the technician, or None when the job used no parts. Odoo's refusals
    propagate (UserError), so the caller decides whether finishing still counts.
    """
    delivery = _job_delivery(odoo, job_name)
    if delivery is None:
        return None
    qf = quantity_fields(odoo)
    pid = delivery["id"]
    if delivery.get("state") == "draft":
        odoo.call("stock.picking", "action_confirm", [pid])
    moves = fetch_moves(odoo, pid, qf)
    by_value: dict[float, list[int]] = {}
    for m in moves:
        by_value.setdefault(float(m.get("product_uom_qty") or 0.0), []).append(m["id"])
    for value, ids in by_value.items():
        odoo.write("stock.move", ids, qf.values(value))
    if validate_unattended(odoo, pid):
        return "Parts delivered from your van."
    return "Parts recorded; the office will confirm the delivery in Odoo."


def safe_validate_job_parts(odoo, job_name: str) -> str | None:
    """As :func:`validate_job_parts`, but a refusal does not undo the finished job: it is
    logged and said, and the delivery stays open for the office."""
    if not job_name:
        return None
    try:
        return validate_job_parts(odoo, job_name)
    except (UserError, AccessError, MissingError, InventoryError) as exc:
        logger.warning("parts of %s not validated: %s", job_name, exc)
        return "The parts were recorded but Odoo did not validate the delivery; the office " \
               "will finish it."

