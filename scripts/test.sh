#!/usr/bin/env bash
# Fieldkit's whole check: installs what is missing (venv, packages, Debian's Chromium for the
# browser tests), then ruff and every test. Extra arguments go to pytest.
source "$(dirname "$0")/_setup.sh"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM_PATH" ] || apt_install chromium
export CHROMIUM_PATH
setup_venv requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
