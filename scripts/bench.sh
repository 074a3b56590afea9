#!/usr/bin/env bash
# Set up (if needed) and run every benchmark; prints figures, asserts nothing.
# Usage: scripts/bench.sh [--quick]   (--quick: smaller sizes, for a smoke run)
# Results of a full run, with the machine, are kept in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh bench,e2e,test
py=.venv/bin/python
if [ "${1:-}" = "--quick" ]; then
  $py benchmarks/scale.py --sizes 1000 10000 --explore-max 10000
  $py benchmarks/app.py --reruns 3 --starts 1
  $py benchmarks/interact.py --sessions 2 --clicks 2
  $py benchmarks/export.py 10000
  $py benchmarks/pipeline.py 10000
  $py benchmarks/load.py --sessions 5
else
  $py benchmarks/scale.py --sizes 1000 10000 100000
  $py benchmarks/app.py
  $py benchmarks/interact.py
  $py benchmarks/export.py 100000
  $py benchmarks/pipeline.py 100000
  $py benchmarks/geocode.py
  $py benchmarks/load.py --sessions 30
fi
