"""Groups, ACLs and record rules as the real modules ship them (per emulated version)."""

# xmlid: (name, category, implied xmlids)
GROUPS = {
    "base.group_user": ("Internal User", "User types", []),
    "base.group_portal": ("Portal", "User types", []),
    "base.group_public": ("Public", "User types", []),
    "base.group_partner_manager": ("Contact Creation", "Extra Rights", []),
    "base.group_no_one": ("Technical Features", "Technical", []),
    "base.group_erp_manager": ("Access Rights", "Administration", ["base.group_user"]),
    "base.group_system": ("Settings", "Administration", ["base.group_erp_manager",
                                                         "base.group_partner_manager"]),
    # OCA fieldservice security/res_groups.xml (recorded on 16 and 18: "Field Service/User",
    # "Field Service/Manager" in access errors, "User (only own documents)" in group reads)
    "fieldservice.group_fsm_user_own": ("User (only own documents)", "Field Service",
                                        ["base.group_user"]),
    "fieldservice.group_fsm_user": ("User", "Field Service",
                                    ["fieldservice.group_fsm_user_own"]),
    "fieldservice.group_fsm_dispatcher": ("Dispatcher", "Field Service",
                                          ["fieldservice.group_fsm_user"]),
    "fieldservice.group_fsm_manager": ("Manager", "Field Service",
                                       ["fieldservice.group_fsm_dispatcher"]),
    "sales_team.group_sale_salesman": ("User: Own Documents Only", "Sales", ["base.group_user"]),
    "sales_team.group_sale_salesman_all_leads": ("User: All Documents", "Sales",
                                                 ["sales_team.group_sale_salesman"]),
    "sales_team.group_sale_manager": ("Administrator", "Sales",
                                      ["sales_team.group_sale_salesman_all_leads"]),
    "stock.group_stock_user": ("User", "Inventory", ["base.group_user"]),
    "stock.group_stock_manager": ("Administrator", "Inventory", ["stock.group_stock_user"]),
    "fieldservice.group_fsm_category": ("Manage Categories", "Technical", []),
    "fieldservice.group_fsm_equipment": ("Manage Equipment", "Technical", []),
    "fieldservice.group_fsm_tag": ("Manage Tags", "Technical", []),
    "fieldservice.group_fsm_team": ("Manage Teams", "Technical", []),
    "fieldservice.group_fsm_template": ("Manage Templates", "Technical", []),
    "fieldservice.group_fsm_territory": ("Manage Territories", "Technical", []),
    "account.group_account_invoice": ("Billing", "Invoicing", ["base.group_user"]),
    "account.group_account_readonly": ("Show Accounting Features - Readonly", "Technical",
                                       ["base.group_user"]),
    "account.group_account_user": ("Show Full Accounting Features", "Technical",
                                   ["account.group_account_invoice",
                                    "account.group_account_readonly"]),
    "helpdesk_mgmt.group_helpdesk_user_own": ("User: Personal Tickets", "Helpdesk",
                                              ["base.group_user"]),
    "helpdesk_mgmt.group_helpdesk_user": ("User: Team Tickets", "Helpdesk",
                                          ["helpdesk_mgmt.group_helpdesk_user_own"]),
    "helpdesk_mgmt.group_helpdesk_manager": ("Administrator", "Helpdesk",
                                             ["helpdesk_mgmt.group_helpdesk_user"]),
}

# (name, category) where a version names a group otherwise: 18 renamed Billing, 19 turned the
# user types into roles and dropped the Technical category.
RENAMED = {
    18: {"account.group_account_invoice": ("Invoicing", "Invoicing")},
    19: {"account.group_account_invoice": ("Invoicing", "Accounting"),
         "account.group_account_readonly": ("Show Accounting Features - Readonly", None),
         "account.group_account_user": ("Show Full Accounting Features", None),
         "base.group_user": ("Role / User", None),
         "base.group_portal": ("Role / Portal", None),
         "base.group_public": ("Role / Public", None),
         "base.group_system": ("Role / Administrator", None),
         "base.group_partner_manager": ("Creation", "Contact")},
}


def group_name(xmlid, version):
    """(name, category) of a group as the given Odoo version ships it."""
    name, category, _ = GROUPS.get(xmlid, (xmlid, None, []))
    return RENAMED.get(version, {}).get(xmlid, (name, category))


TECH_GROUPS = ["base.group_user", "fieldservice.group_fsm_user_own",
               "sales_team.group_sale_salesman", "stock.group_stock_user"]
OFFICE_GROUPS = ["base.group_user", "base.group_partner_manager", "fieldservice.group_fsm_user",
                 "sales_team.group_sale_salesman_all_leads", "stock.group_stock_user",
                 "helpdesk_mgmt.group_helpdesk_user"]
# The manager invoices (Invoicing / Billing, "Invoicing" from 18); office and technicians do not,
# like office1 and tech1 of the recordings (i_*).
MANAGER_GROUPS = ["base.group_user", "base.group_partner_manager",
                  "fieldservice.group_fsm_manager", "sales_team.group_sale_manager",
                  "stock.group_stock_manager", "helpdesk_mgmt.group_helpdesk_manager",
                  "account.group_account_invoice"]
ADMIN_GROUPS = [g for g in GROUPS if not g.startswith("account.")] + [
    "account.group_account_invoice"]

USER = "base.group_user"
SYSTEM = "base.group_system"
FSM_OWN, FSM_USER = "fieldservice.group_fsm_user_own", "fieldservice.group_fsm_user"
FSM_DISPATCH, FSM_MANAGER = "fieldservice.group_fsm_dispatcher", "fieldservice.group_fsm_manager"
SALE_OWN, SALE_ALL = "sales_team.group_sale_salesman", "sales_team.group_sale_salesman_all_leads"
SALE_MANAGER = "sales_team.group_sale_manager"
STOCK_USER, STOCK_MANAGER = "stock.group_stock_user", "stock.group_stock_manager"
HD_OWN, HD_USER = "helpdesk_mgmt.group_helpdesk_user_own", "helpdesk_mgmt.group_helpdesk_user"
HD_MANAGER = "helpdesk_mgmt.group_helpdesk_manager"

READ_ALL_ADMIN_WRITE = [(None, "r"), (SYSTEM, "rwcu")]

ACL = {
    "res.partner": [(USER, "r"), ("base.group_partner_manager", "rwcu"), (SALE_OWN, "rwc"),
                    (SALE_MANAGER, "rwc"), (STOCK_MANAGER, "rwc")],
    "res.users": [(None, "r"), ("base.group_erp_manager", "rwcu")],
    "res.groups": [(None, "r"), ("base.group_erp_manager", "rwcu")],
    "ir.module.category": READ_ALL_ADMIN_WRITE,
    "res.company": READ_ALL_ADMIN_WRITE,
    "res.country": READ_ALL_ADMIN_WRITE,
    "res.country.state": READ_ALL_ADMIN_WRITE,
    "res.currency": READ_ALL_ADMIN_WRITE,
    "res.lang": READ_ALL_ADMIN_WRITE,
    "res.partner.category": [(USER, "r"), ("base.group_partner_manager", "rwcu")],
    "res.territory": [(USER, "r"), (FSM_MANAGER, "rwcu")],
    "uom.uom": [(USER, "r"), (SYSTEM, "rwcu")],
    "ir.model": [(USER, "r"), (SYSTEM, "rwcu")],
    "ir.model.fields": [(USER, "r"), (SYSTEM, "rwcu")],
    # Odoo refuses Model Data to everyone outside Administration / Access Rights (recorded on
    # 16, 18 and 19); plain users learn xml ids through get_external_id, which reads it sudo.
    "ir.model.data": [("base.group_erp_manager", "rwcu")],
    "ir.module.module": [(USER, "r"), (SYSTEM, "rwcu")],
    "ir.model.access": [(USER, "r"), (SYSTEM, "rwcu")],
    "ir.rule": [(USER, "r"), (SYSTEM, "rwcu")],
    "ir.attachment": [(USER, "rwcu")],
    "res.users.apikeys": [(SYSTEM, "rwcu")],
    "mail.message": [(USER, "rwcu")],
    "mail.message.subtype": [(None, "r"), (SYSTEM, "rwcu")],
    "mail.tracking.value": [(USER, "r"), (SYSTEM, "rwcu")],
    "mail.followers": [(USER, "rwcu")],
    "mail.activity": [(USER, "rwcu")],
    "mail.activity.type": [(USER, "r"), (SYSTEM, "rwcu")],
    "sms.sms": [(SYSTEM, "rwcu")],
    "mail.mail": [(SYSTEM, "rwcu")],
    "mail.notification": [(None, "r"), (USER, "rwc"), (SYSTEM, "rwcu")],
    "sms.composer": [(USER, "rwcu")],
    "mail.compose.message": [(USER, "rwcu")],
    "fsm.order": [(FSM_OWN, "rwcu")],
    "fsm.stage": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.team": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.tag": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.category": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.order.type": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.template": [(FSM_OWN, "r"), (FSM_MANAGER, "rwcu")],
    "fsm.person": [(FSM_OWN, "r"), (FSM_DISPATCH, "rwcu")],
    "fsm.location": [(FSM_OWN, "rw"), (FSM_USER, "rwcu")],
    "fsm.equipment": [(FSM_OWN, "r"), (FSM_USER, "rwcu")],
    "product.template": [(USER, "r"), (SALE_MANAGER, "rwcu"), (STOCK_MANAGER, "rwcu")],
    "product.product": [(USER, "r"), (SALE_MANAGER, "rwcu"), (STOCK_MANAGER, "rwcu")],
    "product.category": [(USER, "r"), (SALE_MANAGER, "rwcu")],
    "sale.order": [(SALE_OWN, "rwcu"), (SALE_MANAGER, "rwcu"), (STOCK_USER, "r"),
                   ("base.group_portal", "r"), ("account.group_account_invoice", "rw"),
                   ("account.group_account_readonly", "r"), ("account.group_account_user", "r")],
    "sale.order.line": [(SALE_OWN, "rwcu"), (SALE_MANAGER, "rwcu"), (STOCK_USER, "r"),
                        ("account.group_account_invoice", "r")],
    "crm.lead": [(SALE_OWN, "rwcu")],
    "crm.stage": [(USER, "r"), (SALE_MANAGER, "rwcu")],
    "crm.lost.reason": [(USER, "r"), (SALE_MANAGER, "rwcu")],
    "crm.team": [(USER, "r"), (SALE_MANAGER, "rwcu")],
    "crm.tag": [(USER, "r"), (SALE_OWN, "rwc")],
    "crm.lead.lost": [(SALE_OWN, "rwcu")],
    "stock.picking": [(STOCK_USER, "rwcu")],
    "stock.move": [(STOCK_USER, "rwcu")],
    "stock.quant": [(STOCK_USER, "r"), (STOCK_MANAGER, "rwcu")],
    "stock.immediate.transfer": [(STOCK_USER, "rwcu")],
    "stock.picking.type": [(USER, "r"), (STOCK_MANAGER, "rwcu")],
    "stock.location": [(USER, "r"), (STOCK_MANAGER, "rwcu")],
    "stock.warehouse": [(USER, "r"), (STOCK_MANAGER, "rwcu")],
    "stock.backorder.confirmation": [(STOCK_USER, "rwcu")],
    "confirm.stock.sms": [(STOCK_USER, "rwcu")],
    "helpdesk.ticket": [(HD_OWN, "rwc"), (HD_MANAGER, "rwcu")],
    "helpdesk.ticket.stage": [(USER, "r"), (HD_MANAGER, "rwcu")],
    "helpdesk.ticket.team": [(USER, "r"), (HD_MANAGER, "rwcu")],
    "helpdesk.ticket.category": [(USER, "r"), (HD_MANAGER, "rwcu")],
    "resource.calendar": [(USER, "r"), (SYSTEM, "rwcu")],
    "resource.calendar.attendance": [(USER, "r"), (SYSTEM, "rwcu")],
    "project.project": [(USER, "r"), (SYSTEM, "rwcu")],
    "account.analytic.account": [(USER, "r"), (SYSTEM, "rwcu")],
    "hr.employee": [(USER, "r"), (SYSTEM, "rwcu")],
    # hr_timesheet: the lines' own rules keep users to theirs; the emulator checks the employee.
    "account.analytic.line": [(USER, "rwcu")],
    # Studio gives a new model's access to internal users (and everything to Settings).
    "x_client_asset": [(USER, "rwcu"), (SYSTEM, "rwcu")],
    "sale.subscription.plan": [(USER, "r"), (SALE_MANAGER, "rwcu")],
    "contract.contract": [(USER, "r"), (SALE_MANAGER, "rwcu"), ("account.group_account_invoice", "rwcu")],
    "contract.line": [(USER, "r"), (SALE_MANAGER, "rwcu"), ("account.group_account_invoice", "rwcu")],
}


def acl_for(version):
    """The ACL table of a version: 19 lets internal users edit (not create) contacts."""
    from .models import account  # its own table (models/account.py), merged here

    acl = {**ACL, **account.ACL}
    if version >= 19:
        acl["res.partner"] = [(USER, "rw")] + ACL["res.partner"][1:]
    return acl


def _fsm_own(env, model, rid):
    person = model.records[rid].get("person_id")
    if not person:
        return True
    partner = env.store.data["fsm.person"].get(person, {}).get("partner_id")
    return env.store.data["res.users"].get(env.uid, {}).get("partner_id") == partner


def _owner_field(field):
    def pred(env, model, rid):
        return model.records[rid].get(field) in (env.uid, False, None)
    return pred


def _sale_line_own(env, model, rid):
    order = model.records[rid].get("order_id")
    return env.store.data["sale.order"].get(order, {}).get("user_id") in (env.uid, False, None)


def _true(env, model, rid):
    return True


def _company(or_false=True):
    """Odoo's multi-company rule: ``[('company_id', 'in', company_ids)]``, with
    ``'|', ('company_id', '=', False)`` in front where the module writes it (company_ids =
    env.companies: the context's allowed_company_ids, else all the user's companies)."""
    def pred(env, model, rid):
        company = model.records[rid].get("company_id")
        return (or_false and not company) or company in env.company_ids
    pred.company_rule = True  # evaluated (and refused for foreign ids) even for no records
    return pred


def _partner_company(env, model, rid):
    """base's res_partner_rule: ``['|', '|', ('partner_share', '=', False), ('company_id',
    'parent_of', company_ids), ('company_id', '=', False)]``: internal users' partners are
    seen from every company; without company hierarchies parent_of is `in`."""
    company = model.records[rid].get("company_id")
    if not company or company in env.company_ids:
        return True
    return rid in _internal_partners(env)


_partner_company.company_rule = True


def _internal_partners(env):
    return {u.get("partner_id") for uid, u in env.store.data["res.users"].items()
            if u.get("active", True) and USER in env.state.user_groups(uid)}


def _sale_line_company(env, model, rid):
    """sale's sale_order_line_comp_rule; the line's company is its order's (a related field)."""
    order = env.store.data["sale.order"].get(model.records[rid].get("order_id"), {})
    return order.get("company_id") in env.company_ids


_sale_line_company.company_rule = True


# Global (every user) multi-company rules of the models Fieldkit reads, as the modules ship
# them: base (res.partner), OCA fieldservice security/ir_rule.xml (fsm.order and its
# configuration; fsm.location and fsm.person have none: they inherit res.partner's company
# field without its rule), sale, crm, stock, helpdesk_mgmt, hr_timesheet.
COMPANY_RULES = {
    "res.partner": _partner_company,
    "fsm.order": _company(), "fsm.stage": _company(), "fsm.team": _company(),
    "fsm.tag": _company(), "fsm.category": _company(), "fsm.equipment": _company(),
    "fsm.template": _company(),
    "sale.order": _company(or_false=False), "sale.order.line": _sale_line_company,
    "crm.lead": _company(),
    "stock.picking": _company(or_false=False), "stock.warehouse": _company(or_false=False),
    "stock.location": _company(), "stock.quant": _company(),
    "helpdesk.ticket": _company(),
    "account.analytic.line": _company(),
}


def rules_for(version):
    rules = {
        "sale.order": [(SALE_OWN, _owner_field("user_id")), (SALE_ALL, _true)],
        "sale.order.line": [(SALE_OWN, _sale_line_own), (SALE_ALL, _true)],
        "crm.lead": [(SALE_OWN, _owner_field("user_id")), (SALE_ALL, _true)],
        "helpdesk.ticket": [(HD_OWN, _owner_field("user_id")), (HD_USER, _true)],
    }
    if version <= 17:
        rules["fsm.order"] = [(FSM_OWN, _fsm_own), (FSM_USER, _true)]
    for model, pred in COMPANY_RULES.items():
        rules[model] = [(None, pred), *rules.get(model, [])]
    from .models import account

    rules.update(account.rules())
    return rules
