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

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass

from markupsafe import Markup
from werkzeug.exceptions import Forbidden, NotFound

from app.services import chatter, currency, jobs, media
from app.services import timezone as tzs
from app.services.actions import ActionRefused
from app.services.listing import Filter, ListSpec, page_info, search_domain
from app.services.odoo_api import AccessError, OdooCall
from app.services.sanitize import is_blank_html, sanitize_html, text_to_html
from app.services.ttl_cache import TTLCache, server_key
from app.services.uploads import check_signature_png
from app.validation import check_text

MODEL = "sale.order"
LINE_MODEL = "sale.order.line"
TAX_MODEL = "account.tax"
MAX_LINES = 40
SEARCH_LIMIT = 8
STATE_TONES = {"draft": "", "sent": "info", "sale": "success", "done": "success",
               "cancel": "danger"}
SPEC = ListSpec(
    filters=(
        Filter("mine", "My quotes"),
        Filter("to_confirm", "To confirm"),
        Filter("confirmed", "Confirmed"),
        Filter("all", "All"),
    ),
    default_filter="mine",
    sorts={"date": "date_order", "ref": "name", "customer": "partner_id",
           "total": "amount_total", "state": "state"},
    default_sort=("date", "desc"),
    page_size=20,
    search_label="Search by reference or customer",
)
ORDER_LIST_FIELDS = ["name", "partner_id", "date_order", "state", "amount_total", "currency_id",
                     "user_id", "validity_date"]
ORDER_DETAIL_FIELDS = ORDER_LIST_FIELDS + [
    "amount_untaxed", "amount_tax", "order_line", "note", "origin", "client_order_ref",
    "signed_by", "signed_on", "require_signature", "locked", "opportunity_id", "message_ids",
]
LINE_FIELDS = ["product_id", "name", "product_uom_qty", "price_unit", "discount",
               "price_subtotal", "price_tax", "price_total", "display_type"]


class SalesForbidden(Forbidden):
    description = "You don't have access to Sales in Odoo. Ask the office if you need it."


class QuoteNotFound(NotFound):
    description = "This quote does not exist, or you may not see it."


class QuoteRefused(ActionRefused):
    """Fieldkit refuses a quote action before asking Odoo; the message is for people."""


@dataclass(frozen=True)
class SalesViewer(jobs.Viewer):
    """Who is looking, with their sales rights: "none", "own" or "all"."""

    sales_access: str = "none"

    @classmethod
    def from_session(cls, session) -> SalesViewer:
        base = jobs.Viewer.from_session(session)
        access = session.get("sales_access")
        if access not in ("none", "own", "all"):
            # Sessions from before the login stored it: office roles see all, others their own.
            access = "own" if base.is_technician else "all"
        return cls(**{**base.__dict__, "sales_access": access})

    @property
    def sees_all(self) -> bool:
        return self.sales_access == "all"


def require_access(viewer: SalesViewer):
    """:raises SalesForbidden: for a user without any sales rights."""
    if viewer.sales_access not in ("own", "all"):
        raise SalesForbidden()


# --------------------------------------------------------------------------- version info


@dataclass(frozen=True)
class ModelInfo:
    """What this Odoo's sale models look like (from fields_get, read once per process)."""

    states: dict            # state key -> label, in Odoo's order
    order_fields: frozenset
    line_fields: frozenset
    tax_field: str
    uom_field: str

    def order_read_fields(self, wanted):
        return [f for f in wanted if f in self.order_fields]

    def line_read_fields(self):
        return [f for f in LINE_FIELDS + [self.tax_field] if f in self.line_fields]

    @property
    def confirmed_states(self):
        return [s for s in ("sale", "done") if s in self.states]


_info_cache: dict = {}
_info_lock = threading.Lock()


def _info_key(odoo):
    return (getattr(odoo, "base_url", None), getattr(odoo, "db", None))


def model_info(odoo) -> ModelInfo:
    """The sale models' states and fields, read with ``fields_get`` once per process (2 RPCs)."""
    key = _info_key(odoo)
    with _info_lock:
        hit = _info_cache.get(key)
    if hit:
        return hit
    order, lines = odoo.parallel([
        OdooCall("call", MODEL, "fields_get", attributes=["type", "selection"]),
        OdooCall("call", LINE_MODEL, "fields_get", attributes=["type"]),
    ])
    info = ModelInfo(
        states=dict(order.get("state", {}).get("selection") or []),
        order_fields=frozenset(order),
        line_fields=frozenset(lines),
        tax_field="tax_ids" if "tax_ids" in lines else "tax_id",
        uom_field="product_uom_id" if "product_uom_id" in lines else "product_uom",
    )
    with _info_lock:
        _info_cache[key] = info
    return info


def info_is_cached(odoo) -> bool:
    return _info_key(odoo) in _info_cache


def clear_caches():
    with _info_lock:
        _info_cache.clear()
    _tax_names.clear()


# Tax names ("15%", "VAT 20%") are configuration: read once per process for the ids a quote
# has that were not seen yet, so a quote page costs no call for them once they are known.
_tax_names = TTLCache(seconds=3600)


def tax_names(odoo, lines, info: ModelInfo) -> dict:
    """``{tax id: name}`` for the taxes of these line records (0 RPCs when all are cached,
    else 1); a user Odoo does not let read taxes gets no names, the amounts still show."""
    ids = sorted({t for r in lines for t in (r.get(info.tax_field) or [])
                  if isinstance(t, int)})
    missing = [t for t in ids if not _tax_names.has(server_key(odoo, t))]
    if missing:
        try:
            found = odoo.read(TAX_MODEL, missing, ["name"])
        except AccessError:
            found = []
        for tax in found:
            _tax_names.put(server_key(odoo, tax["id"]), tax.get("name") or "")
    names = {t: _tax_names.peek(server_key(odoo, t)) for t in ids}
    return {t: name for t, name in names.items() if name}


# --------------------------------------------------------------------------- formatting


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or None)


def _m2o_name(value):
    return value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def money(amount, order_currency: currency.Currency | None) -> str:
    """``$ 1,234.50``: the amount Odoo computed, shown in the order's currency as Odoo does."""
    return (order_currency or currency.Currency(symbol="")).format(amount)


def currency_of(order: dict, currencies: dict):
    return currencies.get(_m2o_id(order.get("currency_id")))


# Odoo's labels of sale.order.state (16-19, English), for pages that show a quote's state
# without reading fields_get; the server's own (model_info) win when this process has them.
STATE_LABELS = {"draft": "Quotation", "sent": "Quotation Sent", "sale": "Sales Order",
                "done": "Locked", "cancel": "Cancelled"}


def brief_lines(odoo, orders) -> dict:
    """``{order id: "Sales Order · $ 1,234.50"}`` for lists of quotes on other pages (the
    customer's quotes): Odoo's state label and the total in its currency. Needs ``state``,
    ``amount_total`` and ``currency_id``; 0 RPCs once the currencies are known."""
    labels = model_info(odoo).states if info_is_cached(odoo) else STATE_LABELS
    currencies = currency.lookup(odoo, [o.get("currency_id") for o in orders])
    return {o["id"]: f"{labels.get(o.get('state'), o.get('state') or '')} · "
                     f"{money(o.get('amount_total'), currency_of(o, currencies))}"
            for o in orders}


def state_of(order: dict, info: ModelInfo) -> dict:
    """The badge: key, label (Odoo's own, per version) and tone; a locked 17+ order says so."""
    key = order.get("state") or "draft"
    label = info.states.get(key, key)
    if order.get("locked") and key == "sale":
        label = f"{label} (locked)"
    return {"key": key, "label": label, "tone": STATE_TONES.get(key, "")}


def summarize(order: dict, info: ModelInfo, tz: str, now, currencies: dict) -> dict:
    """A quote's list row; `currencies` from :func:`currency.lookup`."""
    return {
        "id": order["id"],
        "name": order.get("name") or f"#{order['id']}",
        "customer": _m2o_name(order.get("partner_id")),
        "partner_id": _m2o_id(order.get("partner_id")),
        "date": tzs.relative_day(order.get("date_order"), tz, now) if order.get("date_order")
        else "",
        "state": state_of(order, info),
        "total": money(order.get("amount_total"), currency_of(order, currencies)),
        "salesperson": _m2o_name(order.get("user_id")),
        "validity": order.get("validity_date") or "",
        "company": _m2o_name(order.get("company_id")),  # read with several companies only
    }


# --------------------------------------------------------------------------- list


def list_domain(viewer: SalesViewer, info: ModelInfo, filter_key: str, q: str) -> list:
    domain = []
    if filter_key == "mine":
        domain = [("user_id", "=", viewer.user_id)]
    elif filter_key == "to_confirm":
        domain = [("state", "in", ["draft", "sent"])]
    elif filter_key == "confirmed":
        domain = [("state", "in", info.confirmed_states)]
    return domain + search_domain(q, ["name", "partner_id"])


def list_orders(odoo, viewer: SalesViewer, query, *, now=None) -> dict:
    """The quotes page: one page of orders and their count, sent together (2 RPCs when warm)."""
    require_access(viewer)
    now = now or tzs.now_utc()
    info = model_info(odoo)
    domain = list_domain(viewer, info, query.filter, query.q)
    orders, total = odoo.parallel([
        OdooCall("search_read", MODEL, domain,
                 info.order_read_fields(ORDER_LIST_FIELDS + jobs.company_fields(viewer)),
                 limit=query.limit, offset=query.offset, order=query.order()),
        OdooCall("search_count", MODEL, domain),
    ])
    # The currencies came with the login: no call here once this process has seen them.
    currencies = currency.lookup(odoo, [o.get("currency_id") for o in orders])
    rows = [summarize(o, info, viewer.tz, now, currencies) for o in orders]
    return {"rows": rows, "query": query, "info": page_info(query, total, len(rows)),
            "tz": str(tzs.get_tz(viewer.tz))}


# --------------------------------------------------------------------------- detail


def fetch_order(odoo, viewer: SalesViewer, order_id: int, fields) -> dict:
    """One order the viewer may see (Odoo's rules decide; 1 RPC).

    :raises QuoteNotFound: when it does not exist (or a record rule hides it on read).
    :raises SalesForbidden: for a user without sales rights.
    """
    require_access(viewer)
    found = odoo.read(MODEL, [order_id], list(fields) or ["id"])
    if not found:
        raise QuoteNotFound()
    return found[0]


def _lines(records, info: ModelInfo, order_currency, taxes=None) -> list[dict]:
    """Line rows; `taxes` ``{id: name}`` names each line's taxes (Odoo's Taxes column)."""
    taxes = taxes or {}
    out = []
    for r in records:
        if r.get("display_type"):  # sections and notes: shown as headings
            out.append({"id": r["id"], "heading": r.get("name") or ""})
            continue
        out.append({
            "id": r["id"],
            "heading": "",
            "product": _m2o_name(r.get("product_id")),
            "product_id": _m2o_id(r.get("product_id")),
            "description": r.get("name") or "",
            "qty": r.get("product_uom_qty") or 0,
            "qty_text": f"{r.get('product_uom_qty') or 0:g}",
            "price_unit": money(r.get("price_unit"), order_currency),
            "discount": r.get("discount") or 0,
            "subtotal": money(r.get("price_subtotal"), order_currency),
            "tax": money(r.get("price_tax"), order_currency),
            "has_tax": bool(r.get(info.tax_field)),
            "tax_names": ", ".join(taxes[t] for t in r.get(info.tax_field) or [] if taxes.get(t)),
        })
    return out


def quote_detail(odoo, viewer: SalesViewer, order_id: int, *, storage=None, now=None) -> dict:
    """Everything on one quote: ≤ 3 RPCs when warm (order, lines, history; the currency and
    tax names from caches)."""
    now = now or tzs.now_utc()
    info = model_info(odoo)
    fields = info.order_read_fields(ORDER_DETAIL_FIELDS)
    if not chatter.needs_message_ids(viewer.version):
        fields = [f for f in fields if f != "message_ids"]
    order = fetch_order(odoo, viewer, order_id, fields)
    currencies = currency.lookup(odoo, [order.get("currency_id")])
    order_currency = currency_of(order, currencies)
    line_ids = order.get("order_line") or []
    lines = odoo.read(LINE_MODEL, line_ids, info.line_read_fields()) if line_ids else []
    messages = chatter.fetch_messages(odoo, viewer.version, MODEL, order_id,
                                      message_ids=order.get("message_ids"))
    files = {"photos": [], "videos": []}
    if storage is not None:
        files = media.collect(messages, media.record(MODEL, order_id), storage)
    chatter.present(messages, tz=viewer.tz, partner_id=viewer.partner_id, now=now)
    row = summarize(order, info, viewer.tz, now, currencies)
    state = row["state"]["key"]
    locked = bool(order.get("locked")) or state == "done"
    editable = state in ("draft", "sent")
    return {
        **row,
        "lines": _lines(lines, info, order_currency, tax_names(odoo, lines, info)),
        "untaxed": money(order.get("amount_untaxed"), order_currency),
        "taxes": money(order.get("amount_tax"), order_currency),
        "note": sanitize_html(order.get("note")) if not is_blank_html(order.get("note"))
        else Markup(""),
        "origin": order.get("origin") or "",
        "signed_by": order.get("signed_by") or "",
        "signed_on": tzs.relative_day(order.get("signed_on"), viewer.tz, now)
        if order.get("signed_on") else "",
        "messages": messages,
        "photos": files["photos"],
        "videos": files["videos"],
        "actions": {
            "edit": editable,
            "confirm": editable,
            "sign": editable,
            "send": editable,
            "cancel": state in ("draft", "sent", "sale") and not locked,
            "draft": state == "cancel",
            "upload": state != "cancel",
        },
    }


# --------------------------------------------------------------------------- searching


def search_products(odoo, viewer: SalesViewer, q: str) -> list[dict]:
    """Products by name, internal reference or barcode (Odoo's name_search: 1 RPC)."""
    require_access(viewer)
    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return []
    found = odoo.call("product.product", "name_search", name=q,
                      domain=[("sale_ok", "=", True)], limit=SEARCH_LIMIT)
    return [{"id": pid, "name": name} for pid, name in found]


def search_customers(odoo, viewer: SalesViewer, q: str) -> list[dict]:
    """Customers by name (name_search on res.partner: 1 RPC)."""
    require_access(viewer)
    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return []
    found = odoo.call("res.partner", "name_search", name=q, limit=SEARCH_LIMIT)
    return [{"id": pid, "name": name} for pid, name in found]


# --------------------------------------------------------------------------- writing quotes


@dataclass(frozen=True)
class LineInput:
    line_id: int | None
    product_id: int | None
    product_text: str
    qty: float
    remove: bool = False


def _number(value, label, *, minimum=0.0, maximum=1e6):
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise QuoteRefused(f"{label} must be a number.") from None
    if not minimum <= number <= maximum or number != number:
        raise QuoteRefused(f"{label} must be between {minimum:g} and {maximum:g}.")
    return number


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_lines(form) -> list[LineInput]:
    """Lines from the form's ``line-<n>-*`` fields (product, product_id, qty, id, remove)."""
    lines = []
    for n in range(MAX_LINES):
        prefix = f"line-{n}-"
        if not any(k.startswith(prefix) for k in form):
            continue
        text = check_text(form.get(prefix + "product"), "A product name", max_chars=200)
        qty = _number(form.get(prefix + "qty"), f"The quantity on line {n + 1}",
                      maximum=100000)
        line = LineInput(_int(form.get(prefix + "id")), _int(form.get(prefix + "product_id")),
                         text, 1.0 if qty is None else qty, bool(form.get(prefix + "remove")))
        if line.line_id or line.product_id or line.product_text:
            lines.append(line)
    return lines


def _resolve_product(odoo, line: LineInput) -> int:
    """The product a line names: its chosen id, or the only match of what was typed."""
    if line.product_id:
        return line.product_id
    found = odoo.call("product.product", "name_search", name=line.product_text,
                      domain=[("sale_ok", "=", True)], limit=2)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise QuoteRefused(f"No product matches “{line.product_text}”.")
    raise QuoteRefused(f"Several products match “{line.product_text}”: pick one from the list.")


def _resolve_customer(odoo, partner_id, text) -> int:
    if partner_id:
        return partner_id
    if not text:
        raise QuoteRefused("Please choose the customer.")
    found = odoo.call("res.partner", "name_search", name=text, limit=2)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise QuoteRefused(f"No customer matches “{text}”.")
    raise QuoteRefused(f"Several customers match “{text}”: pick one from the list.")


def new_quote_prefill(odoo, viewer: SalesViewer, *, job_id=None, partner_id=None,
                      opportunity_id=None) -> dict:
    """What the new-quote form starts with, from a job, a customer or an opportunity."""
    require_access(viewer)
    out = {"partner_id": None, "customer": "", "job_id": None, "job_name": "",
           "opportunity_id": None}
    if job_id:
        job = jobs.fetch_order(odoo, viewer, job_id, ["name", "location_id"])
        out.update(job_id=job_id, job_name=job.get("name") or "")
        location = _m2o_id(job.get("location_id"))
        if location:
            found = odoo.read("fsm.location", [location], ["owner_id"])
            owner = found[0].get("owner_id") if found else None
            out.update(partner_id=_m2o_id(owner), customer=_m2o_name(owner))
    elif opportunity_id:
        found = odoo.read("crm.lead", [opportunity_id], ["partner_id"])
        if not found:
            raise QuoteNotFound()
        partner = found[0].get("partner_id")
        out.update(opportunity_id=opportunity_id, partner_id=_m2o_id(partner),
                   customer=_m2o_name(partner))
    elif partner_id:
        found = odoo.read("res.partner", [partner_id], ["display_name"])
        if not found:
            raise QuoteNotFound()
        out.update(partner_id=partner_id, customer=found[0].get("display_name") or "")
    return out


def create_quote(odoo, viewer: SalesViewer, form, *, quote_url=None) -> tuple[int, str]:
    """Create a quote from the form: customer, lines, note, and the job or opportunity it is for.

    Odoo fills prices and taxes. With a job, the job's history gets a note linking the quote
    (``quote_url(order_id)`` gives the link).
    :returns: ``(order_id, message)``
    :raises QuoteRefused: / UserError / InvalidInput: the form is shown again as typed.
    """
    require_access(viewer)
    info = model_info(odoo)
    note = check_text(form.get("note"), "The note")
    lines = [line for line in parse_lines(form) if not line.remove]
    if not lines:
        raise QuoteRefused("Add at least one product.")
    partner = _resolve_customer(odoo, _int(form.get("partner_id")),
                                check_text(form.get("customer"), "The customer", max_chars=200))
    vals = {
        "partner_id": partner,
        "user_id": viewer.user_id,
        "order_line": [(0, 0, {"product_id": _resolve_product(odoo, line),
                               "product_uom_qty": line.qty}) for line in lines],
    }
    if note:
        vals["note"] = str(text_to_html(note))
    job_id = _int(form.get("job_id"))
    job = None
    if job_id:
        job = jobs.fetch_order(odoo, viewer, job_id, ["name"])
        vals["origin"] = job.get("name") or ""
    opportunity_id = _int(form.get("opportunity_id"))
    if opportunity_id and "opportunity_id" in info.order_fields:
        vals["opportunity_id"] = opportunity_id
    order_id = odoo.create(MODEL, vals)
    name = odoo.read(MODEL, [order_id], ["name"])[0].get("name") or f"#{order_id}"
    if job is not None:
        link = quote_url(order_id) if quote_url else ""
        if link and viewer.version <= 16:
            # 16 receives notes as plain text (see chatter.post_note): the path stays readable.
            html = Markup("<p>Quote {} written for this job: {}</p>").format(name, link)
        elif link:
            html = Markup('<p>Quote <a href="{}">{}</a> written for this job.</p>')
            html = html.format(link, name)
        else:
            html = Markup("<p>Quote {} written for this job.</p>").format(name)
        try:
            chatter.post_note(odoo, viewer.version, jobs.MODEL, job_id, html)
        except ActionRefused:
            return order_id, f"Quote {name} created (the job's history could not note it)."
    return order_id, f"Quote {name} created."


def _editable(odoo, viewer, order_id):
    order = fetch_order(odoo, viewer, order_id, ["state", "order_line"])
    if order.get("state") not in ("draft", "sent"):
        raise QuoteRefused("Only a quote that is not confirmed yet can be changed.")
    return order


def update_lines(odoo, viewer: SalesViewer, order_id: int, form) -> str:
    """Change quantities, remove lines and add products on a draft quote; Odoo reprices."""
    order = _editable(odoo, viewer, order_id)
    existing = set(order.get("order_line") or [])
    commands = []
    for line in parse_lines(form):
        if line.line_id:
            if line.line_id not in existing:
                raise QuoteRefused("A line of this quote was changed elsewhere. Please reload.")
            commands.append((2, line.line_id) if line.remove
                            else (1, line.line_id, {"product_uom_qty": line.qty}))
        elif not line.remove:
            commands.append((0, 0, {"product_id": _resolve_product(odoo, line),
                                    "product_uom_qty": line.qty}))
    remaining = len(existing) - sum(1 for c in commands if c[0] == 2) + \
        sum(1 for c in commands if c[0] == 0)
    if remaining <= 0:
        raise QuoteRefused("A quote needs at least one line; cancel it instead.")
    if commands:
        odoo.write(MODEL, [order_id], {"order_line": commands})
    return "Quote updated."


# --------------------------------------------------------------------------- actions


def confirm_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_confirm", [order_id])
    return "Quote confirmed: it is now a sales order."


def cancel_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_cancel", [order_id])
    return "Quote cancelled."


def draft_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_draft", [order_id])
    return "Quote set back to draft."


def send_quote(odoo, viewer, order_id) -> str:
    """E-mail the quote as Odoo's Send button does: follow the composer action it returns.

    ``action_quotation_send`` answers a ``mail.compose.message`` window action; the composer is
    created with only that action's context (Odoo's defaults fill template, subject, body) and
    ``action_send_mail`` posts and mails it, marking a draft quote as sent.
    """
    fetch_order(odoo, viewer, order_id, ["state"])
    action = odoo.call(MODEL, "action_quotation_send", [order_id])
    if not isinstance(action, dict) or action.get("res_model") != "mail.compose.message":
        raise QuoteRefused("Odoo did not offer to e-mail this quote.")
    context = dict(action.get("context") or {})
    wizard = odoo.call("mail.compose.message", "create", [{}], context=context)
    wizard_id = wizard[0] if isinstance(wizard, list) else wizard
    odoo.call("mail.compose.message", "action_send_mail", [wizard_id], context=context)
    return "Quote sent to the customer by e-mail."


def sign_and_confirm(odoo, viewer, order_id, png: bytes, signer_name: str, *, now=None) -> dict:
    """The customer's signature into Odoo's own fields (as the portal does), then confirm.

    :raises UploadRejected: for a bad image; :raises QuoteRefused: without a name or when the
        quote is no longer a quote; UserError when Odoo refuses to confirm (signature kept).
    """
    check_signature_png(png)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise QuoteRefused("Please type the name of the person signing.")
    order = fetch_order(odoo, viewer, order_id, ["state", "name"])
    if order.get("state") not in ("draft", "sent"):
        raise QuoteRefused("This quote is no longer waiting for a signature.")
    moment = now or tzs.now_utc()
    odoo.write(MODEL, [order_id], {
        "signature": base64.b64encode(png).decode(),
        "signed_by": signer_name,
        "signed_on": tzs.to_odoo_datetime(moment),
    })
    odoo.call(MODEL, "action_confirm", [order_id])
    warning = None
    try:
        chatter.post_note(odoo, viewer.version, MODEL, order_id,
                          Markup("<p>Signed on site by {} and confirmed.</p>").format(signer_name))
    except ActionRefused as exc:
        warning = "Signed and confirmed, but the history could not note it: " + exc.user_message
    return {"warning": warning, "message": f"Signed by {signer_name}: quote confirmed."}


# --------------------------------------------------------------------------- files


def add_photos(odoo, viewer, order_id, files, storage) -> str:
    checked = media.check_photos(files)
    fetch_order(odoo, viewer, order_id, ["id"])
    return media.add_photos(odoo, viewer.version, media.record(MODEL, order_id), checked, storage)


def add_video(odoo, viewer, order_id, name, stream, storage, *, max_bytes) -> str:
    fetch_order(odoo, viewer, order_id, ["id"])
    return media.add_video(odoo, viewer.version, media.record(MODEL, order_id), name, stream,
                           storage, max_bytes=max_bytes)

