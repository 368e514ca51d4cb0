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
DEMO_LOGINS = "admin, office, manager, tech1 … tech6 (password = login)"


def start_emulator():
    """Start the Odoo emulator in this process and point the app at it."""
    from odoo_emulator import start_in_thread

    Path("instance").mkdir(exist_ok=True)
    try:
        handle = start_in_thread(port=EMULATOR_PORT, data_path="instance/emulator.sqlite3")
    except OSError as exc:
        sys.exit(f"Could not start the Odoo emulator on port {EMULATOR_PORT}: {exc}\n"
                 "Stop whatever uses that port, or set ODOO_URL to a running Odoo.")
    os.environ["ODOO_URL"] = handle.url
    os.environ["ODOO_DB"] = "fieldkit"
    print(f"Odoo emulator (Odoo {handle.version}) at {handle.url}, database 'fieldkit'")
    return handle


def main():
    load_dotenv()
    os.environ.setdefault("FIELDKIT_ENV", "development")
    emulator = None if os.environ.get("ODOO_URL") else start_emulator()

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


if __name__ == "__main__":
    main()
