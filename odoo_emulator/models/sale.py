"""product + sale: product.template/product.product, sale.order(.line), account.tax."""

from ..exceptions import UserError
from ..orm import (
    BaseModel,
    Binary,
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    Text,
    api_model,
    now_str,
)
from .mail import MailThread
from .portal import portal_url


def _ptype(version):
    if version >= 18:
        return [["consu", "Goods"], ["service", "Service"], ["combo", "Combo"]]
    return [["consu", "Consumable"], ["service", "Service"], ["product", "Storable Product"]]


class ProductCategory(BaseModel):
    _name = "product.category"
    _description = "Product Category"
    name = Char("Name", required=True)


class AccountTax(BaseModel):
    _name = "account.tax"
    _description = "Tax"
    name = Char("Tax Name", required=True)
    amount = Float("Amount")
    active = Boolean("Active", default=True)


class ProductTemplate(MailThread):
    _name = "product.template"
    _description = "Product"
    _order = "priority desc, name"
    name = Char("Name", required=True, translate=True)
    default_code = Char("Internal Reference")
    list_price = Float("Sales Price", default=1.0)
    standard_price = Float("Cost")
    type = Selection(_ptype, "Product Type", default="consu")
    is_storable = Boolean("Track Inventory", versions=(18, None))
    sale_ok = Boolean("Can be Sold", default=True)
    purchase_ok = Boolean("Can be Purchased", default=True)
    uom_id = Many2one("uom.uom", "Unit of Measure", default=lambda m: m.env.ref("uom.product_uom_unit"))
    categ_id = Many2one("product.category", "Product Category")
    description_sale = Text("Sales Description", translate=True)
    barcode = Char("Barcode")
    priority = Selection([["0", "Normal"], ["1", "Favorite"]], "Favorite", default="0")
    # sale/models/product_template.py; "order" as recorded (i_products) for goods
    invoice_policy = Selection([["order", "Ordered quantities"],
                                ["delivery", "Delivered quantities"]], "Invoicing Policy",
                               default="order")
    active = Boolean("Active", default=True)
    product_variant_ids = One2many("product.product", "product_tmpl_id", "Products")
    qty_available = Float("Quantity On Hand", compute=True)
    # product/models/product_template.py, _compute_currency_id: the product's company's
    # currency, else the main company's (products here have no company).
    currency_id = Many2one("res.currency", "Currency", compute=True)

    def _compute_currency_id(self, rid, rec):
        main = self.env.ref("base.main_company") or 1
        company = self.env.store.data.get("res.company", {}).get(main, {})
        return company.get("currency_id") or False

    def _compute_display_name(self, rid, rec):
        code = rec.get("default_code")
        name = self.raw_value(rid, "name")  # in the context's language
        return f"[{code}] {name}" if code else name or ""

    def _compute_qty_available(self, rid, rec):
        variants = self.env["product.product"]
        return sum(r.get("qty_available") or 0.0 for r in variants.records.values()
                   if r.get("product_tmpl_id") == rid)

    def _after_create(self, rid, vals):
        if not self.env.context.get("_no_variant"):
            self.env.sudo()["product.product"].with_tmpl(rid)


class ProductProduct(BaseModel):
    _name = "product.product"
    _description = "Product Variant"
    _order = "priority desc, default_code, name, id"
    _inherits = {"product.template": "product_tmpl_id"}
    product_tmpl_id = Many2one("product.template", "Product Template", required=True)
    qty_available = Float("Quantity On Hand")
    lst_price = Float("Sales Price", related="product_tmpl_id.list_price")
    barcode = Char("Barcode")
    active = Boolean("Active", default=True)

    @classmethod
    def _extra_fields(cls, version):
        out = {}
        for fname in ("name", "default_code", "list_price", "standard_price", "type",
                      "is_storable", "sale_ok", "purchase_ok", "uom_id", "categ_id",
                      "description_sale", "priority", "invoice_policy", "currency_id"):
            f = ProductTemplate.__dict__.get(fname)
            if f is None or not f.in_version(version):
                continue
            from ..orm import Field
            clone = Field(f.type, f.string, relation=f.relation, selection=f.selection,
                          related=f"product_tmpl_id.{fname}", delegate=True,
                          translate=f.translate)
            out[fname] = clone
        return out

    def with_tmpl(self, tmpl_id):
        return self._create_one({"product_tmpl_id": tmpl_id})

    def _create_one(self, vals):
        if not vals.get("product_tmpl_id"):
            tmpl_vals = self._split_delegated(vals)
            env = self.env.with_context(_no_variant=True)
            vals["product_tmpl_id"] = env.sudo()["product.template"]._create_one(tmpl_vals)
        return super()._create_one(vals)

    def _compute_display_name(self, rid, rec):
        tmpl = self.env["product.template"]
        trec = tmpl.records.get(rec.get("product_tmpl_id"), {})
        return tmpl._compute_display_name(rec.get("product_tmpl_id"), trec)

    @api_model
    def name_search(self, name="", args=None, operator="ilike", limit=100, domain=None):
        # product.product._name_search: an exact internal reference or barcode first, then
        # the reference, then the name (recorded: a barcode finds its product).
        dom = list(domain if domain is not None else (args or []))
        if not name or operator not in ("ilike", "like", "=", "=ilike"):
            return super().name_search(name, args, operator, limit, domain)
        ids = []
        for cond in (["|", ("default_code", "=", name), ("barcode", "=", name)],
                     [("default_code", operator, name)], [("name", operator, name)]):
            for rid in self._search(cond + dom, limit=limit):
                if rid not in ids:
                    ids.append(rid)
            if limit and len(ids) >= limit:
                break
        return [[rid, self.display_name_of(rid)] for rid in ids[:limit]]


def _sale_states(version):
    states = [["draft", "Quotation"], ["sent", "Quotation Sent"], ["sale", "Sales Order"]]
    if version <= 16:
        states.append(["done", "Locked"])
    return states + [["cancel", "Cancelled"]]


class SaleOrder(MailThread):
    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _track_fields = ("state", "user_id", "partner_id")
    name = Char("Order Reference", required=True, default="New")
    partner_id = Many2one("res.partner", "Customer", required=True)
    # sale/models/sale_order.py: stored, from the customer's address_get(['delivery']): a
    # delivery contact of the customer, else the customer itself.
    partner_shipping_id = Many2one("res.partner", "Delivery Address")
    partner_invoice_id = Many2one("res.partner", "Invoice Address")
    date_order = Datetime("Order Date", required=True, default=lambda m: now_str())
    validity_date = Date("Expiration")
    state = Selection(_sale_states, "Status", default="draft")
    locked = Boolean("Locked", versions=(17, None))
    order_line = One2many("sale.order.line", "order_id", "Order Lines")
    user_id = Many2one("res.users", "Salesperson", default=lambda m: m.env.uid)
    # portal.mixin (sale_management's portal: /my/orders/<id>, signed and paid there)
    access_token = Char("Security Token")
    access_url = Char("Portal Access URL", compute=True)
    team_id = Many2one("crm.team", "Sales Team")
    company_id = Many2one("res.company", "Company", default=1)
    currency_id = Many2one("res.currency", "Currency", default=lambda m: m.env.ref("base.USD"))
    amount_untaxed = Float("Untaxed Amount", compute=True)
    amount_tax = Float("Taxes", compute=True)
    amount_total = Float("Total", compute=True)
    note = Html("Terms and conditions")
    client_order_ref = Char("Customer Reference")
    origin = Char("Source Document")
    commitment_date = Datetime("Delivery Date")
    require_signature = Boolean("Online signature", default=True)
    signature = Binary("Signature")
    signed_by = Char("Signed By")
    signed_on = Datetime("Signed On")
    opportunity_id = Many2one("crm.lead", "Opportunity")
    invoice_status = Selection([["upselling", "Upselling Opportunity"], ["invoiced", "Fully Invoiced"],
                                ["to invoice", "To Invoice"], ["no", "Nothing to Invoice"]],
                               "Invoice Status", compute=True)
    invoice_ids = Many2many("account.move", "Invoices", compute=True)
    invoice_count = Integer("Invoice Count", compute=True)

    def _compute_invoice_ids(self, rid, rec):
        """The customer invoices whose lines come from this order's lines (sale_line_ids)."""
        lines = {lid for lid, r in self.env.store.data.get("sale.order.line", {}).items()
                 if r.get("order_id") == rid}
        moves = self.env.store.data.get("account.move.line", {})
        return sorted({m.get("move_id") for m in moves.values()
                       if lines & set(m.get("sale_line_ids") or [])})

    def _compute_access_url(self, rid, rec):
        return f"/my/orders/{rid}"

    def get_portal_url(self, ids, suffix=None, report_type=None, download=None,
                       query_string=None, anchor=None):
        """portal.mixin.get_portal_url: public; ensure_one; the token is filled with sudo."""
        return portal_url(self, ids, f"/my/orders/{ids[0] if ids else ''}", suffix=suffix,
                          report_type=report_type, download=download,
                          query_string=query_string, anchor=anchor)

    def _compute_invoice_count(self, rid, rec):
        return len(self._compute_invoice_ids(rid, rec))

    def _lines(self, rid):
        return [r for r in self.env.store.data.get("sale.order.line", {}).values()
                if r.get("order_id") == rid]

    def _compute_amount_untaxed(self, rid, rec):
        sol = self.env["sale.order.line"]
        return round(sum(sol._subtotal(r) for r in self._lines(rid)), 2)

    def _compute_amount_tax(self, rid, rec):
        sol = self.env["sale.order.line"]
        return round(sum(sol._tax(r) for r in self._lines(rid)), 2)

    def _compute_amount_total(self, rid, rec):
        return round(self._compute_amount_untaxed(rid, rec) + self._compute_amount_tax(rid, rec), 2)

    def _compute_invoice_status(self, rid, rec):
        """sale.order._compute_invoice_status: a confirmed order is "to invoice" while a line
        has a quantity to invoice, "invoiced" once every line is."""
        if rec.get("state") not in ("sale", "done"):
            return "no"
        sol = self.env["sale.order.line"]
        lines = self._lines(rid)
        if any(sol._qty_to_invoice(line) > 0 for line in lines):
            return "to invoice"
        if lines and all((line.get("qty_invoiced") or 0.0) >= sol._invoiceable_qty(line)
                         and (line.get("qty_invoiced") or 0.0) > 0 for line in lines):
            return "invoiced"
        return "no"

    def _prepare_create(self, vals):
        if not vals.get("name") or vals["name"] == "New":
            vals["name"] = f"S{self.env.state.next_sequence('sale.order'):05d}"
        partner = vals.get("partner_id")
        if partner:
            vals.setdefault("partner_shipping_id", self._address(partner, "delivery"))
            vals.setdefault("partner_invoice_id", self._address(partner, "invoice"))
        return vals

    def _address(self, partner, kind):
        """res.partner.address_get([kind]): a child contact of that type, else the partner."""
        partners = self.env.store.data.get("res.partner", {})
        for pid in sorted(partners):
            rec = partners[pid]
            if rec.get("parent_id") == partner and rec.get("type") == kind:
                return pid
        return partner

    def _set_state(self, ids, state, **extra):
        self._check_acl("write")
        self._check_rules(ids, "write")
        olds = {rid: {"state": self.records[rid].get("state")} for rid in ids}
        for rid in ids:
            self._write_one(rid, dict(state=state, **extra))
            self._track(rid, olds[rid])
        return True

    def action_confirm(self, ids):
        for rid in ids:
            if self.records.get(rid, {}).get("state") not in ("draft", "sent"):
                raise UserError("Some orders are not in a state requiring confirmation.")
            if any(not line.get("product_id") for line in self._lines(rid)):
                raise UserError("A line on these orders is missing a product, "
                                "you cannot confirm it.")
        return self._set_state(ids, "sale")

    def action_cancel(self, ids):
        for rid in ids:
            st = self.records.get(rid, {})
            if st.get("state") == "done" or st.get("locked"):
                raise UserError("You cannot cancel a locked order. Please unlock it first.")
        return self._set_state(ids, "cancel")

    def action_draft(self, ids):
        return self._set_state(ids, "draft")

    def action_lock(self, ids):
        if self.version <= 16:
            return self._set_state(ids, "done")
        for rid in ids:
            self._write_one(rid, {"locked": True})
        return True

    def action_unlock(self, ids):
        if self.version <= 16:
            return self._set_state(ids, "sale")
        for rid in ids:
            self._write_one(rid, {"locked": False})
        return True

    action_done = action_lock

    def action_quotation_send(self, ids):
        ctx = {"default_model": "sale.order", "default_template_id": 1,
               "default_composition_mode": "comment", "mark_so_as_sent": True,
               "proforma": False, "force_email": True, "model_description": "Quotation"}
        if self.version >= 17:
            ctx["default_res_ids"] = list(ids)
            ctx["default_email_layout_xmlid"] = \
                "mail.mail_notification_layout_with_responsible_signature"
        else:
            ctx.update(default_res_id=ids[0], default_use_template=True,
                       custom_layout="mail.mail_notification_paynow")
        action = {"type": "ir.actions.act_window", "view_mode": "form",
                  "res_model": "mail.compose.message", "views": [[False, "form"]],
                  "view_id": False, "target": "new", "context": ctx}
        if self.version >= 19:
            ctx.pop("model_description", None)
            ctx.update(email_notification_allow_footer=True,
                       hide_mail_template_management_options=True)
            action = {"name": "Send", **action}
        return action


class SaleOrderLine(BaseModel):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"
    order_id = Many2one("sale.order", "Order Reference", required=True)
    sequence = Integer("Sequence", default=10)
    product_id = Many2one("product.product", "Product")
    name = Text("Description")
    product_uom_qty = Float("Quantity", default=1.0)
    product_uom = Many2one("uom.uom", "Unit of Measure", versions=(None, 18))
    product_uom_id = Many2one("uom.uom", "Unit", versions=(19, None))
    price_unit = Float("Unit Price")
    discount = Float("Discount (%)")
    tax_id = Many2many("account.tax", "Taxes", versions=(None, 18))
    tax_ids = Many2many("account.tax", "Taxes", versions=(19, None))
    price_subtotal = Float("Subtotal", compute=True)
    price_tax = Float("Total Tax", compute=True)
    price_total = Float("Total", compute=True)
    qty_delivered = Float("Delivery Quantity")
    qty_invoiced = Float("Invoiced Quantity")
    state = Selection(_sale_states, "Order Status", related="order_id.state")
    currency_id = Many2one("res.currency", "Currency", related="order_id.currency_id")

    qty_to_invoice = Float("Quantity To Invoice", compute=True)

    def _invoiceable_qty(self, rec):
        """What the product's invoicing policy allows: ordered or delivered quantities."""
        policy = self.env.sudo()["product.product"].raw_value(rec.get("product_id"),
                                                               "invoice_policy") or "order"
        if policy == "delivery":
            return rec.get("qty_delivered") or 0.0
        return rec.get("product_uom_qty") or 0.0

    def _qty_to_invoice(self, rec):
        order = self.env.store.data.get("sale.order", {}).get(rec.get("order_id"), {})
        if order.get("state") not in ("sale", "done"):
            return 0.0
        return max(0.0, round(self._invoiceable_qty(rec) - (rec.get("qty_invoiced") or 0.0), 4))

    def _compute_qty_to_invoice(self, rid, rec):
        return self._qty_to_invoice(rec)

    def _tax_field(self):
        return "tax_ids" if self.version >= 19 else "tax_id"

    def _subtotal(self, rec):
        return (rec.get("price_unit") or 0.0) * (rec.get("product_uom_qty") or 0.0) * \
            (1 - (rec.get("discount") or 0.0) / 100.0)

    def _tax(self, rec):
        taxes = self.env.store.data.get("account.tax", {})
        rate = sum(taxes.get(t, {}).get("amount", 0.0) for t in rec.get(self._tax_field()) or [])
        return round(self._subtotal(rec) * rate / 100.0, 2)

    def _compute_price_subtotal(self, rid, rec):
        return round(self._subtotal(rec), 2)

    def _compute_price_tax(self, rid, rec):
        return self._tax(rec)

    def _compute_price_total(self, rid, rec):
        return round(self._subtotal(rec) + self._tax(rec), 2)

    def _compute_display_name(self, rid, rec):
        order = self.env["sale.order"].records.get(rec.get("order_id"), {})
        return f"{order.get('name')} - {(rec.get('name') or '').splitlines()[0] if rec.get('name') else ''}"

    def _order_lang(self, order_id):
        data = self.env.store.data
        partner = data["sale.order"].get(order_id, {}).get("partner_id")
        return data["res.partner"].get(partner, {}).get("lang") or self.env.context.get("lang")

    def _prepare_create(self, vals):
        pid = vals.get("product_id")
        if pid:
            prod = self.env.sudo()["product.product"]
            # sale's _compute_name: the product's name in the customer's language
            # (sale.order._get_lang: the partner's lang, else the user's)
            in_lang = self.env.sudo().with_context(lang=self._order_lang(vals.get("order_id")))
            vals.setdefault("name", in_lang["product.product"].display_name_of(pid))
            vals.setdefault("price_unit", prod.raw_value(pid, "list_price"))
            uom_field = "product_uom" if "product_uom" in self.fields else "product_uom_id"
            vals.setdefault(uom_field, prod.raw_value(pid, "uom_id"))
            taxes = list(self.env.store.data.get("account.tax", {}))[:1]
            vals.setdefault(self._tax_field(), [(6, 0, taxes)])
        return vals


class MailComposeMessage(BaseModel):
    """The e-mail composer as sale.order's send action uses it: created with the action's
    context (defaults fill the rest), then action_send_mail posts on the order and, with
    ``mark_so_as_sent``, moves a draft quote to ``sent`` (as recorded on 16, 18 and 19)."""

    _name = "mail.compose.message"
    _description = "Email composition wizard"
    _transient = True
    subject = Char("Subject")
    body = Html("Contents")
    model = Char("Related Document Model")
    res_id = Integer("Related Document ID", versions=(None, 16))
    res_ids = Text("Related Document IDs", versions=(17, None))
    composition_mode = Selection([["comment", "Post on a document"], ["mass_mail", "Email Mass Mailing"]],
                                 "Composition mode", default="comment")
    template_id = Integer("Use template")

    def _prepare_create(self, vals):
        ctx = self.env.context
        vals.setdefault("model", ctx.get("default_model") or False)
        ids = ctx.get("default_res_ids") or ([ctx["default_res_id"]] if ctx.get("default_res_id")
                                             else [])
        if self.version <= 16:
            vals.setdefault("res_id", ids[0] if ids else 0)
        else:
            vals.setdefault("res_ids", str(list(ids)))
        vals.setdefault("template_id", ctx.get("default_template_id") or 0)
        if vals.get("template_id") and vals.get("model") == "sale.order" and ids:
            name = self.env.sudo()["sale.order"].raw_value(ids[0], "name")
            vals.setdefault("subject", f"YourCompany Quotation (Ref {name})")
            vals.setdefault("body", f"<p>Hello, your quotation {name} is ready for review.</p>")
        return vals

    def _targets(self, rec):
        if self.version <= 16:
            return [rec["res_id"]] if rec.get("res_id") else []
        raw = (rec.get("res_ids") or "[]").strip("[] ")
        return [int(x) for x in raw.split(",") if x.strip()]

    def action_send_mail(self, ids):
        for wid in ids:
            rec = self.records[wid]
            if rec.get("model") != "sale.order":
                continue
            orders = self.env.sudo()["sale.order"]
            for oid in self._targets(rec):
                orders.message_post([oid], body=rec.get("body") or "", subject=rec.get("subject"),
                                    message_type="comment", subtype_xmlid="mail.mt_comment",
                                    body_is_html=True)
                if self.env.context.get("mark_so_as_sent") and \
                        orders.records[oid].get("state") == "draft":
                    olds = {"state": "draft"}
                    orders._write_one(oid, {"state": "sent"})
                    orders._track(oid, olds)
        return {"type": "ir.actions.act_window_close"}


MODELS = [ProductCategory, AccountTax, ProductTemplate, ProductProduct, SaleOrder, SaleOrderLine,
          MailComposeMessage]
