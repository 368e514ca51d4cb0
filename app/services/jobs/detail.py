"""Jobs: one order, read with ownership checks, its history and the job page."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from app.odoo import versions
from app.odoo.client import AccessError, OdooCall, OdooError
from app.platform import chatter, media
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _
from app.platform.s3_service import get_storage
from app.platform.sanitize import html_to_text, is_blank_html, sanitize_html, text_to_html
from app.platform.ttl_cache import server_key
from app.services.jobs.common import (  # noqa: F401 (X2MANY_FIELDS, _from_web, _web_spec: re-exported)
    ETA_CHOICES,
    MODEL,
    X2MANY_FIELDS,
    JobForbidden,
    JobNotFound,
    _equipment_cache,
    _from_web,
    _m2o_name,
    _web_spec,
    detail_fields,
    eta_text,
    get_stage_map,
    logger,
    own_domain,
    remember_stage_map,
    sms_url,
    stage_call,
    stage_map_is_cached,
)
from app.services.jobs.listing import summarize_order
from app.services.viewer import Viewer

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
    changed = fmt.format_datetime(order.get("write_date"), viewer.tz)
    return {
        _("Changed"): _("%(when)s by %(name)s", when=changed,
                        name=_m2o_name(order.get("write_uid")))
        if order.get("write_uid") else changed,
        _("Stage"): _m2o_name(order.get("stage_id")) or _("none"),
        _("Technician"): _m2o_name(order.get("person_id")) or _("unassigned"),
        _("Scheduled"): fmt.format_datetime(order.get("scheduled_date_start"), viewer.tz)
        if order.get("scheduled_date_start") else _("not scheduled"),
        _("Closed"): _("yes") if order.get("is_closed") else _("no"),
    }


def fetch_order(
    odoo,
    viewer: Viewer,
    job_id: int,
    fields: list[str],
    *,
    nested: dict | None = None,
    alongside: OdooCall | None = None,
) -> dict:
    """Read one order the viewer may act on (1 RPC; 2 when refusing).

    ``nested`` (17+, where Odoo has ``web_read``): x2many field -> fields of its records, read
    in the same call (e.g. the hours of the order's timesheet lines); their values are lists
    of dicts. Other fields come as ``read`` gives them.
    ``alongside``: one more read sent at the same time as the order's (one round trip, e.g.
    the order's activities on 15/16, which have no ``web_read``); its result, or its OdooError,
    is returned under the order's key ``"alongside"`` and only after the order was found.

    :raises JobNotFound: when there is no such order.
    :raises JobForbidden: when a technician asks for another technician's order.
    """
    fields = _probed(fields)
    if nested and versions.has_web_read(viewer.version):
        try:
            call = _order_call(viewer, job_id, fields, nested)
            return _found_order(odoo, viewer, job_id, call.run(odoo), nested)
        except AccessError:  # e.g. the nested records are not readable for this user
            logger.info("order %s read without %s (access refused)", job_id, sorted(nested))
    if alongside is None:
        return _found_order(odoo, viewer, job_id, _order_call(viewer, job_id, fields).run(odoo))
    order, (side,) = _order_and(odoo, viewer, job_id, fields, [alongside])
    order["alongside"] = side
    return order


def fetch_order_with(odoo, viewer: Viewer, job_id: int, fields: list[str], others) -> tuple:
    """:func:`fetch_order` and ``others`` (reads that need only the job's id) sent together:
    one round trip. Returns ``(order, [others' results])``; the others count only once the
    order is the viewer's (else its refusal is raised, whatever they answered)."""
    order, outcomes = _order_and(odoo, viewer, job_id, _probed(fields), others)
    for outcome in outcomes:
        if isinstance(outcome, OdooError):
            raise outcome
    return order, outcomes


def _order_and(odoo, viewer: Viewer, job_id: int, fields: list[str], others) -> tuple:
    """The order's read and ``others`` in one round trip: (the order, the others' results or
    errors); the order's refusal or error is raised first."""
    found, *outcomes = odoo.parallel([_order_call(viewer, job_id, fields), *others],
                                     return_errors=True)
    if isinstance(found, OdooError):
        raise found
    return _found_order(odoo, viewer, job_id, found), outcomes


def _probed(fields):
    # Odoo answers a read of ["id"] alone with [{"id": job_id}] even when no such record exists
    # (nothing is fetched), so existence is always probed with a real field.
    return [name for name in fields if name != "id"] or [EXISTENCE_FIELD]


def _order_call(viewer: Viewer, job_id: int, fields: list[str], nested: dict | None = None):
    """The read of one order as the viewer may see it: a technician's own orders only."""
    own = [("id", "=", job_id)] + own_domain(viewer.partner_id) if viewer.is_technician else None
    if nested:
        spec = _web_spec(fields, nested)
        if own:
            return OdooCall("call", MODEL, "web_search_read", own, specification=spec)
        return OdooCall("call", MODEL, "web_read", [job_id], spec)
    if own:
        return OdooCall("search_read", MODEL, own, fields)
    return OdooCall("read", MODEL, [job_id], fields)


def _found_order(odoo, viewer: Viewer, job_id: int, result, nested: dict | None = None) -> dict:
    """The order in `result` (of :func:`_order_call`), or the refusal: a technician's order
    that is not theirs (16/17 raise AccessError on the probe) or no such order."""
    rows = result["records"] if isinstance(result, dict) else result
    if rows:
        return _from_web(rows[0], nested) if nested else rows[0]
    if viewer.is_technician and odoo.read(MODEL, [job_id], [EXISTENCE_FIELD]):
        raise JobForbidden()
    raise JobNotFound()


def _order_with_history(odoo, viewer: Viewer, job_id: int, fields: list[str],
                        nested: dict | None, alongside: OdooCall | None = None, more=()):
    """The order, its history, the stage map (when not cached), ``alongside`` (see
    :func:`fetch_order`) and ``more`` for the job page, sent together: one round trip. 15
    reads the history after the order (its message_ids first); a ``message_ids`` in
    ``nested`` (17+, :func:`chatter.nested_history`) is the history read with the order."""
    fields = _probed(fields)
    nested = nested if nested and versions.has_web_read(viewer.version) else None
    stages_cached = stage_map_is_cached(odoo, viewer)
    others = [*([] if stages_cached else [stage_call()]), *([alongside] if alongside else []),
              *more]
    try:
        result, messages, rest = chatter.read_with_history(
            odoo, viewer.version, MODEL, job_id, _order_call(viewer, job_id, fields, nested),
            others=others, keep_errors=True, nested=bool(nested and "message_ids" in nested))
    except AccessError:
        if not nested:
            raise
        logger.info("order %s read without %s (access refused)", job_id, sorted(nested))
        order = fetch_order(odoo, viewer, job_id, fields, alongside=alongside)
        return order, fetch_messages(odoo, viewer, order), get_stage_map(odoo, viewer)
    order = _found_order(odoo, viewer, job_id, result, nested)
    if stages_cached:
        stage_map = get_stage_map(odoo, viewer)
    else:
        if isinstance(rest[0], Exception):
            raise rest[0]
        stage_map = remember_stage_map(odoo, viewer, rest.pop(0))
    if alongside is not None:
        order["alongside"] = rest.pop(0)  # its result or its error: the caller decides
    if more:
        order["more"] = rest  # as alongside's
    if messages is None:
        messages = fetch_messages(odoo, viewer, order)
    return order, messages, stage_map


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
    if versions.html_text_fields(version) or str(value).lstrip().startswith("<"):
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
            "label": _("Resolution: what was done"),
            "ok": not is_blank_html(order.get("resolution")),
            "note": _("asked for below"),
        },
        {"label": _("Start time"), "ok": bool(order.get("date_start")),
         "note": _("set now if missing")},
        {"label": _("End time"), "ok": bool(order.get("date_end")),
         "note": _("set when you finish")},
    ]
    if order.get("require_signature"):
        checks.append(
            {
                "label": _("Customer signature (required by your company)"),
                "ok": signed,
                "note": _("collect it below first"),
            }
        )
    return checks




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
    alongside: OdooCall | None = None,
    more_fields: tuple = (),
    more: tuple = (),
) -> dict:
    """Everything needed on site for one job. 2 RPCs sent together: the order and its history
    (with the stages when they are not cached: 3, still one round trip).

    The stages are cached per company (see :func:`get_stage_map`) and the equipment names per
    set (:func:`equipment_names`): a cold cache adds one call each. The parts used and the
    reports attached earlier have their own pages (inventory.job_parts_page, jobs.reports).
    ``nested`` (see :func:`fetch_order`) is read with the order (no extra RPC) and returned
    under ``"extra"``, for the partials of other services (the timer's ``timesheet_ids``), as is
    the result of ``alongside`` (see :func:`fetch_order`; under ``"alongside"``), and the
    order's ``more_fields`` as Odoo gives them (e.g. the report's ``company_id``). ``more``:
    other reads sent with the order, their results (or errors) under ``"extra"`` ``"more"``
    (missing when the order had to be read again without ``nested``).

    :raises JobNotFound: / :raises JobForbidden: see :func:`fetch_order`.
    """
    now = now or tzs.now_utc()
    fields = list(dict.fromkeys([*detail_fields(viewer.version), *more_fields]))
    order, messages, stage_map = _order_with_history(odoo, viewer, job_id, fields, nested,
                                                     alongside, more)
    job = shape_detail(odoo, viewer, order, messages, stage_map, storage=storage, now=now,
                       nested=nested)
    job["extra"].update({name: order.get(name) for name in more_fields})
    return job


def shape_detail(odoo, viewer: Viewer, order: dict, messages: list[dict], stage_map, *,
                 storage=None, now: datetime | None = None, nested: dict | None = None) -> dict:
    """The job page's data from the order (read with :func:`detail_fields`), its history and
    the stage map: what :func:`job_detail` returns (no RPC, but the equipment names' when
    they are not cached)."""
    now = now or tzs.now_utc()
    job_id = order["id"]
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
        # As Odoo has them, for the service report (no second read of the order).
        "location_ref": order.get("location_id"),
        "signature_ref": order.get("x_signature_url"),
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
        "started_at": fmt.relative_day(order.get("date_start"), viewer.tz, now),
        "ended_at": fmt.relative_day(order.get("date_end"), viewer.tz, now),
        "is_started": bool(order.get("date_start")),
        # what the job page leads with (jobs/detail.html): before the start, working, closed
        "phase": "closed" if closed else ("working" if order.get("date_start") else "before"),
        "is_ended": bool(order.get("date_end")),
        "signature_url": signature_url,
        "has_signature": signed,
        "require_signature": bool(order.get("require_signature")),
        "messages": messages,
        "photos": files["photos"],
        "videos": files["videos"],
        "finish_checks": finish_checks(order, viewer, signed=signed),
        "extra": {name: order[name] for name in [*(nested or {}), "alongside", "more"]
                  if name in order},
        "actions": {
            "can_act": not closed,
            # On my way / start / finish in the header are the technician's; the office gets
            # its own next step there (assign or reschedule), the rest stays in the sections.
            "field": viewer.is_technician,
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
