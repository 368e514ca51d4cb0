"""Sales: writing quotes and their lines, the actions on them, and their files."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.odoo import versions
from app.platform import chatter, media
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.actions import ActionRefused
from app.platform.i18n import _
from app.platform.sanitize import text_to_html
from app.platform.uploads import check_signature_png
from app.services import jobs
from app.services.sales.common import (
    MAX_LINES,
    MODEL,
    QuoteNotFound,
    QuoteRefused,
    SalesViewer,
    _m2o_id,
    _m2o_name,
    find_customers,
    find_products,
    model_info,
    require_access,
)
from app.services.sales.detail import fetch_order
from app.validation import check_text

# --------------------------------------------------------------------------- writing quotes


@dataclass(frozen=True)
class LineInput:
    line_id: int | None
    product_id: int | None
    product_text: str
    qty: float
    remove: bool = False


def _number(value, label, *, minimum=0.0, maximum=1e6):
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(fmt.parse_number(text))   # the user's decimal separator, or a dot
    except ValueError:
        raise QuoteRefused(_("%(label)s must be a number.", label=label)) from None
    if not minimum <= number <= maximum or number != number:
        raise QuoteRefused(_("%(label)s must be between %(minimum)s and %(maximum)s.",
                             label=label, minimum=_number_text(minimum),
                             maximum=_number_text(maximum)))
    return number


def _number_text(number) -> str:
    """A limit as the user's language writes it (``100,000``; ``100 000`` in French)."""
    return fmt.format_number(number, 0 if number == int(number) else 2)


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
        text = check_text(form.get(prefix + "product"), _("A product name"), max_chars=200)
        qty = _number(form.get(prefix + "qty"), _("The quantity on line %(n)d", n=n + 1),
                      maximum=100000)
        line = LineInput(_int(form.get(prefix + "id")), _int(form.get(prefix + "product_id")),
                         text, 1.0 if qty is None else qty, bool(form.get(prefix + "remove")))
        if line.line_id or line.product_id or line.product_text:
            lines.append(line)
    return lines


def _resolve_product(odoo, viewer: SalesViewer, line: LineInput) -> int:
    """The product a line names: its chosen id, or the only match of what was typed."""
    if line.product_id:
        return line.product_id
    found = find_products(odoo, viewer.version, line.product_text, 2)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise QuoteRefused(_("No product matches “%(text)s”.", text=line.product_text))
    raise QuoteRefused(_("Several products match “%(text)s”: pick one from the list.",
                         text=line.product_text))


def _resolve_customer(odoo, viewer: SalesViewer, partner_id, text) -> int:
    if partner_id:
        return partner_id
    if not text:
        raise QuoteRefused(_("Please choose the customer."))
    found = find_customers(odoo, viewer.version, text, 2)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise QuoteRefused(_("No customer matches “%(text)s”.", text=text))
    raise QuoteRefused(_("Several customers match “%(text)s”: pick one from the list.", text=text))


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
    note = check_text(form.get("note"), _("The note"))
    lines = [line for line in parse_lines(form) if not line.remove]
    if not lines:
        raise QuoteRefused(_("Add at least one product."))
    partner = _resolve_customer(odoo, viewer, _int(form.get("partner_id")),
                                check_text(form.get("customer"), _("The customer"), max_chars=200))
    vals = {
        "partner_id": partner,
        "user_id": viewer.user_id,
        "order_line": [(0, 0, {"product_id": _resolve_product(odoo, viewer, line),
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
        if link and versions.note_body_shape(viewer.version) != "flag":
            # 16 receives notes as plain text (see chatter.post_note): the path stays readable.
            html = Markup("<p>{}</p>").format(
                _("Quote %(name)s written for this job: %(link)s", name=name, link=link))
        elif link:
            # The sentence translated, then the link put in as markup (the rest is escaped).
            html = Markup("<p>{}</p>").format(
                escape(_("Quote %(name)s written for this job."))
                % {"name": Markup('<a href="{}">{}</a>').format(link, name)})
        else:
            html = Markup("<p>{}</p>").format(
                _("Quote %(name)s written for this job.", name=name))
        try:
            chatter.post_note(odoo, viewer.version, jobs.MODEL, job_id, html)
        except ActionRefused:
            return order_id, _("Quote %(name)s created (the job's history could not note it).",
                               name=name)
    return order_id, _("Quote %(name)s created.", name=name)


def _editable(odoo, viewer, order_id):
    order = fetch_order(odoo, viewer, order_id, ["state", "order_line"])
    if order.get("state") not in ("draft", "sent"):
        raise QuoteRefused(_("Only a quote that is not confirmed yet can be changed."))
    return order


def update_lines(odoo, viewer: SalesViewer, order_id: int, form) -> str:
    """Change quantities, remove lines and add products on a draft quote; Odoo reprices."""
    order = _editable(odoo, viewer, order_id)
    existing = set(order.get("order_line") or [])
    commands = []
    for line in parse_lines(form):
        if line.line_id:
            if line.line_id not in existing:
                raise QuoteRefused(_("A line of this quote was changed elsewhere. Please reload."))
            commands.append((2, line.line_id) if line.remove
                            else (1, line.line_id, {"product_uom_qty": line.qty}))
        elif not line.remove:
            commands.append((0, 0, {"product_id": _resolve_product(odoo, viewer, line),
                                    "product_uom_qty": line.qty}))
    remaining = len(existing) - sum(1 for c in commands if c[0] == 2) + \
        sum(1 for c in commands if c[0] == 0)
    if remaining <= 0:
        raise QuoteRefused(_("A quote needs at least one line; cancel it instead."))
    if commands:
        odoo.write(MODEL, [order_id], {"order_line": commands})
    return _("Quote updated.")


# --------------------------------------------------------------------------- actions


def confirm_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_confirm", [order_id])
    return _("Quote confirmed: it is now a sales order.")


def cancel_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_cancel", [order_id])
    return _("Quote cancelled.")


def draft_quote(odoo, viewer, order_id) -> str:
    fetch_order(odoo, viewer, order_id, ["state"])
    odoo.call(MODEL, "action_draft", [order_id])
    return _("Quote set back to draft.")


def send_quote(odoo, viewer, order_id) -> str:
    """E-mail the quote as Odoo's Send button does: follow the composer action it returns.

    ``action_quotation_send`` answers a ``mail.compose.message`` window action; the composer is
    created with only that action's context (Odoo's defaults fill template, subject, body) and
    ``action_send_mail`` posts and mails it, marking a draft quote as sent.
    """
    fetch_order(odoo, viewer, order_id, ["state"])
    action = odoo.call(MODEL, "action_quotation_send", [order_id])
    if not isinstance(action, dict) or action.get("res_model") != "mail.compose.message":
        raise QuoteRefused(_("Odoo did not offer to e-mail this quote."))
    context = dict(action.get("context") or {})
    wizard = odoo.call("mail.compose.message", "create", [{}], context=context)
    wizard_id = wizard[0] if isinstance(wizard, list) else wizard
    odoo.call("mail.compose.message", "action_send_mail", [wizard_id], context=context)
    return _("Quote sent to the customer by e-mail.")


def sign_and_confirm(odoo, viewer, order_id, png: bytes, signer_name: str, *, now=None) -> dict:
    """The customer's signature into Odoo's own fields (as the portal does), then confirm.

    :raises UploadRejected: for a bad image; :raises QuoteRefused: without a name or when the
        quote is no longer a quote; UserError when Odoo refuses to confirm (signature kept).
    """
    check_signature_png(png)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise QuoteRefused(_("Please type the name of the person signing."))
    order = fetch_order(odoo, viewer, order_id, ["state", "name"])
    if order.get("state") not in ("draft", "sent"):
        raise QuoteRefused(_("This quote is no longer waiting for a signature."))
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
                          Markup("<p>{}</p>").format(
                              _("Signed on site by %(name)s and confirmed.", name=signer_name)))
    except ActionRefused as exc:
        warning = _("Signed and confirmed, but the history could not note it: %(reason)s",
                    reason=exc.user_message)
    return {"warning": warning,
            "message": _("Signed by %(name)s: quote confirmed.", name=signer_name)}


# --------------------------------------------------------------------------- files


def add_photos(odoo, viewer, order_id, files, storage) -> str:
    checked = media.check_photos(files)
    fetch_order(odoo, viewer, order_id, ["id"])
    return media.add_photos(odoo, viewer.version, media.record(MODEL, order_id), checked, storage)


def add_video(odoo, viewer, order_id, name, stream, storage, *, max_bytes) -> str:
    fetch_order(odoo, viewer, order_id, ["id"])
    return media.add_video(odoo, viewer.version, media.record(MODEL, order_id), name, stream,
                           storage, max_bytes=max_bytes)
