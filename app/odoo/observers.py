"""Whoever wants to know about every RPC (metrics, logs, the audit trail in app/platform)
subscribes here; `OdooAPI` tells them after each attempt. The Odoo layer knows nothing of its
observers, and they learn what was called without reading any argument but record ids.
"""
import logging
from dataclasses import dataclass

from app.odoo.errors import OdooError, error_kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RpcEvent:
    """One RPC attempt as the platform sees it. `model` and `method` name what was called
    (`model` is "" for a route that is not a model's method, `method` is then the route), never
    a record; `record_ids` are the records a write named or created (for the audit trail)."""

    model: str
    method: str
    seconds: float
    error: OdooError | None = None
    write: bool = False
    record_ids: tuple = ()
    request_id: str | None = None

    @property
    def outcome(self):
        """"ok" or the error's kind (`errors.error_kind`)."""
        return "ok" if self.error is None else error_kind(self.error)


_observers = []


def observe(callback):
    """Call `callback(event: RpcEvent)` after every RPC attempt of every client (once per
    callback however often it is registered). Callbacks run on the calling thread (a pool
    thread for `parallel()`): they must be quick and must not raise."""
    if callback not in _observers:
        _observers.append(callback)


def notify(event):
    for callback in _observers:
        try:
            callback(event)
        except (ValueError, TypeError, KeyError, OSError):  # a metric never breaks a call
            log.exception("RPC observer %r failed", callback)


def _record_ids(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list | tuple) and value and all(
            isinstance(item, int) and not isinstance(item, bool) for item in value):
        return tuple(value)
    return ()


def describe_call(path, params, result=None):
    """(model, method, record ids) of one RPC, whichever protocol carried it: the web client's
    call_kw, /jsonrpc execute_kw, or JSON-2 (`/json/2/<model>/<method>`). Record ids: the first
    positional argument when it is ids (write, unlink, actions), the answer of a create."""
    path = path.split("?", 1)[0]
    model, method, args = "", path, ()
    if path.startswith("/web/dataset/call_kw/"):
        model, method, args = params.get("model", ""), params.get("method", ""), \
            params.get("args") or ()
    elif path.startswith("/json/2/"):
        model, _, method = path[len("/json/2/"):].partition("/")
        args = (params.get("ids"),) if params.get("ids") is not None else ()
    elif path == "/jsonrpc":
        service, rpc_method = params.get("service", ""), params.get("method", "")
        rpc_args = params.get("args") or []
        if service == "object" and rpc_method in ("execute_kw", "execute") and len(rpc_args) > 4:
            model, method = rpc_args[3], rpc_args[4]
            args = rpc_args[5] if len(rpc_args) > 5 else ()
        else:
            method = f"{service}.{rpc_method}"
    ids = _record_ids(args[0]) if args else ()
    if method == "create":
        ids = _record_ids(result)
    return str(model), str(method), ids


def observing():
    """Whether anyone listens (no event is built otherwise)."""
    return bool(_observers)
