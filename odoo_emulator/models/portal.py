"""portal.mixin as Odoo's portal module gives it to invoices and sales orders: ``access_url``
(computed per model), ``access_token`` (empty until asked for) and the public
``get_portal_url`` (ensure_one; the caller needs read access to the record; the token is filled
with sudo), from portal/models/portal_mixin.py."""
import uuid


def portal_url(model, ids, path, *, suffix=None, report_type=None, download=None,
               query_string=None, anchor=None):
    """``model.get_portal_url()`` of the record ``ids`` (one) whose portal page is ``path``."""
    if len(ids) != 1:
        raise ValueError(f"Expected singleton: {model._name}({', '.join(map(str, ids))},)")
    model._check_acl("read")
    model._check_rules(ids, "read")
    rid = ids[0]
    token = model.records[rid].get("access_token")
    if not token:
        token = str(uuid.uuid4())
        model.env.sudo()[model._name]._write_one(rid, {"access_token": token})
    return "".join((path, suffix or "", f"?access_token={token}",
                    f"&report_type={report_type}" if report_type else "",
                    "&download=true" if download else "", query_string or "",
                    f"#{anchor}" if anchor else ""))
