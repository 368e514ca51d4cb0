"""crm: crm.lead, crm.stage, crm.lost.reason, crm.team, crm.tag."""

from ..orm import (
    BaseModel,
    Boolean,
    Char,
    Date,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    Selection,
)
from .mail import MailThread


class CrmTeam(BaseModel):
    _name = "crm.team"
    _description = "Sales Team"
    name = Char("Sales Team", required=True)
    active = Boolean("Active", default=True)


class CrmTag(BaseModel):
    _name = "crm.tag"
    _description = "CRM Tag"
    name = Char("Tag Name", required=True)
    color = Integer("Color")


class CrmStage(BaseModel):
    _name = "crm.stage"
    _description = "CRM Stages"
    _order = "sequence, name, id"
    name = Char("Stage Name", required=True)
    sequence = Integer("Sequence", default=1)
    is_won = Boolean("Is Won Stage?")
    fold = Boolean("Folded in Pipeline")
    team_id = Many2one("crm.team", "Sales Team")


class CrmLostReason(BaseModel):
    _name = "crm.lost.reason"
    _description = "Opp. Lost Reason"
    name = Char("Description", required=True)
    active = Boolean("Active", default=True)


class CrmLead(MailThread):
    _name = "crm.lead"
    _description = "Lead/Opportunity"
    _order = "priority desc, id desc"
    _track_fields = ("stage_id", "user_id", "active", "lost_reason_id")
    _group_expand = ("stage_id",)
    name = Char("Opportunity", required=True)
    type = Selection([["lead", "Lead"], ["opportunity", "Opportunity"]], "Type",
                     default="opportunity", required=True)
    partner_id = Many2one("res.partner", "Customer")
    partner_name = Char("Company Name")
    contact_name = Char("Contact Name")
    email_from = Char("Email")
    phone = Char("Phone")
    stage_id = Many2one("crm.stage", "Stage", default=lambda m: m._first_stage())
    user_id = Many2one("res.users", "Salesperson", default=lambda m: m.env.uid)
    team_id = Many2one("crm.team", "Sales Team")
    expected_revenue = Float("Expected Revenue")
    prorated_revenue = Float("Prorated Revenue", compute=True)
    probability = Float("Probability", default=10.0)
    priority = Selection([["0", "Low"], ["1", "Medium"], ["2", "High"], ["3", "Very High"]],
                         "Priority", default="0")
    date_deadline = Date("Expected Closing")
    date_closed = Char("Closed Date")
    active = Boolean("Active", default=True)
    lost_reason_id = Many2one("crm.lost.reason", "Lost Reason")
    tag_ids = Many2many("crm.tag", "Tags")
    description = Html("Notes")
    company_id = Many2one("res.company", "Company", default=1)

    def _first_stage(self):
        stages = self.env.sudo()["crm.stage"]
        ids = self.env.state.sort_ids(stages, None, list(stages.records))
        return ids[0] if ids else False

    def _group_expand_ids(self, fname):
        stages = self.env.sudo()["crm.stage"]
        return self.env.state.sort_ids(stages, None, list(stages.records))

    def _compute_prorated_revenue(self, rid, rec):
        return round((rec.get("expected_revenue") or 0.0) * (rec.get("probability") or 0.0) / 100, 2)

    def action_set_won(self, ids):
        stages = self.env.sudo()["crm.stage"]
        won = [s for s in self.env.state.sort_ids(stages, None, list(stages.records))
               if stages.records[s].get("is_won")]
        return self.write(ids, {"stage_id": won[0] if won else False, "probability": 100.0,
                                "active": True})

    def action_set_lost(self, ids, **additional_values):
        vals = {"active": False, "probability": 0.0}
        vals.update(additional_values)
        self.write(ids, vals)
        return None

    def action_set_won_rainbowman(self, ids):
        self.action_set_won(ids)
        return True

    def toggle_active(self, ids):
        for rid in ids:
            self.write([rid], {"active": not self.records[rid].get("active", True)})
        return True


MODELS = [CrmTeam, CrmTag, CrmStage, CrmLostReason, CrmLead]
