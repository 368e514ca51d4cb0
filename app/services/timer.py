"""The job timer: start, pause, resume, stop; the worked time goes to Odoo.

The running timer lives in the shared store (app/platform/store.py), keyed by database, job and
user, so it survives a reload, a lost connection and an app restart, and every worker sees it;
the server's clock is the truth, never the phone's. Stopping it writes the time to Odoo as the
technician, as a line of hr_timesheet's account.analytic.line, using OCA's field-service add-ons
when the database has them (found with fields_get, cached per server):

* fieldservice_project (15-19): the line goes on the order's project (``project_id``);
* fieldservice_timesheet (18-19): the line also names the order (``fsm_order_id``), and the
  order lists its lines (``timesheet_ids``): the job page shows the time logged in Odoo;
* fieldservice_account_analytic (15-17): the line names the order (``fsm_order_id``) and Odoo
  fills its analytic account from the order's location; without a project this is how the time
  reaches the books.

Without any of them, or when Odoo refuses the line (no analytic account on the location, no
employee for the user), the time is written as a note on the order, with Odoo's reason.
"""
from __future__ import annotations

import json
import logging
import math
import time

from app.odoo.client import OdooError, OdooUnavailable, UserError
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.store import StoreError, get_store, read
from app.platform.ttl_cache import TTLCache, server_key
from app.services import jobs, report

log = logging.getLogger(__name__)

PREFIX = "timer:"
KEEP_SECONDS = 14 * 86400   # a timer forgotten for two weeks is dropped, not logged
MIN_SECONDS = 60            # Odoo counts hours: less than a minute is not worth a line
LINE_MODEL = "account.analytic.line"
# The optional fields the add-ons give orders and lines; installing an add-on is rare, so a
# server's answer is kept for hours (a restart or `clear_cache()` forgets it).
ORDER_FIELDS = ("project_id", "timesheet_ids")
_fields = TTLCache(6 * 3600, shared="timer-fields",
                   encode=lambda v: sorted(v) if isinstance(v, frozenset) else v,
                   decode=lambda v: frozenset(v) if isinstance(v, list) else v)


def _key(odoo, viewer, job_id):
    return f"{PREFIX}{odoo.db or ''}:{job_id}:{viewer.user_id}"


def store_key(odoo, viewer, job_id) -> str:
    """The store key of the viewer's timer on a job (for :func:`store.prefetch`)."""
    return _key(odoo, viewer, job_id)


def _load(odoo, viewer, job_id):
    raw = read(get_store(), _key(odoo, viewer, job_id))
    return json.loads(raw) if raw else None


def _save(odoo, viewer, job_id, value):
    get_store().set(_key(odoo, viewer, job_id), json.dumps(value), KEEP_SECONDS)


def _now():
    return time.time()


def elapsed(value, now=None) -> int:
    """Whole seconds worked on a stored timer."""
    if not value:
        return 0
    seconds = value.get("elapsed", 0)
    if value.get("running_since"):
        seconds += (now or _now()) - value["running_since"]
    return int(max(0, seconds))


def fmt(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def status(odoo, viewer, job_id, logged_hours=None) -> dict:
    """For the job page: state (idle | running | paused), seconds so far, and their text;
    ``logged``: the text of the order's time in Odoo (:func:`logged_hours`), when known."""
    try:
        value = _load(odoo, viewer, job_id)
    except StoreError as exc:  # the page still works; the buttons then say what failed
        log.error("timer of job %s unreadable: %s", job_id, exc)
        value = None
    logged = None if logged_hours is None else worked_text(round(logged_hours * 60))
    return {**_describe(value), "logged": logged}


def _describe(value) -> dict:
    state = "idle" if not value else ("running" if value.get("running_since") else "paused")
    seconds = elapsed(value)
    return {"state": state, "seconds": seconds, "text": fmt(seconds)}


def running(odoo, viewer, job_ids) -> dict:
    """{job id: status} of the viewer's timers that are not idle among `job_ids`, in one store
    read (the job cards of a list); {} while the store is out (the list still shows)."""
    keys = {_key(odoo, viewer, job_id): job_id for job_id in job_ids}
    try:
        found = get_store().get_many(keys) if keys else {}
    except StoreError as exc:
        log.error("timers of the job list unreadable: %s", exc)
        return {}
    statuses = {keys[key]: _describe(json.loads(raw)) for key, raw in found.items()}
    return {job_id: s for job_id, s in statuses.items() if s["state"] != "idle"}


def _open_job(odoo, viewer, job_id):
    _order_fields(odoo)  # learn the add-ons now, so the job page can show the logged time
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", "is_closed", "date_start"])
    if order.get("is_closed"):
        raise jobs.JobActionError(_("This job is closed: its time can no longer be tracked."))
    return order


def _run(odoo, viewer, job_id) -> str:
    """Set the stored timer running (from where it stopped); the message."""
    value = _load(odoo, viewer, job_id) or {"elapsed": 0}
    resumed = value["elapsed"] > 0
    value["running_since"] = _now()
    _save(odoo, viewer, job_id, value)
    return _("Timer resumed.") if resumed else _("Timer started.")


def start(odoo, viewer, job_id) -> str:
    """The timer's start (or resume) button. One clock (issue 27): a job's time runs only on a
    started job, so on a job not started yet this starts the job too."""
    order = _open_job(odoo, viewer, job_id)
    value = _load(odoo, viewer, job_id)
    if value and value.get("running_since"):
        raise jobs.JobActionError(_("The timer is already running."))
    if not order.get("date_start"):
        return start_job(odoo, viewer, job_id)
    return _run(odoo, viewer, job_id)


def start_job(odoo, viewer, job_id) -> str:
    """Start the job (jobs.start_job) and its time: one tap, one clock. When the store is down
    the job is still started, and the message says the time is not running."""
    message = jobs.start_job(odoo, viewer, job_id)
    try:
        value = _load(odoo, viewer, job_id)
        running = _("Timer running.") if value and value.get("running_since") \
            else _run(odoo, viewer, job_id)
    except StoreError as exc:
        log.error("timer of job %s not started with the job: %s", job_id, exc)
        running = _("The timer could not start: press Start timer.")
    return f"{message} {running}"


def pause(odoo, viewer, job_id) -> str:
    jobs.fetch_order(odoo, viewer, job_id, ["name"])
    value = _load(odoo, viewer, job_id)
    if not value or not value.get("running_since"):
        raise jobs.JobActionError(_("The timer is not running."))
    value = {"elapsed": elapsed(value)}
    _save(odoo, viewer, job_id, value)
    return _("Timer paused at %(time)s.", time=fmt(value["elapsed"]))


def stop(odoo, viewer, job_id) -> str:
    """Stop the timer and write its time to Odoo (see the module doc)."""
    fields = ["name"] + (["project_id"] if "project_id" in _order_fields(odoo) else [])
    order = jobs.fetch_order(odoo, viewer, job_id, fields)
    value = _load(odoo, viewer, job_id)
    if not value:
        raise jobs.JobActionError(_("The timer is not running."))
    seconds = elapsed(value)
    message = log_time(odoo, viewer, order, seconds)
    get_store().delete(_key(odoo, viewer, job_id))
    return message


def stop_if_running(odoo, viewer, job_id) -> str:
    """Finish stops the timer: '' when there was none."""
    if not _load(odoo, viewer, job_id):
        return ""
    return stop(odoo, viewer, job_id)


def finish_job(odoo, viewer, job_id, resolution) -> str:
    """Finish the job (report.finish_job: the signed report attached and emailed), then stop
    its timer and log the time."""
    message = report.finish_job(odoo, viewer, job_id, resolution)
    try:
        stopped = stop_if_running(odoo, viewer, job_id)
    except OdooError as exc:  # the job is finished; the time stays on the timer to log later
        log.warning("timer of job %s not logged at finish: %s", job_id, exc)
        stopped = _("The timer's time could not be written to Odoo; stop it again later.")
    return f"{message} {stopped}".strip()


def _order_fields(odoo) -> frozenset:
    """Which of ORDER_FIELDS fsm.order has on this server (1 fields_get, then cached)."""
    return _fields.get(server_key(odoo, "fsm.order"), lambda: frozenset(
        odoo.call("fsm.order", "fields_get", list(ORDER_FIELDS), attributes=["type"]) or {}))


def _line_names_order(odoo) -> bool:
    """Whether timesheet lines have ``fsm_order_id`` (fieldservice_timesheet or
    fieldservice_account_analytic): 1 fields_get, then cached."""
    def load():
        try:
            found = odoo.call(LINE_MODEL, "fields_get", ["fsm_order_id"], attributes=["type"])
        except OdooUnavailable:
            raise  # not an answer: ask again next time
        except OdooError as exc:  # no analytic lines here (hr_timesheet missing), or not ours
            log.info("no timesheet lines on this server: %s", exc)
            return False
        return "fsm_order_id" in (found or {})
    return _fields.get(server_key(odoo, LINE_MODEL), load)


def detail_nested(odoo) -> dict:
    """What the job page reads with the order for :func:`logged_hours` (no RPC: known only once
    a timer action has asked the server, so the page's budget never pays for it)."""
    key = server_key(odoo, "fsm.order")
    if _fields.has(key) and "timesheet_ids" in _order_fields(odoo):
        return {"timesheet_ids": ["unit_amount"]}
    return {}


def logged_hours(job) -> float | None:
    """The hours logged on the order in Odoo (fieldservice_timesheet's ``timesheet_ids``, read
    with the order through :func:`detail_nested`: no RPC of its own), or None when unknown."""
    lines = (job.get("extra") or {}).get("timesheet_ids")
    if lines is None:
        return None
    return sum(line.get("unit_amount") or 0.0 for line in lines)


def worked_text(minutes: int) -> str:
    return _("%(hours)d h %(minutes)02d min", hours=minutes // 60, minutes=minutes % 60)


def _line_target(odoo, order) -> dict | None:
    """What links the line to the job: the order's project and/or the order itself (see the
    module doc); None when this server gives neither."""
    project = order.get("project_id")
    project = project[0] if isinstance(project, list) else project
    names_order = _line_names_order(odoo)
    if project:
        return {"project_id": project, **({"fsm_order_id": order["id"]} if names_order else {})}
    if names_order and "timesheet_ids" not in _order_fields(odoo):
        # fieldservice_account_analytic: Odoo takes the location's analytic account
        # (fieldservice_timesheet's lines need a project: its fsm_order_id domain says so)
        return {"fsm_order_id": order["id"]}
    return None


def log_time(odoo, viewer, order, seconds) -> str:
    """A timesheet line for the order, or a note on the order. Returns the message."""
    minutes = max(1, round(seconds / 60)) if seconds >= MIN_SECONDS else 0
    if not minutes:
        return _("Timer stopped (less than a minute: nothing written to Odoo).")
    hours = math.ceil(minutes / 60 * 100) / 100   # two decimals, never under the time worked
    worked = worked_text(minutes)
    target = _line_target(odoo, order)
    refused = ""
    if target is not None:
        try:
            odoo.create(LINE_MODEL, {
                "name": _("%(job)s: work on site", job=order.get("name")),
                "unit_amount": hours,
                "date": tzs.today(viewer.tz).isoformat(),
                **target,
            })
        except UserError as exc:  # e.g. no employee, no analytic account: keep it as a note
            log.info("timesheet refused for job %s: %s", order.get("id"), exc)
            refused = " " + _("Odoo refused the timesheet line: %(reason)s",
                              reason=exc.user_message)
        else:
            return _("Timer stopped: %(time)s written to the timesheet.", time=worked)
    jobs.post_text_note(odoo, viewer, order["id"],
                        _("Time worked on site: %(time)s (timer of %(name)s).", time=worked,
                          name=viewer.name) + refused)
    return _("Timer stopped: %(time)s noted on the job.", time=worked) + refused


def clear_cache():
    _fields.clear()


ACTIONS = {"start": start, "resume": start, "pause": pause, "stop": stop}


def act(odoo, viewer, job_id, action) -> str:
    """Run the timer button the technician pressed (start, pause, resume, stop)."""
    run = ACTIONS.get(action)
    if run is None:
        raise jobs.JobActionError(_("Unknown timer action. Please refresh the page."))
    return run(odoo, viewer, job_id)
