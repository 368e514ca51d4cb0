"""session_info() as each Odoo version answers /web/session/authenticate and get_session_info.

The key sets come from real servers (session_templates.json, recorded for a technician);
the values that depend on the user, company and server are filled in here.
"""

import copy
import json
import os

from .state import DB_NAME, SERVER_VERSIONS

_TEMPLATES = None


def _templates():
    global _TEMPLATES
    if _TEMPLATES is None:
        path = os.path.join(os.path.dirname(__file__), "session_templates.json")
        with open(path) as fh:
            _TEMPLATES = json.load(fh)
    return _TEMPLATES


def session_info(state, uid, base_url):
    version = state.version
    info = copy.deepcopy(_templates()[str(max(16, version))])
    data = state.storage.data
    user = data["res.users"][uid]
    partner = data["res.partner"].get(user["partner_id"], {})
    env = state.env(uid, su=True)
    groups = state.user_groups(uid)
    is_system = "base.group_system" in groups
    server_version, version_info = SERVER_VERSIONS[version]
    user_context = env["res.users"].context_get()
    values = {
        "uid": uid, "is_system": is_system, "is_admin": is_system,
        "is_internal_user": True, "is_public": False,
        "user_context": user_context, "db": DB_NAME,
        "server_version": server_version, "server_version_info": version_info,
        "name": partner.get("name"), "username": user.get("login"),
        "partner_display_name": env["res.partner"].display_name_of(user["partner_id"]),
        "partner_id": user["partner_id"], "company_id": user.get("company_id") or 1,
        "web.base.url": base_url.rstrip("/"), "user_id": [uid],
        "partner_write_date": partner.get("write_date"),
        "home_action_id": False,
    }
    for key, value in values.items():
        if key in info:
            info[key] = value
    # Every company of the user, the current one being res.users.company_id (recorded with
    # several companies: s_co_session_info_two_companies on 16, 18 and 19).
    current = user.get("company_id") or 1
    allowed = {}
    for cid in user.get("company_ids") or [current]:
        row = data["res.company"].get(cid)
        if row is None:
            continue
        entry = {"id": cid, "name": row.get("name"), "sequence": row.get("sequence", 10)}
        if version >= 17:
            entry.update(child_ids=[], parent_id=False)
        if version >= 19:
            entry["currency_id"] = row.get("currency_id") or 1
        allowed[str(cid)] = entry
    info["user_companies"] = {"current_company": current, "allowed_companies": allowed}
    if "display_switch_company_menu" in info:
        info["display_switch_company_menu"] = len(allowed) > 1
    if version >= 17:
        info["user_companies"]["disallowed_ancestor_companies"] = {}
    # The active currencies, as res.currency.get_all_currencies (19 adds the name).
    currencies = {}
    for cid, row in sorted(data["res.currency"].items()):
        if not row.get("active", True):
            continue
        currency = {"symbol": row.get("symbol"), "position": row.get("position") or "after",
                    "digits": [69, row.get("decimal_places", 2)]}
        currencies[str(cid)] = {"name": row.get("name"), **currency} if version >= 19 \
            else currency
    info["currencies"] = currencies
    if isinstance(info.get("user_settings"), dict):
        info["user_settings"]["user_id"] = {"id": uid}
    store = info.get("storeData", {}).get("Store") if isinstance(info.get("storeData"), dict) \
        else None
    if isinstance(store, dict):
        if "self" in store:
            store["self"] = {"id": user["partner_id"], "type": "partner"}
        if "self_partner" in store:
            store["self_partner"] = user["partner_id"]
        if isinstance(store.get("settings"), dict):
            store["settings"]["user_id"] = {"id": uid}
    if is_system:
        # partner_autocomplete adds this for settings users, web_tour (16, 17) the tours.
        info["iap_company_enrich"] = True
        if version <= 17:
            info.update(web_tours=[], tour_disable=True)
    if "warning" in info:
        info["warning"] = "admin" if is_system else False
    return info
