"""HTTP layer: Odoo's JSON routes, JSON-RPC envelopes, sessions and cookies, /jsonrpc,
JSON-2 (19), XML-RPC, fault injection and the /__emulator__ test hooks."""

import json
import logging
import time
import traceback
import xmlrpc.client
from email.utils import formatdate

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import totp
from .exceptions import AccessDenied, NotFound, OdooException, SessionExpired
from .session_info import session_info
from .state import DB_NAME, FAULT_MODES, SERVER_VERSIONS, SESSION_MAX_AGE

log = logging.getLogger("odoo_emulator")


class JsonRoute:
    """Marks a handler as an Odoo type='json' route."""


def error_name(exc):
    if isinstance(exc, (OdooException, SessionExpired, NotFound)):
        return exc.odoo_name
    if getattr(exc, "odoo_exception", None):   # domain.DomainError
        return exc.odoo_exception
    return f"builtins.{type(exc).__name__}"


def error_message(exc):
    if isinstance(exc, NotFound):
        return ("404 Not Found: The requested URL was not found on the server. If you entered "
                "the URL manually please check your spelling and try again.")
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


class EmulatorApp:
    def __init__(self, state):
        self.state = state
        self.version = state.version
        self.url_map = Map([
            Rule("/web/session/authenticate", endpoint="authenticate"),
            Rule("/web/session/get_session_info", endpoint="get_session_info"),
            Rule("/web/session/check", endpoint="check"),
            Rule("/web/session/destroy", endpoint="destroy"),
            Rule("/web/session/logout", endpoint="logout"),
            Rule("/web/webclient/version_info", endpoint="version_info"),
            Rule("/web/dataset/call_kw", endpoint="call_kw"),
            Rule("/web/dataset/call_kw/<path:path>", endpoint="call_kw"),
            Rule("/web/dataset/call_button", endpoint="call_kw"),
            Rule("/web/dataset/call_button/<path:path>", endpoint="call_kw"),
            Rule("/mail/thread/messages", endpoint="thread_messages"),
            Rule("/jsonrpc", endpoint="jsonrpc"),
            Rule("/xmlrpc/2/<service>", endpoint="xmlrpc"),
            Rule("/xmlrpc/<service>", endpoint="xmlrpc"),
            Rule("/json/2/<model>/<method>", endpoint="json2"),
            Rule("/web/login", endpoint="web_login"),
            Rule("/web/login/totp", endpoint="web_login_totp"),
            Rule("/web/health", endpoint="health"),
            Rule("/", endpoint="root"),
            Rule("/__emulator__/faults", endpoint="faults"),
            Rule("/__emulator__/reset", endpoint="reset"),
            Rule("/__emulator__/info", endpoint="info"),
        ])

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as e:
            return e.get_response(request.environ)
        if not endpoint.startswith(("faults", "reset", "info", "health")):
            fault = self._take_fault(request.path)
            if fault == "applied":
                # Odoo did the work, then the answer was lost on the way back (a proxy's
                # gateway timeout): the caller can't tell it from a failure.
                getattr(self, "on_" + endpoint)(request, **values)
                return self._gateway_timeout(self.state.faults["hang_seconds"])
            if fault:
                return fault
            if self.state.latency_ms:
                time.sleep(self.state.latency_ms / 1000.0)
        handler = getattr(self, "on_" + endpoint)
        return handler(request, **values)

    def _take_fault(self, path):
        faults = self.state.faults
        with self.state.lock:
            if faults["count"] <= 0 or faults.get("path", "") not in path:
                return None
            faults["count"] -= 1
            mode, hang = faults["mode"], faults["hang_seconds"]
        if mode == "applied":
            return mode
        if mode == "hang":
            return self._gateway_timeout(hang)
        return Response("<html><body><h1>502 Bad Gateway</h1></body></html>", status=502,
                        content_type="text/html")

    @staticmethod
    def _gateway_timeout(hang):
        time.sleep(hang)
        return Response("Gateway Timeout", status=504, content_type="text/html")

    # -- JSON-RPC plumbing --------------------------------------------------------------------
    def _read_json(self, request):
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            return None, Response("Invalid JSON data", status=400, content_type="text/plain")
        if not isinstance(body, dict) or not isinstance(body.get("params", {}), dict):
            return None, Response("Invalid JSON-RPC data", status=400, content_type="text/plain")
        return body, None

    def _json_response(self, payload, status=200):
        return Response(json.dumps(payload), status=status,
                        content_type="application/json; charset=utf-8")

    def _result(self, req_id, result):
        payload = {"jsonrpc": "2.0", "id": req_id}
        if result is not None:
            payload["result"] = result
        return self._json_response(payload)

    def _error(self, req_id, exc):
        name = error_name(exc)
        message = error_message(exc)
        if isinstance(exc, SessionExpired):
            code, top, req_id = 100, "Odoo Session Expired", None
        elif isinstance(exc, NotFound):
            code, top, req_id = 404, "404: Not Found", None
        else:
            code, top = (0 if self.version >= 19 else 200), "Odoo Server Error"
        debug = ("Traceback (most recent call last):\n  (emulated)\n"
                 f"{name if not name.startswith('builtins.') else name[9:]}: {message}\n")
        if type(exc).__name__ == "DomainError":
            exc = ValueError(message)
        arguments = [] if isinstance(exc, NotFound) else [
            a for a in (exc.args or (message,)) if isinstance(a, (str, int, float))]
        context = getattr(exc, "context", None) or {}  # e.g. AccessError's suggested_company
        if self.version >= 19:
            data = {"name": name, "message": message, "arguments": arguments,
                    "context": context, "debug": debug}
        else:
            data = {"name": name, "debug": debug, "message": message, "arguments": arguments,
                    "context": context}
        payload = {"jsonrpc": "2.0", "id": req_id,
                   "error": {"code": code, "message": top, "data": data}}
        status = 404 if isinstance(exc, NotFound) and self.version <= 16 else 200
        return self._json_response(payload, status)

    def _session(self, request):
        sid = request.cookies.get("session_id")
        return sid, self.state.sessions.get(sid) if sid else None

    def _user_session(self, request):
        sid, sess = self._session(request)
        if not sess or not sess.get("uid"):
            raise SessionExpired()
        if sess["uid"] not in self.state.storage.data["res.users"]:
            raise SessionExpired()
        return sid, sess

    def _set_session_cookie(self, response, sid):
        expires = formatdate(time.time() + SESSION_MAX_AGE * 52, usegmt=True)
        response.headers.add(
            "Set-Cookie", f"session_id={sid}; Expires={expires}; Max-Age={SESSION_MAX_AGE}; "
                          "HttpOnly; Path=/")

    def _json_route(self, request, func, public=False):
        """Run func(params, session) as a type='json' route and wrap the answer."""
        body, bad = self._read_json(request)
        if bad:
            return bad
        req_id = body.get("id")
        params = body.get("params") or {}
        started = time.perf_counter()
        try:
            result = func(params, request)
        except Exception as exc:  # every error becomes Odoo's envelope, as Odoo does
            if not isinstance(exc, (OdooException, SessionExpired, NotFound, ValueError,
                                    KeyError, TypeError, AttributeError)):
                log.error("unexpected error in %s\n%s", request.path, traceback.format_exc())
            response = self._error(req_id, exc)
        else:
            if isinstance(result, Response):
                return result
            response = self._result(req_id, result)
        self._log(request.path, params, started)
        self._send_trace_cookie(request, response)
        return response

    def _send_trace_cookie(self, request, response):
        """From 18 Odoo records the login's device on the first request after it, which
        saves the session and sends its cookie again."""
        sid, sess = self._session(request)
        if not sess or not sess.pop("trace_pending", False):
            return
        if not any(v.startswith("session_id=") for v in response.headers.getlist("Set-Cookie")):
            self._set_session_cookie(response, sid)

    def _log(self, path, params, started):
        ms = (time.perf_counter() - started) * 1000
        if "model" in params:
            log.info("%s %s.%s %.1f ms", path.split("/")[-1] if "call_kw" not in path
                     else "call_kw", params.get("model"), params.get("method"), ms)
        elif "service" in params:
            args = params.get("args") or []
            target = (f"{args[3]}.{args[4]}" if params.get("service") == "object"
                      and len(args) > 4 else params.get("method"))
            log.info("jsonrpc %s %s %.1f ms", params.get("service"), target, ms)
        else:
            log.info("%s %.1f ms", path, ms)

    # -- session routes ----------------------------------------------------------------------
    def on_authenticate(self, request):
        holder = {}

        def handle(params, req):
            db = params.get("db")
            if not self.state.check_db(db):
                from .exceptions import AccessError
                raise AccessError("Database not found.")
            source = self.state.auth_source(req)
            with self.state.lock, self.state.assert_can_auth(source, params.get("login")):
                uid = self.state.login(params.get("login"), params.get("password"),
                                       api_key_ok=False)
                if not uid:
                    raise AccessDenied()
                old_sid, _ = self._session(req)
                self.state.sessions.pop(old_sid, None)
                if self.state.totp_secret(uid):
                    # auth_totp: the password was right, the session waits for a code that
                    # this JSON route cannot take; Odoo answers {"uid": null}, no error.
                    sid = self.state.new_session()
                    self.state.sessions[sid]["pre_uid"] = uid
                    holder["sid"] = sid
                    return {"uid": None}
                sid = self.state.new_session(uid, params.get("login"))
                holder["sid"] = sid
                return session_info(self.state, uid, req.host_url)
        response = self._json_route(request, handle)
        if "sid" in holder and response.status_code == 200:
            self._set_session_cookie(response, holder["sid"])
            if self.version >= 18 and self.state.sessions[holder["sid"]].get("uid"):
                self.state.sessions[holder["sid"]]["trace_pending"] = True
            if self.version >= 19:  # 19 logs the device within the login request too
                self._set_session_cookie(response, holder["sid"])
        return response

    def on_get_session_info(self, request):
        holder = {}

        def handle(params, req):
            sid, sess = self._user_session(req)
            holder["sid"] = sid
            sess.pop("trace_pending", None)  # this answer sends the cookie anyway
            with self.state.lock:
                return session_info(self.state, sess["uid"], req.host_url)
        response = self._json_route(request, handle)
        if "sid" in holder:
            self._set_session_cookie(response, holder["sid"])
        return response

    def on_check(self, request):
        def handle(params, req):
            self._user_session(req)
            return None
        return self._json_route(request, handle)

    def on_destroy(self, request):
        holder = {}

        def handle(params, req):
            sid, sess = self._user_session(req)
            self.state.sessions.pop(sid, None)
            holder["sid"] = self.state.new_session()
            return None
        response = self._json_route(request, handle)
        if "sid" in holder:
            expires = formatdate(time.time() + SESSION_MAX_AGE * 52, usegmt=True)
            if self.version in (17, 19):
                response.headers.add("Set-Cookie", f"cids=; Expires={expires}; Max-Age=0; Path=/")
            if self.version >= 18:
                response.headers.add("Set-Cookie",
                                     f"color_scheme=; Expires={expires}; Max-Age=0; Path=/")
            self._set_session_cookie(response, holder["sid"])
        return response

    def on_logout(self, request):
        sid, sess = self._session(request)
        self.state.sessions.pop(sid, None)
        target = request.args.get("redirect") or ("/odoo" if self.version >= 18 else "/web")
        response = Response("", status=303, headers={"Location": target})
        self._set_session_cookie(response, self.state.new_session())
        return response

    def _version_dict(self):
        server_version, info = SERVER_VERSIONS[self.version]
        return {"server_version": server_version, "server_version_info": info,
                "server_serie": f"{self.version}.0", "protocol_version": 1}

    def on_version_info(self, request):
        holder = {}

        def handle(params, req):
            sid, sess = self._session(req)
            if not sess:
                holder["sid"] = self.state.new_session()
            else:
                holder["sid"] = sid
            return self._version_dict()
        response = self._json_route(request, handle)
        if "sid" in holder:
            self._set_session_cookie(response, holder["sid"])
        return response

    # -- models ------------------------------------------------------------------------------
    def on_call_kw(self, request, path=None):
        def handle(params, req):
            sid, sess = self._user_session(req)
            model, method = params.get("model"), params.get("method")
            kwargs = dict(params.get("kwargs") or {})
            if "context" in params and "context" not in kwargs:
                kwargs["context"] = params["context"]
            return self.state.call_kw(sess["uid"], model, method, params.get("args") or [],
                                      kwargs)
        return self._json_route(request, handle)

    def on_thread_messages(self, request):
        def handle(params, req):
            sid, sess = self._user_session(req)
            with self.state.lock:
                env = self.state.env(sess["uid"], params.get("context"))
                msgs = env["mail.message"]
                return msgs.thread_messages(params.get("thread_model"), params.get("thread_id"),
                                            params.get("limit") or 30, params.get("before"),
                                            params.get("after"))
        return self._json_route(request, handle)

    # -- /jsonrpc -----------------------------------------------------------------------------
    def on_jsonrpc(self, request):
        return self._json_route(request, lambda params, req: self.dispatch_rpc(
            params.get("service"), params.get("method"), params.get("args") or [],
            source=self.state.auth_source(req)))

    def dispatch_rpc(self, service, method, args, source=None):
        state = self.state
        if service == "common":
            if method == "version":
                return self._version_dict()
            if method in ("login", "authenticate"):
                db, login, password = (list(args) + [None] * 3)[:3]
                if not state.check_db(db):
                    raise AccessDenied()
                # Odoo's common.login answers False for a wrong password and during the
                # address's cooldown alike; the failure still counts towards the cooldown.
                try:
                    with state.lock, state.assert_can_auth(source, login):
                        uid = state.login(login, password)
                        if not uid:
                            raise AccessDenied()
                except AccessDenied:
                    uid = False
                return uid or False
            if method == "about":
                return "See http://openerp.com"
            raise KeyError(method)
        if service == "db":
            if method == "list":
                return [DB_NAME]
            if method == "server_version":
                return SERVER_VERSIONS[self.version][0]
            if method in ("db_exist",):
                return args and args[0] == DB_NAME
            raise KeyError(method)
        if service == "object":
            if method not in ("execute", "execute_kw"):
                raise NameError(f"method not available on this service: {method}")
            if len(args) < 5:
                raise TypeError(f"{method}() missing required positional arguments")
            db, uid, password, model, meth = args[:5]
            if not state.check_db(db):
                raise AccessDenied()
            with state.lock:
                state.check_credentials(uid, password)
            if method == "execute":
                return state.call_kw(uid, model, meth, list(args[5:]), {})
            call_args = args[5] if len(args) > 5 else []
            call_kwargs = args[6] if len(args) > 6 else {}
            return state.call_kw(uid, model, meth, call_args, call_kwargs or {})
        raise KeyError(service)

    # -- XML-RPC -----------------------------------------------------------------------------
    def on_xmlrpc(self, request, service):
        try:
            params, method = xmlrpc.client.loads(request.get_data())
            result = self.dispatch_rpc(service, method, list(params),
                                       source=self.state.auth_source(request))
            if result is None:
                result = False
            body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except Exception as exc:
            code = 3 if isinstance(exc, AccessDenied) else 1
            fault = xmlrpc.client.Fault(code, f"{error_name(exc)}: {error_message(exc)}")
            body = xmlrpc.client.dumps(fault, methodresponse=True)
        return Response(body, content_type="text/xml; charset=utf-8")

    # -- JSON-2 (19) ----------------------------------------------------------------------------
    def on_json2(self, request, model, method):
        if self.version < 19:
            return Response("Not Found", status=404, content_type="text/html")
        started = time.perf_counter()

        def error(status, name, message, args=None):
            return self._json_response({"name": name, "message": message,
                                        "arguments": args if args is not None else [message, status],
                                        "context": {},
                                        "debug": f"{name}: {status} {message}"}, status)
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return error(401, "werkzeug.exceptions.Unauthorized",
                         "User not authenticated, use an API Key with a Bearer Authorization "
                         "header.")
        with self.state.lock:
            uid = self.state.uid_for_key(auth[7:].strip())
        if not uid:
            return error(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
        if model not in self.state.registry.classes:
            return error(404, "werkzeug.exceptions.NotFound",
                         f"the model '{model}' does not exist")
        try:
            body = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            return error(400, "werkzeug.exceptions.BadRequest", "Invalid JSON data")
        if not isinstance(body, dict):
            return error(400, "werkzeug.exceptions.BadRequest", "Invalid JSON data")
        kwargs = dict(body)
        ids = kwargs.pop("ids", None)
        cls = self.state.registry.classes[model]
        func = getattr(cls, method, None)
        try:
            if func is not None and not getattr(func, "_api_model", False) \
                    and not method.startswith("_"):
                args = [ids or []]
            else:
                args = []
            result = self.state.call_kw(uid, model, method, args, kwargs)
        except TypeError as exc:
            msg = error_message(exc)
            msg = msg.split(") ", 1)[1] if ") " in msg and "()" in msg else msg
            return error(422, "werkzeug.exceptions.UnprocessableEntity", msg)
        except Exception as exc:
            status = getattr(exc, "json2_status", None)
            if isinstance(exc, AttributeError):
                status = 404
            if isinstance(exc, NotFound):
                status = 404
            status = status or 500
            if type(exc).__name__ == "AccessError" and method.startswith("_"):
                status = 403
            msg = error_message(exc)
            payload = {"name": error_name(exc), "message": msg,
                       "arguments": [a for a in exc.args if isinstance(a, (str, int))],
                       "context": getattr(exc, "context", None) or {},
                       "debug": f"{error_name(exc)}: {msg}"}
            return self._json_response(payload, status)
        finally:
            log.info("json2 %s.%s %.1f ms", model, method,
                     (time.perf_counter() - started) * 1000)
        return self._json_response(result)

    # -- misc pages ---------------------------------------------------------------------------
    # -- browser login (/web/login and auth_totp's /web/login/totp) ------------------------
    def _browser_session(self, request):
        """The caller's web session, a new anonymous one when it has none; with its CSRF token."""
        sid, sess = self._session(request)
        if sess is None:
            sid = self.state.new_session()
            sess = self.state.sessions[sid]
        sess.setdefault("csrf", totp.new_device_key())
        return sid, sess

    def _html(self, body, sid, status=200):
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
        self._set_session_cookie(response, sid)
        return response

    def _see_other(self, path, sid, request):
        # 16's werkzeug makes Location absolute; 18/19 send the path as given.
        location = request.host_url.rstrip("/") + path if self.version <= 16 else path
        response = Response("", status=303, headers={"Location": location},
                            content_type="text/html; charset=utf-8")
        self._set_session_cookie(response, sid)
        return response

    def _csrf_refused(self, request, sess):
        token = request.form.get("csrf_token") or ""
        if not token or token != sess.get("csrf"):
            return Response("<h1>400 Bad Request</h1><p>Session expired (invalid CSRF token)</p>",
                            status=400, content_type="text/html; charset=utf-8")
        return None

    def _home(self):
        return "/odoo" if self.version >= 18 else "/web"

    def _finish_login(self, old_sid, uid):
        """The session becomes the user's (a new id, as Odoo rotates it at login)."""
        login = self.state.storage.data["res.users"][uid]["login"]
        self.state.sessions.pop(old_sid, None)
        return self.state.new_session(uid, login)

    def on_web_login(self, request):
        had_session = self._session(request)[1] is not None
        sid, sess = self._browser_session(request)
        if request.method != "POST":
            if had_session or request.args.get("db"):
                return self._html(totp.login_form(sess["csrf"]), sid)
            # As recorded: a new visitor's page sets no cookie (Odoo saves a session only
            # once something, such as ?db=, is put in it); its form can't be posted then.
            self.state.sessions.pop(sid, None)
            return Response(totp.login_form(sess["csrf"]),
                            content_type="text/html; charset=utf-8")
        refused = self._csrf_refused(request, sess)
        if refused:
            return refused
        login = request.form.get("login")
        try:
            source = self.state.auth_source(request)
            with self.state.lock, self.state.assert_can_auth(source, login):
                uid = self.state.login(login, request.form.get("password"), api_key_ok=False)
                if not uid:
                    raise AccessDenied()
        except AccessDenied as exc:
            message = str(exc) if "Too many" in str(exc) else totp.WRONG_LOGIN
            return self._html(totp.login_form(sess["csrf"], message), sid)
        if self.state.totp_secret(uid):
            sess["pre_uid"] = uid
            return self._see_other("/web/login/totp", sid, request)
        return self._see_other(self._home(), self._finish_login(sid, uid), request)

    def on_web_login_totp(self, request):
        sid, sess = self._browser_session(request)
        uid = sess.get("pre_uid")
        if not uid:
            return self._see_other("/web/login", sid, request)
        device = request.cookies.get("td_id")
        if device and self.state.trusted_device(device) == uid:
            return self._see_other(self._home(), self._finish_login(sid, uid), request)
        if request.method != "POST":
            return self._html(totp.totp_form(sess["csrf"]), sid)
        refused = self._csrf_refused(request, sess)
        if refused:
            return refused
        redirect = request.form.get("redirect") or ""
        with self.state.lock:
            counter = totp.match(self.state.totp_secret(uid), request.form.get("totp_token"))
            if counter is None:
                return self._html(totp.totp_form(sess["csrf"], totp.WRONG, redirect), sid)
            if self.version >= 19 and not self.state.use_totp_step(uid, counter):
                return self._html(totp.totp_form(sess["csrf"], totp.REUSED, redirect), sid)
        new_sid = self._finish_login(sid, uid)
        if request.form.get("remember") and not totp.names_a_browser(request.user_agent.string):
            # As recorded: the code is taken, then naming the device fails.
            response = Response("<html><head><title>Internal Server Error</title></head></html>",
                                status=500, content_type="text/html;charset=utf-8")
            self._set_session_cookie(response, new_sid)
            return response
        response = self._see_other(redirect or self._home(), new_sid, request)
        if request.form.get("remember"):
            key = self.state.trust_device(uid)
            expires = formatdate(time.time() + totp.TRUSTED_DEVICE_AGE, usegmt=True)
            response.headers.add("Set-Cookie", f"td_id={key}; Expires={expires}; "
                                 f"Max-Age={totp.TRUSTED_DEVICE_AGE}; HttpOnly; Path=/; "
                                 "SameSite=Lax")
        return response

    def on_health(self, request):
        return self._json_response({"status": "pass"})

    def on_root(self, request):
        return Response("", status=303, headers={"Location": "/web/login"})

    # -- test hooks ---------------------------------------------------------------------------
    def on_faults(self, request):
        try:
            body = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            body = {}
        params = body.get("params", body) if isinstance(body, dict) else {}
        mode = params.get("mode", "502")
        if mode not in FAULT_MODES:
            return self._json_response({"error": "mode must be one of " + ", ".join(FAULT_MODES)},
                                       400)
        with self.state.lock:
            self.state.faults.update(count=int(params.get("count", 1)), mode=mode,
                                     hang_seconds=float(params.get("hang_seconds", 30)),
                                     path=str(params.get("path", "")))
        return self._json_response({"ok": True, "faults": self.state.faults})

    def on_reset(self, request):
        self.state.reset()
        return self._json_response({"ok": True})

    def on_info(self, request):
        return self._json_response({"version": self.version, "db": DB_NAME,
                                    "api_keys": self.state.api_keys()})
