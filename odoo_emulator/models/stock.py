"""stock: pickings, moves (quantity_done up to 16, quantity + picked from 17), quants, the
immediate-transfer (up to 16) and backorder wizards, stock_sms's confirmation wizard, warehouses,
locations, picking types.

Validating a transfer moves the done quantities between quants (source down, an internal
destination up) and keeps product.product's ``qty_available`` (internal stock) in step."""

from ..exceptions import UserError
from ..orm import (
    BaseModel,
    Boolean,
    Char,
    Datetime,
    Float,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    Text,
    now_str,
)
from .mail import MailThread

PICK_STATES = [["draft", "Draft"], ["waiting", "Waiting Another Operation"],
               ["confirmed", "Waiting"], ["assigned", "Ready"], ["done", "Done"],
               ["cancel", "Cancelled"]]
MOVE_STATES = [["draft", "New"], ["waiting", "Waiting Another Move"],
               ["confirmed", "Waiting Availability"], ["partially_available", "Partially Available"],
               ["assigned", "Available"], ["done", "Done"], ["cancel", "Cancelled"]]


class Warehouse(BaseModel):
    _name = "stock.warehouse"
    _description = "Warehouse"
    name = Char("Warehouse", required=True)
    code = Char("Short Name", required=True)
    company_id = Many2one("res.company", "Company", default=1)
    view_location_id = Many2one("stock.location", "View Location")
    lot_stock_id = Many2one("stock.location", "Location Stock")
    in_type_id = Many2one("stock.picking.type", "In Type")
    out_type_id = Many2one("stock.picking.type", "Out Type")
    int_type_id = Many2one("stock.picking.type", "Internal Type")


class Location(BaseModel):
    _name = "stock.location"
    _description = "Inventory Locations"
    _order = "complete_name, id"
    _parent_name = "location_id"
    name = Char("Location Name", required=True)
    complete_name = Char("Full Location Name", compute=True)
    location_id = Many2one("stock.location", "Parent Location")
    usage = Selection([["supplier", "Vendor Location"], ["view", "View"],
                       ["internal", "Internal Location"], ["customer", "Customer Location"],
                       ["inventory", "Inventory Loss"], ["transit", "Transit Location"]],
                      "Location Type", default="internal")
    barcode = Char("Barcode")
    company_id = Many2one("res.company", "Company", default=1)
    warehouse_id = Many2one("stock.warehouse", "Warehouse", compute=True)
    active = Boolean("Active", default=True)

    def _compute_complete_name(self, rid, rec):
        # Odoo: "<parent>/<name>" unless the location itself is a view (WH, Partners, V1).
        parent = rec.get("location_id")
        if parent and parent in self.records and rec.get("usage") != "view":
            return f"{self._compute_complete_name(parent, self.records[parent])}/{rec.get('name')}"
        return rec.get("name")

    def _compute_warehouse_id(self, rid, rec):
        views = {w.get("view_location_id"): wid
                 for wid, w in self.env.store.data["stock.warehouse"].items()}
        cur, seen = rid, set()
        while cur and cur not in seen:
            seen.add(cur)
            if cur in views:
                return views[cur]
            cur = self.records.get(cur, {}).get("location_id")
        return False

    def _compute_display_name(self, rid, rec):
        return self._compute_complete_name(rid, rec)


class PickingType(BaseModel):
    _name = "stock.picking.type"
    _description = "Picking Type"
    _order = "sequence, id"
    name = Char("Operation Type", required=True)
    code = Selection([["incoming", "Receipt"], ["outgoing", "Delivery"], ["internal",
                                                                          "Internal Transfer"]],
                     "Type of Operation", required=True)
    sequence_code = Char("Sequence Prefix", required=True)
    sequence = Integer("Sequence", default=1)
    warehouse_id = Many2one("stock.warehouse", "Warehouse")
    default_location_src_id = Many2one("stock.location", "Default Source Location")
    default_location_dest_id = Many2one("stock.location", "Default Destination Location")
    active = Boolean("Active", default=True)

    def _compute_display_name(self, rid, rec):
        wh = self.env["stock.warehouse"].records.get(rec.get("warehouse_id"), {})
        return f"{wh.get('name')}: {rec.get('name')}" if wh else rec.get("name")


class Picking(MailThread):
    _name = "stock.picking"
    _description = "Transfer"
    _order = "priority desc, scheduled_date asc, id desc"
    _track_fields = ("state", "partner_id")
    name = Char("Reference", default="/")
    origin = Char("Source Document")
    note = Text("Notes")
    backorder_id = Many2one("stock.picking", "Back Order of")
    state = Selection(PICK_STATES, "Status", default="draft")
    priority = Selection([["0", "Normal"], ["1", "Urgent"]], "Priority", default="0")
    scheduled_date = Datetime("Scheduled Date", default=lambda m: now_str())
    date_deadline = Datetime("Deadline")
    date_done = Datetime("Date of Transfer")
    location_id = Many2one("stock.location", "Source Location")
    location_dest_id = Many2one("stock.location", "Destination Location")
    picking_type_id = Many2one("stock.picking.type", "Operation Type", required=True)
    picking_type_code = Selection([["incoming", "Receipt"], ["outgoing", "Delivery"],
                                   ["internal", "Internal Transfer"]], "Type of Operation",
                                  related="picking_type_id.code")
    partner_id = Many2one("res.partner", "Contact")
    company_id = Many2one("res.company", "Company", default=1)
    user_id = Many2one("res.users", "Responsible", default=lambda m: m.env.uid)
    move_ids = One2many("stock.move", "picking_id", "Stock Moves")
    move_ids_without_package = One2many("stock.move", "picking_id", "Stock moves not in package")

    def _compute_move_ids_without_package(self, rid, rec):
        return self.raw_value(rid, "move_ids")

    def _prepare_create(self, vals):
        ptype = self.env.sudo()["stock.picking.type"]
        tid = vals.get("picking_type_id")
        if tid in ptype.records:
            t = ptype.records[tid]
            wh = self.env["stock.warehouse"].records.get(t.get("warehouse_id"), {})
            if not vals.get("name") or vals["name"] == "/":
                n = self.env.state.next_sequence(f"stock.picking.{tid}")
                vals["name"] = f"{wh.get('code', 'WH')}/{t.get('sequence_code')}/{n:05d}"
            vals.setdefault("location_id", t.get("default_location_src_id"))
            vals.setdefault("location_dest_id", t.get("default_location_dest_id"))
        return vals

    def _moves(self, rid):
        return [mid for mid, m in self.env.store.data["stock.move"].items()
                if m.get("picking_id") == rid]

    def _demo_state(self, rid, state):
        moves = self.env["stock.move"]
        for mid in self._moves(rid):
            m = moves.records[mid]
            m["state"] = {"assigned": "assigned", "done": "done"}.get(state, state)
            if state in ("assigned", "done"):
                m[moves._qty_field()] = m["product_uom_qty"] if state == "done" or \
                    self.version >= 17 else 0.0
                if self.version <= 16:
                    m["reserved_availability"] = m["product_uom_qty"]
                if state == "done" and self.version >= 17:
                    m["picked"] = True
            self.env.store.save("stock.move", mid)
        self.records[rid]["state"] = state
        if state == "done":
            self.records[rid]["date_done"] = self.records[rid].get("scheduled_date")
        self.env.store.save(self._name, rid)

    def action_confirm(self, ids):
        for rid in ids:
            if self.records[rid].get("state") == "draft":
                self._demo_state(rid, "confirmed")
        return True

    def action_assign(self, ids):
        self._check_acl("write")
        self._check_rules(ids, "write")
        for rid in ids:
            if self.records[rid].get("state") in ("draft", "confirmed", "waiting"):
                self._demo_state(rid, "assigned")
        return True

    def action_cancel(self, ids):
        for rid in ids:
            self._demo_state(rid, "cancel")
        return True

    def _wizard(self, name, model, ids, view_id, extra_ctx=None):
        ctx = {"button_validate_picking_ids": list(ids), "default_show_transfers": False,
               "default_pick_ids": [[4, i] for i in ids]}
        ctx.update(extra_ctx or {})
        return {"name": name, "type": "ir.actions.act_window", "view_mode": "form",
                "res_model": model, "views": [[view_id, "form"]], "view_id": view_id,
                "target": "new", "context": ctx}

    def button_validate(self, ids):
        self._check_acl("write")
        self._check_rules(ids, "write")
        moves = self.env["stock.move"]
        qf = moves._qty_field()
        short = False
        for rid in ids:
            if self.records[rid].get("state") in ("done", "cancel"):
                raise UserError("Nothing to check the availability for.")
            mids = self._moves(rid)
            done = [moves.records[m].get(qf) or 0.0 for m in mids]
            if self.version <= 16 and not any(done) \
                    and not self.env.context.get("skip_immediate"):
                return self._wizard("Immediate Transfer?", "stock.immediate.transfer", ids, 951)
            # 17+: no immediate transfer; nothing done (picked or not) is refused outright
            if self.version >= 17 and not any(done):
                raise UserError("You cannot validate a transfer if no quantities are reserved "
                                "nor done. You can use the info button to check which products "
                                "are not available.")
            for m in mids:
                rec = moves.records[m]
                if (rec.get(qf) or 0.0) < (rec.get("product_uom_qty") or 0.0):
                    short = True
        if short and not self.env.context.get("skip_backorder"):
            return self._wizard("Create Backorder?", "stock.backorder.confirmation", ids, 985)
        warn_sms = [] if self.env.context.get("skip_sms") else self._sms_warning_pickings(ids)
        if warn_sms:
            return self._sms_wizard(warn_sms)
        keep_no_backorder = set(self.env.context.get("picking_ids_not_to_backorder") or [])
        for rid in ids:
            self._validate(rid, backorder=bool(self.env.context.get("skip_backorder"))
                           and rid not in keep_no_backorder)
        return True

    def _sms_warning_pickings(self, ids):
        """stock_sms: deliveries to a customer with a phone, while the company has neither
        answered the "send an SMS on delivery?" question nor turned the SMS off."""
        data = self.env.store.data
        warn = []
        for rid in ids:
            rec = self.records[rid]
            company = data["res.company"].get(rec.get("company_id") or 1, {})
            partner = data["res.partner"].get(rec.get("partner_id"), {})
            code = data["stock.picking.type"].get(rec.get("picking_type_id"), {}).get("code")
            if code == "outgoing" and (partner.get("phone") or partner.get("mobile")) \
                    and company.get("stock_move_sms_validation") \
                    and not company.get("has_received_warning_stock_sms"):
                warn.append(rid)
        return warn

    def _sms_wizard(self, ids):
        wizard = self.env["confirm.stock.sms"]._create_one({"pick_ids": [(6, 0, ids)]})
        return {"name": "SMS", "type": "ir.actions.act_window", "view_mode": "form",
                "res_model": "confirm.stock.sms", "views": [[1191, "form"]], "view_id": 1191,
                "target": "new", "res_id": wizard, "context": dict(self.env.context)}

    def _validate(self, rid, backorder):
        moves = self.env["stock.move"]
        qf = moves._qty_field()
        leftovers = []
        pick = self.records[rid]
        quants = self.env.sudo()["stock.quant"]
        for mid in self._moves(rid):
            m = moves.records[mid]
            done = m.get(qf) or 0.0
            if done < (m.get("product_uom_qty") or 0.0):
                leftovers.append((m.get("product_id"), m["product_uom_qty"] - done))
            if done:
                quants._move_stock(m.get("product_id"),
                                   m.get("location_id") or pick.get("location_id"),
                                   m.get("location_dest_id") or pick.get("location_dest_id"), done)
            m["product_uom_qty"] = done if done else m["product_uom_qty"]
            m["state"] = "done"
            if self.version >= 17:
                m["picked"] = True
            self.env.store.save("stock.move", mid)
        old = {"state": self.records[rid].get("state")}
        self.records[rid].update(state="done", date_done=now_str())
        self.env.store.save(self._name, rid)
        self._track(rid, old)
        if backorder and leftovers:
            rec = self.records[rid]
            self._create_one({
                "picking_type_id": rec["picking_type_id"], "partner_id": rec.get("partner_id"),
                "origin": rec.get("origin"), "backorder_id": rid, "user_id": rec.get("user_id") or False,
                "location_id": rec.get("location_id"),
                "location_dest_id": rec.get("location_dest_id"),
                "scheduled_date": rec.get("scheduled_date"), "state": "assigned",
                "move_ids": [(0, 0, {"product_id": p, "product_uom_qty": q, "state": "assigned"})
                             for p, q in leftovers]})


class Move(BaseModel):
    _name = "stock.move"
    _description = "Stock Move"
    _order = "sequence, id"
    name = Char("Description", versions=(None, 18))  # 19 has none (s_stock_* recordings)
    sequence = Integer("Sequence", default=10)
    picking_id = Many2one("stock.picking", "Transfer")
    product_id = Many2one("product.product", "Product", required=True)
    product_uom_qty = Float("Demand", default=0.0)
    product_uom = Many2one("uom.uom", "UoM", default=lambda m: m.env.ref("uom.product_uom_unit"))
    quantity_done = Float("Quantity Done", versions=(None, 16))
    reserved_availability = Float("Quantity Reserved", versions=(None, 16))
    quantity = Float("Quantity", versions=(17, None))
    picked = Boolean("Picked", versions=(17, None))
    state = Selection(MOVE_STATES, "Status", default="draft")
    location_id = Many2one("stock.location", "Source Location")
    location_dest_id = Many2one("stock.location", "Destination Location")
    date = Datetime("Date Scheduled", default=lambda m: now_str())

    def _qty_field(self):
        return "quantity_done" if self.version <= 16 else "quantity"

    def _prepare_create(self, vals):
        if vals.get("product_id") and not vals.get("name") and "name" in self.fields:
            vals["name"] = self.env.sudo()["product.product"].display_name_of(vals["product_id"])
        pick = self.env.store.data["stock.picking"].get(vals.get("picking_id"), {})
        for fname in ("location_id", "location_dest_id"):
            if not vals.get(fname) and pick.get(fname):
                vals[fname] = pick[fname]
        return vals

    def _compute_display_name(self, rid, rec):
        return self.env.sudo()["product.product"].display_name_of(rec.get("product_id")) or ""


class Quant(BaseModel):
    """On-hand quantities per product and location (no lots, packages or owners)."""
    _name = "stock.quant"
    _description = "Quants"
    _order = "location_id, product_id, id"
    _rec_name = "product_id"
    product_id = Many2one("product.product", "Product", required=True)
    location_id = Many2one("stock.location", "Location", required=True)
    quantity = Float("Quantity")
    reserved_quantity = Float("Reserved Quantity")
    available_quantity = Float("Available Quantity", compute=True)
    inventory_quantity = Float("Counted Quantity")
    product_uom_id = Many2one("uom.uom", "Unit of Measure", related="product_id.uom_id")
    company_id = Many2one("res.company", "Company", default=1)

    def _compute_available_quantity(self, rid, rec):
        return (rec.get("quantity") or 0.0) - (rec.get("reserved_quantity") or 0.0)

    def _compute_display_name(self, rid, rec):
        return self.env.sudo()["product.product"].display_name_of(rec.get("product_id")) or ""

    def _is_internal(self, location_id):
        loc = self.env.store.data["stock.location"].get(location_id, {})
        return loc.get("usage") == "internal"

    def _move_stock(self, product_id, src, dest, qty):
        """Done quantities leave the source quant and reach the destination's (internal only),
        as Odoo's _update_available_quantity does; the source may go negative."""
        for loc, delta in ((src, -qty), (dest, qty)):
            if not self._is_internal(loc):
                continue
            qid = next((q for q, r in self.records.items()
                        if r.get("product_id") == product_id and r.get("location_id") == loc),
                       None)
            if qid is None:
                self._create_one({"product_id": product_id, "location_id": loc,
                                  "quantity": delta})
            else:
                self.records[qid]["quantity"] = (self.records[qid].get("quantity") or 0.0) + delta
                self.env.store.save(self._name, qid)
        change = (qty if self._is_internal(dest) else 0.0) - (qty if self._is_internal(src) else 0.0)
        if change:
            products = self.env.sudo()["product.product"]
            rec = products.records.get(product_id)
            if rec is not None:
                rec["qty_available"] = (rec.get("qty_available") or 0.0) + change
                self.env.store.save("product.product", product_id)


def _wizard_pickings(wizard, ids):
    """The transfers a stock wizard validates: those of the button that opened it."""
    return wizard.env.context.get("button_validate_picking_ids") or [
        pid for wid in ids for pid in wizard.records[wid].get("pick_ids") or []]


class BackorderConfirmation(BaseModel):
    _name = "stock.backorder.confirmation"
    _description = "Backorder Confirmation"
    _transient = True
    pick_ids = Many2many("stock.picking", "Pickings")
    show_transfers = Boolean("Show Transfers")

    def _prepare_create(self, vals):
        if not vals.get("pick_ids") and self.env.context.get("default_pick_ids"):
            vals["pick_ids"] = self.env.context["default_pick_ids"]
        return vals

    def process(self, ids):
        """Validate with backorders: button_validate again, past the backorder question."""
        pickings = _wizard_pickings(self, ids)
        env = self.env.with_context(skip_backorder=True)
        return env["stock.picking"].button_validate(pickings)

    def process_cancel_backorder(self, ids):
        pickings = _wizard_pickings(self, ids)
        env = self.env.with_context(skip_backorder=True, picking_ids_not_to_backorder=pickings)
        return env["stock.picking"].button_validate(pickings)


class ConfirmStockSms(BaseModel):
    """stock_sms's one-time question before the first delivery SMS."""
    _name = "confirm.stock.sms"
    _description = "Stock SMS Confirmation"
    _transient = True
    pick_ids = Many2many("stock.picking", "Pickings")

    def _answer(self, ids, values):
        companies = self.env.sudo()["res.company"]
        for wid in ids:
            for pid in self.records[wid].get("pick_ids") or []:
                cid = self.env.store.data["stock.picking"].get(pid, {}).get("company_id") or 1
                companies._write_one(cid, values)
        return self.env["stock.picking"].button_validate(_wizard_pickings(self, ids))

    def send_sms(self, ids):
        return self._answer(ids, {"has_received_warning_stock_sms": True})

    def dont_send_sms(self, ids):
        return self._answer(ids, {"has_received_warning_stock_sms": True,
                                  "stock_move_sms_validation": False})


class ImmediateTransfer(BaseModel):
    _name = "stock.immediate.transfer"
    _description = "Immediate Transfer"
    _transient = True
    _versions = (15, 16)
    pick_ids = Many2many("stock.picking", "Pickings")
    show_transfers = Boolean("Show Transfers")

    def _prepare_create(self, vals):
        if not vals.get("pick_ids") and self.env.context.get("default_pick_ids"):
            vals["pick_ids"] = self.env.context["default_pick_ids"]
        return vals

    def process(self, ids):
        """Set every move's done quantity to what is reserved (draft transfers are confirmed
        and reserved first), then validate again past this question: that may answer the
        backorder or the SMS question next, as Odoo 15/16 do."""
        picks = self.env["stock.picking"]
        moves = self.env["stock.move"]
        todo = [pid for wid in ids for pid in self.records[wid].get("pick_ids") or []]
        for pid in todo:
            if picks.records[pid].get("state") in ("draft", "confirmed", "waiting"):
                picks._demo_state(pid, "assigned")
            for mid in picks._moves(pid):
                m = moves.records[mid]
                m["quantity_done"] = m.get("reserved_availability") or m["product_uom_qty"]
                self.env.store.save("stock.move", mid)
        targets = self.env.context.get("button_validate_picking_ids") or todo
        if not targets:
            return True
        return self.env.with_context(skip_immediate=True)["stock.picking"].button_validate(
            targets)


MODELS = [Warehouse, Location, PickingType, Picking, Move, Quant, BackorderConfirmation,
          ConfirmStockSms, ImmediateTransfer]
