"""OCA helpdesk_mgmt: helpdesk.ticket with stages, teams and categories."""

from ..orm import BaseModel, Boolean, Char, Datetime, Html, Integer, Many2one, Selection
from .mail import MailThread


class TicketStage(BaseModel):
    _name = "helpdesk.ticket.stage"
    _description = "Helpdesk Ticket Stage"
    _order = "sequence, id"
    name = Char("Stage Name", required=True)
    sequence = Integer("Sequence", default=1)
    closed = Boolean("Closed")
    fold = Boolean("Folded in Kanban")
    active = Boolean("Active", default=True)


class TicketTeam(BaseModel):
    _name = "helpdesk.ticket.team"
    _description = "Helpdesk Ticket Team"
    name = Char("Name", required=True)
    active = Boolean("Active", default=True)


class TicketCategory(BaseModel):
    _name = "helpdesk.ticket.category"
    _description = "Helpdesk Ticket Category"
    name = Char("Name", required=True)
    active = Boolean("Active", default=True)


class Ticket(MailThread):
    _name = "helpdesk.ticket"
    _description = "Helpdesk Ticket"
    _order = "priority desc, sequence, number desc, id desc"
    _track_fields = ("stage_id", "user_id")
    _group_expand = ("stage_id",)
    number = Char("Ticket number", default="/")
    name = Char("Title", required=True)
    description = Html("Description", required=True, default="<p></p>")
    sequence = Integer("Sequence", default=10)
    user_id = Many2one("res.users", "Assigned user")
    partner_id = Many2one("res.partner", "Contact")
    partner_name = Char("Name")
    partner_email = Char("Email")
    stage_id = Many2one("helpdesk.ticket.stage", "Stage")
    closed = Boolean("Closed", related="stage_id.closed")
    closed_date = Datetime("Closed Date")
    team_id = Many2one("helpdesk.ticket.team", "Team")
    category_id = Many2one("helpdesk.ticket.category", "Category")
    priority = Selection([["0", "Low"], ["1", "Medium"], ["2", "High"], ["3", "Very High"]],
                         "Priority", default="1")
    company_id = Many2one("res.company", "Company", default=1)
    active = Boolean("Active", default=True)

    def _compute_display_name(self, rid, rec):
        return f"{rec.get('number')} - {rec.get('name')}"

    def _group_expand_ids(self, fname):
        stages = self.env.sudo()["helpdesk.ticket.stage"]
        return self.env.state.sort_ids(stages, None, list(stages.records))

    def _prepare_create(self, vals):
        if not vals.get("number") or vals["number"] == "/":
            vals["number"] = f"HT{self.env.state.next_sequence('helpdesk.ticket'):05d}"
        if not vals.get("stage_id"):
            stages = self.env.sudo()["helpdesk.ticket.stage"]
            ids = self.env.state.sort_ids(stages, None, list(stages.records))
            vals["stage_id"] = ids[0] if ids else False
        return vals


MODELS = [TicketStage, TicketTeam, TicketCategory, Ticket]
