"""Jobs: the day's job pages read all at once, for the service worker's offline copies.

The worker keeps a copy of each of the day's job pages for reading without signal
(static/sw.js). Fetched one page at a time, they cost 2 or 3 Odoo calls per job; here every
job's order is read in one call and all their histories in one more, sent together: one round
trip and 2 calls whatever the number of jobs (the stages too when not cached; the checklists'
activities too on 15/16, which have no nested reads).

The histories come from one read of ``mail.message`` (:func:`chatter.history_call`): notes,
messages and photos, but not the stage-change lines, which Odoo gives only through its web
client's one-record routes. A copy shows them once its page has been opened online.
"""

from __future__ import annotations

from datetime import datetime

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall
from app.platform import chatter
from app.platform import timezone as tzs
from app.services.jobs.common import (
    MODEL,
    _m2o_id,
    detail_fields,
    get_stage_map,
    logger,
    own_domain,
    remember_stage_map,
    stage_call,
    stage_map_is_cached,
)
from app.services.jobs.detail import _from_web, _probed, _web_spec, shape_detail
from app.services.viewer import Viewer

# As many as the worker keeps (sw.js precachePages).
OFFLINE_LIMIT = 40


def _orders_call(viewer: Viewer, job_ids: list[int], fields: list[str], nested: dict | None):
    """The orders among ``job_ids`` the viewer may open: a technician's own only. A search, so
    a job deleted or never there is left out rather than refusing the others."""
    domain = [("id", "in", job_ids)] + (own_domain(viewer.partner_id)
                                        if viewer.is_technician else [])
    if nested:
        return OdooCall("call", MODEL, "web_search_read", domain,
                        specification=_web_spec(fields, nested))
    return OdooCall("search_read", MODEL, domain, fields)


def job_details(odoo, viewer: Viewer, job_ids, *, storage=None, now: datetime | None = None,
                nested: dict | None = None, alongside: OdooCall | None = None) -> list[dict]:
    """What :func:`job_detail` gives for each of ``job_ids`` the viewer may open (the others
    are left out), in the order asked, at most :data:`OFFLINE_LIMIT`. ``nested`` and
    ``alongside`` as ``checklists.details_reads`` gives them (``alongside``: one read for all
    the jobs whose rows name their order in ``fsm_order_id``)."""
    ids = list(dict.fromkeys(int(i) for i in job_ids))[:OFFLINE_LIMIT]
    if not ids:
        return []
    now = now or tzs.now_utc()
    fields = _probed(detail_fields(viewer.version))
    nested = nested if nested and versions.has_web_read(viewer.version) else None
    stages_cached = stage_map_is_cached(odoo, viewer)
    others = ([] if stages_cached else [stage_call()]) + ([alongside] if alongside else [])
    history = chatter.history_call(MODEL, ids, limit=chatter.MESSAGE_LIMIT * len(ids))
    found, messages, *rest = odoo.parallel(
        [_orders_call(viewer, ids, fields, nested), history, *others], return_errors=True)
    if isinstance(found, AccessError) and nested:
        # the nested records refused to this user (as fetch_order): read without them
        logger.info("orders %s read without %s (access refused)", ids, sorted(nested))
        return job_details(odoo, viewer, ids, storage=storage, now=now, alongside=alongside)
    for outcome in (found, messages, *([] if stages_cached else rest[:1])):
        if isinstance(outcome, Exception):
            raise outcome
    rows = found["records"] if isinstance(found, dict) else found
    stage_map = get_stage_map(odoo, viewer) if stages_cached \
        else remember_stage_map(odoo, viewer, rest.pop(0))
    by_order = chatter.histories(messages)
    position = {job_id: n for n, job_id in enumerate(ids)}
    out = []
    for row in sorted(rows, key=lambda r: position.get(r["id"], len(ids))):
        order = _from_web(row, nested) if nested else row
        if alongside is not None:
            side = rest[0]
            order["alongside"] = side if isinstance(side, Exception) else [
                r for r in side if _m2o_id(r.get("fsm_order_id")) == order["id"]]
        job = shape_detail(odoo, viewer, order, by_order.get(order["id"], []), stage_map,
                           storage=storage, now=now, nested=nested)
        job["history_without_tracking"] = True  # the page says so (jobs/_history.html)
        out.append(job)
    return out
