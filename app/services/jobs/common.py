"""Jobs: what every part shares: errors, times, fields and domains per version, stages, links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, quote_plus

from werkzeug.exceptions import Forbidden, NotFound

from app.odoo import versions
from app.odoo.client import OdooCall
from app.platform import chatter
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.ttl_cache import TTLCache, translated_key
from app.services.viewer import Viewer

logger = logging.getLogger(__name__)

PRIORITY_LABELS = {"0": lazy_gettext("Normal"), "1": lazy_gettext("Low"),
                   "2": lazy_gettext("High"), "3": lazy_gettext("Urgent")}
MODEL = "fsm.order"
STAGE_CACHE_SECONDS = 300
EQUIPMENT_CACHE_SECONDS = 300
ETA_CHOICES = (10, 20, 30, 45)
NO_EMAIL_MESSAGE = chatter.NO_EMAIL_MESSAGE


class JobActionError(ActionRefused):
    """An action Fieldkit refuses before asking Odoo; the message is written for the technician."""


class JobNotFound(NotFound):
    description = lazy_gettext("This job does not exist, or it was deleted.")


class JobForbidden(Forbidden):
    description = lazy_gettext("This job is assigned to another technician.")


# --------------------------------------------------------------------------- time


def local_day(value, tz_name) -> date | None:
    """The user's local date of an Odoo UTC datetime (string or aware datetime)."""
    moment = tzs.to_local(value, tz_name)
    return moment.date() if moment else None


def format_window(start, end, tz_name, now, *, today=None) -> str:
    """ "Today 09:00 – 10:30" in the user's zone; the day is repeated only when it changes.
    ``today``: the user's date, when the caller has it (a list computes it once)."""
    start_utc, end_utc = tzs.parse_odoo_datetime(start), tzs.parse_odoo_datetime(end)
    if start_utc is None:
        return _("Not scheduled")
    today = today or tzs.today(tz_name, now)
    begin = local_wall_clock(start_utc, tz_name)
    text = fmt.relative_day(begin, tz_name, now, today=today)
    if end_utc is not None and end_utc > start_utc:
        finish = local_wall_clock(end_utc, tz_name)
        text += " – " + (fmt.format_time(finish) if finish.date() == begin.date()
                         else fmt.relative_day(finish, tz_name, now, today=today))
    return text


def local_wall_clock(value, tz_name):
    """An Odoo UTC value as the user's wall-clock time (naive: what the formatting functions
    take as already local, so each row converts once), or None."""
    moment = tzs.to_local(value, tz_name)
    return moment.replace(tzinfo=None) if moment else None


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
    if versions.has_field(version, "res.partner", "mobile"):
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
    if versions.has_field(version, MODEL, "require_signature"):
        fields.append("require_signature")
    if versions.needs_message_ids(version):
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
    """A many2one's id, as ``read`` gives it ([id, name]) or nested by ``web_read`` ({"id"})."""
    if isinstance(value, dict):
        return value.get("id")
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    if isinstance(value, dict):  # nested by web_read (see _web_spec)
        return value.get("display_name") or ""
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


# The order's x2many fields Fieldkit reads (their ids, as `read` gives them); see _web_spec.
X2MANY_FIELDS = frozenset({"person_ids", "equipment_ids", "message_ids", "tag_ids"})


def _web_spec(fields: list[str], nested: dict) -> dict:
    """A ``web_read`` specification giving what ``read`` gives (many2one as ``[id, name]``
    after :func:`_from_web`, x2many as ids), plus ``nested``: relational field -> fields of its
    records (many2one values then stay dicts with ``id`` and ``display_name``, which
    :func:`_m2o_id` and :func:`_m2o_name` read)."""
    spec = {
        name: {} if name in X2MANY_FIELDS else {"fields": {"display_name": {}}} for name in fields
    }
    spec.update({name: _sub_spec(subs) for name, subs in nested.items()})
    return spec


def _sub_spec(subs) -> dict:
    """subs: field names, a web_read specification of the nested records' fields, or a whole
    field specification (with ``fields`` and e.g. ``limit``)."""
    if isinstance(subs, dict):
        return subs if "fields" in subs else {"fields": subs}
    return {"fields": {sub: {} for sub in subs}}


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


# Stage names come in the user's language (Odoo translates them through the context's lang), so
# the special stages are recognised by their words in every language Fieldkit speaks: English,
# French, Spanish, German, Dutch.
_EN_ROUTE = re.compile(
    r"en[\s_-]?route|on (the|my) way|travel|driving"
    r"|en chemin|trajet|déplacement|en camino|en ruta|desplaz|unterwegs|anfahrt|onderweg",
    re.IGNORECASE)
_STARTED = re.compile(
    r"start|in progress|on site|working"
    r"|commenc|démarr|en cours|sur (site|place)|inici|comenz|en curso|en progreso"
    r"|begonnen|in bearbeitung|vor ort|bezig|in uitvoering|ter plaatse",
    re.IGNORECASE)
_COMPLETED = re.compile(
    r"complet|done|finish|closed|resolved"
    r"|termin|fini|clôtur|résolu|hecho|cerrad|resuelt|abgeschlossen|erledigt|fertig"
    r"|geschlossen|gelöst|voltooid|afgerond|klaar|gesloten|opgelost",
    re.IGNORECASE)
_CANCELLED = re.compile(r"cancel|annul|storniert|abgebrochen", re.IGNORECASE)


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


_equipment_cache = TTLCache(EQUIPMENT_CACHE_SECONDS, shared="equipment-names")


def _stage_cache_key(odoo, viewer):
    # per language too: the names are Odoo's translations for the user reading them
    return translated_key(odoo, viewer.companies_key)


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
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(address)


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
    if technician:
        return _("Hello, this is %(name)s from field service. I'm on my way and will arrive in "
                 "about %(num)d minutes.", name=technician, num=minutes)
    return _("Hello, this is your technician. I'm on my way and will arrive in about "
             "%(num)d minutes.", num=minutes)
