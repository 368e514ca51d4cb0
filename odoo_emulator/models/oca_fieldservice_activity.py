"""OCA fieldservice_activity (15-19), installed on demand (`--fieldservice-activity`, or
`start_in_thread(addons=["fieldservice_activity"])`), as its source has it on each branch
(github.com/OCA/field-service 15.0, 16.0, 17.0; the PyPI wheels odoo-addon-fieldservice-activity
17.0.1.0.1, 18.0.1.0.1 and 19.0.1.0.1) and as recorded on 16 and 18 (`a_*` in
tests/fixtures/odoo-recordings-more):

fsm.activity (models/fsm_activity.py)
    name (required), required, sequence, completed, completed_on, completed_by, ref,
    fsm_order_id, fsm_template_id, state (todo/done/cancel, default todo). No _order (by id),
    no _protected_fields and no constraint on any version: `readonly` (and 15-17's
    `states={"todo": ...}`) only shape the form, so a done activity's name, and its state
    back to todo, can be written over RPC (recorded on 16 and 18).
    action_done writes completed, completed_on (now), completed_by (the user) and state
    "done"; action_cancel writes state "cancel". Both return nothing: the envelope has no
    `result` (recorded).
fsm.template.temp_activity_ids, fsm.order.order_activity_ids (One2many on the inverse)
    15: an onchange on template_id, which create() runs: the order gets copies of the
    template's activities (name, required, ref, state; not sequence, so 0). Writing
    template_id later does nothing.
    16-19: a stored compute on template_id (create also runs the onchange): on create and on
    every write of a template the order's activities are replaced by copies (the old ones
    lose their order: Command.clear on a One2many whose inverse is not cascade); clearing
    template_id keeps them (recorded).
action_complete (fsm_order.py)
    super() first (15-17: "Actual End" is checked, the stage moves), then the order's
    activities are read as the user (a user without fsm.activity access gets the AccessError,
    recorded on 16 and 18), and the first required one still in todo raises a ValidationError;
    the transaction is rolled back, so the stage stays (recorded). 15-18 word it with the run
    of spaces of the source's line continuation; 19 (self.env._) without it.
Access (security/ir.model.access.csv): Field Service User read/write, Manager everything; no
    record rules. A technician (User: Own Documents Only) has no access at all: even reading
    order_activity_ids fails (recorded).
"""

from ..exceptions import ValidationError
from ..orm import BaseModel, Boolean, Char, Datetime, Field, Integer, Many2one, Selection, now_str

ADDON = "fieldservice_activity"
TITLE = "Field Service Activities"
VERSIONS = (15, 19)
FSM_USER, FSM_MANAGER = "fieldservice.group_fsm_user", "fieldservice.group_fsm_manager"
ACL = [(FSM_USER, "rw"), (FSM_MANAGER, "rwcu")]
# The source's "...before \<newline><20 spaces>completing" (15-18); 19 wrote it on one line.
_SPACES = " " * 21


def required_open_message(name, version):
    gap = " " if version >= 19 else _SPACES
    return f"You must complete activity '{name}' before{gap}completing this order."


class FsmActivity(BaseModel):
    _name = "fsm.activity"
    _description = "Field Service Activity"
    name = Char("Name", required=True, readonly=True)
    required = Boolean("Required", default=False, readonly=True)
    sequence = Integer("Sequence")
    completed = Boolean("Completed", default=False)
    completed_on = Datetime("Completed On", readonly=True)
    completed_by = Many2one("res.users", "Completed By", readonly=True)
    ref = Char("Reference", readonly=True)
    fsm_order_id = Many2one("fsm.order", "FSM Order")
    fsm_template_id = Many2one("fsm.template", "FSM Template")
    state = Selection([["todo", "To Do"], ["done", "Completed"], ["cancel", "Cancelled"]],
                      "State", readonly=True, default="todo")

    def action_done(self, ids):
        self.write(ids, {"completed": True, "completed_on": now_str(),
                         "completed_by": self.env.uid, "state": "done"})

    def action_cancel(self, ids):
        self.write(ids, {"state": "cancel"})


def installed(model) -> bool:
    return ADDON in getattr(model.env.registry, "addons", ())


def install(registry):
    """Add fsm.activity, its access rights and the two One2many fields to the registry."""
    registry.classes[FsmActivity._name] = FsmActivity
    registry.fields[FsmActivity._name] = registry._build_fields(FsmActivity)
    registry.acl[FsmActivity._name] = list(ACL)
    for model, name, inverse, string in (
            ("fsm.order", "order_activity_ids", "fsm_order_id",
             "Activites" if registry.version <= 15 else "Order Activities"),
            ("fsm.template", "temp_activity_ids", "fsm_template_id",
             "Activites" if registry.version <= 15 else "Activities")):
        field = Field("one2many", string, relation=FsmActivity._name, inverse_name=inverse)
        field.name = name
        registry.fields[model][name] = field


def copy_template(orders, rid, template_id):
    """Give order `rid` copies of the template's activities (the add-on's compute/onchange):
    the order's current activities are cleared first."""
    sudo = orders.env.sudo()
    activities = sudo[FsmActivity._name]
    for aid, rec in list(activities.records.items()):
        if rec.get("fsm_order_id") == rid:
            activities._write_one(aid, {"fsm_order_id": False})
    for aid in sorted(a for a, rec in activities.records.items()
                      if rec.get("fsm_template_id") == template_id):
        rec = activities.records[aid]
        activities._create_one({"name": rec.get("name"), "required": rec.get("required", False),
                                "ref": rec.get("ref") or False,
                                "state": rec.get("state") or "todo", "fsm_order_id": rid})


def after_create(orders, rid, vals):
    if installed(orders) and vals.get("template_id"):
        copy_template(orders, rid, vals["template_id"])


def after_write(orders, ids, vals):
    """16-19's stored compute on template_id (15 recomputes nothing: an onchange)."""
    if installed(orders) and orders.version >= 16 and vals.get("template_id"):
        for rid in ids:
            copy_template(orders, rid, vals["template_id"])


def check_complete(orders, ids):
    """The add-on's action_complete, after fieldservice's (which has moved the stage)."""
    if not installed(orders):
        return
    activities = orders.env[FsmActivity._name]
    activities._check_acl("read")
    for rid in ids:
        mine = sorted(a for a, rec in activities.records.items() if rec.get("fsm_order_id") == rid)
        activities._check_rules(mine, "read")
        for aid in mine:
            rec = activities.records[aid]
            if rec.get("required") and (rec.get("state") or "todo") == "todo":
                raise ValidationError(required_open_message(rec.get("name"), orders.version))


MODELS = []  # fsm.activity joins the registry only when installed (install())
