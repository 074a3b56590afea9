#!/usr/bin/env bash
# Set up (if needed) and serve the app on http://127.0.0.1:8501 (PORT and ADDRESS override).
# The file watcher is off (FILE_WATCHER=auto to reload on edits while developing):
# a reload in the middle of a class would break the sessions running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run streamlit_app.py \
  --server.address "${ADDRESS:-127.0.0.1}" --server.port "${PORT:-8501}" \
  --server.headless true --browser.gatherUsageStats false \
  --server.fileWatcherType "${FILE_WATCHER:-none}"
