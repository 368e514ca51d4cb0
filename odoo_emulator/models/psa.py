"""What an IT service company adds to Odoo: the client asset model as Studio creates it
(`x_client_asset`, fields prefixed `x_`), the Studio link from helpdesk tickets to it
(`x_asset_id`, on fsm.order too), and subscriptions:
Odoo's subscriptions app on sale.order from 16 (`is_subscription`; 16 says where it runs in
`stage_category`, 17 in `subscription_state`), OCA `contract` on 15 (where the subscriptions
app still had its own model).

Extensions subclass the module's class and keep its `_name`, as `_inherit` does in Odoo: the
registry keeps the last class registered under a name (models/__init__.py loads this last).
"""

from ..orm import (
    BaseModel,
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Integer,
    Many2one,
    One2many,
    Selection,
    Text,
)
from .base import Partner as _Partner
from .fieldservice import FsmOrder as _FsmOrder
from .helpdesk import Ticket as _Ticket
from .mail import MailThread
from .sale import SaleOrder as _SaleOrder


class ClientAsset(MailThread):
    """Studio's model: `x_name` is its record name; Studio adds the chatter when asked."""
    _name = "x_client_asset"
    _description = "Client Asset"
    _rec_name = "x_name"
    _order = "x_name, id"
    _track_fields = ("x_status", "x_partner_id")
    x_name = Char("Hostname", required=True)
    x_serial_number = Char("Serial Number")
    x_partner_id = Many2one("res.partner", "Customer")
    x_assigned_user_id = Many2one("res.partner", "Assigned Contact")
    x_pulseway_id = Char("Pulseway ID")
    x_os_info = Char("Operating System")
    x_last_audit = Datetime("Last Audit")
    x_status = Selection([["active", "Active"], ["decommissioned", "Decommissioned"]], "Status",
                         default="active")
    x_active = Boolean("Active", default=True)
    company_id = Many2one("res.company", "Company", default=1)

    def _compute_display_name(self, rid, rec):
        return rec.get("x_name") or ""


class PartnerWithChatter(MailThread, _Partner):
    """res.partner is a mail.thread in Odoo (the contact's history, e.g. a failed RMM sync)."""
    _name = "res.partner"


class TicketWithAsset(_Ticket):
    x_asset_id = Many2one("x_client_asset", "Asset")


class FsmOrderWithAsset(_FsmOrder):
    x_asset_id = Many2one("x_client_asset", "Asset")


class SaleSubscriptionPlan(BaseModel):
    _name = "sale.subscription.plan"
    _description = "Subscription Plan"
    _versions = (17, 99)
    name = Char("Name", required=True)
    billing_period_value = Float("Duration", default=1)
    billing_period_unit = Selection([["week", "Weeks"], ["month", "Months"],
                                     ["year", "Years"]], "Unit", default="month")


class SaleOrderSubscription(_SaleOrder):
    is_subscription = Boolean("Recurring", default=False, versions=(16, None))
    plan_id = Many2one("sale.subscription.plan", "Recurring Plan", versions=(17, None))
    subscription_state = Selection(
        [["1_draft", "Quotation"], ["2_renewal", "Renewal Quotation"],
         ["3_progress", "In Progress"], ["4_paused", "Paused"], ["5_renewed", "Renewed"],
         ["6_churn", "Churned"], ["7_upsell", "Upsell"]],
        "Subscription Status", versions=(17, None))
    stage_category = Selection([["draft", "Quotation"], ["progress", "In Progress"],
                                ["paused", "Paused"], ["closed", "Closed"]],
                               "Stage Category", versions=(16, 16))
    next_invoice_date = Date("Date of Next Invoice", versions=(16, None))


class ContractContract(MailThread):
    """OCA contract (15 here): the recurring lines live on contract.line."""
    _name = "contract.contract"
    _description = "Contract"
    _versions = (15, 15)
    name = Char("Name", required=True)
    partner_id = Many2one("res.partner", "Partner", required=True)
    contract_type = Selection([["sale", "Customer"], ["purchase", "Supplier"]], "Type",
                              default="sale")
    contract_line_ids = One2many("contract.line", "contract_id", "Contract lines")
    recurring_rule_type = Selection([["daily", "Day(s)"], ["weekly", "Week(s)"],
                                     ["monthly", "Month(s)"], ["yearly", "Year(s)"]],
                                    "Recurrence", default="monthly")
    date_start = Date("Date Start")
    date_end = Date("Date End")
    active = Boolean("Active", default=True)
    company_id = Many2one("res.company", "Company", default=1)


class ContractLine(BaseModel):
    _name = "contract.line"
    _description = "Contract Line"
    _versions = (15, 15)
    _order = "contract_id, sequence, id"
    contract_id = Many2one("contract.contract", "Contract", required=True)
    sequence = Integer("Sequence", default=10)
    product_id = Many2one("product.product", "Product")
    name = Text("Description", required=True)
    quantity = Float("Quantity", default=1.0)
    price_unit = Float("Unit Price")
    uom_id = Many2one("uom.uom", "Unit of Measure")
    date_start = Date("Date Start")
    date_end = Date("Date End")
    recurring_next_date = Date("Date of Next Invoice")
    is_canceled = Boolean("Canceled", default=False)
    state = Selection([["upcoming", "Upcoming"], ["in-progress", "In-progress"],
                       ["to-renew", "To renew"], ["upcoming-close", "Upcoming Close"],
                       ["closed", "Closed"], ["canceled", "Canceled"]], "State", compute=True)
    partner_id = Many2one("res.partner", "Partner", related="contract_id.partner_id")

    def _compute_state(self, rid, rec):
        if rec.get("is_canceled"):
            return "canceled"
        today = self.env.state.demo_today().isoformat()
        if rec.get("date_end") and rec["date_end"] < today:
            return "closed"
        if rec.get("date_start") and rec["date_start"] > today:
            return "upcoming"
        return "in-progress"


MODELS = [PartnerWithChatter, ClientAsset, TicketWithAsset, FsmOrderWithAsset, SaleSubscriptionPlan,
          SaleOrderSubscription, ContractContract, ContractLine]
