#!/usr/bin/env bash
# Serve the app as N Streamlit replicas behind nginx (sticky sessions, WebSocket).
# Usage: scripts/serve-replicas.sh [N]     (N replicas, default 2: one per core)
# PORT (default 8080) is nginx's; the replicas listen on 127.0.0.1:8601.. (BASE).
# ADDRESS (default 127.0.0.1) is nginx's address: 0.0.0.0 serves a class's network.
# RUN_DIR (default: a new temporary folder) holds nginx's files, the logs and a
# PID file per process; SETUP=0 skips the set-up (the browser test uses both).
# Ctrl-C stops nginx and every replica, each by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2}
port=${PORT:-8080}
base=${BASE:-8601}
address=${ADDRESS:-127.0.0.1}
[ "${SETUP:-1}" = 0 ] || bash scripts/setup.sh
command -v nginx >/dev/null 2>&1 || { echo "serve-replicas: apt-get install nginx" >&2; exit 1; }
run=${RUN_DIR:-$(mktemp -d)}
mkdir -p "$run"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait || true
  [ -n "${RUN_DIR:-}" ] || rm -rf "$run"
}
trap stop EXIT INT TERM
servers=""
for i in $(seq 0 $((n - 1))); do
  p=$((base + i))
  .venv/bin/streamlit run streamlit_app.py --server.address 127.0.0.1 \
    --server.port "$p" --server.headless true --browser.gatherUsageStats false \
    --server.fileWatcherType none > "$run/replica-$p.log" 2>&1 &
  pids+=($!)
  echo $! > "$run/replica-$p.pid"
  servers+="server 127.0.0.1:$p max_fails=1 fail_timeout=10s; "
done
sed -e "s|@PREFIX@|$run|g" -e "s|@LISTEN@|$address:$port|g" \
  -e "s|@SERVERS@|$servers|g" deploy/nginx-replicas.conf > "$run/nginx.conf"
if [ "$(id -u)" -eq 0 ]; then sed -i '1i user root;' "$run/nginx.conf"; fi
nginx -p "$run" -c "$run/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo $! > "$run/nginx-main.pid"
echo "serving on http://$address:$port/ ($n replicas; logs in $run)" >&2
wait
