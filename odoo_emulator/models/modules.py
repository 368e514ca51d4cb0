"""ir.module.module: the add-ons of the database, as `flask odoo-check` reads them."""

from ..orm import BaseModel, Char, Selection

# (technical name, title): what the emulated database has installed. The emulator emulates
# these apps' models (sale, crm, stock, helpdesk ...); fieldservice_isp_flow adds the en-route
# and started stages up to 17.
INSTALLED = (
    ("base", "Base"), ("web", "Web"), ("mail", "Discuss"), ("sms", "SMS Marketing"),
    ("sale", "Sales"), ("sale_management", "Sales"), ("crm", "CRM"), ("stock", "Inventory"),
    ("stock_sms", "Stock - SMS"), ("auth_totp", "Two-Factor Authentication (TOTP)"),
    ("fieldservice", "Field Service"), ("helpdesk_mgmt", "Helpdesk Management"),
    ("account", "Invoicing"), ("account_payment", "Payment - Account"), ("portal", "Portal"),
    ("l10n_generic_coa", "Generic - Accounting"),
)
UNINSTALLED = (
    ("hr_timesheet", "Task Logs"), ("fieldservice_sale", "Field Service - Sales"),
)


class IrModuleModule(BaseModel):
    _name = "ir.module.module"
    _description = "Module"
    _order = "name"
    name = Char("Technical Name", required=True)
    shortdesc = Char("Module Name")
    latest_version = Char("Latest Version")
    state = Selection([["uninstallable", "Uninstallable"], ["uninstalled", "Not Installed"],
                       ["installed", "Installed"], ["to upgrade", "To be upgraded"],
                       ["to remove", "To be removed"], ["to install", "To be installed"]],
                      "Status", default="uninstalled")


MODELS = [IrModuleModule]
