# Shared set-up for scripts/run.sh and scripts/test.sh (sourced, not run).
# Creates .venv with Python 3.11+ and installs the given requirements files into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

setup_venv() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { apt_install python3-venv && python3 -m venv .venv; }
  fi
  local args=()
  for file in "$@"; do args+=(-r "$file"); done
  .venv/bin/python -m pip install -q --disable-pip-version-check "${args[@]}"
}
