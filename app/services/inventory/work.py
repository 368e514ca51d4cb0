"""Inventory: working a transfer: quantities, validation and Odoo's wizard questions."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.platform.i18n import _
from app.services.inventory.common import (
    AUTO_ANSWERS,
    AUTO_CONTEXT,
    QUESTION_MAX_AGE,
    STATE_LABELS,
    WIZARDS,
    InventoryError,
    QuantityFields,
    format_quantity,
    parse_quantity,
    quantity_fields,
)
from app.services.inventory.detail import fetch_moves, fetch_picking, product_codes, summarize_move

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
        raise InventoryError(_("%(transfer)s is already %(state)s.", transfer=rec.get("name"),
                               state=str(STATE_LABELS[rec["state"]]).lower()))
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
    return _("Quantities saved on %(transfer)s.", transfer=rec.get("name"))


def check_availability(odoo, viewer, picking_id: int) -> str:
    """``action_assign``: reserve what the source location holds."""
    rec = fetch_picking(odoo, viewer, picking_id, ["name", "state", "user_id"])
    odoo.call("stock.picking", "action_assign", [picking_id])
    return _("Availability checked for %(transfer)s.", transfer=rec.get("name"))


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
        raise InventoryError(_(
            "Odoo asks a question Fieldkit can't show here (%(question)s). "
            "Please finish this transfer in Odoo.", question=action.get("name") or model))
    return {
        "model": model,
        "res_id": action.get("res_id") or None,
        "context": action.get("context") or {},
    }


def _outcome(result, name) -> Outcome:
    question = wizard_question(result)
    if question:
        return Outcome(done=False, question=question)
    return Outcome(done=True, message=_("%(transfer)s validated.", transfer=name))


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
    allowed = {method for method, _label, _kind in WIZARDS.get(model, {}).get("answers", ())}
    if answer not in allowed:
        raise InventoryError(_("That answer is not one of the choices. Please choose again."))
    rec = fetch_picking(odoo, viewer, picking_id, ["name", "state", "user_id"])
    if picking_id not in (question.get("context") or {}).get("button_validate_picking_ids", [
        picking_id
    ]):
        raise InventoryError(_("This question belongs to another transfer."))
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
    for _step in range(max_steps):
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
        raise InventoryError(_("Scan or type a barcode or an internal reference."), field="code")
    qf, rec, lines = _workable(odoo, viewer, picking_id)
    codes = product_codes(odoo, [line["product_id"] for line in lines])
    for line in lines:
        if code in codes.get(line["product_id"], ()):
            odoo.write("stock.move", [line["id"]], qf.values(line["done"] + 1))
            return _("%(product)s: %(quantity)s done.", product=line["product"],
                     quantity=format_quantity(line["done"] + 1))
    raise InventoryError(_("Nothing on %(transfer)s matches “%(code)s”.", transfer=rec.get("name"),
                           code=code), field="code")
