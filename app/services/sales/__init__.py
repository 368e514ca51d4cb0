"""Sales (``sale.order``, ``sale.order.line``, ``product.product``): quotes written on site.

Routes hand in the request's ``OdooAPI`` and a :class:`SalesViewer` and get plain dicts back.
What differs between versions is read from Odoo, once per process (:func:`model_info`,
``fields_get``): the order states (16 has ``done`` "Locked", 17+ a ``locked`` flag), the line's
tax field (``tax_id`` up to 18, ``tax_ids`` in 19) and unit field (``product_uom`` /
``product_uom_id``), and whether ``opportunity_id`` exists (sale_crm). Money is never computed
here: lines go to Odoo, totals come back from it.

Access follows Odoo's sales groups (``session["sales_access"]``): "own" users (technicians) see
and create their own quotes (Odoo's record rule: salesperson is the user or nobody), "all" users
everything; "none" gets a 403 page, never an Odoo error.
"""

# The package is split along its seams; everything stays reachable as before.
from app.services.sales.common import (  # noqa: F401
    LINE_FIELDS,
    LINE_MODEL,
    MAX_LINES,
    MODEL,
    ORDER_DETAIL_FIELDS,
    ORDER_LIST_FIELDS,
    SEARCH_LIMIT,
    SPEC,
    STATE_LABELS,
    STATE_TONES,
    TAX_MODEL,
    ModelInfo,
    QuoteNotFound,
    QuoteRefused,
    SalesForbidden,
    SalesViewer,
    _info_cache,
    _info_key,
    _m2o_id,
    _m2o_name,
    _tax_names,
    brief_lines,
    clear_caches,
    currency_of,
    info_is_cached,
    model_info,
    money,
    require_access,
    state_of,
    summarize,
    tax_names,
)
from app.services.sales.detail import (  # noqa: F401
    _lines,
    fetch_order,
    quote_detail,
    search_customers,
    search_products,
    signature_image,
)
from app.services.sales.listing import (  # noqa: F401
    list_domain,
    list_orders,
)
from app.services.sales.quotes import (  # noqa: F401
    LineInput,
    _editable,
    _int,
    _number,
    _resolve_customer,
    _resolve_product,
    add_photos,
    add_video,
    cancel_quote,
    confirm_quote,
    create_quote,
    draft_quote,
    new_quote_prefill,
    parse_lines,
    send_quote,
    sign_and_confirm,
    update_lines,
)
from app.services.sales.scheduling import (  # noqa: F401
    can_schedule,
    has_sale_link,
    schedule_work,
)
