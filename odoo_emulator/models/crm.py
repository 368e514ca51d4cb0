"""crm: crm.lead, crm.stage, crm.lost.reason, crm.team, crm.tag and the lost wizard."""

import re

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
    name = Char("Stage Name", required=True, translate=True)
    sequence = Integer("Sequence", default=1)
    is_won = Boolean("Is Won Stage?")
    fold = Boolean("Folded in Pipeline")
    team_id = Many2one("crm.team", "Sales Team")


class CrmLostReason(BaseModel):
    _name = "crm.lost.reason"
    _description = "Opp. Lost Reason"
    name = Char("Description", required=True, translate=True)
    active = Boolean("Active", default=True)


class CrmLead(MailThread):
    _name = "crm.lead"
    _description = "Lead/Opportunity"
    _order = "priority desc, id desc"
    _track_fields = ("stage_id", "user_id", "active", "lost_reason_id", "lost_reason",
                     "expected_revenue")
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
    automated_probability = Float("Automated Probability", default=10.0)
    priority = Selection([["0", "Low"], ["1", "Medium"], ["2", "High"], ["3", "Very High"]],
                         "Priority", default="0")
    date_deadline = Date("Expected Closing")
    date_closed = Char("Closed Date")
    active = Boolean("Active", default=True)
    # 16 renamed crm.lead.lost_reason to lost_reason_id.
    lost_reason_id = Many2one("crm.lost.reason", "Lost Reason", versions=(16, None))
    lost_reason = Many2one("crm.lost.reason", "Lost Reason", versions=(None, 15))
    tag_ids = Many2many("crm.tag", "Tags")
    description = Html("Notes")
    company_id = Many2one("res.company", "Company", default=1)
    # crm.lead.company_currency: the company's currency, which expected_revenue is in.
    company_currency = Many2one("res.currency", "Currency", related="company_id.currency_id")

    def _first_stage(self):
        stages = self.env.sudo()["crm.stage"]
        ids = self.env.state.sort_ids(stages, None, list(stages.records))
        return ids[0] if ids else False

    def _group_expand_ids(self, fname):
        stages = self.env.sudo()["crm.stage"]
        return self.env.state.sort_ids(stages, None, list(stages.records))

    def _compute_prorated_revenue(self, rid, rec):
        return round((rec.get("expected_revenue") or 0.0) * (rec.get("probability") or 0.0) / 100, 2)

    def _won_stage_ids(self):
        stages = self.env.sudo()["crm.stage"]
        return [s for s in self.env.state.sort_ids(stages, None, list(stages.records))
                if stages.records[s].get("is_won")]

    def _prepare_create(self, vals):
        if "probability" in vals and "automated_probability" not in vals:
            vals["automated_probability"] = vals["probability"]
        if vals.get("stage_id") in self._won_stage_ids():
            vals.update(probability=100.0, automated_probability=100.0)
        return vals

    def _before_write(self, ids, vals):
        # crm.lead.write: a won stage means probability 100 (and a closing date); leaving
        # it, or a lead made active again, gets the automated probability back.
        won = self._won_stage_ids()
        if vals.get("stage_id") and vals["stage_id"] in won:
            vals.setdefault("probability", 100.0)
            vals.setdefault("automated_probability", 100.0)
            vals.setdefault("date_closed", self.env.now())
        elif vals.get("stage_id") and "probability" not in vals:
            back = [rid for rid in ids if self.records[rid].get("stage_id") in won]
            if back:
                vals["probability"] = self._pls_probability()
                vals["date_closed"] = False
        if vals.get("active") is False:
            vals.setdefault("probability", 0.0)
            vals["automated_probability"] = 0.0
            vals.setdefault("date_closed", self.env.now())
        elif vals.get("active") is True and any(not self.records[rid].get("active", True)
                                                for rid in ids):
            vals.setdefault(self._lost_field(), False)
            in_won = all(self.records[rid].get("stage_id") in won for rid in ids)
            vals.setdefault("probability", 100.0 if in_won else self._pls_probability())
            vals["automated_probability"] = vals["probability"]
            vals.setdefault("date_closed", False)

    def _lost_field(self):
        return "lost_reason_id" if self.version >= 16 else "lost_reason"

    def _pls_probability(self):
        # Odoo's predictive lead scoring recomputes the probability of a restored lead; with
        # no history to learn from (as on the recorded servers) it answers 50%.
        return 50.0

    def action_set_won(self, ids):
        self.action_unarchive(ids)
        won = self._won_stage_ids()
        self.write(ids, {"stage_id": won[-1] if won else False, "probability": 100.0})
        return True

    def action_set_lost(self, ids, **additional_values):
        self.action_archive(ids)
        if additional_values:
            self.write(ids, dict(additional_values))
        return None

    def action_set_won_rainbowman(self, ids):
        self.action_set_won(ids)
        return True

    def action_archive(self, ids):
        active = [rid for rid in ids if self.records.get(rid, {}).get("active", True)]
        if active:
            self.write(active, {"active": False})
        return None

    def action_unarchive(self, ids):
        archived = [rid for rid in ids if rid in self.records
                    and not self.records[rid].get("active", True)]
        if archived:
            self.write(archived, {"active": True})
        return None

    def toggle_active(self, ids):
        for rid in ids:
            self.write([rid], {"active": not self.records[rid].get("active", True)})
        return None


class CrmLeadLost(BaseModel):
    """The lost wizard: up to 16 it reads the leads from ``active_ids``, from 17 from
    ``lead_ids``; the closing note (``lost_feedback``) exists from 16."""
    _name = "crm.lead.lost"
    _description = "Get Lost Reason"
    _transient = True
    lead_ids = Many2many("crm.lead", "Leads", versions=(17, None))
    lost_reason_id = Many2one("crm.lost.reason", "Lost Reason")
    lost_feedback = Html("Closing Note", versions=(16, None))

    def action_lost_reason_apply(self, ids):
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: crm.lead.lost({', '.join(map(str, ids))},)")
        rec = self.records.get(ids[0])
        if rec is None:
            raise self._missing_error(ids)
        if self.version >= 17:
            lead_ids = list(rec.get("lead_ids") or [])
        else:
            lead_ids = list(self.env.context.get("active_ids") or [])
        leads = self.env["crm.lead"]
        feedback = rec.get("lost_feedback") or ""
        if re.sub(r"<[^>]*>|\s|&nbsp;", "", feedback) and lead_ids:
            # Odoo logs the closing note with the tracking message (_track_set_log_message):
            # a log, not a post, so no sender e-mail is needed.
            notes = self.env.sudo()["mail.message"]
            for rid in lead_ids:
                notes._create_one({
                    "model": "crm.lead", "res_id": rid, "message_type": "notification",
                    "body": ('<div style="margin-bottom: 4px;"><p>Lost Comment:</p>'
                             f"{feedback}<br></div>"),
                    "subtype_id": self.env.ref("mail.mt_note") or False,
                    "author_id": self.env.partner_id,
                    "record_name": leads.display_name_of(rid)})
        leads.action_set_lost(lead_ids, **{leads._lost_field(): rec.get("lost_reason_id") or False})
        return None

    def _missing_error(self, ids):
        from ..exceptions import MissingError
        return MissingError(self._missing_message(ids))


MODELS = [CrmTeam, CrmTag, CrmStage, CrmLostReason, CrmLead, CrmLeadLost]
