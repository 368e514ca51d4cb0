"""account (+ sale's invoicing, portal's share link): journals, customer invoices, payments.

What each rule rests on (recordings `i_*` in ../shared/odoo-recordings-more/, 16 and 18):

* ``sale.advance.payment.inv``: ``default_get`` answers only ``advance_payment_method``,
  ``sale_order_ids`` and ``deduct_down_payments``; ``create_invoices`` makes the invoice with
  sudo (a salesman may), reads the orders through the wizard's many2many (the user's record
  rules filter it: an order he may not read is "nothing to invoice"), looks for a sale journal
  first ("No journal could be found ..."), and answers ``act_window_close`` on 16 unless the
  context has ``open_invoices``; 18 always answers the invoice action (``path: "invoicing"``).
* ``account.move``: the first move of a journal has its name as a draft ("INV/2026/00001"),
  later drafts read "/" until posted (account_move.py ``_compute_name``); ``action_post`` needs
  *Invoicing / Billing* (16) / *Invoicing / Invoicing* (18), else AccessError "You don't have the
  access rights to post an invoice." and answers ``false``; ``invoice_date_due`` is set on the
  draft (today, no payment terms); ``access_url`` is "/my/invoices/<id>"; the public
  ``get_portal_url`` fills ``access_token`` (sudo) and answers the relative URL.
* ``account.payment.register``: ``default_get`` gives ``payment_date`` and the receivable
  ``line_ids`` only; ``create`` needs the invoicing group; ``action_create_payments`` answers the
  account.payment form action. 16: payment "PCSH1/2026/00001" ``posted`` with a move, invoice
  residual 0; 18: payment "PAY00001" ``paid`` without a move, invoice ``paid`` with its residual
  unchanged (no outstanding account).
* Salesmen read invoices (own ones only for *own documents*), never write them; every internal
  user reads journals.
"""


from ..exceptions import AccessError, UserError, no_such_method
from ..orm import (
    BaseModel,
    Boolean,
    Char,
    Date,
    Float,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    api_model,
)
from .mail import MailThread
from .portal import portal_url

INVOICE_GROUP = "account.group_account_invoice"
POST_REFUSED = "You don't have the access rights to post an invoice."


def _today(env):
    return env.state.today_for_user(env.uid)


def _ids_from_context(env, model):
    ctx = env.context
    if ctx.get("active_model") != model:
        return []
    return list(ctx.get("active_ids") or ([ctx["active_id"]] if ctx.get("active_id") else []))


def nothing_to_invoice(version):
    """sale.order._nothing_to_invoice_error_message: the wording changed at 17."""
    if version <= 16:
        return ("There is nothing to invoice!\n\nReason(s) of this behavior could be:\n"
                "- You should deliver your products before invoicing them.\n"
                "- You should modify the invoicing policy of your product: Open the product, go "
                "to the \"Sales\" tab and modify invoicing policy from \"delivered quantities\" "
                "to \"ordered quantities\". For Services, you should modify the Service Invoicing "
                "Policy to 'Prepaid'.")
    return ("Cannot create an invoice. No items are available to invoice.\n\n"
            "To resolve this issue, please ensure that:\n"
            "   \u2022 The products have been delivered before attempting to invoice them.\n"
            "   \u2022 The invoicing policy of the product is configured correctly.\n\n"
            "If you want to invoice based on ordered quantities instead:\n"
            "   \u2022 For consumable or storable products, open the product, go to the 'General "
            "Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to "
            "'Ordered Quantities'.\n"
            "   \u2022 For services (and other products), change the 'Invoicing Policy' to "
            "'Prepaid/Fixed Price'.\n")


class AccountAccount(BaseModel):
    _name = "account.account"
    _description = "Account"
    _order = "code"
    name = Char("Account Name", required=True)
    code = Char("Code", required=True)
    account_type = Selection([["asset_receivable", "Receivable"], ["asset_cash", "Bank and Cash"],
                              ["income", "Income"]], "Type")

    def _compute_display_name(self, rid, rec):
        return f"{rec.get('code')} {rec.get('name')}"


class AccountJournal(BaseModel):
    _name = "account.journal"
    _description = "Journal"
    _order = "sequence, type, code"
    name = Char("Journal Name", required=True)
    code = Char("Short Code", required=True)
    type = Selection([["sale", "Sales"], ["purchase", "Purchase"], ["cash", "Cash"],
                      ["bank", "Bank"], ["general", "Miscellaneous"]], "Type", required=True)
    sequence = Float("Sequence", default=10)
    active = Boolean("Active", default=True)
    currency_id = Many2one("res.currency", "Currency")
    company_id = Many2one("res.company", "Company", default=1)
    default_account_id = Many2one("account.account", "Default Account")
    inbound_payment_method_line_ids = One2many("account.payment.method.line", "journal_id",
                                               "Inbound Payment Methods")


class AccountPaymentMethodLine(BaseModel):
    _name = "account.payment.method.line"
    _description = "Payment Methods"
    name = Char("Name", default="Manual")
    journal_id = Many2one("account.journal", "Journal")
    payment_type = Selection([["inbound", "Inbound"], ["outbound", "Outbound"]], "Payment Type",
                             default="inbound")


def _move_states(version):
    return [["draft", "Draft"], ["posted", "Posted"], ["cancel", "Cancelled"]]


PAYMENT_STATES = [["not_paid", "Not Paid"], ["in_payment", "In Payment"], ["paid", "Paid"],
                  ["partial", "Partially Paid"], ["reversed", "Reversed"],
                  ["invoicing_legacy", "Invoicing App Legacy"]]

DRAFT_LABEL = {"out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note",
               "entry": "Draft Entry"}


class AccountMove(MailThread):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, id desc"
    _track_fields = ("state", "payment_state")
    name = Char("Number", default="/")
    ref = Char("Reference")
    move_type = Selection([["entry", "Journal Entry"], ["out_invoice", "Customer Invoice"],
                           ["out_refund", "Customer Credit Note"], ["in_invoice", "Vendor Bill"],
                           ["in_refund", "Vendor Credit Note"]], "Type", default="entry")
    state = Selection(_move_states, "Status", default="draft")
    date = Date("Date")
    invoice_date = Date("Invoice/Bill Date")
    invoice_date_due = Date("Due Date")
    partner_id = Many2one("res.partner", "Partner")
    partner_shipping_id = Many2one("res.partner", "Delivery Address")
    journal_id = Many2one("account.journal", "Journal")
    company_id = Many2one("res.company", "Company", default=1)
    currency_id = Many2one("res.currency", "Currency")
    invoice_origin = Char("Origin")
    invoice_user_id = Many2one("res.users", "Salesperson")
    line_ids = One2many("account.move.line", "move_id", "Journal Items")
    invoice_line_ids = One2many("account.move.line", "move_id", "Invoice lines", compute=True)
    amount_untaxed = Float("Untaxed Amount")
    amount_tax = Float("Tax")
    amount_total = Float("Total")
    amount_residual = Float("Amount Due")
    payment_state = Selection(PAYMENT_STATES, "Payment Status", default="not_paid")
    posted_before = Boolean("Posted Before")
    is_move_sent = Boolean("Is Move Sent")
    access_token = Char("Security Token")
    access_url = Char("Portal Access URL", compute=True)
    access_warning = Char("Access warning", compute=True)
    payment_reference = Char("Payment Reference")

    # -- computes --------------------------------------------------------------------------
    def _compute_invoice_line_ids(self, rid, rec):
        lines = self.env["account.move.line"].records
        return [lid for lid, line in lines.items() if line.get("move_id") == rid
                and line.get("display_type") in ("product", "line_section", "line_note")]

    def _compute_access_url(self, rid, rec):
        return f"/my/invoices/{rid}"

    def _compute_access_warning(self, rid, rec):
        return ""

    def _compute_display_name(self, rid, rec):
        name = rec.get("name") or "/"
        if rec.get("state") == "draft" and rec.get("move_type") in DRAFT_LABEL:
            label = DRAFT_LABEL[rec["move_type"]]
            return f"{label} (* {rid})" if name == "/" else f"{label} {name}"
        if rec.get("ref") and rec.get("move_type") == "entry":
            return f"{name} ({rec['ref']})"
        return name

    # -- sequence --------------------------------------------------------------------------
    def _next_name(self, journal_id, day):
        journal = self.env.sudo()["account.journal"].records.get(journal_id, {})
        year = day[:4]
        prefix = "INV" if journal.get("type") == "sale" else (journal.get("code") or "MISC")
        seq = self.env.state.next_sequence(f"account.move:{journal_id}:{year}")
        return f"{prefix}/{year}/{seq:05d}"

    def _journal_has_names(self, journal_id, exclude):
        return any(r.get("journal_id") == journal_id and (r.get("name") or "/") != "/"
                   for mid, r in self.records.items() if mid != exclude)

    def _prepare_create(self, vals):
        day = _today(self.env)
        vals.setdefault("date", day)
        if vals.get("move_type") in ("out_invoice", "out_refund"):
            vals.setdefault("invoice_date_due", day)
        return vals

    def _after_create(self, rid, vals):
        rec = self.records[rid]
        journal = rec.get("journal_id")
        if (rec.get("name") or "/") == "/" and journal and \
                not self._journal_has_names(journal, rid):
            # _compute_name: the first entry of a journal is named as a draft already.
            self._write_one(rid, {"name": self._next_name(journal, rec.get("date"))})
        self._recompute_amounts(rid)

    def _recompute_amounts(self, rid):
        lines = [line for line in self.env["account.move.line"].records.values()
                 if line.get("move_id") == rid and line.get("display_type") == "product"]
        untaxed = round(sum(line.get("price_subtotal") or 0.0 for line in lines), 2)
        total = round(sum(line.get("price_total") or 0.0 for line in lines), 2)
        self._write_one(rid, {"amount_untaxed": untaxed, "amount_tax": round(total - untaxed, 2),
                              "amount_total": total, "amount_residual": total})

    # -- actions ---------------------------------------------------------------------------
    def action_post(self, ids):
        if not self.env.su and not self.env.has_group(INVOICE_GROUP):
            raise AccessError(POST_REFUSED)
        self._check_acl("write")
        self._check_rules(ids, "write")
        for rid in ids:
            rec = self.records[rid]
            if rec.get("state") == "posted":
                raise UserError(f"The entry {rec.get('name')} (id {rid}) is already posted.")
            if not any(line.get("move_id") == rid
                       for line in self.env["account.move.line"].records.values()):
                raise UserError("You need to add a line before posting.")
            if rec.get("move_type") in ("out_invoice", "out_refund") and not rec.get("partner_id"):
                raise UserError("The field 'Customer' is required, please complete it to "
                                "validate the Customer Invoice.")
            day = rec.get("invoice_date") or _today(self.env)
            vals = {"state": "posted", "posted_before": True, "invoice_date": day, "date": day}
            if (rec.get("name") or "/") == "/":
                vals["name"] = self._next_name(rec.get("journal_id"), day)
            olds = {"state": rec.get("state")}
            self._write_one(rid, vals)
            self._track(rid, olds)
        return False

    def get_portal_url(self, ids, suffix=None, report_type=None, download=None,
                       query_string=None, anchor=None):
        """portal.mixin.get_portal_url: public; ensure_one; the token is filled with sudo."""
        return portal_url(self, ids, f"/my/invoices/{ids[0] if ids else ''}", suffix=suffix,
                          report_type=report_type, download=download,
                          query_string=query_string, anchor=anchor)

    # -- sending (i_send_*, i_send2_*) ------------------------------------------------------
    def _send_action(self, ids):
        if self.version <= 16:
            return {"name": "Send Invoice", "type": "ir.actions.act_window",
                    "view_mode": "form", "res_model": "account.invoice.send", "target": "new",
                    "context": {"default_model": "account.move", "default_res_id": ids[0],
                                "default_res_model": "account.move",
                                "default_use_template": True, "default_template_id": 12,
                                "default_composition_mode": "comment",
                                "mark_invoice_as_sent": True,
                                "default_email_layout_xmlid":
                                    "mail.mail_notification_layout_with_responsible_signature",
                                "model_description": "Invoice", "force_email": True,
                                "active_ids": list(ids)}}
        return {"name": "Print & Send", "type": "ir.actions.act_window", "view_mode": "form",
                "res_model": SEND_WIZARD[17 if self.version == 17 else 18], "target": "new",
                "context": {"active_model": "account.move", "active_ids": list(ids)}}

    def _layout_first(self, action):
        """An administrator of a company without a document layout gets the configurator,
        the real action inside it (ir.actions.report._action_configure_external_report_layout)."""
        if self.env.su or not self.env.is_admin or self.env.context.get("discard_logo_check"):
            return action
        xml_id = ("web" if self.version <= 16 else "account") + \
            ".action_base_document_layout_configurator"
        context = {"report_action": action}
        if self.version >= 17:
            context.update(dialog_size="extra-large", default_from_invoice=True)
        return {"name": "Configure your document layout", "type": "ir.actions.act_window",
                "res_model": "base.document.layout", "res_id": 0, "xml_id": xml_id,
                "target": "new", "context": context}

    def action_invoice_sent(self, ids):
        self._check_acl("read")
        self._check_rules(ids, "read")
        return self._layout_first(self._send_action(ids))

    def action_send_and_print(self, ids):
        if self.version <= 16:
            raise no_such_method(self._name, "action_send_and_print", self.version)
        self._check_acl("read")
        self._check_rules(ids, "read")
        return self._send_action(ids)

    def _mail_customer(self, rid, subject):
        """Odoo sends at once; without a mail server the mail ends in exception (i_send2_*)."""
        rec = self.records[rid]
        self.message_post([rid], body=f"<p>{subject}</p>", subject=subject,
                          message_type="comment", subtype_xmlid="mail.mt_comment",
                          body_is_html=True)
        self.env.sudo()["mail.mail"]._create_one({  # models/mail.py MailMail
            "subject": subject, "model": "account.move", "res_id": rid, "state": "exception",
            "recipient_ids": [(6, 0, [rec["partner_id"]] if rec.get("partner_id") else [])],
            "failure_reason": "111\nConnection refused"})
        self._write_one(rid, {"is_move_sent": True})

    def _register_payment(self, rid, amount):
        """What reconciling a payment does to the invoice (see the module's docstring)."""
        rec = self.records[rid]
        residual = rec.get("amount_residual") or 0.0
        paid = sum(p.get("amount") or 0.0 for p in self.env.sudo()["account.payment"]
                   .records.values() if rid in (p.get("reconciled_invoice_ids") or []))
        total = rec.get("amount_total") or 0.0
        state = "paid" if paid + 0.005 >= total else "partial"
        vals = {"payment_state": state}
        if self.version <= 17:
            vals["amount_residual"] = max(0.0, round(residual - amount, 2))
        olds = {"payment_state": rec.get("payment_state")}
        self._write_one(rid, vals)
        self._track(rid, olds)


SEND_WIZARD = {17: "account.move.send", 18: "account.move.send.wizard"}
WKHTMLTOPDF = "Unable to find Wkhtmltopdf on this system. The PDF can not be created."


def _active_invoices(env):
    ctx = env.context
    ids = ctx.get("active_ids") or []
    moves = env.sudo()["account.move"].records
    return [i for i in ids if moves.get(i, {}).get("move_type") in ("out_invoice",
                                                                      "out_refund")]


class AccountInvoiceSend(BaseModel):
    """16's send wizard: default_get needs the invoices in the context's ``active_ids`` (the
    layout configurator's nested context has none: "You can only send invoices.", checked
    before the access rights, i_send_wizard_create_office1)."""

    _name = "account.invoice.send"
    _description = "Account Invoice Send"
    _transient = True
    _versions = (15, 16)
    is_email = Boolean("Email", default=True)
    is_print = Boolean("Print", default=True)
    invoice_ids = Many2many("account.move", "Invoices")
    template_id = Integer("Use template")
    subject = Char("Subject")
    partner_ids = Many2many("res.partner", "Recipients")
    invoice_without_email = Char("invoice without email")

    @api_model
    def create(self, vals_list):
        if not _active_invoices(self.env):
            raise UserError("You can only send invoices.")
        return super().create(vals_list)

    def _prepare_create(self, vals):
        vals.setdefault("invoice_ids", [(6, 0, _active_invoices(self.env))])
        vals.setdefault("template_id", self.env.context.get("default_template_id") or 0)
        return vals

    def send_and_print_action(self, ids):
        moves = self.env.sudo()["account.move"]
        rec = self.records[ids[0]]
        for mid in rec.get("invoice_ids") or []:
            moves._mail_customer(mid, f"Re: {moves.records[mid].get('name')}")
        if not rec.get("is_print"):
            return {"type": "ir.actions.act_window_close"}
        report = {"type": "ir.actions.report", "report_name": "account.report_invoice_with_payments",
                  "report_type": "qweb-pdf", "name": "Invoices",
                  "context": dict(self.env.context), "data": None,
                  "close_on_report_download": True}
        return self.env["account.move"]._layout_first(report)


class AccountMoveSend(BaseModel):
    """17's (``account.move.send``) and 18+'s (``account.move.send.wizard``) send wizard: the
    move from ``active_ids``; sending renders the PDF, which the recorded 18 server could not
    (no wkhtmltopdf: i_send_wizard_send_and_print), and neither can the emulator."""

    _name = "account.move.send.wizard"
    _description = "Account Move Send Wizard"
    _transient = True
    _versions = (18, 19)
    move_id = Many2one("account.move", "Move")
    sending_methods = Char("Sending Methods")
    mail_partner_ids = Many2many("res.partner", "Recipients")
    mail_subject = Char("Subject")

    def _prepare_create(self, vals):
        moves = _active_invoices(self.env)
        if moves:
            vals.setdefault("move_id", moves[0])
            partner = self.env.sudo()["account.move"].records[moves[0]].get("partner_id")
            vals.setdefault("mail_partner_ids", [(6, 0, [partner] if partner else [])])
            name = self.env.sudo()["account.move"].records[moves[0]].get("name")
            vals.setdefault("mail_subject", f"My Company Invoice (Ref {name})")
        return vals

    def action_send_and_print(self, ids):
        raise UserError(WKHTMLTOPDF)


class AccountMoveSend17(AccountMoveSend):
    _name = "account.move.send"
    _description = "Account Move Send"
    _versions = (17, 17)


class AccountMoveLine(BaseModel):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "id"
    move_id = Many2one("account.move", "Journal Entry", required=True)
    sequence = Integer("Sequence", default=10)
    name = Char("Label")
    product_id = Many2one("product.product", "Product")
    quantity = Float("Quantity", default=1.0)
    price_unit = Float("Unit Price")
    price_subtotal = Float("Subtotal")
    price_total = Float("Total")
    tax_ids = Many2many("account.tax", "Taxes")
    sale_line_ids = Many2many("sale.order.line", "Sales Order Lines")
    account_id = Many2one("account.account", "Account")
    display_type = Selection([["product", "Product"], ["tax", "Tax"],
                              ["payment_term", "Payment Term"], ["line_section", "Section"],
                              ["line_note", "Note"]], "Display Type", default="product")
    debit = Float("Debit")
    credit = Float("Credit")
    partner_id = Many2one("res.partner", "Partner")
    currency_id = Many2one("res.currency", "Currency", related="move_id.currency_id")
    parent_state = Selection(_move_states, "Status", related="move_id.state")


class AccountPayment(BaseModel):
    _name = "account.payment"
    _description = "Payments"
    _order = "date desc, name desc, id desc"
    name = Char("Number", default="/")
    state = Selection(lambda v: ([["draft", "Draft"], ["in_process", "In Process"],
                                  ["paid", "Paid"], ["canceled", "Canceled"],
                                  ["rejected", "Rejected"]] if v >= 18 else
                                 [["draft", "Draft"], ["posted", "Posted"],
                                  ["cancel", "Cancelled"]]), "Status", default="draft")
    amount = Float("Amount")
    date = Date("Date")
    journal_id = Many2one("account.journal", "Journal")
    partner_id = Many2one("res.partner", "Customer/Vendor")
    currency_id = Many2one("res.currency", "Currency")
    payment_type = Selection([["outbound", "Send"], ["inbound", "Receive"]], "Payment Type",
                             default="inbound")
    partner_type = Selection([["customer", "Customer"], ["supplier", "Vendor"]], "Partner Type",
                             default="customer")
    payment_method_line_id = Many2one("account.payment.method.line", "Payment Method")
    move_id = Many2one("account.move", "Journal Entry")
    is_reconciled = Boolean("Is Reconciled")
    is_matched = Boolean("Is Matched With a Bank Statement")
    ref = Char("Memo", versions=(None, 17))
    memo = Char("Memo", versions=(18, None))
    reconciled_invoice_ids = Many2many("account.move", "Reconciled Invoices")
    company_id = Many2one("res.company", "Company", default=1)


class AccountPaymentRegister(BaseModel):
    _name = "account.payment.register"
    _description = "Register Payment"
    _transient = True
    payment_date = Date("Payment Date", required=True)
    amount = Float("Amount")
    communication = Char("Memo")
    group_payment = Boolean("Group Payments", default=True)
    currency_id = Many2one("res.currency", "Currency")
    journal_id = Many2one("account.journal", "Journal")
    partner_id = Many2one("res.partner", "Customer/Vendor")
    payment_method_line_id = Many2one("account.payment.method.line", "Payment Method")
    payment_difference = Float("Payment Difference", compute=True)
    line_ids = Many2many("account.move.line", "Journal items")
    can_edit_wizard = Boolean("Can Edit Wizard", default=True)

    @classmethod
    def _description_for(cls, version):
        return "Pay" if version >= 18 else "Register Payment"

    def __init__(self, env):
        super().__init__(env)
        self._description = self._description_for(env.version)

    def _receivable_lines(self, move_ids):
        moves = self.env.sudo()["account.move"]
        for mid in move_ids:
            rec = moves.records.get(mid)
            if rec is None or rec.get("state") != "posted":
                raise UserError("You can only register payment for posted journal entries.")
            if rec.get("payment_state") in ("paid", "in_payment"):
                raise UserError("You can't register a payment because there is nothing left "
                                "to pay on the selected journal items.")
        lines = self.env.sudo()["account.move.line"].records
        return [lid for lid, line in lines.items() if line.get("move_id") in move_ids
                and line.get("display_type") == "payment_term"]

    @api_model
    def default_get(self, fields_list):
        out = {}
        move_ids = _ids_from_context(self.env, "account.move")
        if "payment_date" in fields_list:
            out["payment_date"] = _today(self.env)
        if "line_ids" in fields_list:
            if not move_ids:
                raise UserError("The register payment wizard should only be called on "
                                "account.move or account.move.line records.")
            out["line_ids"] = [[6, 0, self._receivable_lines(move_ids)]]
        return out

    def _compute_payment_difference(self, rid, rec):
        moves = self._moves(rec)
        due = sum(self.env.sudo()["account.move"].records[m].get("amount_residual") or 0.0
                  for m in moves)
        return round(due - (rec.get("amount") or 0.0), 2)

    def _moves(self, rec):
        lines = self.env.sudo()["account.move.line"].records
        return list(dict.fromkeys(lines[lid]["move_id"] for lid in rec.get("line_ids") or []
                                  if lid in lines))

    def _prepare_create(self, vals):
        move_ids = _ids_from_context(self.env, "account.move")
        if "line_ids" not in vals:
            vals["line_ids"] = [(6, 0, self._receivable_lines(move_ids))]
        vals.setdefault("payment_date", _today(self.env))
        moves = self.env.sudo()["account.move"]
        first = moves.records.get(move_ids[0], {}) if move_ids else {}
        journals = self.env.sudo()["account.journal"]
        if not vals.get("journal_id"):
            found = journals._search([("type", "in", ("bank", "cash"))], limit=1, check=False)
            vals["journal_id"] = found[0] if found else False
        if vals.get("journal_id") and not vals.get("payment_method_line_id"):
            methods = journals.raw_value(vals["journal_id"], "inbound_payment_method_line_ids")
            vals["payment_method_line_id"] = methods[0] if methods else False
        vals.setdefault("partner_id", first.get("partner_id") or False)
        vals.setdefault("currency_id", first.get("currency_id") or False)
        vals.setdefault("communication", first.get("name") or False)
        if "amount" not in vals:
            vals["amount"] = sum(moves.records.get(m, {}).get("amount_residual") or 0.0
                                 for m in move_ids)
        return vals

    def action_create_payments(self, ids):
        self._check_acl("write")
        payments = self.env.sudo()["account.payment"]
        moves = self.env.sudo()["account.move"]
        created = []
        for wid in ids:
            rec = self.records[wid]
            move_ids = self._moves(rec)
            if not move_ids:
                raise UserError("You can't register a payment because there is nothing left "
                                "to pay on the selected journal items.")
            journal = self.env.sudo()["account.journal"].records.get(rec.get("journal_id"), {})
            year = (rec.get("payment_date") or _today(self.env))[:4]
            if self.version >= 18:
                name = f"PAY{self.env.state.next_sequence('account.payment'):05d}"
            else:
                seq = self.env.state.next_sequence(f"account.payment:{rec.get('journal_id')}:{year}")
                name = f"P{journal.get('code') or 'PAY'}/{year}/{seq:05d}"
            memo = "memo" if self.version >= 18 else "ref"
            vals = {"name": name, "amount": rec.get("amount") or 0.0,
                    "date": rec.get("payment_date"), "journal_id": rec.get("journal_id"),
                    "partner_id": rec.get("partner_id"), "currency_id": rec.get("currency_id"),
                    "payment_method_line_id": rec.get("payment_method_line_id"),
                    memo: rec.get("communication") or False,
                    "reconciled_invoice_ids": [(6, 0, move_ids)]}
            if self.version >= 18:
                vals.update(state="paid", is_matched=True, is_reconciled=False, move_id=False)
            else:
                invoice_names = ", ".join(moves.records[m].get("name") or "" for m in move_ids)
                move = moves._create_one({"move_type": "entry", "name": name,
                                          "ref": invoice_names, "state": "posted",
                                          "journal_id": rec.get("journal_id"),
                                          "partner_id": rec.get("partner_id"),
                                          "date": rec.get("payment_date")})
                vals.update(state="posted", is_matched=False, is_reconciled=True, move_id=move)
            pid = payments._create_one(vals)
            created.append(pid)
            for mid in move_ids:
                moves._register_payment(mid, vals["amount"] / len(move_ids))
        action = {"name": "Payments", "type": "ir.actions.act_window",
                  "res_model": "account.payment", "context": {"create": False}}
        if len(created) == 1:
            action.update(view_mode="form", res_id=created[0])
        else:
            action.update(view_mode="tree" if self.version <= 16 else "list",
                          domain=[("id", "in", created)])
        return action


class SaleAdvancePaymentInv(BaseModel):
    _name = "sale.advance.payment.inv"
    _description = "Sales Advance Payment Invoice"
    _transient = True
    advance_payment_method = Selection([["delivered", "Regular invoice"],
                                        ["percentage", "Down payment (percentage)"],
                                        ["fixed", "Down payment (fixed amount)"]],
                                       "Create Invoice", required=True, default="delivered")
    sale_order_ids = Many2many("sale.order", "Sale Order")
    count = Float("Order Count", compute=True)
    deduct_down_payments = Boolean("Deduct down payments", default=True)
    has_down_payments = Boolean("Has down payments", compute=True)
    product_id = Many2one("product.product", "Down Payment Product", versions=(None, 16))
    amount = Float("Down Payment")
    fixed_amount = Float("Down Payment Amount (Fixed)")

    @api_model
    def default_get(self, fields_list):
        out = {}
        orders = _ids_from_context(self.env, "sale.order")
        for fname in fields_list or []:
            if fname == "advance_payment_method":
                out[fname] = "delivered"
            elif fname == "sale_order_ids" and orders:
                out[fname] = [[6, 0, orders]]  # 18 too (i_inv_wizard_default_get)
            elif fname == "deduct_down_payments":
                out[fname] = True
        return out

    def _compute_count(self, rid, rec):
        return len(rec.get("sale_order_ids") or [])

    def _compute_has_down_payments(self, rid, rec):
        return False

    def _prepare_create(self, vals):
        if "sale_order_ids" not in vals:
            vals["sale_order_ids"] = [(6, 0, _ids_from_context(self.env, "sale.order"))]
        return vals

    def create_invoices(self, ids):
        self._check_acl("write")
        rec = self.records[ids[0]]
        if rec.get("advance_payment_method") != "delivered":
            raise UserError("Fieldkit's emulator only makes regular invoices.")
        # The many2many is read as the user: his record rules leave out orders he may not read.
        orders = self.env["sale.order"]._rule_filter(
            [o for o in rec.get("sale_order_ids") or [] if o in self.env["sale.order"].records])
        invoices = [mid for mid in (self._invoice_order(o) for o in orders) if mid]
        if not invoices:
            raise UserError(nothing_to_invoice(self.version))
        if self.version <= 16 and not self.env.context.get("open_invoices"):
            return {"type": "ir.actions.act_window_close"}
        order = self.env.sudo()["sale.order"].records[orders[0]]
        action = {"id": 297, "name": "Invoices", "type": "ir.actions.act_window",
                  "xml_id": "account.action_move_out_invoice_type",
                  "res_model": "account.move", "target": "current",
                  "domain": "[('move_type', '=', 'out_invoice')]",
                  "context": {"default_move_type": "out_invoice",
                              "default_partner_id": order.get("partner_id"),
                              "default_partner_shipping_id": order.get("partner_id"),
                              "default_invoice_payment_term_id": None,
                              "default_invoice_origin": order.get("name")},
                  "view_mode": "form" if len(invoices) == 1 else
                  ("tree,kanban,form" if self.version <= 16 else "list,kanban,form")}
        if len(invoices) == 1:
            action["res_id"] = invoices[0]
        else:
            action["domain"] = [("id", "in", invoices)]
        if self.version >= 17:
            action["path"] = "invoicing"
        return action

    def _invoice_order(self, oid):
        """sale.order._create_invoices for one order (sudo, as sale does); the new move id."""
        env = self.env.sudo()
        order = env["sale.order"].records[oid]
        journals = env["account.journal"]._search([("type", "=", "sale"),
                                                  ("company_id", "=", order.get("company_id"))],
                                                 limit=1, check=False)
        if not journals:
            company = env["res.company"].records.get(order.get("company_id"), {}).get("name")
            raise UserError(f"No journal could be found in company {company} for any of those "
                            "types: sale")
        if order.get("state") not in ("sale", "done"):
            return None
        sol = env["sale.order.line"]
        lines = [(lid, line) for lid, line in sorted(sol.records.items())
                 if line.get("order_id") == oid and sol._qty_to_invoice(line) > 0]
        if not lines:
            return None
        income = env["account.account"]._search([("account_type", "=", "income")], limit=1,
                                                check=False)
        receivable = env["account.account"]._search([("account_type", "=", "asset_receivable")],
                                                    limit=1, check=False)
        moves = env["account.move"]
        mid = env["account.move"]._create_one({
            "move_type": "out_invoice", "partner_id": order.get("partner_id"),
            "partner_shipping_id": order.get("partner_id"), "journal_id": journals[0],
            "company_id": order.get("company_id"), "currency_id": order.get("currency_id"),
            "invoice_origin": order.get("name"), "invoice_user_id": order.get("user_id"),
        })
        aml = env["account.move.line"]
        tax_field = sol._tax_field()
        tax_total = 0.0
        for lid, line in lines:
            qty = sol._qty_to_invoice(line)
            sub = round((line.get("price_unit") or 0.0) * qty *
                        (1 - (line.get("discount") or 0.0) / 100.0), 2)
            rate = sum(env["account.tax"].records.get(t, {}).get("amount", 0.0)
                       for t in line.get(tax_field) or [])
            tax = round(sub * rate / 100.0, 2)
            tax_total += tax
            aml._create_one({"move_id": mid, "display_type": "product",
                             "product_id": line.get("product_id"), "name": line.get("name"),
                             "quantity": qty, "price_unit": line.get("price_unit") or 0.0,
                             "price_subtotal": sub, "price_total": round(sub + tax, 2),
                             "tax_ids": [(6, 0, list(line.get(tax_field) or []))],
                             "sale_line_ids": [(6, 0, [lid])],
                             "account_id": income[0] if income else False,
                             "partner_id": order.get("partner_id"), "credit": sub})
            sol._write_one(lid, {"qty_invoiced": (line.get("qty_invoiced") or 0.0) + qty})
        if tax_total:
            aml._create_one({"move_id": mid, "display_type": "tax", "name": "Tax",
                             "quantity": 0.0, "credit": round(tax_total, 2),
                             "partner_id": order.get("partner_id")})
        moves._recompute_amounts(mid)
        total = moves.records[mid]["amount_total"]
        aml._create_one({"move_id": mid, "display_type": "payment_term", "name": "",
                         "quantity": 0.0, "debit": total,
                         "account_id": receivable[0] if receivable else False,
                         "partner_id": order.get("partner_id")})
        return mid


# ACLs (account/security/ir.model.access.csv, sale's additions) and record rules
# (sale/security/sale_security.xml: salesmen see their own customer invoices, all-documents
# users every customer invoice; account's own rules let the invoicing groups see all).
ACL = {
    "account.account": [("base.group_user", "r"), (INVOICE_GROUP, "r"),
                        ("base.group_system", "rwcu")],
    "account.journal": [("base.group_user", "r"), ("base.group_system", "rwcu")],
    "account.payment.method.line": [("base.group_user", "r"), ("base.group_system", "rwcu")],
    "account.move": [(INVOICE_GROUP, "rwcu"), ("account.group_account_readonly", "r"),
                     ("sales_team.group_sale_salesman", "r")],
    "account.move.line": [(INVOICE_GROUP, "rwcu"), ("account.group_account_readonly", "r"),
                          ("sales_team.group_sale_salesman", "r")],
    "account.payment": [(INVOICE_GROUP, "rwcu"), ("account.group_account_readonly", "r")],
    "account.payment.register": [(INVOICE_GROUP, "rwcu")],
    "sale.advance.payment.inv": [("sales_team.group_sale_salesman", "rwcu")],
    "account.invoice.send": [(INVOICE_GROUP, "rwcu")],
    "account.move.send.wizard": [(INVOICE_GROUP, "rwcu")],
    "account.move.send": [(INVOICE_GROUP, "rwcu")],
    "mail.mail": [("base.group_system", "rwcu")],
}


def _customer_invoice(env, model, rid):
    return model.records[rid].get("move_type") in ("out_invoice", "out_refund")


def _own_invoice(env, model, rid):
    rec = model.records[rid]
    return _customer_invoice(env, model, rid) and rec.get("invoice_user_id") in (env.uid, False,
                                                                                   None)


def _line_rule(move_pred):
    def pred(env, model, rid):
        moves = env["account.move"]
        mid = model.records[rid].get("move_id")
        return mid in moves.records and move_pred(env, moves, mid)
    return pred


def _all(env, model, rid):
    return True


def _company(env, model, rid):
    return model.records[rid].get("company_id") in env.company_ids


_company.company_rule = True


def _line_company(env, model, rid):
    move = env.store.data["account.move"].get(model.records[rid].get("move_id"), {})
    return move.get("company_id") in env.company_ids


_line_company.company_rule = True


def rules():
    readonly, salesman, all_docs = ("account.group_account_readonly",
                                    "sales_team.group_sale_salesman",
                                    "sales_team.group_sale_salesman_all_leads")
    return {
        "account.move": [(None, _company), (INVOICE_GROUP, _all), (readonly, _all),
                         (salesman, _own_invoice), (all_docs, _customer_invoice)],
        "account.move.line": [(None, _line_company), (INVOICE_GROUP, _all), (readonly, _all),
                              (salesman, _line_rule(_own_invoice)),
                              (all_docs, _line_rule(_customer_invoice))],
        "account.payment": [(None, _company)],
        "account.journal": [(None, _company)],
    }


MODELS = [AccountAccount, AccountJournal, AccountPaymentMethodLine, AccountMove, AccountMoveLine,
          AccountPayment, AccountPaymentRegister, SaleAdvancePaymentInv,
          AccountInvoiceSend, AccountMoveSend, AccountMoveSend17]
