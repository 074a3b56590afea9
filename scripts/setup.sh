#!/usr/bin/env bash
# Set up the project on a fresh Debian machine with Python 3.11: system packages (when
# run as root), a virtual environment in .venv, and the package with its extras.
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test,build
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
AXE_SHA256=e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
py=${PYTHON:-python3.11}

need_apt=()
command -v "$py" >/dev/null 2>&1 || need_apt+=(python3 python3-venv python3-pip)
if command -v "$py" >/dev/null 2>&1 && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need_apt+=(python3-venv)
fi
if [[ ",$extras," == *",e2e,"* ]]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  # axe-core (npm) for the accessibility tests; fonts for screenshots in Chinese,
  # Cyrillic and Arabic script (Uyghur)
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
  [ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
  [ -e /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] || need_apt+=(fonts-noto-core)
  # poppler's pdfinfo/pdftoppm look at the printed handout (test_handout_browser.py)
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
  # nginx in front of two replicas (tests/e2e/test_replicas_browser.py)
  command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
fi
# GDAL's own tools read the GeoPackage back in the tests (ogrinfo, and its Python
# bindings for the relations QGIS sees): tests/test_gpkg.py
if [[ ",$extras," == *",test,"* ]]; then
  command -v ogrinfo >/dev/null 2>&1 || need_apt+=(gdal-bin)
  /usr/bin/python3 -c 'from osgeo import gdal' >/dev/null 2>&1 || need_apt+=(python3-gdal)
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
  # never start a packaged service (nginx) on install: the tests start their own
  # servers on loopback and stop them by their PID
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
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

# axe-core for the browser tests' accessibility checks (served to the page by them)
if [[ ",$extras," == *",e2e,"* ]] && [ ! -f .cache/axe-core/axe.min.js ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent axe-core@4.14.1 >/dev/null)
  echo "$AXE_SHA256  $tmp/axe-core-4.14.1.tgz" | sha256sum -c --quiet
  mkdir -p .cache/axe-core
  tar -xzf "$tmp/axe-core-4.14.1.tgz" -C "$tmp" package/axe.min.js
  mv "$tmp/package/axe.min.js" .cache/axe-core/axe.min.js
  rm -rf "$tmp"
fi
