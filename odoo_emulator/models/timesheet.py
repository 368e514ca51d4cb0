"""project, hr and hr_timesheet: project.project, hr.employee, account.analytic.account and
account.analytic.line (timesheet lines), as recorded (`s_ts_*` in
tests/fixtures/odoo-recordings-more): a line is created as the technician with a project; Odoo
fills employee_id (the user's employee), account_id (the project's) and user_id; without an
employee for the user it is a ValidationError."""

from ..exceptions import ValidationError
from ..orm import BaseModel, Boolean, Char, Date, Float, Many2one
from . import oca_fieldservice

NO_EMPLOYEE = "Timesheets must be created with an active employee in the selected companies."


class AnalyticAccount(BaseModel):
    _name = "account.analytic.account"
    _description = "Analytic Account"
    name = Char("Analytic Account", required=True)
    company_id = Many2one("res.company", "Company")
    active = Boolean("Active", default=True)


class Project(BaseModel):
    _name = "project.project"
    _description = "Project"
    _order = "sequence, name, id"
    name = Char("Name", required=True)
    sequence = Char("Sequence", default="10")
    allow_timesheets = Boolean("Timesheets", default=True)
    # 16 names the project's analytic account analytic_account_id, 18/19 account_id
    analytic_account_id = Many2one("account.analytic.account", "Analytic Account",
                                   versions=(None, 17))
    account_id = Many2one("account.analytic.account", "Analytic Account", versions=(18, None))
    company_id = Many2one("res.company", "Company")
    active = Boolean("Active", default=True)

    def _account_field(self):
        return "account_id" if self.version >= 18 else "analytic_account_id"

    def _prepare_create(self, vals):
        field = self._account_field()
        if vals.get("allow_timesheets", True) and not vals.get(field):
            vals[field] = self.env.sudo()["account.analytic.account"]._create_one(
                {"name": vals.get("name") or "Project"})
        return vals


class Employee(BaseModel):
    _name = "hr.employee"
    _description = "Employee"
    _order = "name"
    name = Char("Employee Name", required=True)
    user_id = Many2one("res.users", "User")
    company_id = Many2one("res.company", "Company", default=1)
    active = Boolean("Active", default=True)


class AnalyticLine(BaseModel):
    _name = "account.analytic.line"
    _description = "Analytic Line"
    _order = "date desc, id desc"
    name = Char("Description", required=True)
    date = Date("Date", required=True)
    unit_amount = Float("Quantity")
    amount = Float("Amount", default=0.0)
    project_id = Many2one("project.project", "Project")
    employee_id = Many2one("hr.employee", "Employee")
    user_id = Many2one("res.users", "User")
    account_id = Many2one("account.analytic.account", "Analytic Account")
    company_id = Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals):
        vals = oca_fieldservice.prepare_line(self, vals)
        if vals.get("project_id"):
            sudo = self.env.sudo()
            if not vals.get("employee_id"):
                uid = vals.get("user_id") or self.env.uid
                employees = [rid for rid, e in sudo["hr.employee"].records.items()
                             if e.get("user_id") == uid and e.get("active", True)]
                if not employees:
                    raise ValidationError(NO_EMPLOYEE)
                vals["employee_id"] = employees[0]
            employee = sudo["hr.employee"].records.get(vals["employee_id"], {})
            vals.setdefault("user_id", employee.get("user_id") or self.env.uid)
            project = sudo["project.project"].records.get(vals["project_id"], {})
            vals.setdefault("account_id", project.get(
                sudo["project.project"]._account_field()) or False)
        vals.setdefault("user_id", self.env.uid)  # analytic's default: the current user
        return vals


MODELS = [AnalyticAccount, Project, Employee, AnalyticLine]
