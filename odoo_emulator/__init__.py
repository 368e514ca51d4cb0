"""Fieldkit's Odoo emulator: an Odoo-compatible JSON-RPC server on SQLite with demo data.

    handle = start_in_thread(port=0, data_path=None, version=17, latency_ms=0, today=None,
                             quiet=True)
    handle.url, handle.port, handle.version, handle.stop(), handle.reset(),
    handle.fail_next(count, mode="502"|"hang"|"applied", hang_seconds=30, path=""), handle.api_keys,
    handle.set_sms_credit(True|False), handle.set_mail_server("sent"|"queue"|"refused")
"""

import contextlib
import datetime as dt
import logging
import socket
import threading

from .state import FAULT_MODES

__all__ = ["start_in_thread", "EmulatorHandle"]


class EmulatorHandle:
    def __init__(self, state, server, thread, host):
        self.state = state
        self._server = server
        self._thread = thread
        self.port = server.server_port
        self.url = f"http://{host}:{self.port}"
        self._address = (host, self.port)
        self._stopped = False
        self.version = state.version
        self.db = "fieldkit"

    @property
    def data_path(self):
        return self.state.data_path

    @property
    def api_keys(self):
        """{login: demo API key}."""
        return self.state.api_keys()

    @property
    def stopped(self):
        return self._stopped

    def stop(self):
        """Stop serving and close the data file (once; stopping again does nothing). The
        server's loop looks for a shutdown every half second: a connection wakes it now."""
        if self._stopped:
            return
        self._stopped = True
        stopper = threading.Thread(target=self._server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection(self._address, timeout=1).close()
            stopper.join(timeout=0.05)
        self._server.server_close()
        self._thread.join(timeout=5)
        self.state.close()

    def reset(self):
        """Back to the fresh demo data, with no sessions, no injected faults and every knob
        (latency, "today", SMS credit, mail server, login cooldown, proxy mode) as started."""
        self.state.reset()

    def fail_next(self, count, mode="502", hang_seconds=30, path=""):
        """Make the next ``count`` requests (whose path contains ``path``) fail with a 502, or
        hang then answer 504, or ("applied") be carried out and then answer 504 after
        ``hang_seconds``: the answer lost."""
        if mode not in FAULT_MODES:
            raise ValueError("mode must be one of " + ", ".join(FAULT_MODES))
        with self.state.lock:
            self.state.faults.update(count=count, mode=mode, hang_seconds=hang_seconds,
                                     path=path)

    def set_sms_credit(self, enabled=True):
        """With credit, SMS leave (state 'sent', 17+: 'pending'); without (the default, as
        recorded on servers with no IAP account), they fail with 'sms_server'."""
        with self.state.lock:
            self.state.sms_credit = bool(enabled)

    def set_mail_server(self, mode="sent"):
        """What Odoo's outgoing mail server does with a message's emails: "sent" (the
        default: sent and, as notification emails are, deleted), "queue" (left outgoing for
        the mail cron) or "refused" (no SMTP server, as recorded: the mail.mail ends in
        exception "111\\nConnection refused")."""
        from .models.mail import MAIL_SERVER_MODES
        if mode not in MAIL_SERVER_MODES:
            raise ValueError("mode must be one of " + ", ".join(MAIL_SERVER_MODES))
        with self.state.lock:
            self.state.mail_server = mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _parse_today(today):
    if today is None or isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(str(today))


def build_state(data_path=None, version=17, latency_ms=0, today=None, fieldservice_project=False,
                addons=()):
    from .state import EmulatorState
    return EmulatorState(data_path=data_path, version=int(version), today=_parse_today(today),
                         latency_ms=latency_ms, fieldservice_project=fieldservice_project,
                         addons=addons)


def start_in_thread(port=0, data_path=None, version=17, latency_ms=0, today=None, quiet=True,
                    host="127.0.0.1", fieldservice_project=False, addons=()):
    """Start the emulator in a daemon thread and return its handle (`addons`: OCA add-ons to
    install, see odoo_emulator/models/oca_fieldservice.py)."""
    from werkzeug.serving import make_server

    from .server import EmulatorApp
    logger = logging.getLogger("odoo_emulator")
    if quiet:
        logger.setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    state = build_state(data_path, version, latency_ms, today, fieldservice_project, addons)
    server = make_server(host, port, EmulatorApp(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="odoo-emulator", daemon=True)
    thread.start()
    return EmulatorHandle(state, server, thread, host)
