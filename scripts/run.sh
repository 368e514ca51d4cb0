#!/usr/bin/env bash
# Run Fieldkit on the bundled Odoo emulator: http://127.0.0.1:5000 (set ODOO_URL for a real Odoo).
source "$(dirname "$0")/_setup.sh"
setup_venv requirements.txt
exec .venv/bin/python run.py
