"""resource: working schedules (resource.calendar), as hr/project/fieldservice installs it.

Dispatch reads the company's calendar (`res.company.resource_calendar_id`) to find working
hours. `dayofweek` is "0" (Monday) to "6"; hours are floats in the calendar's own zone. From 17
the standard calendar has a "lunch" period between the morning and the afternoon.
"""

from ..orm import BaseModel, Boolean, Char, Float, Integer, Many2one, One2many, Selection

DAYS = [["0", "Monday"], ["1", "Tuesday"], ["2", "Wednesday"], ["3", "Thursday"],
        ["4", "Friday"], ["5", "Saturday"], ["6", "Sunday"]]


class ResourceCalendar(BaseModel):
    _name = "resource.calendar"
    _description = "Resource Working Time"
    _order = "name, id"
    name = Char("Name", required=True)
    company_id = Many2one("res.company", "Company", default=1)
    tz = Char("Timezone", default="UTC")
    hours_per_day = Float("Average Hour per Day", default=8.0)
    attendance_ids = One2many("resource.calendar.attendance", "calendar_id", "Working Time")
    active = Boolean("Active", default=True)


class ResourceCalendarAttendance(BaseModel):
    _name = "resource.calendar.attendance"
    _description = "Work Detail"
    _order = "sequence, week_type, dayofweek, hour_from"
    name = Char("Name", required=True)
    dayofweek = Selection(DAYS, "Day of Week", required=True, default="0")
    hour_from = Float("Work from", required=True)
    hour_to = Float("Work to", required=True)
    day_period = Selection([["morning", "Morning"], ["lunch", "Break"],
                            ["afternoon", "Afternoon"]], "Day Period", required=True,
                           default="morning")
    week_type = Selection([["1", "Second"], ["0", "First"]], "Week Number")
    calendar_id = Many2one("resource.calendar", "Resource's Calendar", required=True)
    sequence = Integer("Sequence", default=10)


MODELS = [ResourceCalendar, ResourceCalendarAttendance]
