"""CRM (``crm.lead``, ``crm.stage``, ``crm.tag``, ``crm.lost.reason``, ``mail.activity``): what
Fieldkit knows about Odoo's pipeline.

Routes hand in the request's ``OdooAPI`` and a :class:`~app.services.viewer.Viewer` and get back
plain dicts. Version differences live here:

* the lost wizard ``crm.lead.lost`` reads the leads from the context's ``active_ids`` up to 16
  and from its ``lead_ids`` field from 17 (as the web client fills it); applying it archives the
  lead with probability 0 and the reason; ``action_unarchive`` restores it and clears the reason.
  15 names the lead's reason ``lost_reason`` (``lost_reason_id`` from 16) and its wizard has no
  closing note (``lost_feedback`` from 16), so there the note goes to the history.
* ``activity_schedule`` answers the new activity as a repr string (16-18) or a list of ids (19);
  Fieldkit does not need the id, so both are fine. A done activity disappears (16-18) or is
  archived (19): either way it leaves the lead's ``activity_ids``.

Budgets: the pipeline is one ``read_group`` (columns, counts, expected revenue sums) plus one
``search_read`` of the card fields; tags, lost reasons, activity types and salespeople are
configuration, read once every few minutes per Odoo database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from markupsafe import Markup
from werkzeug.exceptions import NotFound

from app.odoo import versions
from app.odoo.client import OdooCall
from app.platform import chatter, currency
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import (
    BoardWindow,
    Filter,
    ListQuery,
    ListSpec,
    parse_list_args,
    search_domain,
)
from app.platform.sanitize import sanitize_html, text_to_html
from app.platform.ttl_cache import TTLCache, translated_key
from app.services import jobs
from app.services.viewer import Viewer

LOOKUP_CACHE_SECONDS = 300
TEXT_LIMITS = {"name": 200, "contact_name": 120, "partner_name": 120, "email_from": 200,
               "phone": 40, "note": 5000, "summary": 200, "feedback": 2000}
CARD_FIELDS = [
    "name", "type", "partner_id", "stage_id", "expected_revenue", "probability", "user_id",
    "tag_ids", "priority", "activity_state", "activity_date_deadline", "company_currency",
]
DETAIL_FIELDS = [
    "name", "type", "partner_id", "partner_name", "contact_name", "email_from", "phone",
    "stage_id", "expected_revenue", "probability", "user_id", "team_id", "tag_ids", "priority",
    "date_deadline", "active", "description", "activity_ids", "company_currency",
]
ACTIVITY_FIELDS = ["activity_type_id", "summary", "note", "date_deadline", "user_id", "state"]
TYPES = ("", "lead", "opportunity")
PRIORITY_STARS = {"0": 0, "1": 1, "2": 2, "3": 3}
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CrmActionError(ActionRefused):
    """A request Fieldkit refuses before asking Odoo; ``field`` names the form field at fault."""

    def __init__(self, user_message, field=None):
        super().__init__(user_message)
        self.field = field


class LeadNotFound(NotFound):
    description = lazy_gettext("This lead does not exist, or you may not see it.")


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


# --------------------------------------------------------------------------- lookups (cached)

# Shared through the store (see ttl_cache): a new worker process opens a lead in 2 RPCs.
_lookups = TTLCache(LOOKUP_CACHE_SECONDS, shared="crm-lookups")


def _cached(odoo, name, fetch):
    # Stage, tag, reason and activity type names come in the user's language.
    return _lookups.get(translated_key(odoo, name), fetch)


def clear_cache():
    _lookups.clear()


def get_tags(odoo) -> list[dict]:
    return _cached(odoo, "tags", lambda: _tags_from(_tags_call().run(odoo)))


def _tags_call() -> OdooCall:
    return OdooCall("search_read", "crm.tag", [], ["name"], order="name")


def _tags_from(rows) -> list[dict]:
    return [{"id": t["id"], "name": t["name"]} for t in rows]


def get_stages(odoo) -> list[dict]:
    return _cached(odoo, "stages", lambda: [
        {"id": s["id"], "name": s["name"], "is_won": bool(s.get("is_won"))}
        for s in odoo.search_read("crm.stage", [], ["name", "is_won", "sequence"],
                                  order="sequence, name, id")])


def get_lost_reasons(odoo) -> list[dict]:
    return _cached(odoo, "lost_reasons", lambda: [
        {"id": r["id"], "name": r["name"]}
        for r in odoo.search_read("crm.lost.reason", [], ["name"], order="name")])


def get_activity_types(odoo) -> list[dict]:
    return _cached(odoo, "activity_types", lambda: [
        {"id": t["id"], "name": t["name"]}
        for t in odoo.search_read("mail.activity.type", [], ["name", "res_model"],
                                  order="sequence, id")
        if t.get("res_model") in (None, False, "crm.lead")])


def get_salespeople(odoo) -> list[dict]:
    return _cached(odoo, "users", lambda: [
        {"id": u["id"], "name": u["name"]}
        for u in odoo.search_read("res.users", [("share", "=", False)], ["name"], order="name")])


# --------------------------------------------------------------------------- pipeline


def _pipeline_spec(default: str) -> ListSpec:
    return ListSpec(filters=(Filter("mine", lazy_gettext("My pipeline")),
                             Filter("all", lazy_gettext("Everyone's")),
                             Filter("lost", lazy_gettext("Lost"))),
                    default_filter=default, search_label=lazy_gettext("Search the pipeline"))


# Salespeople limited to their own documents start on theirs; "All Documents" on everyone's.
PIPELINE_SPECS = {"own": _pipeline_spec("mine"), "all": _pipeline_spec("all")}
SEARCH_FIELDS = ("name", "partner_id", "contact_name", "email_from")


@dataclass(frozen=True)
class PipelineFilter:
    """What the board shows: the shared list query (mine / everyone's / lost, search text)
    plus the board's own narrowing: leads or opportunities, one tag."""

    query: ListQuery
    type: str = ""
    tag_id: int | None = None

    @classmethod
    def from_args(cls, args, access: str = "own") -> PipelineFilter:
        spec = PIPELINE_SPECS.get(access, PIPELINE_SPECS["own"])
        args = args.to_dict() if hasattr(args, "to_dict") else dict(args)
        if "filter" not in args and args.get("owner") in ("mine", "all"):
            args["filter"] = args["owner"]  # the older ?owner= links (dashboard)
        return cls(
            query=parse_list_args(args, spec),
            type=args.get("type") if args.get("type") in TYPES else "",
            tag_id=_int(args.get("tag")),
        )

    @property
    def lost(self) -> bool:
        return self.query.filter == "lost"

    @property
    def q(self) -> str:
        return self.query.q

    @property
    def active(self) -> bool:
        return self.query.active or bool(self.type or self.tag_id)

    def domain(self, viewer: Viewer) -> list:
        # Lost leads are archived: naming ``active`` in the domain turns Odoo's filter off.
        domain = [("active", "=", not self.lost)]
        if self.query.filter == "mine":
            domain.append(("user_id", "=", viewer.user_id))
        if self.type:
            domain.append(("type", "=", self.type))
        if self.tag_id:
            domain.append(("tag_ids", "in", [self.tag_id]))
        return domain + search_domain(self.q, SEARCH_FIELDS)

    def args(self, **override) -> dict:
        """Query arguments that rebuild this view (for links), with some values replaced."""
        values = {"filter": self.query.filter, "type": self.type or None, "tag": self.tag_id,
                  "q": self.q or None}
        values.update(override)
        return {k: v for k, v in values.items() if v not in (None, "")}


def money(value, shown: currency.Currency | None = None) -> str:
    """Expected revenue in the company's currency (`crm.lead.company_currency`; unknown: a
    plain number), whole amounts without decimals."""
    value = float(value or 0)
    return replace(shown or currency.Currency(""), digits=0 if value == int(value) else 2) \
        .format(value)


def _revenue(row, currencies) -> str:
    return money(row.get("expected_revenue"), currencies.get(_m2o_id(row.get("company_currency"))))


def _card(row, tags_by_id, today: date, currencies=None) -> dict:
    deadline = row.get("activity_date_deadline") or None
    return {
        "id": row["id"],
        "name": row.get("name") or "",
        "type": row.get("type") or "opportunity",
        "partner": _m2o_name(row.get("partner_id")),
        "stage_id": _m2o_id(row.get("stage_id")),
        "revenue": float(row.get("expected_revenue") or 0),
        "revenue_text": _revenue(row, currencies or {}),
        "probability": round(float(row.get("probability") or 0)),
        "user": _m2o_name(row.get("user_id")),
        "company": _m2o_name(row.get("company_id")),  # read with several companies only
        "tags": [tags_by_id[t] for t in row.get("tag_ids") or [] if t in tags_by_id],
        "stars": PRIORITY_STARS.get(str(row.get("priority") or "0"), 0),
        "activity_state": row.get("activity_state") or "",
        "activity_date": deadline,
        "overdue": row.get("activity_state") == "overdue"
        or bool(deadline and deadline < today.isoformat()),
    }


def pipeline(odoo, viewer: Viewer, flt: PipelineFilter, window: BoardWindow | None = None, *,
             now: datetime | None = None) -> dict:
    """The board: one column per stage with its count and expected revenue, and the cards of
    the window (listing.BoardWindow: the first of all the stages, or one stage a page at a
    time). 2 RPCs sent together; the tags with them when not cached."""
    window = window or BoardWindow.from_args({})
    domain = flt.domain(viewer)
    calls = [OdooCall("read_group", "crm.lead", domain, ["expected_revenue:sum", "stage_id"],
                      ["stage_id"], orderby="stage_id"),
             OdooCall("search_read", "crm.lead", domain + window.domain(),
                      CARD_FIELDS + jobs.company_fields(viewer),
                      order="priority desc, id desc", **window.read_kwargs())]
    tags_key = translated_key(odoo, "tags")
    if not _lookups.has(tags_key):
        calls.append(_tags_call())
    groups, rows, *tag_rows = odoo.parallel(calls)
    if tag_rows:
        _lookups.put(tags_key, _tags_from(tag_rows[0]))
    tags = get_tags(odoo)
    tags_by_id = {t["id"]: t["name"] for t in tags}
    today = tzs.today(viewer.tz, now)
    # Amounts in the companies' currency (known since login: no call); a column's sum has one
    # when all the page's leads share it.
    currencies = currency.lookup(odoo, [r.get("company_currency") for r in rows])
    shared = next(iter(currencies.values())) if len(currencies) == 1 else None
    columns, by_stage = [], {}
    for g in groups:
        stage = g.get("stage_id")
        col = {
            "id": _m2o_id(stage),
            "name": _m2o_name(stage) or _("No stage"),
            "count": int(g.get("stage_id_count") or g.get("__count") or 0),
            "revenue": float(g.get("expected_revenue") or 0),
            "revenue_text": money(g.get("expected_revenue"), shared), "currency": shared,
            "folded": bool(g.get("__fold")),
            "cards": [],
        }
        columns.append(col)
        by_stage[col["id"]] = col
    for row in rows:
        card = _card(row, tags_by_id, today, currencies)
        col = by_stage.get(card["stage_id"])
        if col is not None:
            col["cards"].append(card)
    for col in columns:
        col.update(window.column(col["id"], col["count"], len(col["cards"])))
    return {
        "columns": columns,
        "stages": [{"id": c["id"], "name": c["name"]} for c in columns if c["id"]],
        "tags": tags,
        "filter": flt,
        "total": sum(c["count"] for c in columns),
        "shown": len(rows),
        "window": window,
    }


# --------------------------------------------------------------------------- one lead


def lost_field(version: int) -> str:
    """16 renamed ``crm.lead.lost_reason`` to ``lost_reason_id``."""
    return versions.pick_field(version, "crm.lead", "lost_reason_id", "lost_reason")


def fetch_lead(odoo, lead_id: int, fields: list[str], *, archived=True) -> dict:
    """Read one lead (archived ones too: a lost lead can be restored).

    :raises LeadNotFound: when it does not exist or Odoo's rules hide it.
    """
    found = _lead_call(lead_id, fields, archived=archived).run(odoo)
    if not found:
        raise LeadNotFound()
    return found[0]


def _lead_call(lead_id: int, fields: list[str], *, archived=True) -> OdooCall:
    domain = [("id", "=", lead_id)]
    if archived:
        domain += ["|", ("active", "=", True), ("active", "=", False)]
    return OdooCall("search_read", "crm.lead", domain, fields)


def _activity(row, today_iso: str) -> dict:
    deadline = row.get("date_deadline") or ""
    state = row.get("state") or ("overdue" if deadline and deadline < today_iso else "planned")
    return {
        "id": row["id"],
        "type": _m2o_name(row.get("activity_type_id")) or _("To-Do"),
        "summary": row.get("summary") or "",
        "note": sanitize_html(row.get("note") or ""),
        "date": deadline,
        "user": _m2o_name(row.get("user_id")),
        "state": state,
        "overdue": state == "overdue",
    }


def _lead_with_activities_call(lead_id: int, fields: list[str]) -> OdooCall:
    """:func:`_lead_call` with the lead's next steps nested (``web_search_read``, 17+)."""
    named = {"fields": {"display_name": {}}}  # a relational field's name; a scalar ignores it
    spec = dict.fromkeys(fields, named)
    spec["activity_ids"] = {"fields": dict.fromkeys(ACTIVITY_FIELDS, named),
                            "order": "date_deadline, id"}
    return OdooCall("call", "crm.lead", "web_search_read", _lead_call(lead_id, fields).args[1],
                    specification=spec)


def lead_detail(odoo, viewer: Viewer, lead_id: int, *, now: datetime | None = None) -> dict:
    """Everything on the lead page, its history included: the lead with its next steps (nested
    on 17+; a read of their own before) and its history are read together (2 RPCs, one round
    trip; 3 before 17; 15 reads the history after)."""
    fields = DETAIL_FIELDS + [lost_field(viewer.version)]
    if chatter.needs_message_ids(viewer.version):
        fields.append("message_ids")
    if versions.has_web_read(viewer.version):  # the next steps nested in the lead's read
        found, messages, _rest = chatter.read_with_history(
            odoo, viewer.version, "crm.lead", lead_id, _lead_with_activities_call(lead_id, fields))
        found = [jobs._from_web(row, {"activity_ids": None}) for row in found["records"]]
        acts = sorted((jobs._from_web(a, {}) for a in found[0]["activity_ids"]),
                      key=lambda a: (a.get("date_deadline") or "", a["id"])) if found else []
    else:
        activities = OdooCall("search_read", "mail.activity",
                              [("res_model", "=", "crm.lead"), ("res_id", "=", lead_id)],
                              ACTIVITY_FIELDS, order="date_deadline, id")
        found, messages, (acts,) = chatter.read_with_history(
            odoo, viewer.version, "crm.lead", lead_id, _lead_call(lead_id, fields),
            others=(activities,))
    if not found:
        raise LeadNotFound()
    row = found[0]
    today_iso = tzs.today(viewer.tz, now).isoformat()
    tags_by_id = {t["id"]: t["name"] for t in get_tags(odoo)}
    stage_id = _m2o_id(row.get("stage_id"))
    stages = get_stages(odoo)
    won = any(s["id"] == stage_id and s["is_won"] for s in stages)
    return {
        "id": row["id"],
        "name": row.get("name") or "",
        "type": row.get("type") or "opportunity",
        "partner_id": _m2o_id(row.get("partner_id")),
        "partner": _m2o_name(row.get("partner_id")),
        "company": row.get("partner_name") or "",
        "contact": row.get("contact_name") or "",
        "email": row.get("email_from") or "",
        "phone": row.get("phone") or "",
        "tel": "tel:" + re.sub(r"[^\d+]", "", row.get("phone") or ""),
        "stage_id": stage_id,
        "stage": _m2o_name(row.get("stage_id")),
        "stages": stages,
        "won": won,
        "revenue_text": _revenue(row, currency.lookup(odoo, [row.get("company_currency")])),
        "probability": round(float(row.get("probability") or 0)),
        "user": _m2o_name(row.get("user_id")),
        "team": _m2o_name(row.get("team_id")),
        "tags": [tags_by_id[t] for t in row.get("tag_ids") or [] if t in tags_by_id],
        "stars": PRIORITY_STARS.get(str(row.get("priority") or "0"), 0),
        "deadline": row.get("date_deadline") or "",
        "active": bool(row.get("active", True)),
        "lost_reason": _m2o_name(row.get(lost_field(viewer.version))),
        "description": sanitize_html(row.get("description") or ""),
        "activities": [_activity(a, today_iso) for a in acts],
        "today": today_iso,
        "message_ids": row.get("message_ids") or [],
        "messages": messages,
    }


def lead_history(odoo, viewer: Viewer, lead: dict) -> list[dict]:
    """The lead's history through the shared chatter service: read with the lead by
    :func:`lead_detail` (none here), else 1 RPC (15)."""
    messages = lead.get("messages")
    if messages is None:
        messages = chatter.fetch_messages(odoo, viewer.version, "crm.lead", lead["id"],
                                          message_ids=lead.get("message_ids"))
    return chatter.present(messages, tz=viewer.tz, partner_id=viewer.partner_id)


def detail_choices(odoo) -> dict:
    """The choices the lead page's forms offer (cached configuration)."""
    return {
        "lost_reasons": get_lost_reasons(odoo),
        "activity_types": get_activity_types(odoo),
        "salespeople": get_salespeople(odoo),
    }


# --------------------------------------------------------------------------- actions


def set_stage(odoo, viewer: Viewer, lead_id: int, stage_id) -> str:
    """Move a lead to another stage (a plain write, as the kanban does)."""
    stage_id = _int(stage_id)
    stage = next((s for s in get_stages(odoo) if s["id"] == stage_id), None)
    if stage is None:
        raise CrmActionError(_("Choose a stage to move the lead to."))
    odoo.write("crm.lead", [lead_id], {"stage_id": stage_id})
    return _("Moved to %(stage)s.", stage=stage["name"])


def mark_won(odoo, viewer: Viewer, lead_id: int) -> str:
    """Odoo's ``action_set_won`` (restores a lost lead, moves it to the won stage at 100%)."""
    fetch_lead(odoo, lead_id, ["id"])
    odoo.call("crm.lead", "action_set_won", [lead_id])
    return _("Marked as won.")


def mark_lost(odoo, viewer: Viewer, lead_id: int, reason_id, feedback: str = "") -> str:
    """Lose the lead through Odoo's lost wizard, as the web client does.

    :raises CrmActionError: without a reason (Fieldkit asks for one).
    """
    reason_id = _int(reason_id)
    if reason_id is None or reason_id not in {r["id"] for r in get_lost_reasons(odoo)}:
        raise CrmActionError(_("Choose why the lead was lost."), field="lost_reason_id")
    feedback = (feedback or "").strip()
    if len(feedback) > TEXT_LIMITS["feedback"]:
        raise CrmActionError(_("The closing note is too long."), field="lost_feedback")
    if not fetch_lead(odoo, lead_id, ["active"]).get("active"):
        raise CrmActionError(_("This lead is already lost."))
    context = {"active_model": "crm.lead", "active_id": lead_id, "active_ids": [lead_id]}
    vals = {"lost_reason_id": reason_id}
    if feedback and versions.has_field(viewer.version, "crm.lead.lost", "lost_feedback"):
        vals["lost_feedback"] = str(text_to_html(feedback))
    if versions.has_field(viewer.version, "crm.lead.lost", "lead_ids"):
        vals["lead_ids"] = [(6, 0, [lead_id])]
    wizard = odoo.call("crm.lead.lost", "create", vals, context=context)
    if isinstance(wizard, list):
        wizard = wizard[0]
    odoo.call("crm.lead.lost", "action_lost_reason_apply", [wizard], context=context)
    if feedback and not versions.has_field(viewer.version, "crm.lead.lost", "lost_feedback"):
        # 15's wizard has no closing note: log it on the lead's history instead.
        _post_note(odoo, viewer, "crm.lead", lead_id,
                   Markup("<p>{}</p>").format(_("Lost: %(note)s", note=feedback)))
    return _("Marked as lost. It is archived; you can restore it from its page.")


def restore(odoo, viewer: Viewer, lead_id: int) -> str:
    """Bring a lost (archived) lead back: ``action_unarchive`` clears the lost reason."""
    lead = fetch_lead(odoo, lead_id, ["active"])
    if lead.get("active"):
        raise CrmActionError(_("This lead is not archived."))
    odoo.call("crm.lead", "action_unarchive", [lead_id])
    return _("Lead restored.")


def _text(form, name, required=False, label=None):
    value = (form.get(name) or "").strip()
    if required and not value:
        raise CrmActionError(_("%(label)s is required.", label=label or name.capitalize()),
                             field=name)
    if len(value) > TEXT_LIMITS.get(name, 200):
        raise CrmActionError(_("%(label)s is too long.", label=label or name.capitalize()),
                             field=name)
    return value


def _due_date(value) -> str:
    try:
        return date.fromisoformat((value or "").strip()).isoformat()
    except ValueError as exc:
        raise CrmActionError(_("Give the due date as a date."), field="date_deadline") from exc


def schedule_activity(odoo, viewer: Viewer, lead_id: int, form) -> str:
    """Plan an activity (type, due date, summary, assigned user) through ``activity_schedule``."""
    type_id = _int(form.get("activity_type_id"))
    if type_id not in {t["id"] for t in get_activity_types(odoo)}:
        raise CrmActionError(_("Choose the kind of activity."), field="activity_type_id")
    deadline = _due_date(form.get("date_deadline"))
    summary = _text(form, "summary", label=_("Summary"))
    user_id = _int(form.get("user_id")) or viewer.user_id
    if user_id not in {u["id"] for u in get_salespeople(odoo)} and user_id != viewer.user_id:
        raise CrmActionError(_("Choose who should do it."), field="user_id")
    fetch_lead(odoo, lead_id, ["id"], archived=False)
    odoo.call("crm.lead", "activity_schedule", [lead_id], date_deadline=deadline,
              summary=summary, activity_type_id=type_id, user_id=user_id)
    return _("Activity scheduled.")


def complete_activity(odoo, viewer: Viewer, lead_id: int, activity_id, feedback="") -> str:
    """Mark an activity of this lead done, with feedback (``action_feedback``)."""
    activity_id = _int(activity_id)
    feedback = (feedback or "").strip()
    if len(feedback) > TEXT_LIMITS["feedback"]:
        raise CrmActionError(_("The feedback is too long."), field="feedback")
    lead = fetch_lead(odoo, lead_id, ["activity_ids"])
    if activity_id not in (lead.get("activity_ids") or []):
        raise CrmActionError(_("This activity is already done or belongs to another lead."))
    odoo.call("mail.activity", "action_feedback", [activity_id], feedback=feedback or False)
    return _("Activity done.")


def log_note(odoo, viewer: Viewer, lead_id: int, text: str) -> str:
    """Log an internal note on the lead's history."""
    text = (text or "").strip()
    if not text:
        raise CrmActionError(_("The note is empty."), field="note")
    if len(text) > TEXT_LIMITS["note"]:
        raise CrmActionError(_("The note is too long."), field="note")
    fetch_lead(odoo, lead_id, ["id"])
    _post_note(odoo, viewer, "crm.lead", lead_id, text_to_html(text))
    return _("Note logged.")


def _post_note(odoo, viewer, model, res_id, html: Markup):
    return chatter.post_note(odoo, viewer.version, model, res_id, html)
