"""Inventory (Odoo ``stock``): transfers to do, working one, the van's stock, parts used on jobs.

Routes hand in the request's ``OdooAPI`` and a :class:`~app.services.viewer.Viewer` and get back
plain dicts. Everything Odoo-specific lives here:

* quantity fields are read from ``stock.move``'s ``fields_get`` once per process: up to 16 a move
  has ``quantity_done`` (and the reservation in ``reserved_availability``); from 17 it has
  ``quantity`` plus the ``picked`` flag, and Fieldkit writes both, as the web client does.
* validating follows Odoo's answers: ``button_validate`` may answer a wizard action instead of
  ``True`` (the immediate transfer up to 16, the backorder question when quantities are short,
  stock_sms's one-time SMS question after either). Fieldkit asks the user the same question,
  calls the chosen button on the wizard Odoo made (``res_id``) or on a new one created under
  the action's context, and follows again until Odoo answers without an action.
* the van: the technician's van is a warehouse (Odoo's usual way to model vans). It is the
  worker's *Default Warehouse* (``fsm.person.default_warehouse_id``, OCA fieldservice_stock) when
  that add-on is installed and set, else the user's *Default Warehouse* (``res.users
  .property_warehouse_id``, from sale_stock), else the company's first warehouse. Its stock
  location (``lot_stock_id``) is what "the van" holds; parts leave from there.
* ownership: Odoo lets every stock user touch every transfer of the company; Fieldkit lets a
  technician work only transfers without a Responsible or with themselves as Responsible.
* parts used on a job are stock moves in one delivery per job (origin = the job's reference,
  ``fsm_order_id`` set too when fieldservice_stock adds it), from the van to the job location's
  inventory location (fieldservice_stock) or the customers location, validated when the job is
  finished.
"""

# The package is split along its seams; everything stays reachable as before.
from app.services.inventory.common import (  # noqa: F401
    AUTO_ANSWERS,
    AUTO_CONTEXT,
    CACHE_SECONDS,
    KIND_FILTERS,
    LIST_LIMIT,
    LIST_SPEC,
    LOW_QUANTITY,
    MAX_QUANTITY,
    MOVE_LIMIT,
    OPEN_STATES,
    PICKING_DETAIL_FIELDS,
    PICKING_LIST_FIELDS,
    QUESTION_MAX_AGE,
    STATE_LABELS,
    STATE_TONES,
    STATUS_FILTERS,
    VAN_LIMIT,
    WIZARDS,
    InventoryError,
    QuantityFields,
    TransferForbidden,
    TransferNotFound,
    _cache,
    _cached,
    _m2o_id,
    _m2o_name,
    _server_key,
    clear_caches,
    format_quantity,
    logger,
    model_fields,
    parse_quantity,
    quantity_fields,
)
from app.services.inventory.detail import (  # noqa: F401
    _allowed,
    _moves_call,
    _picking_fields,
    fetch_moves,
    fetch_picking,
    product_codes,
    summarize_move,
    transfer_detail,
)
from app.services.inventory.listing import (  # noqa: F401
    find_by_reference,
    list_domain,
    list_transfers,
    own_domain,
    search_domain,
    summarize_picking,
)
from app.services.inventory.parts import (  # noqa: F401
    PART_FIELDS,
    PartChoice,
    _job_delivery,
    _new_delivery_vals,
    add_part,
    find_products,
    job_moves,
    job_parts,
    known_job_name,
    moves_call,
    parts_domain,
    parts_job,
    parts_of,
    remember_job_name,
    remove_part,
    safe_validate_job_parts,
    suggest_parts,
    validate_job_parts,
    van_stock,
)
from app.services.inventory.van import (  # noqa: F401
    Van,
    _load_van,
    _person_warehouse,
    _user_warehouse,
    get_van,
    van_is_cached,
)
from app.services.inventory.work import (  # noqa: F401
    Outcome,
    _outcome,
    _press,
    _serializer,
    _workable,
    answer_question,
    check_availability,
    load_question,
    parse_done_quantities,
    question_view,
    save_quantities,
    scan_line,
    sign_question,
    validate,
    validate_unattended,
    wizard_question,
    write_done_quantities,
)
