"""The one place that knows what each Odoo version has, asked by name.

Sections never compare version numbers: they ask this module ("does ``res.partner`` have
``mobile`` on this server?", "which keyword does ``name_search`` take?") with the major version
the login learned (``Viewer.version`` / ``OdooAPI.version``). The tables below say what changes
at which version and where that was read; ``docs/architecture.md`` points here.

What a particular *server* has beyond its version (add-ons, Studio fields) is asked of the server
itself, once, and cached by the section that needs it (``fields_get`` through
:mod:`app.platform.ttl_cache`); this module only holds what every server of a version shares.
"""

from __future__ import annotations

# Versions Fieldkit is built and tested for.
SUPPORTED = range(15, 20)

# (model, field) -> (first version that has it, last version that has it); None = open end.
# Read from Odoo's source (odoo/addons/<app>/models) and the recordings in ../shared/.
FIELDS: dict[tuple[str, str], tuple[int | None, int | None]] = {
    # base/models/res_partner.py: `mobile` moved to the phone_validation-less `mobile` add-on at 19.
    ("res.partner", "mobile"): (None, 18),
    # base/models/res_partner.py: `complete_name` (stored, searchable) added at 17.
    ("res.partner", "complete_name"): (17, None),
    # base/models/res_users.py: `groups_id` renamed `group_ids` at 19.
    ("res.users", "groups_id"): (None, 18),
    ("res.users", "group_ids"): (19, None),
    # base/models/res_users.py (res.groups): `users` renamed `user_ids` at 19.
    # Up to 18 `users` lists the members of groups implying it too (res.users stores implied
    # groups); 19's `user_ids` only those given it directly, `all_user_ids` everyone
    # (recordings s_role_tech_read_own_groups: 14 group ids in 16/18, 3 in 19).
    ("res.groups", "users"): (None, 18),
    ("res.groups", "user_ids"): (19, None),
    ("res.groups", "all_user_ids"): (19, None),
    # OCA fieldservice/models/fsm_order.py: `require_signature` from 18.0.
    ("fsm.order", "require_signature"): (18, None),
    # OCA fieldservice 15.0: the order reads its own message_ids (no /mail/thread route).
    # crm/models/crm_lead.py: `lost_reason` renamed `lost_reason_id` at 16.
    ("crm.lead", "lost_reason"): (None, 15),
    ("crm.lead", "lost_reason_id"): (16, None),
    # crm/wizard/crm_lead_lost.py: `lost_feedback` at 16, `lead_ids` at 17.
    ("crm.lead.lost", "lost_feedback"): (16, None),
    ("crm.lead.lost", "lead_ids"): (17, None),
    # stock/models/stock_move.py: `name` dropped at 19.
    ("stock.move", "name"): (None, 18),
}


def _in(version: int, span: tuple[int | None, int | None]) -> bool:
    low, high = span
    return (low is None or version >= low) and (high is None or version <= high)


def has_field(version: int, model: str, field: str) -> bool:
    """True when every server of ``version`` has ``model.field`` (unknown fields: True)."""
    span = FIELDS.get((model, field))
    return True if span is None else _in(int(version), span)


def fields_for(version: int, model: str, fields: list[str]) -> list[str]:
    """``fields`` without those ``version`` lacks, order kept."""
    return [f for f in fields if has_field(version, model, f)]


def supported(version) -> bool:
    """A version Fieldkit knows (15 to 19)."""
    return bool(version) and int(version) in SUPPORTED


# --------------------------------------------------------------------------- ORM and routes


def name_search_domain_keyword(version: int) -> str:
    """``name_search``'s domain keyword: ``args`` up to 18, ``domain`` from 19
    (odoo/models.py ``BaseModel.name_search``)."""
    return "domain" if int(version) >= 19 else "args"


def partner_name_field(version: int) -> str:
    """The stored full name res.partner is searched and ordered by ("Company, Person"):
    ``display_name`` up to 16 (stored there; the model's ``_order``), ``complete_name`` from 17
    (base/models/res_partner.py; 15/16 answer "Invalid field res.partner.complete_name")."""
    return pick_field(version, "res.partner", "complete_name", "display_name")


def group_members_field(version: int) -> str:
    """The res.groups field listing every member, those of implying groups included (a
    Dispatcher is in "Own Documents Only" too): ``users`` up to 18, ``all_user_ids`` from 19."""
    return pick_field(version, "res.groups", "all_user_ids", "users")


def has_web_read(version: int) -> bool:
    """``web_read`` with nested specifications exists from 17 (odoo/models.py)."""
    return int(version) >= 17


def needs_message_ids(version: int) -> bool:
    """True when history is read from the record's ``message_ids`` (15 has no
    ``/mail/thread/messages`` route; mail/controllers/thread.py from 16)."""
    return int(version) <= 15


def note_body_shape(version: int) -> str:
    """How ``message_post`` takes an HTML body: ``"flag"`` (17+: ``body_is_html=True``),
    ``"text"`` (16 escapes a ``str`` body: send plain text), ``"html"`` (15: kept as HTML)."""
    version = int(version)
    if version >= 17:
        return "flag"
    return "text" if version == 16 else "html"


def html_text_fields(version: int) -> bool:
    """True when ``fsm.order`` ``description``/``resolution`` are HTML (OCA 18.0+), not text."""
    return int(version) >= 18


def execute_needs_uid(version: int) -> bool:
    """True when the external API is ``/jsonrpc`` ``execute_kw`` with a uid (up to 18);
    19 adds ``/json/2`` with a bearer API key and no uid."""
    return int(version) < 19


def reads_own_technician_orders(version: int) -> bool:
    """True when OCA's record rules already limit a technician to own orders (fieldservice
    16/17 ``fsm_order_own_rule``), so the live feed can rely on them; 18+ limit by company."""
    return int(version) < 18


def pick_field(version: int, model: str, *names: str) -> str:
    """The first of ``names`` that ``model`` has at ``version`` (renamed fields)."""
    for name in names:
        if has_field(version, model, name):
            return name
    raise LookupError(f"{model} has none of {names} at {version}")


def access_check_method(version: int) -> str:
    """ACL check without raising: ``check_access_rights`` up to 17, ``has_access`` from 18
    (odoo/models.py)."""
    return "has_access" if int(version) >= 18 else "check_access_rights"


def posts_without_email(version: int) -> bool:
    """True when ``message_post`` accepts an author without an email (19; up to 18
    mail_thread refuses)."""
    return int(version) >= 19


def invoice_send_methods(version: int) -> tuple[str, str]:
    """(method opening the invoice send wizard, the wizard's send method): 15-16
    ``action_invoice_sent`` / ``account.invoice.send.send_and_print_action``; 17+
    ``action_send_and_print`` on the move and on its wizard (account/models/account_move.py;
    recorded: i_send_* on 16 and 18)."""
    if int(version) <= 16:
        return "action_invoice_sent", "send_and_print_action"
    return "action_send_and_print", "action_send_and_print"


def init_app(app):
    """Templates ask ``odoo_has_field(model, field)`` for the logged-in user's server."""
    from flask import session

    def odoo_has_field(model: str, field: str) -> bool:
        return has_field(int(session.get("odoo_version") or 17), model, field)

    app.jinja_env.globals["odoo_has_field"] = odoo_has_field
