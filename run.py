"""Run Fieldkit for development: `python run.py` (or `bash scripts/run.sh`).

Without ODOO_URL it starts the bundled Odoo emulator and the demo RMM and points the app at
them. Configuration comes from the environment and `.env` (read first, so a `.env` value counts).

Ports (each configurable; see README "Ports"):
  PORT            Fieldkit                 default 5000
  EMULATOR_PORT   the Odoo emulator        default 8069
  FAKE_RMM_PORT   the demo RMM API         default 8180
A port you set yourself that is busy stops the start with the variable to change; a default
port that is busy is replaced by the next free one, said on the console.
"""
import os
import socket
import sys
import time
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

HOST = "127.0.0.1"
PORTS = {"PORT": 5000, "EMULATOR_PORT": 8069, "FAKE_RMM_PORT": 8180}
PORT_NAMES = {"PORT": "Fieldkit", "EMULATOR_PORT": "the Odoo emulator",
              "FAKE_RMM_PORT": "the demo RMM"}
PORT_SEARCH = 50
EMULATOR_DATA = "instance/emulator.sqlite3"
DEMO_WEBHOOK_SECRET = "demo-webhook-secret"  # noqa: S105 (the local demo only)

# Every demo login, what it is for (README "Demo logins" lists the same; a test compares them).
DEMO_LOGINS = (
    ("tech1", "a technician: today's jobs, a job from start to signature, parts, texts"),
    ("tech2 … tech4", "more technicians"),
    ("tech5", "a technician in French (Odoo fr_FR), Los Angeles time; a Dutch (nl_BE) customer"),
    ("tech6", "a technician in Spanish (Odoo es_ES), without an email"),
    ("office", "office staff: dashboard, dispatch, every job, quotes, leads, stock"),
    ("manager", "a manager: the office's pages and the technicians' scorecard (Team)"),
    ("admin", "Odoo's administrator: what a manager sees"),
    ("tech2fa", "a technician with two-factor login (code below)"),
    ("tech2co", "a technician in two companies (today's jobs in Fieldkit Services West)"),
    ("office2co", "office staff in two companies: the company switcher"),
)


class PortBusy(SystemExit):
    pass


def port_is_free(port, host=HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(name, environ=None, taken=()) -> tuple[int, str | None]:
    """(port, console message or None) for the variable `name`.

    Set by the user (environment or .env) and busy: stop, naming the variable. Left to its
    default and busy: the next free port, said on the console.
    """
    environ = os.environ if environ is None else environ
    default = PORTS[name]
    text = (environ.get(name) or "").strip()
    if text:
        try:
            port = int(text)
        except ValueError:
            raise PortBusy(f"{name}={text!r} is not a port number.") from None
        if port in taken or not port_is_free(port):
            raise PortBusy(f"Port {port} ({name}, {PORT_NAMES[name]}) is in use. "
                           f"Stop what uses it, or set {name} to a free port.")
        return port, None
    for port in range(default, default + PORT_SEARCH):
        if port not in taken and port_is_free(port):
            if port == default:
                return port, None
            return port, (f"Port {default} is in use: {PORT_NAMES[name]} uses {port} instead "
                          f"(set {name} to choose).")
    raise PortBusy(f"Ports {default}-{default + PORT_SEARCH - 1} are all in use: "
                   f"set {name} to a free port.")


def choose_ports(names=tuple(PORTS), environ=None) -> dict:
    """{variable: port} for every port in `names`, messages printed."""
    ports = {}
    for name in names:
        port, message = choose_port(name, environ, taken=set(ports.values()))
        if message:
            print(message, flush=True)
        ports[name] = port
    return ports


def totp_lines(login, now=None) -> list[str]:
    """What a newcomer needs to pass the demo's two-factor step."""
    from odoo_emulator.totp import TIMESTEP, demo_secret, hotp

    secret = demo_secret(login)
    now = time.time() if now is None else now
    code = hotp(secret, int(now // TIMESTEP))
    return [f"  {login}: TOTP secret {secret} (add it to an authenticator app); "
            f"code now {code} (changes every {TIMESTEP} s)",
            f"  otpauth://totp/Fieldkit%20demo:{login}?secret={secret}&issuer=Fieldkit%20demo"]


def demo_banner(now=None) -> str:
    """The demo logins as the console prints them (password = login)."""
    lines = ["Demo logins (password = login):"]
    lines += [f"  {login:<14} {what}" for login, what in DEMO_LOGINS]
    lines.append("Two-factor login:")
    lines += totp_lines("tech2fa", now)
    return "\n".join(lines)


def sms_credit_on(environ=None) -> bool:
    """The demo's texts succeed unless EMULATOR_SMS_CREDIT=false (then every text fails with
    Odoo's "no SMS credit", as a database without IAP credit does)."""
    environ = os.environ if environ is None else environ
    return (environ.get("EMULATOR_SMS_CREDIT") or "true").strip().lower() not in (
        "0", "false", "no", "off")


def start_emulator(port):
    """Start the Odoo emulator in this process and point the app at it."""
    from odoo_emulator import start_in_thread

    Path("instance").mkdir(exist_ok=True)
    # A second demo next to a running one keeps its own data (one SQLite file per emulator).
    data = os.environ.get("EMULATOR_DATA") or (
        EMULATOR_DATA if port == PORTS["EMULATOR_PORT"] else f"instance/emulator-{port}.sqlite3")
    try:
        # OCA fieldservice_activity on by default: the demo's jobs have checklists
        handle = start_in_thread(port=port, data_path=data, addons=["fieldservice_activity"])
    except OSError as exc:
        sys.exit(f"Could not start the Odoo emulator on port {port}: {exc}\n"
                 "Set EMULATOR_PORT to a free port, or ODOO_URL to a running Odoo.")
    handle.set_sms_credit(sms_credit_on())
    os.environ["ODOO_URL"] = handle.url
    os.environ["ODOO_DB"] = "fieldkit"
    # The demo's integration user (job links, the customer's page, webhooks, `flask psa`).
    os.environ.setdefault("ODOO_INTEGRATION_LOGIN", "integration")
    os.environ.setdefault("ODOO_INTEGRATION_KEY", handle.api_keys.get("integration", ""))
    credit = "on" if sms_credit_on() else "off: every text fails, as without IAP credit"
    print(f"Odoo emulator (Odoo {handle.version}) at {handle.url}, database 'fieldkit', "
          f"data {data}; SMS credit {credit} (EMULATOR_SMS_CREDIT)", flush=True)
    return handle


def grant_checklist_rights(handle):
    """The demo's administrator agrees to what `flask odoo-check --fix` offers for checklists
    (odoo_check.ACTIVITY_GRANT), so the demo technicians tick their jobs' activities."""
    from app.services import odoo_check

    for change in odoo_check.grant_activity_rights(handle.url, "fieldkit", "admin", "admin"):
        print(f"Demo: {change} (as `flask odoo-check --fix` offers)")


def start_fake_rmm(emulator, port):
    """The demo's RMM (fake_rmm), unless configured otherwise."""
    from fake_rmm import start_in_thread

    try:
        rmm = start_in_thread(port=port)
    except OSError as exc:
        print(f"Fake RMM not started on port {port}: {exc} (set FAKE_RMM_PORT)")
        return None
    defaults = {"RMM_API_URL": rmm.url, "RMM_API_TOKEN": rmm.app.token,
                "RMM_WEBHOOK_SECRET": DEMO_WEBHOOK_SECRET}
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    print(f"Fake RMM API at {rmm.url}; webhook POST /webhooks/rmm signed with "
          f"{os.environ['RMM_WEBHOOK_SECRET']!r} (fake_rmm.send_event)", flush=True)
    return rmm


def main():
    load_dotenv(find_dotenv(usecwd=True))  # first: PORT and the rest may come from .env
    os.environ.setdefault("FIELDKIT_ENV", "development")
    demo = not os.environ.get("ODOO_URL")
    try:
        ports = choose_ports() if demo else choose_ports(("PORT",))
    except PortBusy as exc:
        sys.exit(str(exc))
    emulator = start_emulator(ports["EMULATOR_PORT"]) if demo else None
    rmm = start_fake_rmm(emulator, ports["FAKE_RMM_PORT"]) if emulator else None

    # Importing the app reads the configuration: only once the environment is complete.
    if emulator:
        grant_checklist_rights(emulator)
    from app import create_app

    app = create_app()
    print(f"Fieldkit at http://{HOST}:{ports['PORT']}/  (Odoo: {app.config['ODOO_URL']})",
          flush=True)
    if emulator:
        print(demo_banner(), flush=True)
    try:
        app.run(host=HOST, port=ports["PORT"], threaded=True, use_reloader=False)
    finally:
        if emulator:
            emulator.stop()
        if rmm:
            rmm.stop()


if __name__ == "__main__":
    main()
