"""Sales: "Schedule the work": a job (``fsm.order``) from a confirmed order, prefilled.

The job is at the customer's service location (the order's ``fsm_location_id`` where OCA
``fieldservice_sale`` is installed, else the customer's own location, else their first), its
description lists the order's lines, and the order's history notes the job. Where
``fieldservice_sale`` is installed the job carries ``sale_id`` (Odoo's own link, and the order
is not scheduled twice); without it the job's description names the order.
Whether the add-on is there is asked of the server once (``fields_get``, cached): it is an
add-on, not a version fact, so :mod:`app.odoo.versions` has nothing to say about it.
"""

from __future__ import annotations

from markupsafe import Markup

from app.odoo import versions
from app.odoo.client import OdooCall
from app.platform import chatter
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.platform.ttl_cache import TTLCache, server_key
from app.services import jobs
from app.services.sales.common import (
    LINE_MODEL,
    MODEL,
    QuoteNotFound,
    QuoteRefused,
    SalesViewer,
    _m2o_id,
    _m2o_name,
    model_info,
    require_access,
)

JOB_MODEL = jobs.MODEL
LOCATION_MODEL = "fsm.location"
# OCA fieldservice_sale: fsm.order.sale_id (the order a job comes from) and
# sale.order.fsm_location_id (where the order's work is done).
LINK_FIELD = "sale_id"
ORDER_LOCATION_FIELD = "fsm_location_id"
_links = TTLCache(6 * 3600, shared="fieldservice-sale")


def has_sale_link(odoo) -> bool:
    """Whether jobs carry the order they come from here (1 fields_get, then cached)."""
    return _links.get(server_key(odoo, JOB_MODEL, LINK_FIELD), lambda: LINK_FIELD in (
        odoo.call(JOB_MODEL, "fields_get", [LINK_FIELD], attributes=["type"]) or {}))


def clear_cache():
    _links.clear()


def can_schedule(viewer: SalesViewer, state: str) -> bool:
    """The office schedules the work of a confirmed order (technicians do not dispatch)."""
    return not viewer.is_technician and state in ("sale", "done")


def job_description(order_name: str, lines: list[dict], version: int):
    """The job's description: the order's lines, as text (OCA up to 17) or HTML (18+)."""
    items = [(f"{line.get('product_uom_qty') or 0:g}",
              line.get("name") or _m2o_name(line.get("product_id")))
             for line in lines if not line.get("display_type")]
    title = _("Work from sales order %(name)s:", name=order_name)
    if versions.html_text_fields(version):
        rows = Markup("").join(Markup("<li>{} × {}</li>").format(q, n) for q, n in items)
        return str(Markup("<p>{}</p><ul>{}</ul>").format(title, rows))
    return "\n".join([title, *(f"- {q} × {n}" for q, n in items)])


def _location(odoo, order: dict, with_link: bool) -> tuple[int, str]:
    """(id, name) of where the work is done; :raises QuoteRefused: when the customer has none."""
    if with_link and _m2o_id(order.get(ORDER_LOCATION_FIELD)):
        return _m2o_id(order[ORDER_LOCATION_FIELD]), _m2o_name(order[ORDER_LOCATION_FIELD])
    partner = _m2o_id(order.get("partner_id"))
    shipping = _m2o_id(order.get("partner_shipping_id"))
    found = odoo.search_read(LOCATION_MODEL, [("owner_id", "child_of", partner)],
                             ["name", "partner_id"], order="name, id", limit=20)
    if not found:
        raise QuoteRefused(_("%(customer)s has no service location in Odoo yet: add one in "
                             "Field Service, then schedule the work.",
                             customer=_m2o_name(order.get("partner_id")) or _("The customer")))
    # The delivery address's own location, else the customer's own, else the first by name.
    for wanted in (shipping, partner):
        for loc in found:
            if wanted and _m2o_id(loc.get("partner_id")) == wanted:
                return loc["id"], loc.get("name") or ""
    return found[0]["id"], found[0].get("name") or ""


def schedule_work(odoo, viewer: SalesViewer, order_id: int) -> dict:
    """Create the job for a confirmed order: ``{"job_id", "message", "existing"}``.

    :raises QuoteRefused: a technician, an order not confirmed, no service location.
    :raises QuoteNotFound: an order the viewer may not see.
    """
    require_access(viewer)
    if viewer.is_technician:
        raise QuoteRefused(_("The office schedules the work of an order."))
    with_link = has_sale_link(odoo)
    line_fields = [f for f in ("product_id", "name", "product_uom_qty", "display_type")
                   if f in model_info(odoo).line_fields]
    fields = ["name", "state", "partner_id", "partner_shipping_id"]
    calls = [OdooCall("read", MODEL, [order_id], fields + ([ORDER_LOCATION_FIELD]
                                                           if with_link else [])),
             OdooCall("search_read", LINE_MODEL, [("order_id", "=", order_id)],
                      line_fields, order="sequence, id")]
    if with_link:
        calls.append(OdooCall("search_read", JOB_MODEL, [(LINK_FIELD, "=", order_id)],
                              ["name"], limit=1))
    found, lines, *earlier = odoo.parallel(calls)
    if not found:
        raise QuoteNotFound()
    order = found[0]
    name = order.get("name") or f"#{order_id}"
    if not can_schedule(viewer, order.get("state")):
        raise QuoteRefused(_("Confirm the quote before scheduling its work."))
    if earlier and earlier[0]:
        job = earlier[0][0]
        return {"job_id": job["id"], "existing": True,
                "message": _("%(order)s is already scheduled as job %(job)s.", order=name,
                             job=job.get("name") or job["id"])}
    location_id, location = _location(odoo, order, with_link)
    vals = {"location_id": location_id,
            "description": job_description(name, lines, viewer.version)}
    if with_link:
        vals[LINK_FIELD] = order_id
    job_id = odoo.create(JOB_MODEL, vals)
    job_name = (odoo.read(JOB_MODEL, [job_id], ["name"]) or [{}])[0].get("name") or f"#{job_id}"
    message = _("Job %(job)s created from %(order)s at %(location)s: choose the technician "
                "and the time.", job=job_name, order=name, location=location)
    note = Markup("<p>Job {} created for this order.</p>").format(job_name)
    try:
        chatter.post_note(odoo, viewer.version, MODEL, order_id, note)
    except ActionRefused:
        message = _("Job %(job)s created from %(order)s at %(location)s (the order's history "
                    "could not note it): choose the technician and the time.", job=job_name,
                    order=name, location=location)
    return {"job_id": job_id, "existing": False, "message": message}
