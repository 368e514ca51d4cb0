"""Logging in through Odoo: authenticate, work out the role, fill and clear the Flask session."""
import logging
import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from app import sessions
from app.odoo import versions
from app.odoo.client import (
    OdooError,
    OdooUnavailable,
    SessionExpired,
    TwoFactorRequired,
    _major_version,
    get_odoo,
)
from app.platform import currency, i18n, login_throttle
from app.platform.ttl_cache import TTLCache, server_key
from app.services import companies as company_choice
from app.services import two_factor

log = logging.getLogger(__name__)

# Each access level is checked from the top: the first level whose groups the user has wins.
# Every group that implies a level is listed with it, because 19's res.users.group_ids holds
# only the groups given directly (16-18 list the implied ones too).
ACCESS_GROUPS = {
    # technician, office or manager; everyone else is a technician (the least privileged role).
    "role": (
        ("manager", ("base.group_system", "fieldservice.group_fsm_manager",
                     "sales_team.group_sale_manager")),
        ("office", ("fieldservice.group_fsm_user", "fieldservice.group_fsm_dispatcher",
                    "sales_team.group_sale_salesman_all_leads")),
    ),
    # Sales (sale.order) and CRM (crm.lead) share the sales_team groups and their record rules:
    # "own" documents for salesmen, "all" from "All Documents" up.
    "sales_access": (
        ("all", ("sales_team.group_sale_manager", "sales_team.group_sale_salesman_all_leads")),
        ("own", ("sales_team.group_sale_salesman",)),
    ),
    "crm_access": (
        ("all", ("sales_team.group_sale_manager", "sales_team.group_sale_salesman_all_leads")),
        ("own", ("sales_team.group_sale_salesman",)),
    ),
    "stock_access": (
        ("manager", ("stock.group_stock_manager",)),
        ("user", ("stock.group_stock_user",)),
    ),
    # Posting invoices, payments, the send wizard: Invoicing / Billing (16), Invoicing (18+);
    # the accounting groups above it imply it (i_pay_wizard_create_office1).
    "invoice_access": (
        ("billing", ("account.group_account_invoice", "account.group_account_user",
                     "account.group_account_manager")),
    ),
}
ACCESS_DEFAULTS = {"role": "technician", "sales_access": "none", "crm_access": "none",
                   "stock_access": "none", "invoice_access": "none"}
DEFAULT_ROLE = ACCESS_DEFAULTS["role"]
CACHE_SECONDS = 3600

# {group id: "module.name" or ""} per server, in the shared store: a group's id never changes in
# a database, so a login (in any worker) asks only for the xml ids of groups no earlier login has
# seen.
_xmlid_cache = TTLCache(CACHE_SECONDS, shared="group-xmlids",
                        decode=lambda value: {int(gid): xmlid for gid, xmlid in value.items()})
_database_cache = {}


def _group_xmlids(odoo, group_ids):
    """{group id: xml id} for these groups (0 or 1 RPC).

    ir.model.data is refused to everyone outside Administration / Access Rights, but
    ``get_external_id`` (public on every model, every version) reads it as superuser.
    """
    key = server_key(odoo, "group-xmlids")
    known = dict(_xmlid_cache.peek(key) or {})
    unknown = sorted(set(group_ids) - set(known))
    if unknown:
        answer = odoo.call("res.groups", "get_external_id", unknown)
        # JSON object keys are strings: {"12": "base.group_user"}
        known.update({int(gid): xmlid or "" for gid, xmlid in answer.items()})
        known.update({gid: "" for gid in unknown if gid not in known})
        _xmlid_cache.put(key, known)
    return {gid: known[gid] for gid in group_ids}


def access_levels(xmlids):
    """{"role": ..., "sales_access": ..., ...} from a user's group xml ids."""
    levels = dict(ACCESS_DEFAULTS)
    for key, ladder in ACCESS_GROUPS.items():
        for level, groups in ladder:
            if xmlids.intersection(groups):
                levels[key] = level
                break
    return levels


def fetch_access(odoo, uid):
    """The user's role and app access levels, from their Odoo groups (1 RPC, 2 the first time
    a set of groups is seen). When the groups can't be read the user gets the least
    privileged levels rather than an error."""
    groups_field = versions.pick_field(odoo.version or 0, "res.users", "group_ids", "groups_id")
    try:
        users = odoo.read("res.users", [uid], [groups_field])
        group_ids = users[0][groups_field] if users else []
        xmlids = set(_group_xmlids(odoo, group_ids).values()) - {""}
    except (OdooUnavailable, SessionExpired):
        raise
    except OdooError as exc:
        log.warning("could not read groups of uid %s (%s): %s", uid, exc, ACCESS_DEFAULTS)
        return dict(ACCESS_DEFAULTS)
    return access_levels(xmlids)


def fetch_role(odoo, uid):
    """technician, office or manager, from the user's Odoo groups."""
    return fetch_access(odoo, uid)["role"]


class CodeNeeded(login_throttle.PasswordAccepted):
    """The password was right; Odoo wants the 6-digit code (auth_totp). `pending` is what the
    code step needs (keep it with `two_factor.hold`)."""

    def __init__(self, pending):
        super().__init__("two-factor code needed")
        self.pending = pending


def _client(database=None):
    odoo = get_odoo()
    if database:
        odoo.db = database
    elif not odoo.db:
        # No ODOO_DB and no choice offered: the server lists one database (or hides the list).
        odoo.db = next(iter(database_choices()), None)
    return odoo


def log_in(login, password, database=None):
    """Authenticate with Odoo as this user; returns the values to keep in the Flask session.

    :raises CodeNeeded: a two-factor account whose device Odoo does not trust yet.
    :raises AccessDenied: wrong login or password.
    :raises OdooUnavailable: Odoo can't be reached.
    """
    odoo = _client(database)
    try:
        info = odoo.authenticate(login, password)
    except TwoFactorRequired:
        step, value = two_factor.start(odoo, login, password, two_factor.trusted_key(login))
        if step == "code":
            raise CodeNeeded(value) from None
        info = _adopt(odoo, value)
    return _user(odoo, info, login)


def complete_two_factor(pending, code, remember=False):
    """The code step of a two-factor login: (the session values, Odoo's trusted-device key
    or None).

    :raises WrongTwoFactorCode, TwoFactorExpired: see two_factor.verify.
    """
    odoo = _client(pending.get("db"))
    sid, device_key = two_factor.verify(odoo, pending, code, remember)
    return _user(odoo, _adopt(odoo, sid), pending["login"]), device_key


def _adopt(odoo, sid):
    """Take over the Odoo session the browser login made; its session info (1 RPC)."""
    odoo.session_id = sid
    info = odoo.session_info() or {}
    if not info.get("uid"):
        raise OdooError("the two-factor login left no user in the Odoo session")
    odoo.version = _major_version(info.get("server_version_info")) or odoo.version
    if odoo.version is None:
        odoo.version_info()
    odoo.context = dict(info.get("user_context") or {}, uid=info["uid"])
    return info


def _user(odoo, info, login):
    context = info.get("user_context") or {}
    companies, company_id = company_choice.from_session_info(info)
    log.info("login %s (uid %s) on Odoo %s", login, info["uid"], odoo.version)
    currency.remember(odoo, info.get("currencies"))  # amounts shown as Odoo does, no call
    return {
        "odoo_sid": odoo.session_id,
        "user_id": info["uid"],
        "username": info.get("username") or login,
        "user_name": info.get("name") or login,
        "partner_id": info.get("partner_id"),
        "tz": context.get("tz") or current_app.config["DEFAULT_TZ"],
        "lang": context.get("lang") or "en_US",
        "odoo_version": odoo.version,
        "company_id": company_id,
        # Every company of the user, for the switcher; the current one alone is active.
        "companies": companies,
        "company_ids": [company_id] if company_id else [],
        **fetch_access(odoo, info["uid"]),
    }


def start_session(user):
    """Replace whatever the session held (no fixation) with the logged-in user."""
    session.clear()
    session.update(user, session_key=sessions.new_key())
    session.permanent = True
    # A new CSRF token for the new session, in the login's own cookie: the first page after
    # it would otherwise make one and send the whole cookie again (~1 KB of the first visit).
    # (The login form's token, checked a moment ago, is the old session's: forgotten.)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    i18n.refresh()   # this request's words follow the Odoo language just read, as later ones


def log_out():
    """Destroy the Odoo session, then the Flask one, even when Odoo can't be told: the
    session is marked ended, so its cookie sent again is no session (app/sessions.py)."""
    if session.get("odoo_sid"):
        try:
            get_odoo().logout()
        except OdooError as exc:
            log.info("odoo logout of %s failed: %s", session.get("username"), exc)
    sessions.end(session.get("session_key"))
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
