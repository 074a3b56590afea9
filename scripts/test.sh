#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: lint, data validation, pytest.
# pytest's exit 5 (no tests collected) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test,build,e2e || exit 1
status=0
.venv/bin/ruff check . || status=1
.venv/bin/mapapp validate || status=1
.venv/bin/mapapp schema --check || status=1
.venv/bin/python -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; rc=1; fi
[ $rc -ne 0 ] && status=$rc
exit $status
