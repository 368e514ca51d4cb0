"""Field service jobs (OCA fieldservice ``fsm.order``): what Fieldkit knows about Odoo for them.

Routes hand in the request's ``OdooAPI`` and a :class:`Viewer` built from the Flask session and
get back plain dicts ready for the templates. Everything version-specific lives here:

* fields: ``description``/``resolution`` are text up to 17 and HTML from 18; ``mobile`` is gone in
  19; ``require_signature`` exists from 18; ``x_signature_url`` is Fieldkit's own field.
* history: read through :mod:`app.platform.chatter` (15 needs the order's ``message_ids``).
* ownership: OCA 16/17 restrict technicians to their own orders, OCA 18/19 only by company, so
  Fieldkit itself limits a technician to orders whose ``person_id`` or ``person_ids`` is the
  ``fsm.person`` sharing the user's partner, and refuses the others with a 403.
* stages are read from ``fsm.stage`` (``stage_type`` "order", by sequence), never hard-coded; the
  en-route, started, completed and cancelled stages are recognised by flag and name.

Photos and the signature are files on the order (:mod:`app.platform.media`): history notes and
``x_signature_url`` hold references bound to the order with an HMAC tag, and the detail page lists
them from the messages it reads anyway, so they cost no extra RPC.
"""

# The package is split along its seams; everything stays reachable as before.
from app.services.jobs.actions import (  # noqa: F401
    _post_note,
    add_note,
    add_photos,
    cancel_job,
    finish_job,
    post_text_note,
    save_signature,
    set_job_stage,
    start_job,
)
from app.services.jobs.common import (  # noqa: F401
    _CANCELLED,
    _COMPLETED,
    _EN_ROUTE,
    _STARTED,
    EQUIPMENT_CACHE_SECONDS,
    ETA_CHOICES,
    MODEL,
    NO_EMAIL_MESSAGE,
    PRIORITY_LABELS,
    STAGE_CACHE_SECONDS,
    JobActionError,
    JobForbidden,
    JobNotFound,
    Stage,
    StageMap,
    _dial,
    _equipment_cache,
    _m2o_id,
    _m2o_name,
    _stage_cache,
    _stage_cache_key,
    active_domain,
    address_line,
    build_stage_map,
    clear_stage_cache,
    company_fields,
    detail_fields,
    eta_text,
    format_window,
    get_stage_map,
    list_fields,
    local_day,
    logger,
    maps_url,
    own_domain,
    remember_stage_map,
    sms_url,
    stage_call,
    stage_map_is_cached,
    tel_url,
)
from app.services.jobs.detail import (  # noqa: F401
    EXISTENCE_FIELD,
    VERSION_HEADER,
    X2MANY_FIELDS,
    _from_web,
    _html_or_text,
    _web_spec,
    equipment_names,
    fetch_messages,
    fetch_order,
    fetch_order_with,
    finish_checks,
    job_detail,
    shape_detail,
    signature_on_file,
    version_conflict,
)
from app.services.jobs.listing import (  # noqa: F401
    ACTIVE_SPEC,
    group_jobs,
    list_active_jobs,
    summarize_order,
    technician_domain,
    technician_options,
)
from app.services.jobs.offline import OFFLINE_LIMIT, job_details  # noqa: F401
