"""The bottom tab bar: one tab per section whose blueprint is registered, Jobs first."""
from dataclasses import dataclass

from flask import current_app, request, session


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str
    icon: str
    roles: tuple = ()  # empty: every role

    @property
    def blueprint(self):
        return self.endpoint.split(".")[0]


SECTIONS = (
    Section("jobs.active", "Jobs", "jobs"),
    Section("sales.index", "Sales", "sales"),
    Section("crm.index", "CRM", "crm"),
    Section("inventory.index", "Stock", "stock"),
    Section("customers.index", "Customers", "customers"),
    Section("dashboard.index", "Dashboard", "dashboard", roles=("office", "manager")),
    Section("dispatch.index", "Dispatch", "dispatch", roles=("office", "manager")),
)


def nav_sections():
    """Sections this user may open, each with an `active` flag for the current page."""
    role = session.get("role")
    return [
        (section, request.blueprint == section.blueprint)
        for section in SECTIONS
        if section.endpoint in current_app.view_functions
        and (not section.roles or role in section.roles)
    ]


def init_app(app):
    app.jinja_env.globals["nav_sections"] = nav_sections
