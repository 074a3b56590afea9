#!/usr/bin/env bash
# Set up the project on a fresh Debian machine with Python 3.11: system packages (when
# run as root), a virtual environment in .venv, and the package with its extras.
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test,build
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
py=${PYTHON:-python3.11}

need_apt=()
command -v "$py" >/dev/null 2>&1 || need_apt+=(python3 python3-venv python3-pip)
if command -v "$py" >/dev/null 2>&1 && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need_apt+=(python3-venv)
fi
if [[ ",$extras," == *",e2e,"* ]] && [ ! -x /usr/bin/chromium ]; then
  need_apt+=(chromium)
fi
# geodata/build.py and scripts/vendor_assets.py fetch pinned packages with npm pack
if [[ ",$extras," == *",build,"* ]] && ! command -v npm >/dev/null 2>&1; then
  need_apt+=(npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install with apt-get: ${need_apt[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  command -v "$py" >/dev/null 2>&1 || py=python3
fi

if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c 'import mapapp, geopandas, streamlit, folium' # fail loudly if the install did not work
