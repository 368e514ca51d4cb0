"""OCA fieldservice (+ fieldservice_isp_flow up to 17): fsm.order, stages, persons, locations."""

import datetime as dt

from ..exceptions import UserError, ValidationError, no_such_method
from ..orm import (
    BaseModel,
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
)
from . import oca_fieldservice_activity as activities
from .mail import MailThread

ISP = (None, 17)   # fieldservice_isp_flow is installed up to 17 (no port for 18/19 recorded)


class FsmStage(BaseModel):
    _name = "fsm.stage"
    _description = "Field Service Stage"
    _order = "sequence, name, id"
    name = Char("Name", required=True)
    sequence = Integer("Sequence", default=1)
    stage_type = Selection([["order", "Order"], ["equipment", "Equipment"],
                            ["location", "Location"], ["worker", "Worker"]], "Type",
                           required=True, default="order")
    is_closed = Boolean("Is a close stage")
    is_default = Boolean("Is a default stage")
    fold = Boolean("Folded in Kanban")
    custom_color = Char("Color Code", default="#FFFFFF")
    description = Text("Description")
    company_id = Many2one("res.company", "Company")
    team_ids = Many2many("fsm.team", "Teams")
    active = Boolean("Active", default=True)


class FsmTeam(BaseModel):
    _name = "fsm.team"
    _description = "Field Service Team"
    _order = "sequence, name"
    name = Char("Name", required=True, translate=True)  # OCA fsm_team.py (fsm.stage's is not)
    description = Text("Description")
    sequence = Integer("Sequence", default=1)
    color = Integer("Color Index")
    company_id = Many2one("res.company", "Company", default=1)
    active = Boolean("Active", default=True)


class FsmTag(BaseModel):
    _name = "fsm.tag"
    _description = "Field Service Tag"
    name = Char("Name", required=True)
    color = Integer("Color Index")


class FsmCategory(BaseModel):
    _name = "fsm.category"
    _description = "Field Service Worker Category"
    name = Char("Name", required=True)
    color = Integer("Color Index")


class FsmOrderType(BaseModel):
    _name = "fsm.order.type"
    _description = "Field Service Order Type"
    name = Char("Name", required=True)
    internal_type = Selection([["fsm", "FSM"]], "Internal Type", default="fsm")


class FsmTemplate(BaseModel):
    _name = "fsm.template"
    _description = "Field Service Order Template"
    name = Char("Name", required=True)
    instructions = Text("Instructions")
    duration = Float("Duration")


class FsmPerson(MailThread):
    _name = "fsm.person"
    _description = "Field Service Worker"
    _inherits = {"res.partner": "partner_id"}
    _order = "name"
    partner_id = Many2one("res.partner", "Related Partner", required=True)
    name = Char("Name", related="partner_id.name", delegate=True)
    email = Char("Email", related="partner_id.email", delegate=True)
    phone = Char("Phone", related="partner_id.phone", delegate=True)
    mobile = Char("Mobile", related="partner_id.mobile", delegate=True, versions=(None, 18))
    fsm_person = Boolean("Is a FS Worker", related="partner_id.fsm_person", delegate=True)
    user_ids = One2many("res.users", "partner_id", "Users", related="partner_id.user_ids")
    category_ids = Many2many("fsm.category", "Categories")
    territory_ids = Many2many("res.territory", "Territories")
    stage_id = Many2one("fsm.stage", "Stage")
    active = Boolean("Active", default=True)
    company_id = Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals):
        vals["fsm_person"] = True  # OCA fsm_person.py create
        return vals


class FsmLocation(MailThread):
    _name = "fsm.location"
    _description = "Field Service Location"
    _inherits = {"res.partner": "partner_id"}
    _order = "complete_name"
    partner_id = Many2one("res.partner", "Related Partner", required=True)
    name = Char("Name", related="partner_id.name", delegate=True)
    street = Char("Street", related="partner_id.street", delegate=True)
    street2 = Char("Street2", related="partner_id.street2", delegate=True)
    city = Char("City", related="partner_id.city", delegate=True)
    zip = Char("Zip", related="partner_id.zip", delegate=True)
    state_id = Many2one("res.country.state", "State", related="partner_id.state_id", delegate=True)
    country_id = Many2one("res.country", "Country", related="partner_id.country_id",
                          delegate=True)
    phone = Char("Phone", related="partner_id.phone", delegate=True)
    mobile = Char("Mobile", related="partner_id.mobile", delegate=True, versions=(None, 18))
    email = Char("Email", related="partner_id.email", delegate=True)
    fsm_location = Boolean("Is a FS Location", related="partner_id.fsm_location", delegate=True)
    # _inherits res.partner: every partner field reads through the location (the service
    # report reads the site's time zone and language)
    tz = Char("Timezone", related="partner_id.tz", delegate=True)
    lang = Char("Language", related="partner_id.lang", delegate=True)
    owner_id = Many2one("res.partner", "Related Owner", required=True)
    contact_id = Many2one("res.partner", "Primary Contact")
    complete_name = Char("Complete Name", compute=True)
    direction = Char("Directions")
    description = Text("Description")
    fsm_parent_id = Many2one("fsm.location", "Parent")
    equipment_ids = One2many("fsm.equipment", "location_id", "Equipment")
    territory_id = Many2one("res.territory", "Territory")
    active = Boolean("Active", default=True)
    company_id = Many2one("res.company", "Company", default=1)

    def _compute_complete_name(self, rid, rec):
        return self.raw_value(rid, "name")

    def _prepare_create(self, vals):
        # OCA fsm_location.py create: the partner becomes a location (fsm_location), even an
        # existing contact given as partner_id, which the location's name then renames.
        vals["fsm_location"] = True
        if not vals.get("owner_id") and vals.get("partner_id"):
            vals["owner_id"] = vals["partner_id"]
        return vals


class FsmEquipment(MailThread):
    _name = "fsm.equipment"
    _description = "Field Service Equipment"
    name = Char("Name", required=True)
    location_id = Many2one("fsm.location", "Assigned Location")
    current_location_id = Many2one("fsm.location", "Current Location")
    owner_id = Many2one("res.partner", "Owner")
    serial = Char("Serial Number")
    notes = Text("Notes")
    stage_id = Many2one("fsm.stage", "Stage")
    active = Boolean("Active", default=True)
    company_id = Many2one("res.company", "Company", default=1)


class Territory(BaseModel):
    _name = "res.territory"
    _description = "Territory"
    name = Char("Name", required=True)


def _html_or_text(string, versions_html=(18, None)):
    return [Text(string, versions=(None, 17)), Html(string, versions=versions_html)]


class FsmOrder(MailThread):
    _name = "fsm.order"
    _description = "Field Service Order"
    _order = "priority desc, request_early, scheduled_date_start, id desc"
    _track_fields = ("stage_id", "person_id", "team_id", "scheduled_date_start",
                     "scheduled_date_end", "location_id")
    _group_expand = ("stage_id",)
    _sequence = ("FO", 3)

    name = Char("Name", required=True, readonly=True, default="New")
    stage_id = Many2one("fsm.stage", "Stage", tracking=True)
    stage_name = Char("Stage Name", related="stage_id.name")
    is_closed = Boolean("Is closed", related="stage_id.is_closed")
    priority = Selection([["0", "Normal"], ["1", "Low"], ["2", "High"], ["3", "Urgent"]],
                         "Priority", default="0")
    team_id = Many2one("fsm.team", "Team", required=True, tracking=True)
    location_id = Many2one("fsm.location", "Location", required=True)
    location_directions = Char("Location Directions", compute=True)
    person_id = Many2one("fsm.person", "Assigned To", tracking=True)
    person_ids = Many2many("fsm.person", "Field Service Workers")
    person_phone = Char("Person Phone", related="person_id.phone")
    scheduled_date_start = Datetime("Scheduled Start (ETA)", tracking=True)
    scheduled_duration = Float("Scheduled duration", help="Scheduled duration of the work in hours")
    scheduled_date_end = Datetime("Scheduled End")
    date_start = Datetime("Actual Start")
    date_end = Datetime("Actual End")
    duration = Float("Actual duration", compute=True)
    request_early = Datetime("Earliest Request Date")
    request_late = Datetime("Latest Request Date")
    todo = Html("Instructions")
    company_id = Many2one("res.company", "Company", default=1)
    type = Many2one("fsm.order.type", "Type")
    internal_type = Selection([["fsm", "FSM"]], "Internal Type", default="fsm")
    template_id = Many2one("fsm.template", "Template")
    equipment_id = Many2one("fsm.equipment", "Equipment", versions=(None, 17))
    equipment_ids = Many2many("fsm.equipment", "Equipments")
    tag_ids = Many2many("fsm.tag", "Tags")
    category_ids = Many2many("fsm.category", "Categories")
    street = Char("Street", related="location_id.street")
    street2 = Char("Street2", related="location_id.street2")
    city = Char("City", related="location_id.city")
    zip = Char("Zip", related="location_id.zip")
    state_name = Char("State", compute=True)
    country_name = Char("Country", compute=True)
    phone = Char("Phone", related="location_id.phone")
    mobile = Char("Mobile", related="location_id.mobile", versions=(None, 18))
    territory_id = Many2one("res.territory", "Territory", related="location_id.territory_id")
    branch_id = Many2one("res.territory", "Branch", compute=True)
    district_id = Many2one("res.territory", "District", compute=True)
    region_id = Many2one("res.territory", "Region", compute=True)
    custom_color = Char("Color Code", related="stage_id.custom_color")
    color = Integer("Color Index")
    sequence = Integer("Sequence", default=10)
    current_date = Datetime("Current Date", compute=True)
    is_button = Boolean("Is Button", versions=(None, 17))
    date_today_order_tz = Date("Today (order time zone)", compute=True, versions=(17, 17))
    location_owner_id = Many2one("res.partner", "Location Owner", versions=(17, 17),
                                 related="location_id.owner_id")
    require_signature = Boolean("Require Signature", versions=(18, None))
    signature = Char("Signature", versions=(18, None))
    signed_by = Char("Signed By", versions=(18, None))
    signed_on = Datetime("Signed On", versions=(18, None))
    x_signature_url = Char("Signature URL")

    @classmethod
    def _extra_fields(cls, version):
        kind = Text if version <= 17 else Html
        return {"description": kind("Description"), "resolution": kind("Resolution")}

    # -- computes -----------------------------------------------------------------------------
    def _compute_display_name(self, rid, rec):
        return rec.get("name") or ""

    def _compute_duration(self, rid, rec):
        start, end = rec.get("date_start"), rec.get("date_end")
        if start and end:
            delta = _parse(end) - _parse(start)
            return round(delta.total_seconds() / 3600.0, 2)
        return 0.0

    def _compute_location_directions(self, rid, rec):
        loc = rec.get("location_id")
        return self.env["fsm.location"].records.get(loc, {}).get("direction") or False

    def _compute_state_name(self, rid, rec):
        sid = self.raw_value(rid, "location_id") and self.env["fsm.location"].raw_value(
            rec.get("location_id"), "state_id")
        return self.env["res.country.state"].records.get(sid, {}).get("name") or False if sid \
            else False

    def _compute_country_name(self, rid, rec):
        cid = rec.get("location_id") and self.env["fsm.location"].raw_value(
            rec["location_id"], "country_id")
        return self.env["res.country"].records.get(cid, {}).get("name") or False if cid else False

    def _compute_current_date(self, rid, rec):
        return self.env.now()

    def _compute_date_today_order_tz(self, rid, rec):
        return self.env.state.today_for_user(self.env.uid)

    def _group_expand_ids(self, fname):
        stages = self.env.sudo()["fsm.stage"]
        ids = [sid for sid, s in stages.records.items() if s.get("stage_type") == "order"]
        return self.env.state.sort_ids(stages, None, ids)

    # -- stages ---------------------------------------------------------------------------------
    def _stage(self, key):
        return self.env.ref(f"fieldservice.fsm_stage_{key}") or \
            self.env.ref(f"fieldservice_isp_flow.fsm_stage_{key}")

    def _default_stage(self):
        stages = self.env.sudo()["fsm.stage"]
        ids = [sid for sid, s in stages.records.items() if s.get("stage_type") == "order"
               and s.get("active", True)]
        ids = self.env.state.sort_ids(stages, None, ids)
        return ids[0] if ids else False

    # -- create / write / unlink ------------------------------------------------------------
    def _prepare_create(self, vals):
        if not vals.get("name") or vals.get("name") == "New":
            prefix, pad = self._sequence
            n = self.env.state.next_sequence("fsm.order")
            vals["name"] = f"{prefix}{n:0{pad}d}"
        vals.setdefault("stage_id", self._default_stage())
        if not vals.get("team_id"):
            vals["team_id"] = self.env.ref("fieldservice.fsm_team_default")
        self._calc_scheduled_dates(vals)
        return vals

    def _calc_scheduled_dates(self, vals, rid=None):
        rec = self.records.get(rid, {}) if rid else {}
        if "scheduled_date_start" in vals or "scheduled_duration" in vals:
            start = vals.get("scheduled_date_start", rec.get("scheduled_date_start"))
            duration = vals.get("scheduled_duration", rec.get("scheduled_duration")) or 0.0
            if start and "scheduled_date_end" not in vals:
                vals["scheduled_date_end"] = (_parse(start) + dt.timedelta(hours=float(duration))
                                              ).strftime("%Y-%m-%d %H:%M:%S")
        elif "scheduled_date_end" in vals and vals["scheduled_date_end"]:
            start = rec.get("scheduled_date_start")
            if start:
                delta = _parse(vals["scheduled_date_end"]) - _parse(start)
                vals["scheduled_duration"] = round(delta.total_seconds() / 3600.0, 4)

    def _after_create(self, rid, vals):
        self._after_create_message(rid, "Field Service Order created")
        activities.after_create(self, rid, vals)

    def _after_write(self, ids, vals):
        super()._after_write(ids, vals)
        activities.after_write(self, ids, vals)

    def _before_write(self, ids, vals):
        if vals.get("stage_id") and not self.env.context.get("_fsm_button") \
                and not vals.get("is_button") and vals["stage_id"] == self._stage("completed"):
            raise UserError("Cannot move to completed from Kanban")
        vals.pop("is_button", None) if self.version >= 18 else None
        if "is_button" in vals:
            vals["is_button"] = False
        if any(k in vals for k in ("scheduled_date_start", "scheduled_duration",
                                   "scheduled_date_end")):
            for rid in ids:
                self._calc_scheduled_dates(vals, rid)

    def _track_subtype(self, rid, changed):
        if "stage_id" in changed:
            stage = self.records[rid].get("stage_id")
            if stage == self._stage("completed"):
                return self.env.ref("fieldservice.mt_order_completed")
            if stage == self._stage("cancel"):
                return self.env.ref("fieldservice.mt_order_cancelled")
        return self.env.ref("mail.mt_note")

    def _before_unlink(self, ids):
        first = self._default_stage()
        for rid in ids:
            if self.records[rid].get("stage_id") != first:
                raise ValidationError("You cannot delete this order.")

    # -- business methods ---------------------------------------------------------------------
    def _move(self, ids, stage_key):
        stage = self._stage(stage_key)
        if not stage:
            raise ValueError(f"External ID not found in the system: fieldservice.fsm_stage_"
                             f"{stage_key}")
        env = self.env.with_context(_fsm_button=True)
        return env[self._name].write(ids, {"stage_id": stage})

    def action_complete(self, ids):
        if self.version <= 17:
            for rid in ids:
                if rid in self.records and not self.records[rid].get("date_end"):
                    raise ValidationError(
                        "Cannot move to Complete until 'Actual End' is filled in")
        result = self._move(ids, "completed")
        activities.check_complete(self, ids)  # OCA fieldservice_activity, after super()
        return result

    def action_cancel(self, ids):
        return self._move(ids, "cancel")

    def _isp(self, ids, stage_key, required=()):
        if self.version > 17:
            raise no_such_method("fsm.order", f"action_{stage_key}", self.version)
        for rid in ids:
            rec = self.records.get(rid, {})
            for fname, label, step in required:
                if not rec.get(fname):
                    raise ValidationError(f"Cannot move to {step} until '{label}' is filled in")
        return self._move(ids, stage_key)

    def action_confirm(self, ids):
        return self._isp(ids, "confirmed")

    def action_request(self, ids):
        if self.version <= 17:
            for rid in ids:
                if not self.records.get(rid, {}).get("person_ids"):
                    raise ValidationError("Cannot move to Requested until 'Request Workers' "
                                          "is filled in")
        return self._isp(ids, "requested")

    def action_assign(self, ids):
        return self._isp(ids, "assigned", [("person_id", "Assigned To", "Assigned")])

    def action_schedule(self, ids):
        return self._isp(ids, "scheduled", [("scheduled_date_start", "Scheduled Start (ETA)",
                                             "Scheduled"), ("person_id", "Assigned To",
                                                            "Scheduled")])

    def action_enroute(self, ids):
        return self._isp(ids, "enroute")

    def action_start(self, ids):
        return self._isp(ids, "started", [("date_start", "Actual Start", "Start")])


def _parse(value):
    return dt.datetime.strptime(value[:19] if len(value) > 10 else value + " 00:00:00",
                                "%Y-%m-%d %H:%M:%S")


MODELS = [FsmStage, FsmTeam, FsmTag, FsmCategory, FsmOrderType, FsmTemplate, FsmPerson,
          FsmLocation, FsmEquipment, Territory, FsmOrder]
