#!/usr/bin/env bash
# Fieldkit's whole check: installs what is missing (venv, packages, Debian's Chromium for the
# browser tests, redis-server for the shared store's Redis tests, zbar-tools for the invoice QR
# test), then ruff and every test.
# Extra arguments go to pytest.
source "$(dirname "$0")/_setup.sh"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM_PATH" ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
# zbarimg decodes the invoice QR code in tests/browser/test_invoice_qr.py
command -v zbarimg >/dev/null || missing+=(zbar-tools)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages, no recommends)..."
  apt_install --no-install-recommends "${missing[@]}" >/dev/null
fi
export CHROMIUM_PATH
setup_venv requirements-dev.txt
.venv/bin/ruff check .
# One worker per core (PYTEST_WORKERS=0 runs in this process, e.g. to use a debugger).
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
