"""The job timer: start, pause, resume, stop; the worked time goes to Odoo.

The running timer lives in the shared store (app/services/store.py), keyed by database, job and
user, so it survives a reload, a lost connection and an app restart, and every worker sees it;
the server's clock is the truth, never the phone's. Stopping it writes the time to Odoo as the
technician: a timesheet line (hr_timesheet's account.analytic.line) on the order's project
(OCA fieldservice_project's `project_id`) when there is one, else (no project, no timesheets,
or Odoo refuses the line, e.g. no employee for the user) a note on the order with the time.
"""
from __future__ import annotations

import json
import logging
import math
import time

from app.services import jobs
from app.services import timezone as tzs
from app.services.odoo_api import OdooError, UserError
from app.services.store import StoreError, get_store

log = logging.getLogger(__name__)

PREFIX = "timer:"
KEEP_SECONDS = 14 * 86400   # a timer forgotten for two weeks is dropped, not logged
MIN_SECONDS = 60            # Odoo counts hours: less than a minute is not worth a line
# (odoo url, db) -> does fsm.order have project_id (fieldservice_project installed)?
_project_field = {}


def _key(odoo, viewer, job_id):
    return f"{PREFIX}{odoo.db or ''}:{job_id}:{viewer.user_id}"


def _load(odoo, viewer, job_id):
    raw = get_store().get(_key(odoo, viewer, job_id))
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


def status(odoo, viewer, job_id) -> dict:
    """For the job page: state (idle | running | paused), seconds so far, and their text."""
    try:
        value = _load(odoo, viewer, job_id)
    except StoreError as exc:  # the page still works; the buttons then say what failed
        log.error("timer of job %s unreadable: %s", job_id, exc)
        value = None
    state = "idle" if not value else ("running" if value.get("running_since") else "paused")
    seconds = elapsed(value)
    return {"state": state, "seconds": seconds, "text": fmt(seconds)}


def _open_job(odoo, viewer, job_id):
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", "is_closed"])
    if order.get("is_closed"):
        raise jobs.JobActionError("This job is closed: its time can no longer be tracked.")
    return order


def start(odoo, viewer, job_id) -> str:
    _open_job(odoo, viewer, job_id)
    value = _load(odoo, viewer, job_id)
    if value and value.get("running_since"):
        raise jobs.JobActionError("The timer is already running.")
    value = value or {"elapsed": 0}
    resumed = value["elapsed"] > 0
    value["running_since"] = _now()
    _save(odoo, viewer, job_id, value)
    return "Timer resumed." if resumed else "Timer started."


def pause(odoo, viewer, job_id) -> str:
    jobs.fetch_order(odoo, viewer, job_id, ["name"])
    value = _load(odoo, viewer, job_id)
    if not value or not value.get("running_since"):
        raise jobs.JobActionError("The timer is not running.")
    value = {"elapsed": elapsed(value)}
    _save(odoo, viewer, job_id, value)
    return f"Timer paused at {fmt(value['elapsed'])}."


def stop(odoo, viewer, job_id) -> str:
    """Stop the timer and write its time to Odoo (see the module doc)."""
    order = jobs.fetch_order(odoo, viewer, job_id, _order_fields(odoo))
    value = _load(odoo, viewer, job_id)
    if not value:
        raise jobs.JobActionError("The timer is not running.")
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
    """Finish the job (jobs.finish_job), then stop its timer and log the time."""
    message = jobs.finish_job(odoo, viewer, job_id, resolution)
    try:
        stopped = stop_if_running(odoo, viewer, job_id)
    except OdooError as exc:  # the job is finished; the time stays on the timer to log later
        log.warning("timer of job %s not logged at finish: %s", job_id, exc)
        stopped = "The timer's time could not be written to Odoo; stop it again later."
    return f"{message} {stopped}".strip()


def _order_fields(odoo):
    return ["name", "project_id"] if _has_project(odoo) else ["name"]


def _has_project(odoo) -> bool:
    key = (odoo.base_url, odoo.db)
    if key not in _project_field:
        fields = odoo.call("fsm.order", "fields_get", ["project_id"], attributes=["type"])
        _project_field[key] = "project_id" in (fields or {})
    return _project_field[key]


def log_time(odoo, viewer, order, seconds) -> str:
    """A timesheet line on the order's project, or a note on the order. Returns the message."""
    minutes = max(1, round(seconds / 60)) if seconds >= MIN_SECONDS else 0
    if not minutes:
        return "Timer stopped (less than a minute: nothing written to Odoo)."
    hours = math.ceil(minutes / 60 * 100) / 100   # two decimals, never under the time worked
    worked = f"{minutes // 60} h {minutes % 60:02d} min"
    project = order.get("project_id")
    if project:
        try:
            odoo.create("account.analytic.line", {
                "name": f"{order.get('name')}: work on site",
                "project_id": project[0] if isinstance(project, list) else project,
                "unit_amount": hours,
                "date": tzs.today(viewer.tz).isoformat(),
            })
        except UserError as exc:  # e.g. no employee for this user: keep the time as a note
            log.info("timesheet refused for job %s: %s", order.get("id"), exc)
        else:
            return f"Timer stopped: {worked} written to the timesheet."
    jobs.post_text_note(odoo, viewer, order["id"], f"Time worked on site: {worked} "
                                                   f"(timer of {viewer.name}).")
    return f"Timer stopped: {worked} noted on the job."


def clear_cache():
    _project_field.clear()



ACTIONS = {"start": start, "resume": start, "pause": pause, "stop": stop}


def act(odoo, viewer, job_id, action) -> str:
    """Run the timer button the technician pressed (start, pause, resume, stop)."""
    run = ACTIONS.get(action)
    if run is None:
        raise jobs.JobActionError("Unknown timer action. Please refresh the page.")
    return run(odoo, viewer, job_id)
