"""The audit trail: one line per action a person takes in Fieldkit, at the `fieldkit.audit`
logger (so it can be shipped and kept apart from the rest). Odoo's chatter remains the
business history; this is the operator's: who, in which company, did what to which record,
how it ended (`duplicate`: an outbox repeat answered from the kept answer), with which
idempotency key, from which address, in which request.

An action is a state-changing request (POST, PUT, PATCH, DELETE), whoever sends it. Its record
is the first record the request wrote in Odoo (an `RpcEvent` of a write: the model and ids it
named, or the id a create answered), else the record named in the URL. Its outcome: `ok`,
`refused` (a 4xx, or an Odoo call of the request was refused: access, missing, user error, a
wrong password), `failed` (a 5xx, or Odoo did not answer). Never a password, a token, a
signature, a path (job links carry their token in it) or anything the person typed.
"""
import logging

from flask import g, has_request_context, request, session

from app.odoo import observers

log = logging.getLogger("fieldkit.audit")

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED_KINDS = frozenset({"access", "missing", "user_error", "session"})
IDEMPOTENCY_HEADER = "Idempotency-Key"


def _on_rpc(event):
    """Keep the request's Odoo writes and failed calls (an RPC observer; writes run on the
    request's thread)."""
    if not has_request_context():
        return
    if event.write and event.model:
        g.setdefault("audit_writes", []).append(event)
    if event.error is not None:
        g.setdefault("audit_errors", []).append(event)


def _record(writes):
    for event in writes:
        if event.record_ids:
            return event.model, ",".join(str(i) for i in event.record_ids[:10])
    if writes:
        return writes[0].model, ""
    args = request.view_args or {}
    record = args.get("id", args.get("job_id"))
    return "", str(record) if isinstance(record, int) else ""


def _outcome(status, errors):
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    if errors:  # a form shown again with Odoo's reason (a wrong password, a refused write)
        return "refused" if errors[-1].outcome in REFUSED_KINDS else "failed"
    return "ok"


def _key():
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    return key if 8 <= len(key) <= 100 and key.replace("-", "").replace("_", "").isalnum() \
        else ""


def _who():
    """Who acts, as the request began (a logout ends the session before the line is written)."""
    if request.method in UNSAFE:
        g.audit_who = (session.get("username"), session.get("company_id"))


def _audit(response):
    if request.method not in UNSAFE:
        return response
    writes = g.get("audit_writes", [])
    model, record = _record(writes)
    user, company = g.get("audit_who") or (None, None)
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    outcome = "duplicate" if replayed else _outcome(response.status_code, g.get("audit_errors"))
    fields = {
        "user": session.get("username") or user or "",
        "company_id": session.get("company_id") or company,
        "action": request.endpoint or "unmatched",
        "model": model,
        "record": record,
        "outcome": outcome,
        "status": response.status_code,
        "idempotency_key": _key(),
        "client": request.remote_addr or "",
        "request_id": g.get("request_id"),
    }
    log.info("audit user=%s company=%s action=%s model=%s record=%s outcome=%s status=%s "
             "key=%s client=%s id=%s", fields["user"] or "-", fields["company_id"] or "-",
             fields["action"], fields["model"] or "-", fields["record"] or "-",
             fields["outcome"], fields["status"], fields["idempotency_key"] or "-",
             fields["client"] or "-", fields["request_id"] or "-", extra={"fields": fields})
    return response


def init_app(app):
    observers.observe(_on_rpc)
    app.before_request(_who)
    app.after_request(_audit)
