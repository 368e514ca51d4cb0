"""Client assets (the customer's devices): where they live in Odoo is configuration.

`ASSET_MODEL` picks one of `MAPPINGS`: the Studio model `x_client_asset` (the default) or OCA
`fsm.equipment`; `ASSET_FIELDS` (a JSON object in the environment) renames single fields, e.g.
`{"rmm_id": "x_rmm_id"}`. Everything else here speaks the mapping's keys, never Odoo's names,
and returns plain dicts for templates:

    {"id", "name", "serial", "os", "customer": {"id", "name"}, "contact", "last_audit",
     "status": "active" | "decommissioned", "rmm_id", "open_tickets": int}

Tickets link to an asset through the mapping's `ticket_link` on helpdesk.ticket (Odoo Helpdesk
or OCA helpdesk_mgmt; the Studio field `x_asset_id` for x_client_asset, none for fsm.equipment:
see MAPPINGS); jobs through the mapping's `job_link` on fsm.order. Who may not read tickets
(technicians without a helpdesk group) sees the assets without them, and without a
`ticket_link` nobody does: no ticket is read, counted or linked.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from flask import current_app

from app.config import ConfigError
from app.odoo import versions
from app.odoo.client import AccessError, MissingError, OdooCall
from app.odoo.errors import OdooUnavailable, SessionExpired
from app.platform import listing
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import Filter, ListSpec
from app.platform.ttl_cache import TTLCache, server_key
from app.services.jobs.common import _from_web

TICKET_MODEL = "helpdesk.ticket"
JOB_MODEL = "fsm.order"
PER_PAGE = 30
STATUSES = ("active", "decommissioned")
# (asset, user) -> what the user's last visit found: the asset's customer (with it, the
# customer's linkable tickets go out with the asset's own) and whether the asset came nested in
# its tickets' or jobs' read (17+; then its own read is not sent). Guesses a visit checks
# against Odoo's answers: a wrong one costs a second round, never stale data.
_asset_visits = TTLCache(3600, shared="asset-visits")
# 15/16, where a ticket's read cannot nest its stage: {helpdesk stage id: folded (closed)}, from
# a read_group of the tickets by stage (`__fold`); a stage not in it is asked for when met
_stage_folds = TTLCache(300, shared="helpdesk-stage-folds",
                        encode=lambda folds: {str(sid): fold for sid, fold in folds.items()},
                        decode=lambda folds: {int(sid): fold for sid, fold in folds.items()})


@dataclass(frozen=True)
class AssetMapping:
    """Odoo field names for each asset attribute; None where the model has no such field."""

    model: str
    name: str
    serial: str | None
    customer: str
    contact: str | None
    rmm_id: str | None
    os: str | None
    last_audit: str | None
    # A selection holding `active_value`/`decommissioned_value`, or None: the `active` flag.
    status: str | None
    location: str | None = None          # an fsm.location many2one on the asset
    ticket_link: str | None = "x_asset_id"  # helpdesk.ticket -> asset; None: no link
    job_link: str | None = "x_asset_id"  # fsm.order -> asset (many2one or many2many)
    # `ticket_link` leads to this model, so a ticket's read may nest the asset (17+)
    tickets_carry_asset: bool = True
    active_value: str = "active"
    decommissioned_value: str = "decommissioned"

    def read_fields(self):
        names = [self.name, self.serial, self.customer, self.contact, self.rmm_id, self.os,
                 self.last_audit, self.status or "active", self.location]
        return [name for name in names if name]

    def active_domain(self):
        """Odoo domain of assets in service (decommissioned ones are not counted anywhere)."""
        if self.status:
            return [(self.status, "=", self.active_value)]
        return [("active", "=", True)]


MAPPINGS = {
    "x_client_asset": AssetMapping(
        model="x_client_asset", name="x_name", serial="x_serial_number",
        customer="x_partner_id", contact="x_assigned_user_id", rmm_id="x_pulseway_id",
        os="x_os_info", last_audit="x_last_audit", status="x_status"),
    # OCA fieldservice: the owner is the customer, the location is on the record; archived
    # equipment counts as decommissioned. The webhook needs a custom field for the RMM id:
    # ASSET_FIELDS={"rmm_id": "x_rmm_id"}. Neither Odoo nor OCA (fieldservice, helpdesk_mgmt,
    # 15-19) links helpdesk.ticket to fsm.equipment, so no ticket is linked by default; a
    # deployment that added a Studio many2one from tickets to fsm.equipment names it:
    # ASSET_FIELDS={"ticket_link": "x_equipment_id", "tickets_carry_asset": true}.
    "fsm.equipment": AssetMapping(
        model="fsm.equipment", name="name", serial="serial", customer="owner_id",
        contact=None, rmm_id=None, os=None, last_audit=None, status=None,
        location="location_id", ticket_link=None, job_link="equipment_ids",
        tickets_carry_asset=False),
}


class AssetError(ActionRefused):
    """A refusal about assets, with a message for people."""


def tickets_not_linked():
    """Why an asset without a `ticket_link` has no tickets (its page and the link refusal)."""
    return _("Tickets aren't linked to this kind of asset: an administrator can link them with "
             "the ASSET_FIELDS setting.")


def mapping_from_config(config) -> AssetMapping:
    """The mapping named by ASSET_MODEL with the ASSET_FIELDS overrides.

    :raises ConfigError: for an unknown model or an override naming no attribute (checked
        when the app starts).
    """
    name = config.get("ASSET_MODEL") or "x_client_asset"
    if name not in MAPPINGS:
        raise ConfigError(f"ASSET_MODEL must be one of {', '.join(MAPPINGS)}, not {name!r}")
    overrides = config.get("ASSET_FIELDS") or {}
    if isinstance(overrides, str):
        try:
            overrides = json.loads(overrides)
        except ValueError:
            raise ConfigError(f"ASSET_FIELDS must be a JSON object, not {overrides!r}") from None
    if not isinstance(overrides, dict):
        raise ConfigError("ASSET_FIELDS must be a JSON object of attribute: field name")
    unknown = set(overrides) - set(AssetMapping.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"ASSET_FIELDS names unknown attributes: {', '.join(sorted(unknown))}")
    return replace(MAPPINGS[name], **overrides)


def get_mapping() -> AssetMapping:
    return mapping_from_config(current_app.config)


# --------------------------------------------------------------------------- reading

def _m2o(value):
    if isinstance(value, (list, tuple)) and value:
        return {"id": value[0], "name": value[1] if len(value) > 1 else ""}
    return None


def _with_counts(m, records, counts):
    return [to_dict(m, r, None if counts is None else counts.get(r["id"], 0)) for r in records]


def to_dict(m: AssetMapping, rec, open_tickets=0):
    """An Odoo record (read with `m.read_fields()`) as the plain asset dict."""
    if m.status:
        status = "decommissioned" if rec.get(m.status) == m.decommissioned_value else "active"
    else:
        status = "active" if rec.get("active", True) else "decommissioned"
    field = lambda key: rec.get(key) if key else None  # noqa: E731 (a tiny local reader)
    contact = _m2o(field(m.contact))
    return {
        "id": rec["id"], "name": rec.get(m.name) or "", "serial": field(m.serial) or "",
        "os": field(m.os) or "", "customer": _m2o(rec.get(m.customer)),
        "contact": contact["name"] if contact else "", "last_audit": field(m.last_audit) or None,
        "status": status, "rmm_id": field(m.rmm_id) or "",
        "location": _m2o(field(m.location)), "open_tickets": open_tickets,
    }


def open_ticket_domain(m):
    # Both helpdesks hide finished tickets in folded stages; OCA also has `closed`.
    return [("stage_id.fold", "=", False)]


def _ticket_counts(m, groups):
    """{asset id: open tickets} from a ``read_group`` of tickets by asset."""
    counts = {}
    for group in groups:
        key = group.get(m.ticket_link)
        if key:
            counts[key[0] if isinstance(key, (list, tuple)) else key] = (
                group.get(f"{m.ticket_link}_count") or group.get("__count") or 0)
    return counts


def _open_ticket_counts(odoo, m, asset_ids):
    """{asset id: open tickets}; None when the viewer may not read tickets or tickets are not
    linked to assets."""
    if not m.ticket_link:
        return None
    if not asset_ids:
        return {}
    try:
        groups = odoo.read_group(
            TICKET_MODEL, [(m.ticket_link, "in", list(asset_ids))] + open_ticket_domain(m),
            [m.ticket_link], [m.ticket_link])
    except AccessError:
        return None
    return _ticket_counts(m, groups)


LIST_SPEC = ListSpec(
    filters=(Filter("active", lazy_gettext("Active")),
             Filter("decommissioned", lazy_gettext("Decommissioned")),
             Filter("all", lazy_gettext("All"))),
    default_filter="active", sorts={"name": "name", "customer": "customer", "audit": "audit"},
    default_sort=("name", "asc"), page_size=PER_PAGE,
    search_label=lazy_gettext("Hostname, serial or customer"))


def search_domain(m, search="", status=None, customer_id=None):
    """Assets by status ("active", "decommissioned" or None: all), customer and search text
    (hostname, serial or customer name)."""
    domain = []
    if status == "active":
        domain += m.active_domain()
    elif status == "decommissioned":
        domain += ([(m.status, "=", m.decommissioned_value)] if m.status
                   else [("active", "=", False)])
    elif not m.status:
        domain += [("active", "in", [True, False])]
    if customer_id:
        domain.append((m.customer, "child_of", int(customer_id)))
    fields = [m.name, m.customer] + ([m.serial] if m.serial else [])
    return domain + listing.search_domain((search or "").strip(), fields)


def _order(m, query):
    columns = {"name": m.name, "customer": m.customer, "audit": m.last_audit or m.name}
    return listing.ListQuery(
        replace(query.spec, sorts=columns), query.filter, query.q, query.sort,
        query.direction, query.page).order()


def location_scope(odoo, m, location_id):
    """(domain, location name) of the assets at an fsm.location: on it, or (for models without
    a location) its owner's (1 RPC).

    :raises MissingError: when the location does not exist (or is not visible).
    """
    rows = odoo.read("fsm.location", [int(location_id)], ["name", "owner_id"])
    if not rows:
        raise MissingError(f"fsm.location {location_id} not found")
    if m.location:
        return [(m.location, "=", int(location_id))], rows[0].get("name") or ""
    owner = _m2o(rows[0].get("owner_id"))
    return [(m.customer, "child_of", owner["id"] if owner else 0)], rows[0].get("name") or ""


def _on_assets(m, domain):
    """An asset domain as a helpdesk.ticket domain on the tickets' asset (a path per leaf)."""
    return [(m.ticket_link, "!=", False)] + [
        (f"{m.ticket_link}.{leaf[0]}", leaf[1], leaf[2])
        if isinstance(leaf, (list, tuple)) and len(leaf) == 3 else leaf for leaf in domain]


def _asset_spec(m):
    """The specification (17+) reading what ``m.read_fields()`` reads."""
    relational = {m.customer, m.contact, m.location}
    return {name: {"fields": {"display_name": {}}} if name in relational else {}
            for name in m.read_fields()}


def _page_call(m, version, domain, query):
    """A page of assets and how many there are, in one call (``web_search_read``: 17+ read
    with a specification, 15/16 with fields; many2one come back as ``read`` gives them)."""
    paging = {"offset": query.offset, "limit": query.limit, "order": _order(m, query)}
    if versions.has_web_read(version):
        return OdooCall("call", m.model, "web_search_read", domain, specification=_asset_spec(m),
                        **paging)
    return OdooCall("call", m.model, "web_search_read", domain, fields=m.read_fields(),
                    **paging)


def list_assets(odoo, query, location_id=None):
    """One page of assets for a ListQuery (LIST_SPEC) with their open ticket counts, optionally
    only those at a job's location: the page with its count and the open tickets of every
    asset the filter finds go out together (2 RPCs, one round trip; the location before; 1
    without a `ticket_link`, ``tickets_linked`` False and no counts)."""
    m = get_mapping()
    status = query.filter if query.filter in STATUSES else None
    domain = search_domain(m, query.q, status)
    location = None
    if location_id:
        scope, name = location_scope(odoo, m, location_id)
        domain += scope
        location = {"id": int(location_id), "name": name}
    calls = [_page_call(m, odoo.version, domain, query)]
    if m.ticket_link:
        calls.append(OdooCall("read_group", TICKET_MODEL,
                              _on_assets(m, domain) + open_ticket_domain(m),
                              [m.ticket_link], [m.ticket_link]))
    found, groups = (odoo.parallel(calls, return_errors=True) + [None])[:2]
    if isinstance(found, Exception):
        raise found
    records = [_from_web(row, {}) for row in found["records"]]
    if groups is None or isinstance(groups, AccessError):
        counts = None
    elif isinstance(groups, (OdooUnavailable, SessionExpired)):
        raise groups
    elif isinstance(groups, Exception):
        # The tickets' link leads to another model than the assets' (ASSET_FIELDS): no path
        # from tickets to the filter's assets, so the page's ids are counted after.
        counts = _open_ticket_counts(odoo, m, [r["id"] for r in records])
    else:
        counts = _ticket_counts(m, groups)
    return {"assets": _with_counts(m, records, counts), "query": query, "location": location,
            "info": listing.page_info(query, found["length"], len(records)),
            "tickets_linked": bool(m.ticket_link)}


def customer_assets_call(partner_id) -> OdooCall:
    """The read behind :func:`customer_assets`, to send with other reads."""
    m = get_mapping()
    return OdooCall("search_read", m.model, search_domain(m, customer_id=partner_id),
                    m.read_fields(), limit=200, order=f"{m.name}, id")


def customer_assets(odoo, partner_id, *, with_tickets=True, records=None):
    """Every asset of a customer (and its contacts), active first (2 RPCs; 1 without the open
    ticket counts, as on the customer page, which lists the open tickets itself; none more
    with ``records``, :func:`customer_assets_call`'s answer)."""
    m = get_mapping()
    if records is None:
        records = customer_assets_call(partner_id).run(odoo)
    counts = _open_ticket_counts(odoo, m, [r["id"] for r in records]) if with_tickets else None
    assets = _with_counts(m, records, counts)
    assets.sort(key=lambda a: a["status"] != "active")
    return assets


def _tickets_call(m, version, asset_id, customer_id):
    """The asset's tickets and, with the customer's id, that customer's open tickets without an
    asset (the ones it may be linked to), in one read; 17+ nest each stage's ``fold`` (open)
    and the asset itself (its record, as fresh as its own read: see :func:`_carried`)."""
    domain = [(m.ticket_link, "=", asset_id)]
    if customer_id:
        linkable = [(m.ticket_link, "=", False), ("partner_id", "child_of", int(customer_id))]
        linkable += open_ticket_domain(m)
        domain = ["|", *domain, *["&"] * (len(linkable) - 1), *linkable]
    fields = ["name", "number", "stage_id", "priority", "create_date", m.ticket_link]
    paging = {"limit": 100 if customer_id else 50, "order": "id desc"}
    if versions.has_web_read(version):
        spec = {name: {} for name in fields}
        spec["stage_id"] = {"fields": {"display_name": {}, "fold": {}}}
        spec[m.ticket_link] = {"fields": _asset_spec(m) if m.tickets_carry_asset else {}}
        return OdooCall("call", TICKET_MODEL, "web_search_read", domain, specification=spec,
                        **paging)
    return OdooCall("call", TICKET_MODEL, "web_search_read", domain, fields=fields, **paging)


def _jobs_call(m, version, asset_id):
    """The asset's last 20 jobs; 17+ nest the asset (``job_link`` leads to the asset model)."""
    domain = [(m.job_link, "in", [asset_id])]
    fields = ["name", "stage_id", "scheduled_date_start", "is_closed"]
    paging = {"limit": 20, "order": "id desc"}
    if versions.has_web_read(version):
        spec = {name: {} for name in fields}
        spec["stage_id"] = {"fields": {"display_name": {}}}
        spec[m.job_link] = {"fields": _asset_spec(m)}
        return OdooCall("call", JOB_MODEL, "web_search_read", domain, specification=spec,
                        **paging)
    return OdooCall("search_read", JOB_MODEL, domain, fields, **paging)


def _carried(m, asset_id, answers):
    """The asset's record as its read gives it, from the first ticket or job row that nests it
    (17+: Odoo read it as the user, in the same request as the row), else None."""
    links = [(answer, m.ticket_link) for answer in answers[:1]]
    links += [(answer, m.job_link) for answer in answers[1:]]
    for answer, link in links:
        if not isinstance(answer, dict):  # refused (AccessError) or not sent
            continue
        for row in answer["records"]:
            value = row.get(link)
            for nested in value if isinstance(value, list) else [value]:
                if isinstance(nested, dict) and nested.get("id") == asset_id and len(nested) > 1:
                    return _from_web(dict(nested), {})
    return None


def _folds_call(domain):
    """Helpdesk stages' fold from a lazy ``read_group`` of the tickets by stage (``__fold``,
    present because both helpdesks expand their stages), without the stage model's name."""
    return OdooCall("read_group", TICKET_MODEL, domain, ["stage_id"], ["stage_id"])


def _folds(groups):
    return {group["stage_id"][0]: bool(group.get("__fold")) for group in groups
            if group.get("stage_id")}


def _known_folds(odoo, m, asset_id, rows, folds):
    """``folds`` with the stage of every one of the asset's ticket ``rows`` (15/16): a stage
    not known yet (new since the cache was filled) is read now, and the cache kept."""
    stages = {_m2o_id(row.get("stage_id")) for row in rows
              if _m2o_id(row.get(m.ticket_link)) == asset_id} - {None}
    if stages - folds.keys():
        folds = {**folds, **_folds(_folds_call([(m.ticket_link, "=", asset_id)]).run(odoo))}
        _stage_folds.put(server_key(odoo), folds)
    return folds


def _split_tickets(m, asset_id, rows, folds):
    """(the asset's tickets, open first; the customer's linkable ones) from
    :func:`_tickets_call`'s rows; ``folds`` ({stage id: folded}) None when each stage's fold
    came nested (17+)."""
    tickets, linkable = [], []
    for row in rows:
        link = row.get(m.ticket_link)
        link = link.get("id") if isinstance(link, dict) else _m2o_id(link)
        if link != asset_id:
            linkable.append(row)
            continue
        stage = row.get("stage_id")
        if folds is None:
            is_open = isinstance(stage, dict) and not stage.get("fold")
        else:  # no stage: not open, as Odoo's ("stage_id.fold", "=", False) has it
            is_open = bool(stage) and folds.get(_m2o_id(stage)) is False
        tickets.append(_ticket(_from_web(row, {}), is_open))
    tickets.sort(key=lambda t: not t["open"])
    return tickets[:50], _linkable(linkable[:50])


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else value or None


def asset_detail(odoo, asset_id):
    """One asset with its tickets (open first), linked jobs and the customer's tickets it may
    be linked to, in one round trip of 2 calls on 17+ when the user's last visit found the
    asset nested in its tickets' or jobs' read: those two, each nesting the asset's record
    (read by Odoo as the user, as fresh as its own read). Otherwise the asset's own read goes
    with them (3 calls, as on 15/16 where `read` cannot nest: which tickets are open comes
    from the stages' folds in the shared store, a ``read_group`` more when they expired). The
    customer's linkable tickets ride in the tickets' read with the customer the last visit
    found. A guess the answers do not confirm costs a second round: the asset's read when it
    came nested nowhere (its tickets and jobs unlinked), the linkable tickets for a new or
    changed customer. Without a `ticket_link` no ticket is read (the asset's read and its
    jobs', or the jobs' alone on a 17+ repeat visit), ``tickets`` None and ``tickets_note``
    says why.

    :raises MissingError: (from Odoo) when it does not exist.
    """
    m = get_mapping()
    asset_id = int(asset_id)
    key = server_key(odoo, m.model, asset_id, (odoo.context or {}).get("uid"))
    seen = _asset_visits.peek(key) or {}
    guess = seen.get("customer")
    nested = versions.has_web_read(odoo.version)
    own_read = not (nested and seen.get("carried"))
    linked = bool(m.ticket_link)
    folds = None if nested or not linked else _stage_folds.peek(server_key(odoo))
    read_folds = linked and not nested and folds is None
    calls = [OdooCall("read", m.model, [asset_id], m.read_fields())] if own_read else []
    if linked:
        calls.append(_tickets_call(m, odoo.version, asset_id, guess))
    if read_folds:
        calls.append(_folds_call([]))
    if m.job_link:
        calls.append(_jobs_call(m, odoo.version, asset_id))
    answers = odoo.parallel(calls, return_errors=True)
    records = answers.pop(0) if own_read else None
    ticket_rows = answers.pop(0) if linked else None
    groups = answers.pop(0) if read_folds else None
    job_answer = answers.pop(0) if m.job_link else None
    if isinstance(records, Exception):
        raise records
    for outcome in (ticket_rows, groups, job_answer):
        if isinstance(outcome, Exception) and (outcome is job_answer
                                               or not isinstance(outcome, AccessError)):
            raise outcome
    carried = _carried(m, asset_id, [ticket_rows, job_answer]) if nested else None
    if records is None:
        records = [carried] if carried else odoo.read(m.model, [asset_id], m.read_fields())
    if not records:
        raise MissingError(f"{m.model} {asset_id} not found")
    tickets, linkable = None, []
    refused = isinstance(ticket_rows, AccessError) or isinstance(groups, AccessError)
    if linked and not refused:
        if groups is not None:
            folds = _folds(groups)
            _stage_folds.put(server_key(odoo), folds)
        if folds is not None:
            folds = _known_folds(odoo, m, asset_id, ticket_rows["records"], folds)
        tickets, linkable = _split_tickets(m, asset_id, ticket_rows["records"], folds)
    asset = to_dict(m, records[0], sum(1 for t in tickets or () if t["open"]))
    customer_id = asset["customer"]["id"] if asset["customer"] else None
    if customer_id != guess:
        linkable = []
        if tickets is not None and customer_id:
            linkable = unlinked_tickets(odoo, m, customer_id)
    if (customer_id, carried is not None) != (guess, bool(seen.get("carried"))) or not seen:
        _asset_visits.put(key, {"customer": customer_id, "carried": carried is not None})
    jobs = []
    if job_answer is not None:
        rows = job_answer["records"] if isinstance(job_answer, dict) else job_answer
        jobs = [_job(_from_web(row, {})) for row in rows]
    return {"asset": asset, "tickets": tickets, "jobs": jobs, "linkable_tickets": linkable,
            "tickets_note": None if linked else tickets_not_linked()}


def _job(r):
    return {"id": r["id"], "name": r.get("name") or "",
            "stage": (_m2o(r.get("stage_id")) or {}).get("name", ""),
            "scheduled": r.get("scheduled_date_start") or None, "open": not r.get("is_closed")}


def _ticket(r, is_open):
    stage = _m2o(r.get("stage_id")) or {}
    return {"id": r["id"], "name": r.get("name") or "", "number": r.get("number") or "",
            "stage": stage.get("name", ""), "priority": r.get("priority") or "0",
            "high": (r.get("priority") or "0") >= "2", "open": is_open,
            "created": r.get("create_date")}


def _linkable(rows):
    return [{"id": r["id"], "label": " · ".join(x for x in (r.get("number"), r.get("name")) if x)}
            for r in rows]


def unlinked_tickets(odoo, m, partner_id):
    """The customer's open tickets without an asset: the ones an asset may be linked to."""
    rows = odoo.search_read(
        TICKET_MODEL, [("partner_id", "child_of", int(partner_id)), (m.ticket_link, "=", False)]
        + open_ticket_domain(m), ["name", "number"], limit=50, order="id desc")
    return _linkable(rows)


def link_ticket(odoo, asset_id, ticket_id):
    """Link a ticket to an asset, only among the ticket customer's own assets.

    :raises AssetError: when the ticket or the asset belongs to another customer, or tickets
        are not linked to assets (no `ticket_link`).
    """
    m = get_mapping()
    if not m.ticket_link:
        raise AssetError(tickets_not_linked())
    if not ticket_id:
        raise AssetError(_("Choose the ticket to link."))
    asset = odoo.read(m.model, [int(asset_id)], [m.customer])
    tickets = odoo.read(TICKET_MODEL, [int(ticket_id)], ["partner_id"])
    if not asset or not tickets:
        raise AssetError(_("This ticket or asset no longer exists."))
    customer = _m2o(asset[0].get(m.customer))
    ticket_partner = _m2o(tickets[0].get("partner_id"))
    if not customer or not ticket_partner:
        raise AssetError(_("Only a ticket of the asset's customer can be linked to it."))
    allowed = odoo.search_count("res.partner", [("id", "=", ticket_partner["id"]),
                                                ("id", "child_of", customer["id"])])
    if not allowed:
        raise AssetError(_("Only a ticket of the asset's customer can be linked to it."))
    odoo.write(TICKET_MODEL, [int(ticket_id)], {m.ticket_link: int(asset_id)})
    return _("Ticket linked to this asset.")
