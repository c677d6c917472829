#!/usr/bin/env bash
# Re-resolve the pinned set in constraints.txt from pyproject.toml's extras.
#
# Builds a scratch venv, installs the project unconstrained, and writes
# `pip freeze` (minus our own editable package) below the header. Review the
# diff before committing: a new OpenStack release moves many pins at once.
# Usage: tools/freeze_constraints.sh [python]   (default: python3.11)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3.11}
EXTRAS=simulator,ironic,neutron,cli,test
# Pinned only for packages a helper may add to an extra later (starlette's TestClient).
EXTRA_PINS=(httpx)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --upgrade pip
"$scratch/venv/bin/pip" install -q -e ".[$EXTRAS]" "${EXTRA_PINS[@]}"
"$scratch/venv/bin/pip" check
{
    echo "# Pinned set for: pip install -c constraints.txt -e '.[$EXTRAS]'"
    echo "# ironic, neutron and nova come from the same OpenStack release. Regenerate with"
    echo "# tools/freeze_constraints.sh; do not edit by hand."
    "$scratch/venv/bin/pip" freeze --exclude-editable
} > constraints.txt
echo "constraints.txt: $(grep -c '==' constraints.txt) pins"
