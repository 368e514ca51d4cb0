"""What Fieldkit needs from an Odoo database, checked over JSON-RPC (`flask odoo-check`).

`check()` returns a `Report`: findings in the order they are printed, each `ok`, `missing`
(something Fieldkit needs: the command exits 1), `warning` (works, with less) or `info`.
`fix()` makes, as an administrator, the changes that are safe to make without asking: the
`x_signature_url` field, and a Field Service worker for technicians who have none when the
match is unambiguous. Nothing here knows about click; the command in app/cli.py prints.
"""
from dataclasses import dataclass, field

from app.odoo import versions
from app.odoo.client import (
    AccessDenied,
    AccessError,
    OdooAPI,
    OdooError,
    OdooUnavailable,
)
from app.odoo.integration import IntegrationAPI
from app.services import auth
from app.services import companies as company_choice
from app.services.assets import TICKET_MODEL

SIGNATURE_FIELD = "x_signature_url"
SIGNATURE_TYPES = ("char", "text")
REQUIRED_MODULES = {"fieldservice": "Field Service (OCA): the jobs"}
SECTION_MODULES = {
    "sale": "Sales section", "crm": "CRM section", "stock": "Inventory section",
    "sms": "text messages to customers",
}
OPTIONAL_MODULES = {
    "fieldservice_isp_flow": "en-route and started stages (up to 17)",
    "helpdesk_mgmt": "helpdesk tickets", "hr_timesheet": "timesheets",
    "auth_totp": "two-factor login", "stock_sms": "delivery text messages",
    "sale_management": "quotation templates", "fieldservice_sale": "jobs from sales orders",
    # OCA add-ons the job timer writes through (app/services/timer.py)
    "fieldservice_project": "job time on the order's project",
    "fieldservice_timesheet": "job time linked to the order, total on the job page",
    "fieldservice_account_analytic": "job time on the location's analytic account",
    # OCA add-on the job checklist reads and ticks (app/services/checklists.py)
    "fieldservice_activity": "the job's checklist (activities), ticked on site",
}
TECHNICIAN_GROUP = "fieldservice.group_fsm_user_own"
# "User: All Documents": implied by Dispatcher and Manager. A technician is a member of
# TECHNICIAN_GROUP and not of this one (their highest Field Service group is Own Documents).
FSM_USER_GROUP = "fieldservice.group_fsm_user"
# What --fix grants on fsm.activity (OCA fieldservice_activity), with the administrator's
# consent: stock OCA gives the model to Field Service User and Manager only, so a technician
# (own documents) is refused even the order's order_activity_ids, and completing any order
# (action_complete reads its activities). Read and write (action_done / action_cancel write
# the activity; Odoo has no right per method), no create or delete, limited by a rule to the
# activities of orders assigned to the user's own worker. The second rule keeps Field Service
# Users to every activity: their group implies the technicians' one, and Odoo ORs group rules.
ACTIVITY_MODEL = "fsm.activity"
ACTIVITY_ACCESS = "Fieldkit: fsm.activity for technicians (own orders)"
ACTIVITY_OWN_RULE = "Fieldkit: activities of the technician's own orders"
ACTIVITY_OWN_DOMAIN = "[('fsm_order_id.person_id.user_ids', '=', user.id)]"
ACTIVITY_ALL_RULE = "Fieldkit: activities, every order (Field Service User)"
ACTIVITY_GRANT = (
    "On fsm.activity (Field Service Activity, OCA fieldservice_activity) --fix adds:\n"
    f"  - an access right \"{ACTIVITY_ACCESS}\": group Field Service / User (only own "
    "documents), read and write (write is what action_done and action_cancel need); no "
    "create, no delete;\n"
    f"  - a record rule \"{ACTIVITY_OWN_RULE}\" for that group, read and write: "
    f"{ACTIVITY_OWN_DOMAIN} (activities of orders assigned to the user's own worker);\n"
    f"  - a record rule \"{ACTIVITY_ALL_RULE}\" for Field Service / User, read and write: "
    "[(1, '=', 1)] (office users keep every activity: their group implies the technicians').\n"
    "Technicians can then read, complete and cancel the activities of their own orders, and "
    "complete those orders. Write also lets them change an activity's other fields over RPC "
    "(Odoo has no right per method).")
# (label, model, operations) a user is checked against; each a yes/no per operation.
ACCESS_CHECKS = (
    ("jobs", "fsm.order", ("read", "write")),
    ("job notes and photos", "ir.attachment", ("create",)),
    ("quotes", "sale.order", ("read", "create")),
    ("leads", "crm.lead", ("read", "write")),
    ("deliveries", "stock.picking", ("read", "write")),
)


@dataclass
class Finding:
    status: str  # ok | missing | warning | info
    subject: str
    detail: str = ""


@dataclass
class Report:
    findings: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # what --fix did, one line each

    def add(self, status, subject, detail=""):
        self.findings.append(Finding(status, subject, detail))

    @property
    def ok(self):
        return not any(f.status == "missing" for f in self.findings)


class CheckAborted(Exception):
    """Nothing more can be checked (server unreachable, login refused): `report` says why."""

    def __init__(self, report):
        super().__init__(report.findings[-1].detail if report.findings else "")
        self.report = report


def connect(base_url, db, timeout=(5, 20)):
    """A client for the server, its version probed; raises OdooUnavailable when unreachable."""
    odoo = OdooAPI(base_url, db, timeout=timeout)
    odoo.version_info()
    if not odoo.db:
        names = odoo.list_databases()
        if len(names) != 1:
            raise OdooError(f"the server lists {len(names)} databases ({', '.join(names)}): "
                            "set ODOO_DB")
        odoo.db = names[0]
    return odoo


def check(base_url, db, login=None, password=None, *, timeout=(5, 20), integration=None,
          assets=None):
    """Check the server, and with a login the user Fieldkit would log in as; `integration`
    is (ODOO_INTEGRATION_LOGIN, ODOO_INTEGRATION_KEY), `assets` the AssetMapping
    (ASSET_MODEL, ASSET_FIELDS) whose tickets' link is checked."""
    report = Report()
    try:
        odoo = connect(base_url, db, timeout)
    except OdooUnavailable as exc:
        report.add("missing", "Odoo server", f"cannot reach {base_url}: {exc}")
        raise CheckAborted(report) from exc
    except OdooError as exc:
        report.add("missing", "Odoo server", str(exc))
        raise CheckAborted(report) from exc
    report.add("ok" if versions.supported(odoo.version) else "warning",
               "Odoo server", f"version {odoo.version} at {base_url}, database {odoo.db}")
    _check_login_guard(odoo, report, integration)
    if not login:
        report.add("info", "user", "no --login given: modules, fields and the user not checked")
        return report
    try:
        info = odoo.authenticate(login, password)
    except AccessDenied as exc:
        report.add("missing", f"login {login}", f"refused: {exc.user_message}")
        raise CheckAborted(report) from exc
    _check_modules(odoo, report)
    _check_signature_field(odoo, report)
    if assets is not None:
        _check_asset_link(odoo, report, assets)
    _check_user(odoo, report, info, login)
    return report


def _check_login_guard(odoo, report, integration):
    """Whether Fieldkit can reset Odoo's count of failed logins from its address
    (app/platform/login_throttle.py): the integration user's login does it."""
    subject = "login lockout guard"
    if not integration or not all(integration):
        report.add("warning", subject, (
            "no integration user (ODOO_INTEGRATION_LOGIN/KEY): Fieldkit cannot reset Odoo's "
            "count of failed logins from its address, so strangers' wrong passwords may pause "
            "logins for up to a minute. Set the integration user, or start Odoo with "
            "--proxy-mode: Fieldkit sends each person's address (X-Forwarded-For with "
            "X-Forwarded-Host), which Odoo then counts instead; this check can't see whether "
            "Odoo does."))
        return
    client = IntegrationAPI(odoo.base_url, odoo.db, *integration, timeout=odoo.timeout,
                            version=odoo.version, max_retries=0)
    try:
        client.check_login()
    except OdooError as exc:
        report.add("missing", subject, f"the integration user {integration[0]!r} can't log in "
                   f"with its API key ({exc}): a failed login can't reset Odoo's count")
    else:
        report.add("ok", subject, "after a failed login the integration user's login resets "
                   "Odoo's count of failures from Fieldkit's address")


def _check_modules(odoo, report):
    names = sorted({*REQUIRED_MODULES, *SECTION_MODULES, *OPTIONAL_MODULES})
    try:
        rows = odoo.search_read("ir.module.module", [("name", "in", names)], ["name", "state"])
    except AccessError:
        report.add("warning", "modules", "this user may not list the modules: run with an "
                   "administrator's --login to see them")
        return
    installed = {r["name"] for r in rows if r.get("state") == "installed"}
    for name, use in REQUIRED_MODULES.items():
        report.add("ok" if name in installed else "missing", f"module {name}", use)
    for name, use in SECTION_MODULES.items():
        report.add("ok" if name in installed else "warning", f"module {name}",
                   use if name in installed else f"not installed: no {use}")
    present = [name for name in OPTIONAL_MODULES if name in installed]
    report.add("info", "optional modules", ", ".join(
        f"{name} ({OPTIONAL_MODULES[name]})" for name in present) or "none installed")


def _check_signature_field(odoo, report):
    found = odoo.call("fsm.order", "fields_get", [SIGNATURE_FIELD], attributes=["type"])
    kind = (found.get(SIGNATURE_FIELD) or {}).get("type")
    if kind in SIGNATURE_TYPES:
        report.add("ok", f"field fsm.order.{SIGNATURE_FIELD}", kind)
    elif kind:
        report.add("missing", f"field fsm.order.{SIGNATURE_FIELD}",
                   f"is a {kind} field; Fieldkit stores a text reference (Char)")
    else:
        report.add("missing", f"field fsm.order.{SIGNATURE_FIELD}",
                   "absent (customer signatures cannot be saved); --fix creates it. Studio "
                   "names new fields x_studio_...: the name must be exactly x_signature_url")


def _check_asset_link(odoo, report, m):
    """Whether the mapping's `ticket_link` is a many2one on helpdesk.ticket leading to the
    asset model: one leading elsewhere would show another model's tickets on the asset pages
    (the tickets of the record of the same id), an absent one fails them."""
    subject = "asset tickets"
    asset = _field(odoo, m.model, m.name)
    if asset in (REFUSED, NO_MODEL):
        report.add("warning", subject, f"this user may not read {m.model} (ASSET_MODEL): the "
                   "asset pages are refused to them" if asset is REFUSED else
                   f"no {m.model} model (ASSET_MODEL) in this database: the asset pages fail "
                   "until it is there")
        return
    if not m.ticket_link:
        report.add("info", subject, f"tickets are not linked to {m.model} (no ticket_link in "
                   "ASSET_FIELDS): the asset pages show no tickets and RMM alerts are noted "
                   "on the asset")
        return
    field = f"{TICKET_MODEL}.{m.ticket_link}"
    how = (f"add a Many2one to {m.model} on {TICKET_MODEL} and name it in ASSET_FIELDS "
           '("ticket_link"), or set "ticket_link": null there (no tickets on assets)')
    found = _field(odoo, TICKET_MODEL, m.ticket_link)
    if found is REFUSED:
        report.add("info", subject, f"this user may not read {TICKET_MODEL}: the asset pages "
                   "show them no tickets")
    elif found is NO_MODEL:
        report.add("missing", subject, f"no {TICKET_MODEL} model (Helpdesk or OCA "
                   "helpdesk_mgmt) for the asset pages' tickets: install one, or set "
                   '"ticket_link": null in ASSET_FIELDS')
    elif not found:
        report.add("missing", subject, f"{field} is absent: the asset pages and RMM alerts "
                   f"fail; {how}")
    elif found.get("type") != "many2one" or found.get("relation") != m.model:
        leads = found.get("relation") or "no model"
        report.add("missing", subject, f"{field} is a {found.get('type')} to {leads}, not a "
                   f"many2one to {m.model}: the asset pages would show the tickets of "
                   f"another record; {how}")
    else:
        carry = "" if m.tickets_carry_asset else (
            ' (set "tickets_carry_asset": true in ASSET_FIELDS: on 17+ the asset page then '
            "reads the asset with its tickets)")
        report.add("ok", subject, f"{field}: many2one to {m.model}{carry}")


REFUSED, NO_MODEL = object(), object()


def _field(odoo, model, name):
    """A field's type and relation ({} when absent), or REFUSED / NO_MODEL."""
    try:
        return odoo.call(model, "fields_get", [name],
                         attributes=["type", "relation"]).get(name) or {}
    except AccessError:
        return REFUSED
    except OdooError:
        return NO_MODEL


def _check_user(odoo, report, info, login):
    uid = info["uid"]
    user = odoo.read("res.users", [uid], ["name", "email", "tz", "partner_id"])[0]
    access = auth.fetch_access(odoo, uid)
    report.add("info", f"role of {login}",
               f"{access['role']} (sales {access['sales_access']}, CRM {access['crm_access']}, "
               f"stock {access['stock_access']})")
    partner_id = user["partner_id"][0] if user.get("partner_id") else None
    workers = _workers_of(odoo, partner_id)
    if workers and access["role"] != "technician":
        report.add("warning", "Field Service worker", f"{workers[0]['name']} (fsm.person "
                   f"{workers[0]['id']}) is {login}'s partner, but {login} is {access['role']} "
                   "staff: they show as a lane on /dispatch and in every technician picker; "
                   "archive that worker unless they take jobs")
    elif workers:
        report.add("ok", "Field Service worker", f"{workers[0]['name']} (fsm.person "
                   f"{workers[0]['id']}) is {login}'s own partner")
    elif access["role"] == "technician":
        report.add("missing", "Field Service worker", f"no fsm.person has {login}'s partner: "
                   "their job list will be empty; --fix links one when the match is clear")
    else:
        report.add("info", "Field Service worker", f"none for {login} (not needed to "
                   "dispatch; needed to be assigned jobs)")
    if user.get("email"):
        report.add("ok", "email", user["email"])
    else:
        # Up to 18 Odoo refuses to post a message by an author without an email.
        report.add("warning" if versions.posts_without_email(odoo.version or 0) else "missing",
                   "email",
                   f"{login} has none: notes and photos fail on Odoo 18 and earlier")
    report.add("ok" if user.get("tz") else "warning", "time zone",
               user.get("tz") or "none: times shown in the company's (or DEFAULT_TZ)")
    companies, current = company_choice.from_session_info(info)
    if len(companies) > 1:
        names = ", ".join(name + (" (current)" if cid == current else "")
                          for cid, name in companies)
        report.add("info", "companies", f"{names}: the user menu offers a company switcher")
    elif companies:
        report.add("info", "companies", companies[0][1])
    allowed = []
    for label, model, operations in ACCESS_CHECKS:
        rights = [op for op in operations if _may(odoo, model, op)]
        allowed.append(f"{label}: {'/'.join(rights) or 'no access'}")
    report.add("info", "may", "; ".join(allowed))
    job_rights = [op for op in ("read", "write") if _may(odoo, "fsm.order", op)]
    if job_rights != ["read", "write"]:
        report.add("missing", "jobs access", f"{login} may not read and write fsm.order")
    _check_activity_rights(odoo, report, login, access["role"])


def _activities_installed(odoo):
    found = odoo.call("fsm.order", "fields_get", ["order_activity_ids"], attributes=["type"])
    return "order_activity_ids" in (found or {})


def _check_activity_rights(odoo, report, login, role):
    """fieldservice_activity: may the user (a technician) read and tick the activities?"""
    if not _activities_installed(odoo):
        return
    rights = [op for op in ("read", "write") if _may(odoo, ACTIVITY_MODEL, op)]
    if rights == ["read", "write"]:
        report.add("ok", "checklist access", f"{login} may read and write {ACTIVITY_MODEL}")
    elif role == "technician":
        report.add("missing", "checklist access",
                   f"{login} may not {'write' if rights else 'read'} {ACTIVITY_MODEL} (Field "
                   "Service Activity): Odoo refuses them the job's checklist and refuses to "
                   "complete their jobs (completing reads the activities). Stock "
                   "fieldservice_activity gives the model to Field Service User and Manager "
                   "only; --fix grants Field Service / User (only own documents) read and "
                   f"write on {ACTIVITY_MODEL} for the activities of their own orders (asked "
                   "first). Until then Fieldkit shows the order's to-do as the checklist.")
    else:
        report.add("warning", "checklist access",
                   f"{login} may not {'write' if rights else 'read'} {ACTIVITY_MODEL}: "
                   "no checklist for them")


def _workers_of(odoo, partner_id):
    if not partner_id:
        return []
    try:
        return odoo.search_read("fsm.person", [("partner_id", "=", partner_id)], ["name"])
    except AccessError:
        return []


def _may(odoo, model, operation):
    """ACL check without raising: check_access_rights up to 17, has_access from 18."""
    try:
        if versions.access_check_method(odoo.version or 0) == "has_access":
            return bool(odoo.call(model, "has_access", [], operation))
        return bool(odoo.call(model, "check_access_rights", operation, raise_exception=False))
    except AccessError:
        return False
    except OdooError:  # the model is not installed
        return False


def activity_rights_needed(base_url, db, admin_login, admin_password, *, timeout=(5, 20)):
    """Whether fieldservice_activity is installed and --fix would add the technicians' rights
    on fsm.activity (:data:`ACTIVITY_GRANT`): the command asks before it does."""
    odoo = connect(base_url, db, timeout)
    odoo.authenticate(admin_login, admin_password)
    return bool(_activity_grant_plan(odoo))


def _activity_grant_plan(odoo):
    """What of the grant is missing: [(model, vals, sentence)] to create, as the admin."""
    if not _activities_installed(odoo):
        return []
    groups = {xmlid: gid for gid, xmlid in _group_ids(odoo, [TECHNICIAN_GROUP,
                                                             FSM_USER_GROUP]).items()}
    own, users = groups.get(TECHNICIAN_GROUP), groups.get(FSM_USER_GROUP)
    model_ids = odoo.call("ir.model", "search", [("model", "=", ACTIVITY_MODEL)])
    if not own or not users or not model_ids:
        return []
    model_id = model_ids[0]
    plan = []
    lines = odoo.search_read("ir.model.access", [("model_id", "=", model_id),
                                                 ("group_id", "=", own)],
                             ["perm_read", "perm_write"])
    if not any(line["perm_read"] and line["perm_write"] for line in lines):
        plan.append(("ir.model.access", {
            "name": ACTIVITY_ACCESS, "model_id": model_id, "group_id": own,
            "perm_read": True, "perm_write": True, "perm_create": False,
            "perm_unlink": False}, f"granted technicians read and write on {ACTIVITY_MODEL}"))
    rules = {r["name"] for r in odoo.search_read(
        "ir.rule", [("model_id", "=", model_id)], ["name"])}
    for name, group, domain, what in (
            (ACTIVITY_OWN_RULE, own, ACTIVITY_OWN_DOMAIN, "to their own orders' activities"),
            (ACTIVITY_ALL_RULE, users, "[(1, '=', 1)]", "Field Service Users to every one")):
        if name not in rules:
            plan.append(("ir.rule", {
                "name": name, "model_id": model_id, "groups": [(4, group)],
                "domain_force": domain, "perm_read": True, "perm_write": True,
                "perm_create": False, "perm_unlink": False},
                f"added the record rule \"{name}\" on {ACTIVITY_MODEL} (limits {what})"))
    return plan


def grant_activity_rights(base_url, db, admin_login, admin_password, *, timeout=(5, 20)):
    """Only the technicians' rights on fsm.activity (:data:`ACTIVITY_GRANT`), as the
    administrator, who agreed to them: the changes made (none when already there)."""
    odoo = connect(base_url, db, timeout)
    odoo.authenticate(admin_login, admin_password)
    return _grant_activities(odoo)


def _grant_activities(odoo):
    changes = []
    for model, vals, sentence in _activity_grant_plan(odoo):
        odoo.create(model, vals)
        changes.append(sentence)
    return changes


def fix(base_url, db, admin_login, admin_password, *, timeout=(5, 20),
        grant_activity_rights=False):
    """As an administrator: create the signature field, give technicians a worker, and with
    ``grant_activity_rights`` (the administrator agreed to :data:`ACTIVITY_GRANT`) the
    technicians' rights on fieldservice_activity's fsm.activity.

    Returns the list of changes made, one sentence each (empty when nothing was needed).
    """
    odoo = connect(base_url, db, timeout)
    odoo.authenticate(admin_login, admin_password)
    changes = []
    if grant_activity_rights:
        changes += _grant_activities(odoo)
    found = odoo.call("fsm.order", "fields_get", [SIGNATURE_FIELD], attributes=["type"])
    if not found.get(SIGNATURE_FIELD):
        model_id = odoo.call("ir.model", "search", [("model", "=", "fsm.order")])[0]
        odoo.create("ir.model.fields", {
            "name": SIGNATURE_FIELD, "model_id": model_id, "ttype": "char",
            "field_description": "Signature URL", "state": "manual"})
        changes.append(f"created the field fsm.order.{SIGNATURE_FIELD} (Char)")
    changes += _link_workers(odoo)
    return changes


def technician_ids(odoo) -> list[int]:
    """Active users whose highest Field Service group is "User: Own Documents Only": members
    of that group (Odoo counts everyone in a group implying it: User, Dispatcher, Manager, the
    administrator) who are not members of "User: All Documents". Archived users are never
    group members."""
    groups = {xmlid: gid for gid, xmlid in
              _group_ids(odoo, [TECHNICIAN_GROUP, FSM_USER_GROUP]).items()}
    if TECHNICIAN_GROUP not in groups:
        return []
    members = versions.group_members_field(odoo.version or 0)
    rows = {r["id"]: set(r[members]) for r in odoo.read("res.groups", list(groups.values()),
                                                         [members])}
    above = rows.get(groups.get(FSM_USER_GROUP), set())
    return sorted(rows[groups[TECHNICIAN_GROUP]] - above)


def _link_workers(odoo):
    """Technicians (see :func:`technician_ids`) without a worker of their own partner: the one
    worker of the same name or email with no user gets their partner; with none, a worker is
    made for their partner; with several, nothing is done (said so). No one else is touched."""
    ids = technician_ids(odoo)
    if not ids:
        return []
    users = odoo.search_read("res.users", [("id", "in", ids), ("active", "=", True)],
                             ["name", "login", "email", "partner_id", "share"])
    workers = odoo.search_read("fsm.person", [], ["name", "email", "partner_id"])
    partners_of_users = {u["partner_id"][0] for u in users if u.get("partner_id")}
    changes = []
    for user in users:
        if user.get("share") or not user.get("partner_id"):
            continue
        partner_id = user["partner_id"][0]
        if any(_m2o(w["partner_id"]) == partner_id for w in workers):
            continue
        candidates = [w for w in workers if _m2o(w["partner_id"]) not in partners_of_users
                      and _same_person(w, user)]
        if len(candidates) == 1:
            odoo.write("fsm.person", [candidates[0]["id"]], {"partner_id": partner_id})
            candidates[0]["partner_id"] = [partner_id, user["name"]]
            changes.append(f"linked worker {candidates[0]['name']} (fsm.person "
                           f"{candidates[0]['id']}) to {user['login']}'s partner")
        elif not candidates:
            wid = odoo.create("fsm.person", {"partner_id": partner_id})
            workers.append({"id": wid, "name": user["name"], "email": user.get("email"),
                            "partner_id": [partner_id, user["name"]]})
            changes.append(f"created worker fsm.person {wid} for {user['login']}")
        else:
            names = ", ".join(c["name"] for c in candidates)
            changes.append(f"left {user['login']} without a worker: {len(candidates)} workers "
                           f"match ({names})")
    return changes


def _group_ids(odoo, xmlids):
    """{group id: xml id} of these groups, read as the administrator."""
    rows = odoo.search_read(
        "ir.model.data",
        [("model", "=", "res.groups"), ("module", "in", [x.split(".")[0] for x in xmlids]),
         ("name", "in", [x.split(".")[1] for x in xmlids])],
        ["module", "name", "res_id"])
    return {r["res_id"]: f"{r['module']}.{r['name']}" for r in rows}


def _m2o(value):
    return value[0] if isinstance(value, list) and value else value or None


def _same_person(worker, user):
    def norm(text):
        return " ".join(str(text or "").lower().split())
    same_email = norm(worker.get("email")) and norm(worker.get("email")) == norm(user.get("email"))
    return bool(same_email or norm(worker.get("name")) == norm(user.get("name")))
