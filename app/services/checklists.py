"""Checklists on the job: the steps ticked on site.

Two sources, one partial (templates/jobs/_checklist.html):

* **OCA fieldservice_activity** (``fsm.activity``, the order's ``order_activity_ids``, copied
  from its template): found once per server with ``fields_get`` and cached for hours. The job
  page reads the activities with the order, in the same round trip: nested in ``web_read`` on
  17+, or one ``search_read`` sent in parallel with the order's read on 15/16. A tap is
  ``action_done`` or ``action_cancel`` as the user (Odoo writes ``completed_on`` and
  ``completed_by``), through the outbox with an Idempotency-Key like every job action. Only a
  step in "todo" can be ticked: a done or cancelled step stays as it is (the add-on's form makes
  it read-only; RPC would allow writing it, Fieldkit doesn't).
* **The order's to-do** (``todo``) when it holds an HTML list, for servers without the add-on
  and for users Odoo refuses the activities to: stock OCA gives ``fsm.activity`` to Field
  Service User and Manager only, so a technician (own documents) cannot even read them until
  ``flask odoo-check --fix`` grants them. Ticks are kept per job on the device (JavaScript) and
  sent with "Finish job"; the order's history then gets one note, "Checklist: 5 of 6 done: …".

A refusal is remembered per user for a few minutes, so the page does not ask Odoo again for
what it was refused a moment ago.
"""
from __future__ import annotations

import logging
import re

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall, OdooError, OdooUnavailable
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _, lazy_gettext, ngettext
from app.platform.sanitize import list_items
from app.platform.ttl_cache import TTLCache, server_key
from app.services import jobs, timer
from app.services.viewer import Viewer

log = logging.getLogger(__name__)

MODEL = "fsm.activity"
ORDER_FIELD = "order_activity_ids"
TEMPLATE_FIELD = "temp_activity_ids"
FIELDS = ("name", "ref", "required", "sequence", "state", "completed_on", "completed_by")
STATES = {"todo": lazy_gettext("To do"), "done": lazy_gettext("Done"),
          "cancel": lazy_gettext("Cancelled")}
ACTIONS = {"done": "action_done", "cancel": "action_cancel"}
# Installing the add-on is rare: a server's answer is kept for hours (a restart forgets it).
_addon = TTLCache(6 * 3600, shared="fsm-activity-addon")
# A user refused the activities: not asked again for a few minutes (until --fix is run).
REFUSED_SECONDS = 300
_refused = TTLCache(REFUSED_SECONDS, shared="fsm-activity-refused")


# The templates' activities are configuration: read once every few minutes per server.
_templates = TTLCache(600, shared="fsm-activity-templates")


class ChecklistError(ActionRefused):
    """A tick Fieldkit refuses (unknown step, not on this job, already done)."""


# --------------------------------------------------------------------------- detection


def installed(odoo) -> bool:
    """Whether fsm.order has ``order_activity_ids`` (fieldservice_activity): 1 fields_get per
    server, then cached."""
    def load():
        found = odoo.call("fsm.order", "fields_get", [ORDER_FIELD], attributes=["type"])
        return ORDER_FIELD in (found or {})
    return _addon.get(_addon_key(odoo), load)


def _addon_key(odoo):
    return server_key(odoo, "fsm.order", ORDER_FIELD)


def _refused_key(odoo, viewer: Viewer):
    return server_key(odoo, "activities-refused", viewer.user_id)


def available(odoo, viewer: Viewer, *, detect=True) -> bool:
    """The add-on is there and Odoo did not refuse this user the activities lately.
    ``detect=False``: only when the add-on is known already (no RPC: a page whose budget has
    no room for the detection, as the jobs table; a job page detects it)."""
    if not detect and not _addon.has(_addon_key(odoo)):
        return False
    try:
        return installed(odoo) and not _refused.has(_refused_key(odoo, viewer))
    except OdooUnavailable:
        raise
    except OdooError as exc:  # fields_get refused or failed: no add-on for this page
        log.info("fieldservice_activity not detected: %s", exc)
        return False


def _remember_refusal(odoo, viewer: Viewer, exc=None):
    log.info("activities refused to user %s: %s", viewer.user_id, exc)
    _refused.put(_refused_key(odoo, viewer), True)


def clear_cache():
    _addon.clear()
    _refused.clear()
    _templates.clear()


# --------------------------------------------------------------------------- the job page


def _spec() -> dict:
    spec = {name: {} for name in FIELDS}
    spec["completed_by"] = {"fields": {"display_name": {}}}
    return spec


def page_reads(odoo, viewer: Viewer, job_id: int) -> dict:
    """What :func:`app.services.jobs.job_detail` reads for the checklist, in the order's round
    trip: ``{"nested": {...}}`` on 17+, ``{"alongside": OdooCall}`` on 15/16, or nothing."""
    return _reads(odoo, viewer, [("fsm_order_id", "=", job_id)])


def _reads(odoo, viewer: Viewer, domain: list, more=()) -> dict:
    if not available(odoo, viewer):
        return {}
    if versions.has_web_read(viewer.version):
        return {"nested": {ORDER_FIELD: _spec()}}
    return {"alongside": OdooCall("search_read", MODEL, domain, [*FIELDS, *more],
                                  order="sequence, id")}


def detail_reads(odoo, viewer: Viewer, job_id: int) -> dict:
    """The keyword arguments of ``jobs.job_detail`` for the timer and the checklist."""
    return _with_timer(odoo, page_reads(odoo, viewer, job_id))


def details_reads(odoo, viewer: Viewer, job_ids) -> dict:
    """:func:`detail_reads` for several jobs (``jobs.job_details``): on 15/16 one read of all
    their activities, each row naming its order (``fsm_order_id``)."""
    return _with_timer(odoo, _reads(odoo, viewer, [("fsm_order_id", "in", list(job_ids))],
                                    more=("fsm_order_id",)))


def _with_timer(odoo, reads: dict) -> dict:
    return {"nested": {**timer.detail_nested(odoo), **reads.get("nested", {})},
            "alongside": reads.get("alongside")}


def _m2o_name(value):
    if isinstance(value, dict):
        return value.get("display_name") or ""
    return value[1] if isinstance(value, list) and len(value) > 1 else ""


def _item(row: dict, tz: str, now) -> dict:
    state = row.get("state") or "todo"
    return {
        "id": row["id"],
        "name": row.get("name") or "",
        "ref": row.get("ref") or "",
        "required": bool(row.get("required")),
        "state": state,
        "state_label": str(STATES.get(state, state)),
        "open": state == "todo",
        "completed_on": fmt.relative_day(row.get("completed_on"), tz, now)
        if row.get("completed_on") else "",
        "completed_by": _m2o_name(row.get("completed_by")),
        "sequence": row.get("sequence") or 0,
        "photos": [],
    }


def _activities_of(odoo, viewer: Viewer, job: dict):
    """The order's activities read with it, or None (not read, or refused: remembered)."""
    extra = job.get("extra") or {}
    if ORDER_FIELD in extra:
        return extra[ORDER_FIELD]
    side = extra.get("alongside", None)
    if "alongside" in extra:
        if isinstance(side, AccessError):
            _remember_refusal(odoo, viewer, side)
            return None
        if isinstance(side, OdooError):
            log.warning("activities of job %s not read: %s", job.get("id"), side)
            return None
        return side
    if versions.has_web_read(viewer.version) and _asked_nested(odoo, viewer):
        # the nested read was refused (fetch_order read the order without it)
        _remember_refusal(odoo, viewer)
    return None


def _asked_nested(odoo, viewer: Viewer) -> bool:
    try:
        return available(odoo, viewer)
    except OdooError:
        return False


def _photo_of(name: str) -> str:
    """What a step's photo note holds in every language: the step's name in quotes (the quotes
    are the placeholder's value, see media.photo_caption, so no translation can change them)."""
    return f"“{name}”"


def _attach_photos(items: list[dict], photos: list[dict]):
    for item in items:
        mark = _photo_of(item["name"])
        item["photos"] = [p for p in photos if mark in (p.get("caption") or "")]


def build(odoo, viewer: Viewer, job: dict, *, now=None) -> dict | None:
    """The checklist of the job page (from :func:`detail_reads`' results), or None.

    ``{"source": "activities" | "todo", "items": [...], "done", "total", "progress",
    "required_open": [...]}``; "todo" items are ``{"index", "name", "photos"}`` whose ticks
    live on the device.
    """
    now = now or tzs.now_utc()
    rows = _activities_of(odoo, viewer, job)
    if rows:
        items = [_item(row, viewer.tz, now) for row in rows]
        items.sort(key=lambda i: (i["sequence"], i["id"]))
        _attach_photos(items, job.get("photos") or [])
        counted = [i for i in items if i["state"] != "cancel"]
        done = sum(1 for i in counted if i["state"] == "done")
        return {"source": "activities", "items": items, "done": done, "total": len(counted),
                "progress": progress_text(done, len(counted)),
                "required_open": [i for i in items if i["required"] and i["open"]]}
    steps = todo_steps(job.get("todo"))
    if not steps:
        return None
    items = [{"index": n, "name": name, "photos": []} for n, name in enumerate(steps)]
    _attach_photos(items, job.get("photos") or [])
    return {"source": "todo", "items": items, "done": None, "total": len(items),
            "progress": "", "required_open": []}


def todo_steps(todo_html) -> list[str]:
    return list_items(todo_html)


def progress_text(done: int, total: int) -> str:
    return ngettext("%(done)d/%(num)d step done", "%(done)d/%(num)d steps done", total,
                    done=done) if total else ""


def finish_checks(checklist: dict | None, job_url: str) -> list[dict]:
    """The finish section's lines for the required steps still open (Odoo refuses to complete
    the order until they are done), each linking to its step."""
    if not checklist:
        return []
    return [{"label": _("Step “%(step)s” (required)", step=item["name"]), "ok": False,
             "note": _("tick it in the checklist first"),
             "href": f"{job_url}#step-{item['id']}"} for item in checklist["required_open"]]


def report_lines(odoo, viewer: Viewer, job: dict) -> list[str]:
    """The service report's checklist: each step with its state, time and whether it has a
    photo; for the to-do checklist, the steps of the note written at finish (newest)."""
    checklist = build(odoo, viewer, job)
    if checklist and checklist["source"] == "activities":
        return [_report_line(item) for item in checklist["items"]]
    for msg in job.get("messages") or []:   # newest first
        found = NOTE_STEPS.match(" ".join((msg.get("text") or "").split()))
        if found:
            return [_("%(step)s: done", step=step[2:]) if step.startswith(DONE)
                    else _("%(step)s: not done", step=step[2:])
                    for step in found.group(1).split("; ") if step[:1] in (DONE, LEFT)]
    return []


def _report_line(item: dict) -> str:
    if item["required"]:
        line = _("%(step)s (required): %(state)s", step=item["name"], state=item["state_label"])
    else:
        line = _("%(step)s: %(state)s", step=item["name"], state=item["state_label"])
    if item["state"] == "done" and item["completed_on"]:
        if item["completed_by"]:
            line = _("%(line)s, %(when)s by %(name)s", line=line, when=item["completed_on"],
                     name=item["completed_by"])
        else:
            line = _("%(line)s, %(when)s", line=line, when=item["completed_on"])
    if item["photos"]:
        line = ngettext("%(line)s (%(num)d photo)", "%(line)s (%(num)d photos)",
                        len(item["photos"]), line=line)
    return line


# --------------------------------------------------------------------------- planning


def template_steps(odoo, viewer: Viewer) -> dict:
    """``{template id (str): [{"name", "required"}]}``: the activities each template gives its
    orders, for planning (1 RPC every few minutes per server; nothing before a job page found
    the add-on, so a planning page never pays for the detection)."""
    if not available(odoo, viewer, detect=False):
        return {}

    def load():
        rows = odoo.search_read(MODEL, [("fsm_template_id", "!=", False)],
                                ["name", "required", "fsm_template_id"], order="sequence, id")
        out = {}
        for row in rows:
            out.setdefault(str(_m2o_id(row["fsm_template_id"])), []).append(
                {"name": row.get("name") or "", "required": bool(row.get("required"))})
        return out
    try:
        return _templates.get(server_key(odoo, "fsm-activity-templates"), load)
    except AccessError as exc:  # a user without the activities: planning goes without them
        log.info("template activities refused: %s", exc)
        return {}


def template_summary(order: dict, steps: dict) -> dict:
    """What a plan card and the assign page show of the order's template: its name and the
    steps it gives (``{"template", "steps", "required", "text"}``; empty without one)."""
    template = order.get("template_id")
    if not isinstance(template, list) or not template:
        return {"template": "", "steps": [], "required": 0, "text": ""}
    mine = steps.get(str(template[0]), [])
    required = sum(1 for step in mine if step["required"])
    if mine and required:
        text = ngettext("%(template)s: %(num)d step, %(required)d required",
                        "%(template)s: %(num)d steps, %(required)d required", len(mine),
                        template=template[1], required=required)
    elif mine:
        text = ngettext("%(template)s: %(num)d step", "%(template)s: %(num)d steps", len(mine),
                        template=template[1])
    else:
        text = template[1]
    return {"template": template[1], "steps": mine, "required": required, "text": text}


# --------------------------------------------------------------------------- the jobs table


def _on_orders(domain) -> list:
    """An fsm.order domain as a domain on their activities (each leaf through fsm_order_id)."""
    out = [("fsm_order_id", "!=", False)]
    for leaf in domain:
        if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str):
            out.append((f"fsm_order_id.{leaf[0]}", leaf[1], leaf[2]))
        else:
            out.append(leaf)
    return out


def table_reads(odoo, viewer: Viewer, domain, fields, *, limit, offset, order):
    """The office's jobs table with each order's "3/5 steps done", in the table's 2 calls: the
    orders and their count come from one ``web_search_read`` (``length``); on 17+ it nests the
    activities' states, on 15/16 a ``read_group`` of the activities (by order and state, for
    the table's domain) goes with it. None without the add-on, or before a job page found it
    (the table reads as before).

    :returns: (calls, unpack) where ``unpack(results)`` gives (orders, total); each order has
        ``steps`` (the progress text, "" without steps).
    """
    if not available(odoo, viewer, detect=False):
        return None
    page = {"limit": limit, "offset": offset, "order": order}
    if versions.has_web_read(viewer.version):
        nested = {ORDER_FIELD: {"state": {}}}
        spec = jobs._web_spec(list(fields), nested)
        calls = [OdooCall("call", "fsm.order", "web_search_read", domain, specification=spec,
                          **page)]

        def unpack(results):
            found = results[0]
            orders = [jobs._from_web(row, nested) for row in found["records"]]
            for row in orders:
                states = [a.get("state") for a in row.pop(ORDER_FIELD, None) or []]
                row["steps"] = _steps_text(states.count("done"), states.count("cancel"),
                                           len(states))
            return orders, found["length"]
        return calls, unpack
    calls = [OdooCall("call", "fsm.order", "web_search_read", domain, fields=list(fields),
                      **page),
             OdooCall("read_group", MODEL, _on_orders(domain), ["fsm_order_id", "state"],
                      ["fsm_order_id", "state"], lazy=False)]

    def unpack_groups(results):
        found, groups = results
        counts = {}
        for group in groups:
            order_id = _m2o_id(group.get("fsm_order_id"))
            counts.setdefault(order_id, {})[group.get("state")] = group.get("__count", 0)
        orders = found["records"]
        for row in orders:
            by_state = counts.get(row["id"], {})
            row["steps"] = _steps_text(by_state.get("done", 0), by_state.get("cancel", 0),
                                       sum(by_state.values()))
        return orders, found["length"]
    return calls, unpack_groups


def _steps_text(done: int, cancelled: int, total: int) -> str:
    return progress_text(done, total - cancelled)


# --------------------------------------------------------------------------- ticks


def tick(odoo, viewer: Viewer, job_id: int, activity_id, do: str) -> str:
    """Complete (``do="done"``) or cancel one of the job's activities, as the user.

    3 RPCs: the order (ownership), the activity, the action. Sending the same tick again is
    harmless: a step already in the asked state is left as it is.
    :raises ChecklistError: for an unknown action, a step of another job, a step done already.
    :raises AccessError: when Odoo refuses the user the activities (see odoo-check --fix).
    """
    method = ACTIONS.get(do)
    if method is None:
        raise ChecklistError(_("Unknown checklist action. Please refresh the page."))
    try:
        activity_id = int(activity_id)
    except (TypeError, ValueError):
        raise ChecklistError(_("That step does not exist. Please refresh the page.")) from None
    order = jobs.fetch_order(odoo, viewer, job_id, ["is_closed"])
    if order.get("is_closed"):
        raise ChecklistError(_("This job is closed: its checklist can no longer change."))
    _require_addon(odoo)
    try:
        found = odoo.read(MODEL, [activity_id], ["name", "state", "fsm_order_id"])
    except AccessError as exc:
        if not _about_activities(exc):
            raise
        raise _refused_error(odoo, viewer, exc, "checklist") from exc
    if not found or _m2o_id(found[0].get("fsm_order_id")) != job_id:
        raise ChecklistError(
            _("That step is not on this job (any more). Please refresh the page."))
    step = found[0]
    name, state = step["name"], step.get("state")
    if state == do:
        return (_("“%(step)s” was already done.", step=name) if do == "done"
                else _("“%(step)s” was already cancelled.", step=name))
    if state != "todo":
        raise ChecklistError(
            _("“%(step)s” is done: it can no longer be changed.", step=name) if state == "done"
            else _("“%(step)s” is cancelled: it can no longer be changed.", step=name)
            if state == "cancel" else _("“%(step)s” can no longer be changed.", step=name))
    odoo.call(MODEL, method, [activity_id])
    return (_("“%(step)s” done.", step=name) if do == "done"
            else _("“%(step)s” cancelled.", step=name))


# What Odoo refused (whole sentences, one per action), keyed by the callers' `what`.
REFUSED_MESSAGES = {
    "checklist": lazy_gettext(
        "Odoo refused the checklist: with Field Service Activities installed, your account "
        "needs rights on the job's activities. Ask your administrator to run "
        "“flask odoo-check --fix”."),
    "photo": lazy_gettext(
        "Odoo refused the step's photo: with Field Service Activities installed, your account "
        "needs rights on the job's activities. Ask your administrator to run "
        "“flask odoo-check --fix”."),
    "complete": lazy_gettext(
        "Odoo refused to complete the job: with Field Service Activities installed, your "
        "account needs rights on the job's activities. Ask your administrator to run "
        "“flask odoo-check --fix”."),
}


def _refused_error(odoo, viewer: Viewer, exc: AccessError, what: str) -> ChecklistError:
    _remember_refusal(odoo, viewer, exc)
    return ChecklistError(str(REFUSED_MESSAGES[what]))


def _about_activities(exc: AccessError) -> bool:
    return MODEL in (exc.message or "")


def _require_addon(odoo):
    if not installed(odoo):
        raise ChecklistError(_("This Odoo has no checklist activities (Field Service "
                               "Activities is not installed). Please refresh the page."))


def _m2o_id(value):
    return value[0] if isinstance(value, list) and value else value or None


def add_step_photo(odoo, viewer: Viewer, job_id: int, step: str, files, storage) -> str:
    """A photo of one step, into the order's history named after it (the shared media piece).

    ``step``: ``"a<activity id>"`` or ``"t<index>"`` (a line of the order's to-do). 2 RPCs
    (the order with its to-do, or the activity) plus the note.
    """
    name = _step_name(odoo, viewer, job_id, step)
    return jobs.add_photos(odoo, viewer, job_id, files, storage, about=name)


def _step_name(odoo, viewer: Viewer, job_id: int, step) -> str:
    match = re.fullmatch(r"([at])(\d{1,9})", str(step or ""))
    if not match:
        raise ChecklistError(_("That step does not exist. Please refresh the page."))
    kind, number = match.group(1), int(match.group(2))
    if kind == "a":
        order = jobs.fetch_order(odoo, viewer, job_id, ["name"])
        _require_addon(odoo)
        try:
            found = odoo.read(MODEL, [number], ["name", "fsm_order_id"])
        except AccessError as exc:
            if not _about_activities(exc):
                raise
            raise _refused_error(odoo, viewer, exc, "photo") from exc
        if not found or _m2o_id(found[0].get("fsm_order_id")) != order["id"]:
            raise ChecklistError(
                _("That step is not on this job (any more). Please refresh the page."))
        return found[0]["name"]
    steps = todo_steps(jobs.fetch_order(odoo, viewer, job_id, ["todo"]).get("todo"))
    if number >= len(steps):
        raise ChecklistError(
            _("That step is not on this job (any more). Please refresh the page."))
    return steps[number]


# --------------------------------------------------------------------------- finish


def parse_ticks(raw) -> list[int] | None:
    """The device's ticks sent with "Finish job": indexes of the to-do's steps ("0,2,3"), or
    None when the page had no to-do checklist."""
    if raw is None:
        return None
    ticks = []
    for part in str(raw).split(","):
        part = part.strip()
        if part.isdigit() and len(part) < 5:
            ticks.append(int(part))
    return sorted(set(ticks))


DONE, LEFT = "✓", "✗"
# The checklist note in any language the writer used: a heading with its counts, ending in
# ":", then only "✓ step" / "✗ step" items joined by "; " (marks and separators are never
# translated).
NOTE_STEPS = re.compile(r"[^✓✗\d]*\d[^✓✗]*:\s((?:[✓✗] [^;]*)(?:; [✓✗] [^;]*)*)")


def checklist_note(steps: list[str], ticks: list[int]) -> str:
    """ "Checklist: 2 of 3 done: ✓ A; ✓ C; ✗ B" (done first, in the to-do's order)."""
    done = [s for n, s in enumerate(steps) if n in ticks]
    left = [s for n, s in enumerate(steps) if n not in ticks]
    lines = [f"{DONE} {s}" for s in done] + [f"{LEFT} {s}" for s in left]
    heading = ngettext("Checklist: %(num)d of %(total)d done:",
                       "Checklist: %(num)d of %(total)d done:", len(done), total=len(steps))
    return f"{heading} " + "; ".join(lines)


def finish_job(odoo, viewer: Viewer, job_id: int, resolution: str, ticks=None) -> str:
    """Finish the job (timer.finish_job), then, when the page had the to-do checklist, write
    its ticks into the order's history as one note.

    Odoo's refusals stay Odoo's: a required activity still open is its ValidationError, shown
    as it words it. A user refused the activities gets, instead of the bare AccessError, what
    to do about it.
    """
    ticks = parse_ticks(ticks)
    try:
        message = timer.finish_job(odoo, viewer, job_id, resolution)
    except AccessError as exc:
        if not _about_activities(exc):
            raise
        raise _refused_error(odoo, viewer, exc, "complete") from exc
    if ticks is None:
        return message
    try:
        steps = todo_steps(jobs.fetch_order(odoo, viewer, job_id, ["todo"]).get("todo"))
        if steps:
            jobs.post_text_note(odoo, viewer, job_id, checklist_note(steps, ticks))
    except (OdooError, ActionRefused) as exc:  # the job is finished; only the note is missing
        log.warning("checklist of job %s not noted: %s", job_id, exc)
        return _("%(message)s The checklist could not be written to the job's history.",
                 message=message)
    return message
