"""OCA field-service add-ons that the recorded servers do not have, installed on demand
(`python -m odoo_emulator --fieldservice-project --fieldservice-account-analytic
--fieldservice-timesheet`, or `start_in_thread(addons=...)`; fieldservice_activity has its own
module, oca_fieldservice_activity.py). Each adds the fields and the
create behaviour of its source (github.com/OCA/field-service, the branch of each version):

fieldservice_project (15-19)
    fsm.order.project_id: the order's project, where hr_timesheet lines go.
fieldservice_account_analytic (15.0, 16.0, 17.0; OSI)
    fsm.location.analytic_account_id (company dependent in Odoo; one company here);
    account.analytic.line.fsm_order_id ("FSM Order") and product_id ("Time Type"); creating a
    line with fsm_order_id sets account_id to the order's location's analytic account, or
    raises ValidationError "No analytic account set on the order's Location." (create
    override in models/analytic_account.py, before hr_timesheet's own create).
fieldservice_timesheet (18.0 Camptocamp, depends on fieldservice_project; 19.0 Gray Matter
    Logic, defines project_id and project_task_id itself)
    account.analytic.line.fsm_order_id ("Field Service Order", domain project_id != False),
    fsm.order.timesheet_ids (One2many on fsm_order_id). No create override.
"""

from ..exceptions import ValidationError
from ..orm import Field
from . import oca_fieldservice_activity as activity

PROJECT = "fieldservice_project"
ANALYTIC = "fieldservice_account_analytic"
TIMESHEET = "fieldservice_timesheet"
# add-on -> (first, last) Odoo version it exists for on OCA's branches
VERSIONS = {PROJECT: (15, 19), ANALYTIC: (15, 17), TIMESHEET: (18, 19),
            activity.ADDON: activity.VERSIONS}
TITLES = {PROJECT: "Field Service - Project",
          ANALYTIC: "Field Service - Analytic Accounting",
          TIMESHEET: "Field Service - Timesheet", activity.ADDON: activity.TITLE}
NO_LOCATION_ACCOUNT = "No analytic account set on the order's Location."


def resolve(addons, version) -> tuple:
    """The add-ons to install for `addons` on this version, dependencies included.

    :raises ValueError: for an add-on OCA does not publish for this version.
    """
    wanted = set(addons)
    if TIMESHEET in wanted and version == 18:
        wanted.add(PROJECT)  # 18.0 depends on it; 19.0 brings its own project_id
    for name in sorted(wanted):
        if name not in VERSIONS:
            raise ValueError(f"unknown add-on {name}")
        low, high = VERSIONS[name]
        if not low <= version <= high:
            raise ValueError(f"OCA has no {name} for Odoo {version} (only {low}-{high})")
    return tuple(sorted(wanted))


def _add(registry, model, name, field):
    if model in registry.fields and name not in registry.fields[model]:
        field.name = name
        registry.fields[model][name] = field


def install(registry, addons):
    """Add the fields of `addons` (from :func:`resolve`) to the registry's models."""
    registry.addons = frozenset(addons)
    if activity.ADDON in addons:
        activity.install(registry)  # models/oca_fieldservice_activity.py
    if PROJECT in addons or TIMESHEET in addons:
        _add(registry, "fsm.order", "project_id",
             Field("many2one", "Project", relation="project.project"))
    if ANALYTIC in addons:
        _add(registry, "fsm.location", "analytic_account_id",
             Field("many2one", "Analytic Account", relation="account.analytic.account"))
        _add(registry, "account.analytic.line", "fsm_order_id",
             Field("many2one", "FSM Order", relation="fsm.order"))
        _add(registry, "account.analytic.line", "product_id",
             Field("many2one", "Time Type", relation="product.product"))
    if TIMESHEET in addons:
        _add(registry, "account.analytic.line", "fsm_order_id",
             Field("many2one", "Field Service Order", relation="fsm.order"))
        _add(registry, "fsm.order", "timesheet_ids",
             Field("one2many", "Timesheet", relation="account.analytic.line",
                   inverse_name="fsm_order_id"))


def prepare_line(model, vals):
    """fieldservice_account_analytic's create override on account.analytic.line (runs before
    hr_timesheet's, so the location's account wins over the project's)."""
    if ANALYTIC not in getattr(model.env.registry, "addons", ()) or not vals.get("fsm_order_id"):
        return vals
    sudo = model.env.sudo()
    order = sudo["fsm.order"].records.get(vals["fsm_order_id"])
    if not order:
        return vals
    location = sudo["fsm.location"].records.get(order.get("location_id"), {})
    if not location.get("analytic_account_id"):
        raise ValidationError(NO_LOCATION_ACCOUNT)
    vals["account_id"] = location["analytic_account_id"]
    return vals
