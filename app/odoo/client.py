"""OdooAPI: the one client Fieldkit uses to speak JSON-RPC to Odoo.

The envelope is built in `_envelope()` and parsed in `_parse()`, nowhere else. Transport
failures are classified in `_send()`; errors in Odoo's envelope are mapped to typed exceptions
through `ERROR_CLASSES`. Every call runs as the logged-in user, with that user's own Odoo web
session (`session_id` cookie), so Odoo's access rules and chatter attribution are the user's.
"""
import itertools
import logging
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from flask import current_app, g, has_request_context, request, session

from app.odoo.errors import (  # noqa: F401  (callers import them from the client too)
    ERROR_CLASSES,
    NOT_ANSWERING,
    OUTCOME_UNKNOWN,
    SESSION_EXPIRED_CODE,
    AccessDenied,
    AccessError,
    LoginCooldown,
    MissingError,
    OdooError,
    OdooUnavailable,
    SessionExpired,
    TwoFactorCodeReused,
    TwoFactorExpired,
    TwoFactorRequired,
    UserError,
    ValidationError,
    WrongTwoFactorCode,
)
from app.odoo.observers import RpcEvent, describe_call, notify, observing
from app.odoo.transport import http_session, parallel_pool  # noqa: F401  (callers use them here)

# Callers subscribe with `app.odoo.observers.observe(callback)`.

log = logging.getLogger(__name__)


# Methods that change nothing, so a retry after a transport failure is safe.
IDEMPOTENT_METHODS = frozenset({
    "search", "search_read", "read", "search_count", "read_group", "fields_get",
    "name_search", "default_get", "context_get", "exists", "check_object_reference",
    "web_search_read", "web_read", "name_get",
})
RETRYABLE_STATUSES = frozenset({502, 503, 504})
# Methods that change nothing though they are not retried as reads: not writes for the audit
# trail (RpcEvent.write). message_format and get_portal_url only read; the others ask rights.
READ_ONLY_METHODS = IDEMPOTENT_METHODS | frozenset({
    "get_external_id", "has_access", "check_access_rights", "check_access_rule",
    "message_format", "get_portal_url", "has_group",
})


# Client methods `parallel()` may run: reads only, so a failure leaves nothing half done.
PARALLEL_METHODS = frozenset({
    "search_read", "read", "search_count", "read_group", "session_info", "version_info",
})


@dataclass(frozen=True)
class OdooCall:
    """One deferred client call for `OdooAPI.parallel()`: `OdooCall("search_count", model, domain)`.

    `method` names an OdooAPI read method (`search_read`, `read`, `search_count`, `read_group`)
    or `call` with an idempotent Odoo method as its second argument.
    """

    method: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __init__(self, method, *args, **kwargs):
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "kwargs", kwargs)

    def check(self):
        """Refuse anything that is not a read (a programming error, so ValueError)."""
        if self.method == "call":
            if len(self.args) < 2 or self.args[1] not in IDEMPOTENT_METHODS:
                raise ValueError(f"parallel() runs reads only, not call{self.args[:2]!r}")
        elif self.method == "json_route":
            # A JSON route (e.g. /mail/thread/messages) the caller declares a read.
            if not self.kwargs.get("idempotent"):
                raise ValueError("parallel() runs json_route only with idempotent=True")
        elif self.method not in PARALLEL_METHODS:
            raise ValueError(f"parallel() runs reads only, not {self.method!r}")

    def run(self, odoo):
        """Make the call now, on `odoo` (the same read without `parallel()`)."""
        return getattr(odoo, self.method)(*self.args, **self.kwargs)


# The transport (the shared requests session, the parallel pool): app/odoo/transport.py


def _major_version(info):
    """17 from [17, 0, 0, 'final', 0, ''] or from ['saas~17', 1, ...]."""
    if not info:
        return None
    match = re.search(r"\d+", str(info[0]))
    return int(match.group()) if match else None


class OdooAPI:
    """JSON-RPC client bound to one Odoo web session (or none, before login)."""

    # A web session (login): the web client's JSON routes are open to it (see IntegrationAPI).
    web_session = True

    _ids = itertools.count(1)

    def __init__(self, base_url, db, timeout=(5, 8), session_id=None, context=None,
                 version=None, max_retries=2, write_timeout=None, request_id=None):
        self.base_url = base_url.rstrip("/")
        self.db = db
        # (connect, read) for reads and login; writes wait `write_timeout` for the answer.
        self.timeout = timeout
        self.write_timeout = write_timeout or timeout[1]
        self.session_id = session_id
        self.context = dict(context or {})
        self.version = version
        self.max_retries = max_retries
        self.rpc_count = 0
        self.rpc_seconds = 0.0
        # Sent to Odoo as X-Request-Id, so one action can be followed in both logs.
        self.request_id = request_id

    # -- envelope ------------------------------------------------------------------------------

    def _envelope(self, params):
        return {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self._ids)}

    def _parse(self, response):
        """The `result` of a JSON-RPC response, or the typed error it carries."""
        try:
            body = response.json()
        except ValueError:
            raise OdooUnavailable(
                f"non-JSON answer (HTTP {response.status_code}, "
                f"{response.headers.get('Content-Type', '?')})",
                code=response.status_code,
            ) from None
        if not isinstance(body, dict):
            raise OdooUnavailable(f"unexpected JSON-RPC body: {type(body).__name__}")
        error = body.get("error")
        if error is not None:
            raise self._error_from(error)
        if response.status_code >= 400:
            raise OdooError(f"HTTP {response.status_code} without an error envelope",
                            code=response.status_code)
        # Odoo leaves `result` out when the route returns None (session/check, destroy).
        return body.get("result")

    @staticmethod
    def _error_from(error):
        data = error.get("data") or {}
        name = data.get("name") or ""
        code = error.get("code")
        # Code 100 is a session problem whatever the name (15 said "Odoo Session Invalid").
        cls = SessionExpired if code == SESSION_EXPIRED_CODE else ERROR_CLASSES.get(name, OdooError)
        message = data.get("message") or error.get("message") or ""
        if cls is AccessDenied and "too many login failures" in message.lower():
            cls = LoginCooldown
        return cls(
            message, code=code, odoo_name=name or None, debug=data.get("debug"),
        )

    # -- transport -----------------------------------------------------------------------------

    def _send(self, path, params, timeout=None, headers=None):
        """POST one envelope; classify transport failures into OdooUnavailable."""
        cookies = {"session_id": self.session_id} if self.session_id else None
        response = self._post(self.base_url + path, timeout=timeout,
                              json=self._envelope(params), cookies=cookies, headers=headers)
        if response.status_code >= 500:
            raise OdooUnavailable(
                f"HTTP {response.status_code} from Odoo", code=response.status_code,
                should_retry=response.status_code in RETRYABLE_STATUSES,
                # A gateway timeout: the proxy gave up waiting, Odoo may still apply the call.
                reached=response.status_code == 504, timed_out=response.status_code == 504,
            )
        return response

    def _post(self, url, timeout=None, **kwargs):
        """POST with this client's timeouts; the one place transport failures are classified."""
        if self.request_id:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "X-Request-Id": self.request_id}
        try:
            return http_session().post(url, timeout=timeout or self.timeout, **kwargs)
        except requests.ConnectTimeout as exc:
            # The request never reached Odoo: safe to try again.
            raise OdooUnavailable(f"connect timeout: {exc}", should_retry=True,
                                  timed_out=True) from exc
        except requests.ReadTimeout as exc:
            # Odoo may still be working on it; retrying would double the wait on a slow server.
            raise OdooUnavailable(f"read timeout: {exc}", should_retry=False, reached=True,
                                  timed_out=True, user_message=NOT_ANSWERING) from exc
        except requests.ConnectionError as exc:
            raise OdooUnavailable(f"connection failed: {exc}", should_retry=True) from exc
        except requests.RequestException as exc:
            raise OdooUnavailable(f"request failed: {exc}") from exc

    def _rpc(self, path, params, *, idempotent=False, quick=None, headers=None):
        """One RPC with retries (reads only), counted and timed for this request.

        `quick` (default: `idempotent`) calls wait the short read timeout; others (writes)
        wait `write_timeout`.
        """
        quick = idempotent if quick is None else quick
        timeout = self.timeout if quick else (self.timeout[0], self.write_timeout)
        for attempt in itertools.count():
            started = time.perf_counter()
            result = error = None
            try:
                response = self._send(path, params, timeout, headers=headers)
                result = self._parse(response)
            except OdooUnavailable as exc:
                error = exc
                if exc.reached and not quick:
                    self._outcome_unknown(exc)
                if not (idempotent and exc.should_retry and attempt < self.max_retries):
                    raise
                delay = self._sleep_seconds(attempt)
                log.warning("odoo %s failed (%s), retry %d in %.2fs", path, exc, attempt + 1,
                            delay)
            except OdooError as exc:
                error = exc
                raise
            else:
                self._adopt_session_cookie(path, response)
                return result
            finally:
                self._count(time.perf_counter() - started, path, params, result, error,
                            write=not idempotent)
            time.sleep(delay)

    def _count(self, seconds, path, params, result=None, error=None, write=False):
        """Add one RPC to this client's counters and tell the observers."""
        self.rpc_count += 1
        self.rpc_seconds += seconds
        if observing():
            model, method, ids = describe_call(path, params, result)
            write = write and method not in READ_ONLY_METHODS
            notify(RpcEvent(model, method, seconds, error, write, ids if write else (),
                             self.request_id))

    @staticmethod
    def _outcome_unknown(exc):
        """A write reached Odoo and its answer was lost: say so rather than "try again", and
        tell the idempotency layer to keep the key (a repeat must not write twice)."""
        exc.outcome_unknown = True
        exc.user_message = OUTCOME_UNKNOWN
        if has_request_context():
            g.odoo_outcome_unknown = True

    def _sleep_seconds(self, attempt):
        """Exponential backoff with jitter; tests patch this to return 0."""
        return min(4.0, 0.25 * 2 ** attempt) * random.uniform(0.5, 1.0)

    def _adopt_session_cookie(self, path, response):
        # Odoo rotates the session id at login (and may later): keep the newest one, but never
        # pick up the anonymous session Odoo hands out to a caller that has none.
        new_sid = response.cookies.get("session_id")
        if new_sid and (self.session_id or path == "/web/session/authenticate"):
            self.session_id = new_sid

    # -- session -------------------------------------------------------------------------------

    def authenticate(self, login, password):
        """Log in with Odoo's web session; returns session_info and keeps the rotated sid.

        :raises AccessDenied: wrong login or password.
        :raises TwoFactorRequired: the account needs 2FA (Odoo answers `uid: null`).
        """
        self.session_id = None
        info = self._rpc("/web/session/authenticate",
                         {"db": self.db, "login": login, "password": password}, quick=True,
                         headers=self.client_address_headers())
        if not isinstance(info, dict):
            self.session_id = None
            raise OdooError(f"authenticate answered {type(info).__name__}, not session info")
        if not info.get("uid"):
            self.session_id = None
            raise TwoFactorRequired(f"no uid for {login!r} (two-factor authentication?)")
        self.version = _major_version(info.get("server_version_info")) or self.version
        if self.version is None:
            self.version_info()
        self.context = dict(info.get("user_context") or {}, uid=info["uid"])
        return info

    def web_page(self, method, path, *, data=None, cookies=None, user_agent=None):
        """One request to Odoo's browser login pages (HTML forms, auth_totp's second step):
        redirects are not followed, cookies are only those given (the shared HTTP session
        keeps none). Transport failures and 5xx answers raise OdooUnavailable."""
        headers = self.client_address_headers()
        if user_agent:
            headers["User-Agent"] = user_agent
        if self.request_id:
            headers["X-Request-Id"] = self.request_id
        started = time.perf_counter()
        error = None
        try:
            response = http_session().request(
                method, self.base_url + path, data=data, cookies=cookies, headers=headers,
                allow_redirects=False, timeout=(self.timeout[0], self.write_timeout))
        except requests.ConnectTimeout as exc:
            error = OdooUnavailable(f"connect timeout: {exc}", timed_out=True)
            raise error from exc
        except requests.ReadTimeout as exc:
            error = OdooUnavailable(f"read timeout: {exc}", user_message=NOT_ANSWERING,
                                    timed_out=True)
            raise error from exc
        except requests.RequestException as exc:
            error = OdooUnavailable(f"request failed: {exc}")
            raise error from exc
        finally:
            self._count(time.perf_counter() - started, path, {}, error=error)
        if response.status_code >= 500:
            raise OdooUnavailable(f"HTTP {response.status_code} from {path}",
                                  code=response.status_code)
        return response

    def session_info(self):
        """The current session's info (uid, user_context, server_version_info, ...)."""
        return self._rpc("/web/session/get_session_info", {}, idempotent=True)

    def client_address_headers(self):
        """Whose login this is, for an Odoo started with --proxy-mode: its login cooldown
        (res.users._assert_can_auth) then counts failures per person's address instead of
        Fieldkit's. Odoo applies X-Forwarded-For only on requests with X-Forwarded-Host
        (odoo/http.py); that one names Odoo's own host, so nothing else changes (an admin's
        login sets web.base.url from the request's host). Without --proxy-mode Odoo ignores
        them; Fieldkit's login guard (app/platform/login_throttle.py) covers that case."""
        if not has_request_context() or not request.remote_addr:
            return {}
        parts = urlsplit(self.base_url)
        return {"X-Forwarded-For": request.remote_addr, "X-Forwarded-Host": parts.netloc,
                "X-Forwarded-Proto": parts.scheme}

    def logout(self):
        """Destroy the Odoo session server-side."""
        try:
            self._rpc("/web/session/destroy", {}, quick=True)
        finally:
            self.session_id = None

    def version_info(self):
        """Probe the server version (no session needed); sets and returns `version`."""
        info = self._rpc("/web/webclient/version_info", {}, idempotent=True) or {}
        self.version = _major_version(info.get("server_version_info"))
        return self.version

    def list_databases(self):
        """Database names the server lists (AccessDenied when listing is disabled)."""
        return self._rpc("/jsonrpc", {"service": "db", "method": "list", "args": []},
                         idempotent=True) or []

    # -- models --------------------------------------------------------------------------------

    def call(self, model, method, *args, **kwargs):
        """call_kw as the user: positional args as given, kwargs plus the user's context."""
        kwargs["context"] = {**self.context, **(kwargs.get("context") or {})}
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self._rpc(f"/web/dataset/call_kw/{model}/{method}", params,
                         idempotent=method in IDEMPOTENT_METHODS)

    def search_read(self, model, domain, fields, *, limit=None, offset=0, order=None):
        kwargs = {"fields": list(fields)}
        if limit:
            kwargs["limit"] = limit
        if offset:
            kwargs["offset"] = offset
        if order:
            kwargs["order"] = order
        return self.call(model, "search_read", domain, **kwargs)

    def read(self, model, ids, fields):
        """Records by id; ids that no longer exist are silently left out, as Odoo does."""
        return self.call(model, "read", list(ids), list(fields))

    def search_count(self, model, domain):
        return self.call(model, "search_count", domain)

    def read_group(self, model, domain, fields, groupby, *, lazy=True, orderby=None):
        kwargs = {"lazy": lazy}
        if orderby:
            kwargs["orderby"] = orderby
        return self.call(model, "read_group", domain, list(fields), groupby, **kwargs)

    def create(self, model, vals):
        """Create one record; returns its id. Never retried (it is not idempotent)."""
        result = self.call(model, "create", vals)
        return result[0] if isinstance(result, list) else result

    def write(self, model, ids, vals):
        return self.call(model, "write", list(ids), vals)

    def message_post(self, model, res_id, body, **kwargs):
        """Post on a record's chatter as the user (an internal note unless told otherwise)."""
        kwargs.setdefault("message_type", "comment")
        kwargs.setdefault("subtype_xmlid", "mail.mt_note")
        result = self.call(model, "message_post", [res_id], body=body, **kwargs)
        return result[0] if isinstance(result, list) else result  # 19 answers a list

    def json_route(self, path, params, *, idempotent=False):
        """Another JSON route of Odoo (e.g. `/mail/thread/messages`) with the user's session."""
        return self._rpc(path, params, idempotent=idempotent)

    # -- several reads at once -----------------------------------------------------------------

    def _worker(self):
        """A copy bound to the same user and session, with its own counters, for one thread."""
        return OdooAPI(self.base_url, self.db, timeout=self.timeout, session_id=self.session_id,
                       context=self.context, version=self.version, max_retries=self.max_retries,
                       write_timeout=self.write_timeout, request_id=self.request_id)

    def parallel(self, calls, *, return_errors=False):
        """Run independent reads at the same time; their results in the order of `calls`.

        Odoo's JSON-RPC takes one call per HTTP request (no batch envelope), so the calls go out
        together on separate connections and the page waits about one round trip instead of
        one per call. Each call is a normal RPC: as the logged-in user, with the timeouts and
        read retries of this client, counted in `rpc_count` (each call is one RPC); the wall
        time of the whole group is added to `rpc_seconds`.

        When a call fails, the others still run to the end (they are reads: nothing to undo).
        Then, by default, the error of the first failed call in `calls` order is raised, typed
        as usual. With `return_errors=True` a failed call's slot holds its OdooError instead,
        so a page can show what it has; `SessionExpired` is raised all the same, since it
        concerns every call.

        The first call runs in the caller's thread, the others in pool threads: no Flask
        request context there, which the client never needs (it holds its session id, context
        and config itself).

        :raises ValueError: for a call that is not a read.
        """
        calls = list(calls)
        for call in calls:
            call.check()
        if not calls:
            return []
        if len(calls) == 1:
            # No thread for a single call.
            outcomes = [self._run_one(self, calls[0])]
        else:
            started = time.perf_counter()
            workers = [self._worker() for _ in calls]
            # The first call runs in this thread while the pool sends the others: one thread
            # hand-off fewer per page (under load each one waits for the interpreter lock).
            futures = [parallel_pool().submit(self._run_one, worker, call)
                       for worker, call in zip(workers[1:], calls[1:], strict=True)]
            outcomes = [self._run_one(workers[0], calls[0])] + \
                [future.result() for future in futures]
            self.rpc_count += sum(worker.rpc_count for worker in workers)
            self.rpc_seconds += time.perf_counter() - started
            rotated = {w.session_id for w in workers} - {self.session_id, None}
            if rotated:
                self.session_id = rotated.pop()
        errors = [outcome for outcome in outcomes if isinstance(outcome, OdooError)]
        expired = next((e for e in errors if isinstance(e, SessionExpired)), None)
        if expired is not None:
            raise expired
        if errors and not return_errors:
            raise errors[0]
        return outcomes

    @staticmethod
    def _run_one(client, call):
        # OdooError is returned, not raised, so one failure does not hide the others' results.
        try:
            return getattr(client, call.method)(*call.args, **call.kwargs)
        except OdooError as exc:
            return exc


# --- Flask glue -------------------------------------------------------------------------------

def user_context():
    """The Odoo context for the logged-in user, rebuilt from the Flask session."""
    context = {"lang": session.get("lang") or "en_US",
               "tz": session.get("tz") or current_app.config["DEFAULT_TZ"]}
    if session.get("user_id"):
        context["uid"] = session["user_id"]
    # The active companies, the current one first (app/services/companies.py): Odoo's rules
    # show their records, and new records default to the first.
    companies = session.get("company_ids") or (
        [session["company_id"]] if session.get("company_id") else [])
    if companies:
        context["allowed_company_ids"] = list(companies)
    return context


def new_client(session_id=None, context=None, version=None):
    """An OdooAPI configured from the app config."""
    config = current_app.config
    return OdooAPI(config["ODOO_URL"], config["ODOO_DB"], timeout=config["ODOO_TIMEOUT"],
                   session_id=session_id, context=context, version=version,
                   max_retries=config["ODOO_MAX_RETRIES"],
                   write_timeout=config.get("ODOO_WRITE_TIMEOUT"), request_id=current_request_id())


def current_request_id():
    """The id of the request being served (set by app/platform/request_log.py), or None."""
    return g.get("request_id") if has_request_context() else None


def get_odoo():
    """The client for this request, bound to the logged-in user's Odoo session."""
    if "odoo" not in g:
        g.odoo = new_client(session_id=session.get("odoo_sid"), context=user_context(),
                            version=session.get("odoo_version"))
    return g.odoo


@dataclass(frozen=True)
class RPCStats:
    """The Odoo calls of one request: `count` and `seconds` of all of them, and the share of
    the integration user's client (app/odoo/integration.py) as its own figure."""

    count: int = 0
    seconds: float = 0.0
    integration_count: int = 0
    integration_seconds: float = 0.0


def rpc_stats() -> RPCStats:
    """The RPCs made during this request: the logged-in user's and the integration user's."""
    if not has_request_context():
        return RPCStats()
    odoo = g.get("odoo")
    others = g.get("odoo_integration") or ()
    integration_count = sum(client.rpc_count for client in others)
    integration_seconds = sum(client.rpc_seconds for client in others)
    return RPCStats(
        count=(odoo.rpc_count if odoo else 0) + integration_count,
        seconds=(odoo.rpc_seconds if odoo else 0.0) + integration_seconds,
        integration_count=integration_count, integration_seconds=integration_seconds)


def _persist_rotated_session(response):
    odoo = g.get("odoo")
    if odoo and session.get("odoo_sid") and odoo.session_id \
            and odoo.session_id != session["odoo_sid"]:
        session["odoo_sid"] = odoo.session_id
    return response


def init_app(app):
    app.after_request(_persist_rotated_session)
