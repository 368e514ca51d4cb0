"""Section navigation: a bottom tab bar on phones, a side rail on desktops (same markup, CSS).

A section shows when its blueprint is registered and the user's role may open it; a section
adds itself with one line in SECTIONS. A phone's bar holds at most PHONE_TABS tabs: when the user
has more sections, the PHONE_TABS - 1 most relevant for their role stay (PHONE_PRIORITY) and the
rest go under "More", a `<details>` sheet; the desktop rail always lists every section. Office
roles see their sections in PHONE_PRIORITY order in both (the dashboard, their home, first), so
the bar and the rail agree.
"""
from dataclasses import dataclass

from flask import current_app, request, session, url_for

from app.platform.i18n import lazy_gettext

# The product's name, in every language (a name, not a word: never translated).
PRODUCT_NAME = "Fieldkit"

# Roles that see what the office sees (an administrator sees what a manager sees).
OFFICE_ROLES = ("office", "manager", "admin")
# Roles that see the technicians' scorecard.
MANAGER_ROLES = ("manager", "admin")


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str
    icon: str
    roles: tuple = ()  # empty: every role
    office_endpoint: str = ""  # where office roles go instead, when that endpoint exists
    access: str = ""  # session key of the user's rights in that Odoo app; hidden when "none"

    @property
    def blueprint(self):
        return self.endpoint.split(".")[0]

    def endpoint_for(self, role):
        """The page this role opens: office roles get `office_endpoint` when it is there."""
        if self.office_endpoint and role in OFFICE_ROLES \
                and self.office_endpoint in current_app.view_functions:
            return self.office_endpoint
        return self.endpoint


@dataclass(frozen=True)
class NavItem:
    section: Section
    url: str
    active: bool
    overflow: bool = False  # under "More" on a phone (still in the desktop rail)


@dataclass(frozen=True)
class Nav:
    """What base.html draws: every item in SECTIONS order, and the phone's "More" part."""

    items: tuple

    @property
    def more(self) -> tuple:
        return tuple(item for item in self.items if item.overflow)

    @property
    def more_active(self):
        """The active section when it sits under "More" (the More tab then shows as current)."""
        return next((item for item in self.more if item.active), None)

    def __bool__(self):
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)


SECTIONS = (
    Section("jobs.active", lazy_gettext("Jobs"), "jobs", office_endpoint="jobs.index"),
    Section("sales.index", lazy_gettext("Sales"), "sales", access="sales_access"),
    Section("crm.index", lazy_gettext("CRM"), "crm", access="crm_access"),
    Section("inventory.index", lazy_gettext("Stock"), "stock", access="stock_access"),
    Section("customers.index", lazy_gettext("Customers"), "customers"),
    Section("dashboard.index", lazy_gettext("Dashboard"), "dashboard", roles=OFFICE_ROLES),
    Section("invoices.index", lazy_gettext("Invoices"), "invoices", roles=OFFICE_ROLES),
    Section("team.technicians", lazy_gettext("Team"), "team", roles=MANAGER_ROLES),
    Section("dispatch.index", lazy_gettext("Dispatch"), "dispatch", roles=OFFICE_ROLES),
    Section("assets.index", lazy_gettext("Assets"), "assets", roles=OFFICE_ROLES),
)


# Tabs a phone's bottom bar holds: five fit 360 px with whole labels at 44 px or more each.
PHONE_TABS = 5

# The sections that stay on a phone's bar when they don't all fit, most relevant first, by
# blueprint. The office plans and follows the day from a phone (dashboard, jobs, dispatch) and
# looks customers up; a section not listed here goes under "More".
PHONE_PRIORITY = {
    "technician": ("jobs", "customers", "inventory", "sales", "crm"),
    "office": ("dashboard", "team", "jobs", "dispatch", "customers", "sales", "invoices", "crm",
               "inventory", "assets"),
}


def _phone_rank(role, blueprint):
    ranked = PHONE_PRIORITY["office" if role in OFFICE_ROLES else "technician"]
    return ranked.index(blueprint) if blueprint in ranked else len(ranked)


def with_overflow(items, role, limit=PHONE_TABS) -> Nav:
    """`items` with those that do not fit a phone's bar marked `overflow`, order kept."""
    if len(items) <= limit:
        return Nav(tuple(items))
    ranked = sorted(range(len(items)),
                    key=lambda i: (_phone_rank(role, items[i].section.blueprint), i))
    keep = set(ranked[:limit - 1])  # one place goes to "More"
    return Nav(tuple(NavItem(item.section, item.url, item.active, overflow=i not in keep)
                     for i, item in enumerate(items)))


def nav_menu() -> Nav:
    """This user's sections for the tab bar and rail, with the phone's overflow marked."""
    return with_overflow(nav_sections(), session.get("role"))


def nav_sections():
    """Sections this user may open: `NavItem(section, url, active)` in SECTIONS order."""
    role = session.get("role")
    items = []
    for section in SECTIONS:
        endpoint = section.endpoint_for(role)
        if endpoint not in current_app.view_functions:
            continue
        if section.roles and role not in section.roles:
            continue
        if section.access and session.get(section.access) == "none":
            continue
        items.append(NavItem(section, url_for(endpoint), request.blueprint == section.blueprint))
    return in_role_order(items, role)


def in_role_order(items, role):
    """The office's sections in the order of its day (PHONE_PRIORITY: the dashboard, its home,
    first), the same in the rail and on the phone's bar; technicians keep SECTIONS order."""
    if role not in OFFICE_ROLES:
        return items
    return sorted(items, key=lambda item: _phone_rank(role, item.section.blueprint))


# Roles named as the Field Service groups that give them are named in Odoo (admin: manager).
ROLE_LABELS = {
    "technician": lazy_gettext("Field Service / User: Own Documents Only"),
    "office": lazy_gettext("Field Service / User: All Documents"),
    "manager": lazy_gettext("Field Service / Administrator"),
}


def role_label(role):
    return str(ROLE_LABELS.get(role, role or ""))


def link_if(endpoint, **params):
    """The URL of `endpoint` when that page exists in this app, else None: a number on the
    dashboard links to its list only when the section behind it is built."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **params)


def init_app(app):
    app.jinja_env.globals["nav_sections"] = nav_sections
    app.jinja_env.globals["nav_menu"] = nav_menu
    app.jinja_env.globals["link_if"] = link_if
    app.jinja_env.globals["product_name"] = PRODUCT_NAME
    app.jinja_env.filters["role_label"] = role_label
