"""Logging in through Odoo: authenticate, work out the role, fill and clear the Flask session."""
import logging
import time

from flask import current_app, session

from app.services.odoo_api import OdooError, OdooUnavailable, SessionExpired, get_odoo

log = logging.getLogger(__name__)

# Checked from the top: the first role whose groups the user has wins; everyone else is a
# technician (the least privileged role).
ROLE_GROUPS = (
    ("manager", ("base.group_system", "fieldservice.group_fsm_manager",
                 "sales_team.group_sale_manager")),
    ("office", ("fieldservice.group_fsm_user", "fieldservice.group_fsm_dispatcher",
                "sales_team.group_sale_salesman_all_leads")),
)
DEFAULT_ROLE = "technician"
CACHE_SECONDS = 3600

# (odoo url, db) -> (expires, {"module.name": group id}); group ids never change in a database.
_group_cache = {}
_database_cache = {}


def _role_xmlids():
    return sorted({xmlid for _, xmlids in ROLE_GROUPS for xmlid in xmlids})


def _group_ids(odoo):
    """Ids of the groups that decide roles, by xml id, cached per Odoo database."""
    key = (odoo.base_url, odoo.db)
    cached = _group_cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    xmlids = _role_xmlids()
    rows = odoo.search_read(
        "ir.model.data",
        [("model", "=", "res.groups"),
         ("module", "in", sorted({x.split(".")[0] for x in xmlids})),
         ("name", "in", [x.split(".")[1] for x in xmlids])],
        ["module", "name", "res_id"],
    )
    ids = {f"{row['module']}.{row['name']}": row["res_id"] for row in rows}
    _group_cache[key] = (time.monotonic() + CACHE_SECONDS, ids)
    return ids


def fetch_role(odoo, uid):
    """technician, office or manager, from the user's Odoo groups.

    One RPC for the user's groups, plus one per process to learn the group ids. When the
    groups can't be read the user gets the least privileged role rather than an error.
    """
    groups_field = "group_ids" if (odoo.version or 0) >= 19 else "groups_id"
    try:
        users = odoo.read("res.users", [uid], [groups_field])
        group_ids = _group_ids(odoo)
    except (OdooUnavailable, SessionExpired):
        raise
    except OdooError as exc:
        log.warning("could not read groups of uid %s (%s): role %s", uid, exc, DEFAULT_ROLE)
        return DEFAULT_ROLE
    user_groups = set(users[0][groups_field]) if users else set()
    for role, xmlids in ROLE_GROUPS:
        if any(group_ids.get(xmlid) in user_groups for xmlid in xmlids):
            return role
    return DEFAULT_ROLE


def log_in(login, password, database=None):
    """Authenticate with Odoo as this user; returns the values to keep in the Flask session.

    :raises AccessDenied: wrong login or password (TwoFactorRequired for 2FA accounts).
    :raises OdooUnavailable: Odoo can't be reached.
    """
    odoo = get_odoo()
    if database:
        odoo.db = database
    elif not odoo.db:
        # No ODOO_DB and no choice offered: the server lists one database (or hides the list).
        odoo.db = next(iter(database_choices()), None)
    info = odoo.authenticate(login, password)
    context = info.get("user_context") or {}
    companies = info.get("user_companies") or {}
    company_id = companies.get("current_company") or info.get("company_id")
    if isinstance(company_id, list):  # very old servers answer [id, name]
        company_id = company_id[0]
    log.info("login %s (uid %s) on Odoo %s", login, info["uid"], odoo.version)
    return {
        "odoo_sid": odoo.session_id,
        "user_id": info["uid"],
        "username": info.get("username") or login,
        "user_name": info.get("name") or login,
        "partner_id": info.get("partner_id"),
        "tz": context.get("tz") or current_app.config["DEFAULT_TZ"],
        "lang": context.get("lang") or "en_US",
        "role": fetch_role(odoo, info["uid"]),
        "odoo_version": odoo.version,
        "company_id": company_id,
    }


def start_session(user):
    """Replace whatever the session held (no fixation) with the logged-in user."""
    session.clear()
    session.update(user)
    session.permanent = True


def log_out():
    """Destroy the Odoo session, then the Flask one, even when Odoo can't be told."""
    if session.get("odoo_sid"):
        try:
            get_odoo().logout()
        except OdooError as exc:
            log.info("odoo logout of %s failed: %s", session.get("username"), exc)
    session.clear()


def database_choices():
    """Databases to offer on the login form: none when ODOO_DB is set or only one exists."""
    if current_app.config.get("ODOO_DB"):
        return []
    key = current_app.config["ODOO_URL"]
    cached = _database_cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        names = get_odoo().list_databases()
    except OdooError as exc:
        log.warning("could not list Odoo databases: %s", exc)
        return []
    _database_cache[key] = (time.monotonic() + 300, names)
    return names
