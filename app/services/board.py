"""The jobs board (office): open jobs, and those closed today, as columns by stage in stage
order; moving a card runs the job page's own actions.

The board never grows with the data (issue 26): it shows a window of cards (the shared
:class:`~app.platform.listing.BoardWindow`: the first cards of all the columns, or one column a
page at a time) and every column's count from a ``read_group`` sent with the cards' read:
2 RPCs in one round trip (the stages join them when their cache is cold).
"""

from __future__ import annotations

from datetime import datetime

from app.odoo.client import OdooCall
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.listing import BoardWindow
from app.services import jobs, report
from app.services.dispatch import AssignError
from app.services.jobs import _m2o_id
from app.services.viewer import Viewer

MODEL = "fsm.order"


def load_board(odoo, viewer: Viewer, window: BoardWindow | None = None, *,
               now: datetime | None = None) -> dict:
    """The board's columns, each with its count and the cards of the window."""
    window = window or BoardWindow.from_args({})
    now = now or tzs.now_utc()
    today = tzs.today(viewer.tz, now)
    domain = jobs.active_domain(viewer, tzs.day_range_utc(today, viewer.tz)[0])
    calls = [OdooCall("read_group", MODEL, domain, ["stage_id"], ["stage_id"]),
             OdooCall("search_read", MODEL, domain + window.domain(),
                      jobs.list_fields(viewer.version) + jobs.company_fields(viewer),
                      order="scheduled_date_start, id", **window.read_kwargs())]
    cold = not jobs.stage_map_is_cached(odoo, viewer)
    if cold:
        calls.append(jobs.stage_call())
    groups, orders, *stages = odoo.parallel(calls)
    stage_map = jobs.remember_stage_map(odoo, viewer, stages[0]) if cold else \
        jobs.get_stage_map(odoo, viewer)
    counts = {_m2o_id(g.get("stage_id")): int(g.get("stage_id_count") or g.get("__count") or 0)
              for g in groups}
    rows = [jobs.summarize_order(o, stage_map, viewer.tz, now, today=today, links=False)
            for o in orders]
    for row in rows:  # flagged as on the jobs table
        row["overdue"] = not row["is_closed"] and row["local_day"] is not None \
            and row["local_day"] < today
    columns = []
    for stage in stage_map.stages:
        cards = [r for r in rows if r["stage"]["id"] == stage.id]
        kind = ("completed" if stage == stage_map.completed else
                "cancelled" if stage == stage_map.cancelled else "open")
        columns.append({"id": stage.id, "name": stage.name, "kind": kind, "cards": cards,
                        "closed": stage.is_closed,
                        **window.column(stage.id, counts.get(stage.id, 0), len(cards))})
    return {"columns": columns, "count": sum(counts.values()), "shown": len(rows),
            "window": window,
            "stages": [{"id": c["id"], "name": c["name"], "kind": c["kind"]} for c in columns],
            "tz": str(tzs.get_tz(viewer.tz))}


def move_on_board(odoo, viewer: Viewer, job_id: int, stage_id, resolution="") -> str:
    """Move a job to a board column with the job page's own rules: the completed column runs
    the finish action (a resolution is required), the cancelled one cancels."""
    stage_map = jobs.get_stage_map(odoo, viewer)
    try:
        target = stage_map.get(int(stage_id))
    except (TypeError, ValueError):
        target = None
    if target is None:
        raise AssignError(_("That column does not exist any more. Refresh the board."))
    if stage_map.completed and target.id == stage_map.completed.id:
        return report.finish_job(odoo, viewer, job_id, resolution or "")
    if stage_map.cancelled and target.id == stage_map.cancelled.id:
        return jobs.cancel_job(odoo, viewer, job_id)
    return jobs.set_job_stage(odoo, viewer, job_id, target.id)
