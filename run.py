"""Run Fieldkit for development: `python run.py`.

Without ODOO_URL it starts the bundled Odoo emulator (data kept in instance/emulator.sqlite3)
and points the app at it. Configuration otherwise comes from the environment and `.env`.
"""
import os
import sys
from pathlib import Path

from dotenv import load_dotenv

HOST, PORT = "127.0.0.1", int(os.environ.get("PORT", 5000))
EMULATOR_PORT = 8069
DEMO_LOGINS = ("admin, office, manager, tech1 … tech6, tech2fa (two-factor), tech2co and "
               "office2co (two companies); password = login")
FAKE_RMM_PORT = 8180
DEMO_WEBHOOK_SECRET = "demo-webhook-secret"  # noqa: S105 (the local demo only)


def start_emulator():
    """Start the Odoo emulator in this process and point the app at it."""
    from odoo_emulator import start_in_thread

    Path("instance").mkdir(exist_ok=True)
    try:
        # OCA fieldservice_activity on by default: the demo's jobs have checklists
        handle = start_in_thread(port=EMULATOR_PORT, data_path="instance/emulator.sqlite3",
                                 addons=["fieldservice_activity"])
    except OSError as exc:
        sys.exit(f"Could not start the Odoo emulator on port {EMULATOR_PORT}: {exc}\n"
                 "Stop whatever uses that port, or set ODOO_URL to a running Odoo.")
    os.environ["ODOO_URL"] = handle.url
    os.environ["ODOO_DB"] = "fieldkit"
    print(f"Odoo emulator (Odoo {handle.version}) at {handle.url}, database 'fieldkit'")
    grant_checklist_rights(handle)
    return handle


def grant_checklist_rights(handle):
    """The demo's administrator agrees to what `flask odoo-check --fix` offers for checklists
    (odoo_check.ACTIVITY_GRANT), so the demo technicians tick their jobs' activities."""
    from app.services import odoo_check

    for change in odoo_check.grant_activity_rights(handle.url, "fieldkit", "admin", "admin"):
        print(f"Demo: {change} (as `flask odoo-check --fix` offers)")


def start_fake_rmm(emulator):
    """The demo's RMM (fake_rmm) and the integration user, unless configured otherwise."""
    from fake_rmm import start_in_thread

    try:
        rmm = start_in_thread(port=FAKE_RMM_PORT)
    except OSError as exc:
        print(f"Fake RMM not started on port {FAKE_RMM_PORT}: {exc}")
        return None
    defaults = {"ODOO_INTEGRATION_LOGIN": "integration",
                "ODOO_INTEGRATION_KEY": emulator.api_keys.get("integration", ""),
                "RMM_API_URL": rmm.url, "RMM_API_TOKEN": rmm.app.token,
                "RMM_WEBHOOK_SECRET": DEMO_WEBHOOK_SECRET}
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    print(f"Fake RMM API at {rmm.url}; webhook POST /webhooks/rmm signed with "
          f"{os.environ['RMM_WEBHOOK_SECRET']!r} (fake_rmm.send_event)")
    return rmm


def main():
    load_dotenv()
    os.environ.setdefault("FIELDKIT_ENV", "development")
    emulator = None if os.environ.get("ODOO_URL") else start_emulator()
    rmm = start_fake_rmm(emulator) if emulator else None

    from app import create_app  # after the environment is complete: config reads it

    app = create_app()
    print(f"Fieldkit at http://{HOST}:{PORT}/  (Odoo: {app.config['ODOO_URL']})")
    if emulator:
        print(f"Demo logins: {DEMO_LOGINS}")
    try:
        app.run(host=HOST, port=PORT, threaded=True, use_reloader=False)
    finally:
        if emulator:
            emulator.stop()
        if rmm:
            rmm.stop()


if __name__ == "__main__":
    main()
