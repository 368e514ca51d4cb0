"""Odoo as an integration user, with an API key: for machine-to-machine work (RMM webhooks,
cron commands, later the subcontractor link), where nobody is logged in.

`IntegrationAPI` is an `OdooAPI` (same errors, retries of reads, RPC counting) that speaks
Odoo 19's JSON-2 API (`POST /json/2/<model>/<method>`, `Authorization: bearer <key>`) on 19 and
later, and `/jsonrpc` `object.execute_kw(db, uid, key, ...)` before (the key stands in for the
password; `common.login` gives the uid once). JSON-2 takes named arguments only, so positional
arguments of the usual methods are named through `JSON2_ARGS`.

    odoo = integration_client()          # from ODOO_INTEGRATION_LOGIN / ODOO_INTEGRATION_KEY
    odoo.search_read("res.partner", [("is_company", "=", True)], ["name"])
"""
import hashlib
import threading

from flask import current_app, g, has_request_context

from app.odoo import versions
from app.odoo.client import (
    ERROR_CLASSES,
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    AccessDenied,
    AccessError,
    MissingError,
    OdooAPI,
    OdooError,
    OdooUnavailable,
    UserError,
    current_request_id,
)

# The names JSON-2 expects for positional arguments; "ids" is sent as the record ids.
JSON2_ARGS = {
    "search": ("domain",),
    "search_read": ("domain",),
    "search_count": ("domain",),
    "read_group": ("domain", "fields", "groupby"),
    "create": ("vals_list",),
    "fields_get": ("allfields",),
    "name_search": ("name",),
    "read": ("ids", "fields"),
    "write": ("ids", "vals"),
}
# HTTP statuses of JSON-2 errors when the body names no known exception.
JSON2_STATUS_CLASSES = {401: AccessDenied, 403: AccessError, 404: MissingError, 422: UserError}


class IntegrationConfigError(RuntimeError):
    """The integration user is not configured (login or API key missing)."""


class IntegrationAPI(OdooAPI):
    """OdooAPI authenticated by an API key instead of a web session."""

    # No web session: the web client's JSON routes (/mail/thread/messages...) are closed to it.
    web_session = False

    def __init__(self, base_url, db, login, api_key, *, timeout=(5, 20), version=None,
                 max_retries=2, context=None, write_timeout=None, request_id=None):
        super().__init__(base_url, db, timeout=timeout, version=version,
                         max_retries=max_retries, context=context, write_timeout=write_timeout,
                         request_id=request_id)
        self.login = login
        self.api_key = api_key
        self.uid = None

    def _ready(self):
        """Learn the server version, and the uid where execute_kw needs it: once per process
        and user (see `_sessions`), not once per request."""
        known = _sessions.get(self._session_key())
        if known:
            self.version = self.version or known["version"]
            self.uid = self.uid or known.get("uid")
        if self.version is None:
            self.version_info()
        if versions.execute_needs_uid(self.version) and self.uid is None:
            self.check_login()
        _sessions.put(self._session_key(), {"version": self.version, "uid": self.uid})

    def _session_key(self):
        digest = hashlib.sha256(str(self.api_key).encode()).hexdigest()[:16]
        return (self.base_url, self.db, self.login, digest)

    def check_login(self):
        """common.login with the API key; the integration user's uid. Being a success from
        Fieldkit's address, it also clears Odoo's count of failed logins from that address
        (res.users._assert_can_auth), which the login guard relies on.

        :raises AccessDenied: the key is refused, or Odoo's login cooldown is on.
        """
        uid = self._rpc("/jsonrpc", {"service": "common", "method": "login",
                                     "args": [self.db, self.login, self.api_key]},
                        idempotent=True)
        if not uid:
            raise AccessDenied(f"the integration user {self.login!r} was refused")
        self.uid = uid
        return uid

    def call(self, model, method, *args, **kwargs):
        """`model.method(*args, **kwargs)` as the integration user. A uid remembered from an
        earlier request that Odoo now refuses (the user or its key changed, the database was
        restored) is forgotten and the login made again, once."""
        reused = self.uid is not None or _sessions.get(self._session_key()) is not None
        try:
            return self._call(model, method, args, dict(kwargs))
        except AccessDenied:
            if not reused:
                raise
            _sessions.forget(self._session_key())
            self.uid = None
            self.version = None
            return self._call(model, method, args, dict(kwargs))

    def _call(self, model, method, args, kwargs):
        self._ready()
        context = {**self.context, **(kwargs.pop("context", None) or {})}
        idempotent = method in IDEMPOTENT_METHODS
        if not versions.execute_needs_uid(self.version):
            body = self._json2_body(method, args, kwargs)
            body["context"] = context
            return self._rpc(f"/json/2/{model}/{method}", body, idempotent=idempotent)
        kwargs["context"] = context
        params = {"service": "object", "method": "execute_kw",
                  "args": [self.db, self.uid, self.api_key, model, method, list(args), kwargs]}
        return self._rpc("/jsonrpc", params, idempotent=idempotent)

    def _worker(self):
        """A copy for one of `parallel()`'s threads: the same user, key, version and uid."""
        worker = IntegrationAPI(self.base_url, self.db, self.login, self.api_key,
                                timeout=self.timeout, version=self.version,
                                max_retries=self.max_retries, context=self.context,
                                write_timeout=self.write_timeout, request_id=self.request_id)
        worker.uid = self.uid
        return worker

    def parallel(self, calls, *, return_errors=False):
        self._ready()  # once here, not in every thread
        return super().parallel(calls, return_errors=return_errors)

    @staticmethod
    def _json2_body(method, args, kwargs):
        names = JSON2_ARGS.get(method, ("ids",))
        if len(args) > len(names):
            raise TypeError(f"{method}: JSON-2 needs named arguments beyond {names}")
        body = dict(zip(names, args, strict=False))
        body.update(kwargs)
        return body

    # -- JSON-2 transport: the body is the arguments, the answer is the result ---------------

    def _send(self, path, params, timeout=None, headers=None):
        if not path.startswith("/json/2/"):
            return super()._send(path, params, timeout, headers=headers)
        response = self._post(self.base_url + path, timeout=timeout, json=params, headers={
            "Authorization": f"bearer {self.api_key}", "X-Odoo-Database": self.db or ""})
        if response.status_code >= 500 and not _json2_error(response):
            raise OdooUnavailable(f"HTTP {response.status_code} from Odoo",
                                  code=response.status_code,
                                  should_retry=response.status_code in RETRYABLE_STATUSES)
        response.fieldkit_json2 = True
        return response

    def _parse(self, response):
        if not getattr(response, "fieldkit_json2", False):
            return super()._parse(response)
        if response.status_code < 400:
            try:
                return response.json()
            except ValueError:
                raise OdooUnavailable(f"non-JSON answer (HTTP {response.status_code})") from None
        error = _json2_error(response) or {}
        name = error.get("name") or ""
        cls = ERROR_CLASSES.get(name) or JSON2_STATUS_CLASSES.get(response.status_code, OdooError)
        raise cls(error.get("message") or f"HTTP {response.status_code}",
                  code=response.status_code, odoo_name=name or None, debug=error.get("debug"))


def _json2_error(response):
    """The JSON error body of a JSON-2 answer, or None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and "name" in body else None


class _Sessions:
    """What the integration user's client learns before its first call (the server version;
    the uid where execute_kw needs it), per server, database, login and key: each request
    builds a new client (its own counters) on the same session. Kept in this process and, when
    the app gives one (`shared`: an object with `peek(key)` and `put(key, value)`, the app's
    shared-store cache), for every worker: a restarted one makes no login either."""

    def __init__(self):
        self._items = {}
        self._lock = threading.Lock()
        self.shared = None

    def get(self, key):
        with self._lock:
            hit = self._items.get(key)
        if hit is None and self.shared is not None:
            hit = self.shared.peek(key) or None
            if hit:
                with self._lock:
                    self._items[key] = dict(hit)
        return hit

    def put(self, key, value):
        with self._lock:
            self._items[key] = dict(value)
        if self.shared is not None:
            self.shared.put(key, dict(value))

    def forget(self, key):
        with self._lock:
            self._items.pop(key, None)
        if self.shared is not None:
            self.shared.put(key, None)

    def clear(self):
        """Forget this process's sessions (the shared ones expire on their own)."""
        with self._lock:
            self._items.clear()


_sessions = _Sessions()


def integration_client():
    """The integration user's client, from the app config, on the process's session with
    Odoo (`_sessions`). In a request, its calls count in the request's RPCs (`rpc_stats`).

    :raises IntegrationConfigError: when ODOO_INTEGRATION_LOGIN or ODOO_INTEGRATION_KEY is unset.
    """
    config = current_app.config
    login, key = config.get("ODOO_INTEGRATION_LOGIN"), config.get("ODOO_INTEGRATION_KEY")
    if not login or not key:
        raise IntegrationConfigError(
            "Set ODOO_INTEGRATION_LOGIN and ODOO_INTEGRATION_KEY (an API key of that user).")
    client = IntegrationAPI(config["ODOO_URL"], config["ODOO_DB"], login, key,
                            timeout=config["ODOO_TIMEOUT"],
                            max_retries=config["ODOO_MAX_RETRIES"],
                            context={"tz": config["DEFAULT_TZ"]},
                            write_timeout=config.get("ODOO_WRITE_TIMEOUT"),
                            request_id=current_request_id())
    known = _sessions.get(client._session_key())
    if known:  # what an earlier request learnt: no version_info, no login
        client.version, client.uid = known["version"], known.get("uid")
    if has_request_context():
        g.setdefault("odoo_integration", []).append(client)
    return client
