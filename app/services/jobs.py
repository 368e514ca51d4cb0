"""Field service jobs (OCA fieldservice ``fsm.order``): what Fieldkit knows about Odoo for them.

Routes hand in the request's ``OdooAPI`` and a :class:`Viewer` built from the Flask session and
get back plain dicts ready for the templates. Everything version-specific lives here:

* fields: ``description``/``resolution`` are text up to 17 and HTML from 18; ``mobile`` is gone in
  19; ``require_signature`` exists from 18; ``x_signature_url`` is Fieldkit's own field.
* history: read through :mod:`app.services.chatter` (15 needs the order's ``message_ids``).
* ownership: OCA 16/17 restrict technicians to their own orders, OCA 18/19 only by company, so
  Fieldkit itself limits a technician to orders whose ``person_id`` or ``person_ids`` is the
  ``fsm.person`` sharing the user's partner, and refuses the others with a 403.
* stages are read from ``fsm.stage`` (``stage_type`` "order", by sequence), never hard-coded; the
  en-route, started, completed and cancelled stages are recognised by flag and name.

Photos and the signature are files on the order (:mod:`app.services.media`): history notes and
``x_signature_url`` hold references bound to the order with an HMAC tag, and the detail page lists
them from the messages it reads anyway, so they cost no extra RPC.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode

from markupsafe import Markup
from werkzeug.exceptions import Forbidden, NotFound

from app.services import chatter, inventory, media
from app.services import timezone as tzs
from app.services.actions import ActionRefused
from app.services.odoo_api import AccessError, OdooCall
from app.services.s3_service import get_storage
from app.services.sanitize import html_to_text, is_blank_html, sanitize_html, text_to_html
from app.services.ttl_cache import TTLCache, server_key
from app.services.uploads import check_signature_png
from app.validation import check_text

logger = logging.getLogger(__name__)

PRIORITY_LABELS = {"0": "Normal", "1": "Low", "2": "High", "3": "Urgent"}
LIST_LIMIT = 300
MODEL = "fsm.order"
STAGE_CACHE_SECONDS = 300
EQUIPMENT_CACHE_SECONDS = 300
ETA_CHOICES = (10, 20, 30, 45)
NO_EMAIL_MESSAGE = chatter.NO_EMAIL_MESSAGE


class JobActionError(ActionRefused):
    """An action Fieldkit refuses before asking Odoo; the message is written for the technician."""


class JobNotFound(NotFound):
    description = "This job does not exist, or it was deleted."


class JobForbidden(Forbidden):
    description = "This job is assigned to another technician."


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the parts of the Flask session the jobs rules need."""

    user_id: int | None
    partner_id: int | None
    role: str = "technician"
    tz: str = "UTC"
    version: int = 17
    name: str = ""
    company_id: int | None = None
    lang: str = "en_US"
    # The active companies (allowed_company_ids), the current one first: caches of what
    # Odoo's company rules filter are kept per set of companies.
    company_ids: tuple = ()

    @classmethod
    def from_session(cls, session) -> Viewer:
        """Build a viewer from the keys set at login (see docs/architecture.md)."""
        return cls(
            user_id=session.get("user_id"),
            partner_id=session.get("partner_id"),
            role=session.get("role") or "technician",
            tz=session.get("tz") or "UTC",
            version=int(session.get("odoo_version") or 17),
            name=session.get("user_name") or session.get("username") or "",
            company_id=session.get("company_id"),
            lang=session.get("lang") or "en_US",
            company_ids=tuple(session.get("company_ids") or (
                [session["company_id"]] if session.get("company_id") else [])),
        )

    @property
    def companies_key(self) -> tuple:
        """The active companies as a cache key part (what Odoo's company rules let through)."""
        return tuple(sorted(self.company_ids)) or (self.company_id,)

    @property
    def several_companies(self) -> bool:
        """True when lists say which company each record belongs to."""
        return len(self.company_ids) > 1

    @property
    def is_technician(self) -> bool:
        return self.role not in ("office", "manager")


# --------------------------------------------------------------------------- time


def local_day(value, tz_name) -> date | None:
    """The user's local date of an Odoo UTC datetime (string or aware datetime)."""
    moment = tzs.to_local(value, tz_name)
    return moment.date() if moment else None


def format_window(start, end, tz_name, now) -> str:
    """ "Today 09:00 – 10:30" in the user's zone; the day is repeated only when it changes."""
    if not start:
        return "Not scheduled"
    text = tzs.relative_day(start, tz_name, now)
    if end and tzs.parse_odoo_datetime(end) > tzs.parse_odoo_datetime(start):
        same_day = local_day(end, tz_name) == local_day(start, tz_name)
        text += " – " + (
            tzs.format_time(end, tz_name) if same_day else tzs.relative_day(end, tz_name, now)
        )
    return text


# --------------------------------------------------------------------------- fields and domains


def list_fields(version: int) -> list[str]:
    fields = [
        "name",
        "stage_id",
        "priority",
        "scheduled_date_start",
        "scheduled_date_end",
        "date_start",
        "date_end",
        "location_id",
        "street",
        "street2",
        "city",
        "zip",
        "phone",
        "person_id",
        "person_ids",
        "is_closed",
        "write_date",  # the version of the job the worker's offline copy is compared with
    ]
    if version <= 18:
        fields.append("mobile")
    return fields


def company_fields(viewer: Viewer) -> list[str]:
    """`company_id` when several companies are active: lists then name each record's company,
    read in the same call (no extra RPC)."""
    return ["company_id"] if viewer.several_companies else []


def detail_fields(version: int) -> list[str]:
    fields = list_fields(version) + [
        "scheduled_duration",
        "state_name",
        "country_name",
        "location_directions",
        "description",
        "todo",
        "resolution",
        "equipment_ids",
        "team_id",
        "person_phone",
        "x_signature_url",
    ]
    if version >= 18:
        fields.append("require_signature")
    if version <= 15:
        fields.append("message_ids")
    return fields


def own_domain(partner_id) -> list:
    """Orders assigned to the fsm.person sharing the user's partner (either assignee field)."""
    return [
        "|",
        ("person_id.partner_id", "=", partner_id),
        ("person_ids.partner_id", "=", partner_id),
    ]


def active_domain(viewer: Viewer, today_start_utc: str) -> list:
    """Open orders, plus those closed since the user's local midnight (what was done today)."""
    domain = ["|", ("is_closed", "=", False), ("date_end", ">=", today_start_utc)]
    if viewer.is_technician:
        domain = own_domain(viewer.partner_id) + domain
    return domain


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    id: int
    name: str
    sequence: int = 0
    is_closed: bool = False
    is_default: bool = False
    color: str = ""


@dataclass(frozen=True)
class StageMap:
    """The order stages by sequence, with the special ones recognised by flag and name."""

    stages: tuple[Stage, ...]
    en_route: Stage | None
    started: Stage | None
    completed: Stage | None
    cancelled: Stage | None

    def get(self, stage_id) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def next_stages(self, current_id) -> list[Stage]:
        """Open stages after the current one (completing and cancelling have their own actions)."""
        current = self.get(current_id)
        if current is not None and current.is_closed:
            return []
        after = [
            s
            for s in self.stages
            if current is None or (s.sequence, s.id) > (current.sequence, current.id)
        ]
        return [s for s in after if not s.is_closed]

    def state_of(self, stage_id) -> str:
        """A short word for the badge's look: new, enroute, started, done, cancelled or open."""
        stage = self.get(stage_id)
        if stage is None:
            return "open"
        if self.cancelled and stage.id == self.cancelled.id:
            return "cancelled"
        if stage.is_closed:
            return "done"
        if self.started and stage.id == self.started.id:
            return "started"
        if self.en_route and stage.id == self.en_route.id:
            return "enroute"
        return "new" if stage.is_default or stage == self.stages[0] else "open"


_EN_ROUTE = re.compile(r"en[\s_-]?route|on (the|my) way|travel|driving", re.IGNORECASE)
_STARTED = re.compile(r"start|in progress|on site|working", re.IGNORECASE)
_COMPLETED = re.compile(r"complet|done|finish|closed|resolved", re.IGNORECASE)
_CANCELLED = re.compile(r"cancel", re.IGNORECASE)


def build_stage_map(records) -> StageMap:
    """Sort fsm.stage records as Odoo's ``_order`` (sequence, name, id); find the special ones."""
    stages = tuple(
        sorted(
            (
                Stage(
                    id=r["id"],
                    name=r.get("name") or "",
                    sequence=r.get("sequence") or 0,
                    is_closed=bool(r.get("is_closed")),
                    is_default=bool(r.get("is_default")),
                    color=r.get("custom_color") or "",
                )
                for r in records
            ),
            key=lambda s: (s.sequence, s.name, s.id),
        )
    )
    open_stages = [s for s in stages if not s.is_closed]
    closed = [s for s in stages if s.is_closed]
    cancelled = next((s for s in closed if _CANCELLED.search(s.name)), None)
    completed = next((s for s in closed if _COMPLETED.search(s.name) and s != cancelled), None)
    if completed is None:
        completed = next((s for s in closed if s != cancelled), None)
    if cancelled is None and len(closed) > 1:
        cancelled = next((s for s in reversed(closed) if s != completed), None)
    return StageMap(
        stages=stages,
        en_route=next((s for s in open_stages if _EN_ROUTE.search(s.name)), None),
        started=next(
            (s for s in open_stages if _STARTED.search(s.name) and not _EN_ROUTE.search(s.name)),
            None,
        ),
        completed=completed,
        cancelled=cancelled,
    )


# The stage records (JSON) per server, database and company, in every worker process through
# the shared store (see ttl_cache): a new process does not read them again.
_stage_cache = TTLCache(STAGE_CACHE_SECONDS, shared="fsm-stages")


def _stage_cache_key(odoo, viewer):
    return server_key(odoo, viewer.companies_key)


def get_stage_map(odoo, viewer: Viewer, *, refresh=False) -> StageMap:
    """The order stages, read once every few minutes per Odoo company (they are configuration)."""
    key = _stage_cache_key(odoo, viewer)
    records = None if refresh else _stage_cache.peek(key)
    if records is not None:
        return build_stage_map(records)
    call = stage_call()
    return remember_stage_map(odoo, viewer, getattr(odoo, call.method)(*call.args, **call.kwargs))


def stage_call() -> OdooCall:
    """The read of the order stages, for pages that send it with other reads in parallel."""
    return OdooCall(
        "search_read",
        "fsm.stage",
        [("stage_type", "=", "order")],
        ["name", "sequence", "is_closed", "is_default", "custom_color"],
        order="sequence, name, id",
    )


def remember_stage_map(odoo, viewer: Viewer, records) -> StageMap:
    """Build the stage map from the records of :func:`stage_call` and cache them."""
    _stage_cache.put(_stage_cache_key(odoo, viewer), list(records))
    return build_stage_map(records)


def stage_map_is_cached(odoo, viewer) -> bool:
    return _stage_cache.has(_stage_cache_key(odoo, viewer))


def clear_stage_cache():
    """Forget this process's stages (and equipment names): after a reset, ids may differ."""
    _stage_cache.clear()
    _equipment_cache.clear()


# --------------------------------------------------------------------------- links


def address_line(order) -> str:
    parts = [
        order.get("street"),
        order.get("street2"),
        order.get("city"),
        order.get("state_name"),
        order.get("zip"),
    ]
    return ", ".join(p.strip() for p in parts if p and str(p).strip())


def maps_url(address: str) -> str:
    if not address:
        return ""
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address})


def _dial(number) -> str:
    return re.sub(r"[^\d+]", "", number or "")


def tel_url(number) -> str:
    digits = _dial(number)
    return f"tel:{digits}" if digits else ""


def sms_url(number, body="") -> str:
    digits = _dial(number)
    if not digits:
        return ""
    return f"sms:{digits}" + (f"?body={quote(body)}" if body else "")


def eta_text(minutes: int, technician: str = "") -> str:
    who = f"this is {technician} from field service" if technician else "this is your technician"
    return f"Hello, {who}. I'm on my way and will arrive in about {minutes} minutes."


# --------------------------------------------------------------------------- list


def summarize_order(order, stage_map: StageMap | None, tz_name: str, now: datetime) -> dict:
    """One order as a list row: names, window in the user's zone, badges and one-tap links."""
    today = tzs.today(tz_name, now)
    start = tzs.parse_odoo_datetime(order.get("scheduled_date_start"))
    day = local_day(start, tz_name)
    stage_id = _m2o_id(order.get("stage_id"))
    if stage_map is not None:
        state = stage_map.state_of(stage_id)
    else:
        state = "done" if order.get("is_closed") else "open"
    if state in ("new", "open") and order.get("date_start") and not order.get("date_end"):
        state = "started"
    phone = order.get("phone") or order.get("mobile") or ""
    address = address_line(order)
    persons = order.get("person_ids") or []
    return {
        "id": order["id"],
        "name": order.get("name") or f"#{order['id']}",
        "customer": _m2o_name(order.get("location_id")),
        "company": _m2o_name(order.get("company_id")),  # read with several companies only
        "location_id": _m2o_id(order.get("location_id")),
        "address": address,
        "maps_url": maps_url(address),
        "phone": phone,
        "tel_url": tel_url(phone),
        "sms_url": sms_url(phone),
        "stage": {"id": stage_id, "name": _m2o_name(order.get("stage_id")), "state": state},
        "is_closed": bool(order.get("is_closed")) or state in ("done", "cancelled"),
        "priority": order.get("priority") or "0",
        "priority_label": PRIORITY_LABELS.get(order.get("priority") or "0", ""),
        "is_urgent": (order.get("priority") or "0") in ("2", "3"),
        "window": format_window(
            order.get("scheduled_date_start"), order.get("scheduled_date_end"), tz_name, now
        ),
        "local_day": day,
        "start_utc": start,
        "technician": _m2o_name(order.get("person_id")),
        "person_id": _m2o_id(order.get("person_id")),
        "person_ids": [_m2o_id(p) for p in persons],
        "unassigned": not order.get("person_id") and not persons,
        # Offline copies of the open jobs of today and tomorrow (a closed job needs no visit).
        "precache": day is not None and today <= day <= today + timedelta(days=1)
        and not (bool(order.get("is_closed")) or state in ("done", "cancelled")),
        # Changes with every write to the order: the worker refetches a kept job page only
        # when this differs from the copy's (or the copy is old).
        "version": order.get("write_date") or "",
    }


def group_jobs(rows: list[dict], today: date) -> list[dict]:
    """Overdue (open, scheduled before today), Today, Upcoming (later or not scheduled).

    ``today`` is the user's local date, so the split follows their zone (and its DST rules).
    """
    groups = {"overdue": [], "today": [], "upcoming": []}
    for row in rows:
        day = row["local_day"]
        if day is None:
            groups["upcoming"].append(row)
        elif day < today:
            # A closed order only shows up here if it was done today: file it under Today.
            groups["today" if row["is_closed"] else "overdue"].append(row)
        elif day == today:
            groups["today"].append(row)
        else:
            groups["upcoming"].append(row)
    far = datetime.max.replace(tzinfo=UTC)
    for key, items in groups.items():
        items.sort(
            key=lambda r: (
                r["is_closed"] if key == "today" else False,
                r["start_utc"] or far,
                r["id"],
            )
        )
    titles = {"overdue": "Overdue", "today": "Today", "upcoming": "Upcoming"}
    return [{"key": k, "title": titles[k], "jobs": v} for k, v in groups.items()]


def technician_options(rows: list[dict]) -> list[dict]:
    """The technicians appearing in an office user's list, for the filter (no extra RPC)."""
    seen = {}
    for row in rows:
        if row["person_id"] and row["person_id"] not in seen:
            seen[row["person_id"]] = row["technician"]
    return [
        {"id": pid, "name": name}
        for pid, name in sorted(seen.items(), key=lambda kv: kv[1].lower())
    ]


def filter_rows(rows: list[dict], technician: str | None) -> list[dict]:
    """Office filter: "unassigned", a person id as a string, or everything."""
    if not technician:
        return rows
    if technician == "unassigned":
        return [r for r in rows if r["unassigned"]]
    try:
        pid = int(technician)
    except ValueError:
        return rows
    return [r for r in rows if r["person_id"] == pid or pid in r["person_ids"]]


def list_active_jobs(odoo, viewer: Viewer, *, technician=None, now: datetime | None = None) -> dict:
    """The jobs page: a technician's own jobs (office: everyone's, filterable), grouped. ≤2 RPCs."""
    now = now or tzs.now_utc()
    today = tzs.today(viewer.tz, now)
    orders = odoo.search_read(
        "fsm.order",
        active_domain(viewer, tzs.day_range_utc(today, viewer.tz)[0]),
        list_fields(viewer.version) + company_fields(viewer),
        limit=LIST_LIMIT,
        order="scheduled_date_start, id",
    )
    stage_map = get_stage_map(odoo, viewer)
    rows = [summarize_order(o, stage_map, viewer.tz, now) for o in orders]
    options = [] if viewer.is_technician else technician_options(rows)
    shown = rows if viewer.is_technician else filter_rows(rows, technician)
    return {
        "groups": group_jobs(shown, today),
        "count": len(shown),
        "today": today,
        "technicians": options,
        "technician": technician or "",
        "show_filter": not viewer.is_technician,
        "tz": str(tzs.get_tz(viewer.tz)),
    }


# --------------------------------------------------------------------------- ownership


EXISTENCE_FIELD = "name"
# The version of the job an offline action was made on (its write_date), sent by the outbox.
VERSION_HEADER = "X-Fk-Job-Version"


def version_conflict(odoo, viewer: Viewer, job_id: int, seen: str) -> dict | None:
    """What changed in Odoo since the version `seen` (the job's write_date), or None.

    1 RPC. An action queued offline carries the version the technician saw; when someone (or
    Odoo) changed the job since, the action is not applied blindly: the user sees this and
    decides (the outbox's "Send anyway" sends it without a version).
    """
    order = fetch_order(odoo, viewer, job_id, ["write_date", "write_uid", "stage_id",
                                               "person_id", "scheduled_date_start", "is_closed"])
    if (order.get("write_date") or "") == seen:
        return None
    return {
        "Changed": tzs.format_datetime(order.get("write_date"), viewer.tz)
        + (f" by {_m2o_name(order.get('write_uid'))}" if order.get("write_uid") else ""),
        "Stage": _m2o_name(order.get("stage_id")) or "none",
        "Technician": _m2o_name(order.get("person_id")) or "unassigned",
        "Scheduled": tzs.format_datetime(order.get("scheduled_date_start"), viewer.tz)
        if order.get("scheduled_date_start") else "not scheduled",
        "Closed": "yes" if order.get("is_closed") else "no",
    }


# The order's x2many fields Fieldkit reads (their ids, as `read` gives them); see _web_spec.
X2MANY_FIELDS = frozenset({"person_ids", "equipment_ids", "message_ids", "tag_ids"})


def _web_spec(fields: list[str], nested: dict) -> dict:
    """A ``web_read`` specification giving what ``read`` gives (many2one as ``[id, name]``
    after :func:`_from_web`, x2many as ids), plus ``nested``: x2many -> fields of its records."""
    spec = {
        name: {} if name in X2MANY_FIELDS else {"fields": {"display_name": {}}} for name in fields
    }
    spec.update({name: {"fields": {sub: {} for sub in subs}} for name, subs in nested.items()})
    return spec


def _from_web(row: dict, nested: dict) -> dict:
    """A ``web_read`` row as ``read`` gives it (``nested`` fields stay lists of dicts)."""
    for name, value in row.items():
        if name in nested:
            continue
        if isinstance(value, dict) and "id" in value:
            row[name] = [value["id"], value.get("display_name") or ""]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            row[name] = [item["id"] for item in value]
    return row


def fetch_order(
    odoo, viewer: Viewer, job_id: int, fields: list[str], *, nested: dict | None = None
) -> dict:
    """Read one order the viewer may act on (1 RPC; 2 when refusing).

    ``nested`` (17+, where Odoo has ``web_read``): x2many field -> fields of its records, read
    in the same call (e.g. the hours of the order's timesheet lines); their values are lists
    of dicts. Other fields come as ``read`` gives them.

    :raises JobNotFound: when there is no such order.
    :raises JobForbidden: when a technician asks for another technician's order.
    """
    # Odoo answers a read of ["id"] alone with [{"id": job_id}] even when no such record exists
    # (nothing is fetched), so existence is always probed with a real field.
    fields = [name for name in fields if name != "id"] or [EXISTENCE_FIELD]
    if nested and viewer.version >= 17:
        try:
            return _fetch_order_nested(odoo, viewer, job_id, fields, nested)
        except AccessError:  # e.g. the nested records are not readable for this user
            logger.info("order %s read without %s (access refused)", job_id, sorted(nested))
    if viewer.is_technician:
        found = odoo.search_read(
            "fsm.order", [("id", "=", job_id)] + own_domain(viewer.partner_id), fields
        )
        if found:
            return found[0]
        # Not one of theirs: tell "missing" from "someone else's" (16/17 raise AccessError here).
        if odoo.read("fsm.order", [job_id], [EXISTENCE_FIELD]):
            raise JobForbidden()
        raise JobNotFound()
    found = odoo.read("fsm.order", [job_id], fields)
    if not found:
        raise JobNotFound()
    return found[0]


def _fetch_order_nested(odoo, viewer: Viewer, job_id: int, fields: list[str], nested: dict):
    spec = _web_spec(fields, nested)
    if viewer.is_technician:
        domain = [("id", "=", job_id)] + own_domain(viewer.partner_id)
        found = odoo.call("fsm.order", "web_search_read", domain, specification=spec)["records"]
        if found:
            return _from_web(found[0], nested)
        if odoo.read("fsm.order", [job_id], [EXISTENCE_FIELD]):
            raise JobForbidden()
        raise JobNotFound()
    found = odoo.call("fsm.order", "web_read", [job_id], spec)
    if not found:
        raise JobNotFound()
    return _from_web(found[0], nested)


# --------------------------------------------------------------------------- history


def fetch_messages(odoo, viewer: Viewer, order: dict) -> list[dict]:
    """The order's history with tracking, newest first (1 RPC; none on 15 without messages)."""
    return chatter.fetch_messages(
        odoo, viewer.version, MODEL, order["id"], message_ids=order.get("message_ids")
    )


# --------------------------------------------------------------------------- detail


def _html_or_text(value, version: int) -> Markup:
    """description/resolution are text up to 17 and HTML from 18; todo is HTML everywhere."""
    if not value:
        return Markup("")
    if version >= 18 or str(value).lstrip().startswith("<"):
        return sanitize_html(value)
    return text_to_html(value)


def signature_on_file(job_id: int, value, storage=None) -> bool:
    """Whether ``value`` (``x_signature_url``) is a signature Fieldkit bound to this job.

    The same test as the page's link (:func:`media.unbind`): a value typed into Odoo, or copied
    from another job, is no signature, so it can neither show nor satisfy a required signature.
    ``storage`` reads the reference (default: the app's storage).
    """
    if not value:
        return False
    return media.unbind(media.record(MODEL, job_id), value, storage or get_storage()) is not None


def finish_checks(order: dict, viewer: Viewer, *, signed: bool) -> list[dict]:
    """What Odoo checks when the job is completed, so the technician sees it before finishing
    (``signed``: :func:`signature_on_file`)."""
    checks = [
        {
            "label": "Resolution: what was done",
            "ok": not is_blank_html(order.get("resolution")),
            "note": "asked for below",
        },
        {"label": "Start time", "ok": bool(order.get("date_start")), "note": "set now if missing"},
        {"label": "End time", "ok": bool(order.get("date_end")), "note": "set when you finish"},
    ]
    if order.get("require_signature"):
        checks.append(
            {
                "label": "Customer signature (required by your company)",
                "ok": signed,
                "note": "collect it below first",
            }
        )
    return checks


_equipment_cache = TTLCache(EQUIPMENT_CACHE_SECONDS)


def equipment_names(odoo, equipment_ids) -> list[str]:
    """The names of an order's equipment, read once every few minutes per set of ids (equipment
    is renamed rarely): 1 RPC the first time, none after; none without equipment."""
    if not equipment_ids:
        return []
    ids = tuple(equipment_ids)
    return _equipment_cache.get(server_key(odoo, "equipment", ids), lambda: [
        e.get("display_name") or e.get("name") or f"Equipment #{e['id']}"
        for e in odoo.read("fsm.equipment", list(ids), ["display_name"])])


def job_detail(
    odoo,
    viewer: Viewer,
    job_id: int,
    *,
    storage=None,
    now: datetime | None = None,
    nested: dict | None = None,
) -> dict:
    """Everything needed on site for one job. 2 RPCs: the order and its history.

    The stages are cached per company (see :func:`get_stage_map`) and the equipment names per
    set (:func:`equipment_names`): a cold cache adds one call each. The parts used and the
    reports attached earlier have their own pages (inventory.job_parts_page, jobs.reports).
    ``nested`` (see :func:`fetch_order`) is read with the order (no extra RPC) and returned
    under ``"extra"``, for the partials of other services (the timer's ``timesheet_ids``).

    :raises JobNotFound: / :raises JobForbidden: see :func:`fetch_order`.
    """
    now = now or tzs.now_utc()
    order = fetch_order(odoo, viewer, job_id, detail_fields(viewer.version), nested=nested)
    stage_map = get_stage_map(odoo, viewer)
    messages = fetch_messages(odoo, viewer, order)
    equipment = equipment_names(odoo, order.get("equipment_ids") or [])
    row = summarize_order(order, stage_map, viewer.tz, now)
    stage_id = row["stage"]["id"]
    files, signature_url, signed = {"photos": [], "videos": []}, None, False
    if storage is not None:
        rec = media.record(MODEL, job_id)
        files = media.collect(messages, rec, storage)
        signature_url = media.link(rec, order.get("x_signature_url"), storage)
        signed = signature_on_file(job_id, order.get("x_signature_url"), storage)
    chatter.present(messages, tz=viewer.tz, partner_id=viewer.partner_id, now=now)
    closed = row["is_closed"]
    en_route = stage_map.en_route
    offer_en_route = (
        bool(en_route) and not closed and stage_id != en_route.id and not order.get("date_start")
    )
    # The technician's way forward has its own buttons (on my way, start, finish); every other
    # open stage, earlier or later (office steps such as Assigned -> Scheduled), sits behind
    # one "Change stage" control, so no button ever reads like a step backwards.
    other_stages = [
        s
        for s in stage_map.stages
        if not s.is_closed and s.id != stage_id and s not in (stage_map.started, stage_map.en_route)
    ]
    return {
        **row,
        "location": _m2o_name(order.get("location_id")),
        "access_notes": _html_or_text(order.get("location_directions"), 18),
        "description": _html_or_text(order.get("description"), viewer.version),
        "todo": sanitize_html(order.get("todo"))
        if not is_blank_html(order.get("todo"))
        else Markup(""),
        "resolution": _html_or_text(order.get("resolution"), viewer.version),
        "resolution_text": html_to_text(order.get("resolution")),
        "equipment": equipment,
        "team": _m2o_name(order.get("team_id")),
        "technician_phone": order.get("person_phone") or "",
        "duration_hours": order.get("scheduled_duration") or 0,
        "started_at": tzs.relative_day(order.get("date_start"), viewer.tz, now),
        "ended_at": tzs.relative_day(order.get("date_end"), viewer.tz, now),
        "is_started": bool(order.get("date_start")),
        "is_ended": bool(order.get("date_end")),
        "signature_url": signature_url,
        "has_signature": signed,
        "require_signature": bool(order.get("require_signature")),
        "messages": messages,
        "photos": files["photos"],
        "videos": files["videos"],
        "finish_checks": finish_checks(order, viewer, signed=signed),
        "extra": {name: order[name] for name in nested or {} if name in order},
        "actions": {
            "can_act": not closed,
            "start": not closed and not order.get("date_start"),
            "en_route": en_route if offer_en_route else None,
            "other_stages": [] if closed else other_stages,
            "finish": not closed,
            "cancel": not closed and stage_map.cancelled is not None,
        },
        "eta_minutes": ETA_CHOICES,
        "eta_choices": [
            {"minutes": n, "sms_url": sms_url(row["phone"], eta_text(n, viewer.name))}
            for n in ETA_CHOICES
        ]
        if row["phone"]
        else [],
    }


# --------------------------------------------------------------------------- actions


def start_job(odoo, viewer: Viewer, job_id: int, *, now: datetime | None = None) -> str:
    """Set the actual start to now, and move to the started stage where one exists."""
    order = fetch_order(odoo, viewer, job_id, ["stage_id", "date_start", "is_closed"])
    if order.get("is_closed"):
        raise JobActionError("This job is already closed.")
    stage_map = get_stage_map(odoo, viewer)
    vals = {"date_start": tzs.to_odoo_datetime(now or tzs.now_utc())}
    current = stage_map.get(_m2o_id(order.get("stage_id")))
    started = stage_map.started
    if started and (
        current is None or (started.sequence, started.id) > (current.sequence, current.id)
    ):
        vals["stage_id"] = started.id
    odoo.write("fsm.order", [job_id], vals)
    return "Job started."


def set_job_stage(odoo, viewer: Viewer, job_id: int, stage_id) -> str:
    """Move the job to another open stage (completing and cancelling have their own actions)."""
    order = fetch_order(odoo, viewer, job_id, ["stage_id", "is_closed"])
    stage_map = get_stage_map(odoo, viewer)
    try:
        target = stage_map.get(int(stage_id))
    except (TypeError, ValueError):
        target = None
    if target is None:
        raise JobActionError("That stage does not exist any more. Please refresh the page.")
    if target.is_closed:
        raise JobActionError("Use “Finish job” to complete it, or “Cancel job” to cancel it.")
    if order.get("is_closed"):
        raise JobActionError("This job is already closed.")
    odoo.write("fsm.order", [job_id], {"stage_id": target.id})
    return f"Stage set to {target.name}."


def finish_job(
    odoo,
    viewer: Viewer,
    job_id: int,
    resolution: str,
    *,
    now: datetime | None = None,
    storage=None,
) -> str:
    """Write the resolution and end time, then ``action_complete`` (a stage write is refused).

    ``storage`` reads the signature's reference (default: the app's storage).
    :raises JobActionError: without a resolution, or without a signature the company requires
        (one Fieldkit bound to this job: :func:`signature_on_file`).
    :raises UserError: / ValidationError when Odoo refuses; nothing is completed then.
    """
    resolution = check_text(resolution, "The resolution")
    if not resolution:
        raise JobActionError("Please describe what was done (the resolution) before finishing.")
    fields = ["name", "date_start", "is_closed", "x_signature_url"] + (
        ["require_signature"] if viewer.version >= 18 else []
    )
    order = fetch_order(odoo, viewer, job_id, fields)
    if order.get("is_closed"):
        raise JobActionError("This job is already closed.")
    if order.get("require_signature") and not signature_on_file(
        job_id, order.get("x_signature_url"), storage
    ):
        raise JobActionError(
            "Your company requires the customer's signature: collect it before finishing."
        )
    moment = tzs.to_odoo_datetime(now or tzs.now_utc())
    vals = {
        "resolution": str(text_to_html(resolution)) if viewer.version >= 18 else resolution,
        "date_end": moment,
    }
    if not order.get("date_start"):
        vals["date_start"] = moment
    odoo.write("fsm.order", [job_id], vals)
    odoo.call("fsm.order", "action_complete", [job_id])
    parts = inventory.safe_validate_job_parts(odoo, order.get("name"))  # parts used: delivered
    return "Job finished. Well done!" + (f" {parts}" if parts else "")


def cancel_job(odoo, viewer: Viewer, job_id: int) -> str:
    """Cancel the job through Odoo's ``action_cancel``."""
    order = fetch_order(odoo, viewer, job_id, ["is_closed"])
    if order.get("is_closed"):
        raise JobActionError("This job is already closed.")
    odoo.call("fsm.order", "action_cancel", [job_id])
    return "Job cancelled."


def _post_note(odoo, viewer: Viewer, job_id: int, html: Markup):
    """An internal note on the job, as the user (see :func:`chatter.post_note`)."""
    return chatter.post_note(odoo, viewer.version, MODEL, job_id, html)


def add_note(odoo, viewer: Viewer, job_id: int, text: str) -> str:
    """Post the technician's note on the job's chatter, as the technician."""
    text = check_text(text, "The note")
    if not text:
        raise JobActionError("The note is empty.")
    fetch_order(odoo, viewer, job_id, ["id"])
    _post_note(odoo, viewer, job_id, text_to_html(text))
    return "Note added."


def post_text_note(odoo, viewer: Viewer, job_id: int, text: str):
    """A plain-text internal note on the job (no ownership check: the caller did it)."""
    return _post_note(odoo, viewer, job_id, text_to_html(text))


def add_photos(odoo, viewer: Viewer, job_id: int, files, storage, *, by=None) -> str:
    """Check, store under ``jobs/{id}/photos/`` and list the photos in a history note.

    ``files`` are ``(filename, bytes)`` pairs. Nothing is stored unless every file passes.

    :raises UploadRejected: for a file that is not an accepted photo or is too large.
    :raises StorageError: when the store fails (what was stored is removed again).
    """
    checked = media.check_photos(files)
    fetch_order(odoo, viewer, job_id, ["id"])
    return media.add_photos(odoo, viewer.version, media.record(MODEL, job_id), checked, storage,
                            by=by)


def save_signature(
    odoo,
    viewer: Viewer,
    job_id: int,
    png: bytes,
    signer_name: str,
    storage,
    *,
    now: datetime | None = None,
) -> dict:
    """Store the customer's signature, keep its bound reference in ``x_signature_url``, note it.

    :raises UploadRejected: when the PNG is not acceptable.
    :raises StorageError: when the store fails; ``x_signature_url`` is then left untouched.
    :returns: ``{"url": fresh pre-signed URL, "warning": None or a message}``
    """
    check_signature_png(png)
    signer_name = (signer_name or "").strip()[:120]
    fetch_order(odoo, viewer, job_id, ["id"])
    rec = media.record(MODEL, job_id)
    key, ref = media.store_signature(rec, png, storage)
    odoo.write(MODEL, [job_id], {"x_signature_url": ref})
    warning = None
    try:
        _post_note(odoo, viewer, job_id, media.signature_note(rec, ref, signer_name))
    except ActionRefused as exc:
        # The signature itself is saved; only the history note is missing.
        warning = "Signature saved, but it could not be noted in the history: " + exc.user_message
    return {"url": storage.presigned_url(key), "warning": warning}
