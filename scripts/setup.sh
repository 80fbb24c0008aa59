#!/usr/bin/env bash
# Sets goaltree up in a clone of this repository, on a stock Debian or Ubuntu machine:
# the system packages, a virtual environment in .venv (made with python3, so that
# neither a `python` command nor pip outside a virtual environment, which PEP 668
# refuses, is needed) and goaltree installed into it, editable.
#
#   bash scripts/setup.sh          # the tool:  .venv/bin/goaltree
#   bash scripts/setup.sh --test   # the tool and everything the tests need: .venv/bin/python -m pytest
#
# Safe to run again. Runs without a terminal; needs root or sudo for the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."

extra=""
case "${1:-}" in
  "") bash scripts/install-system-deps.sh ;;
  --test) bash scripts/install-system-deps.sh --test; extra="[test]" ;;
  *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

if [ ! -x .venv/bin/python ]; then
  echo "virtual environment: making .venv"
  python3 -m venv .venv
fi
echo "goaltree: installing into .venv${extra:+ with the test tools}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
# An editable install has no bytecode until a first run writes it, and never gets any where
# PYTHONDONTWRITEBYTECODE is set: compile it now, as pip does when it installs the wheel.
.venv/bin/python -m compileall -q goaltree >/dev/null
echo "goaltree: ready, run .venv/bin/goaltree"
