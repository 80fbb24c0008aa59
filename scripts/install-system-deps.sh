#!/usr/bin/env bash
# Installs what goaltree needs from outside Python on a Debian or Ubuntu machine,
# in two named steps:
#
#   bash scripts/install-system-deps.sh          # the tool: Graphviz's `dot` (diagrams),
#                                                # python3 with venv, git
#   bash scripts/install-system-deps.sh --test   # the tool, and what the tests need besides:
#                                                # a PostgreSQL server, Chromium, Node.js with npm,
#                                                # and the `mermaid` npm package in .tools/
#
# A user who only wants the tool is never made to install PostgreSQL or Chromium.
# Safe to run again: it installs only what is missing. Needs root or sudo; runs
# without a terminal (CI runs it with no standard input).
set -euo pipefail
cd "$(dirname "$0")/.."

# The mermaid.js the tests draw diagrams with; pinned so that a re-run draws the same.
MERMAID_VERSION="11.4.1"

with_tests=false
case "${1:-}" in
  "") ;;
  --test) with_tests=true ;;
  *) echo "usage: bash scripts/install-system-deps.sh [--test]" >&2; exit 2 ;;
esac

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v git >/dev/null 2>&1 || need+=(git)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# Debian ships venv and ensurepip in a package of their own; without it `python3 -m venv` fails.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then need+=(python3-venv); fi
if $with_tests; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "system packages: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "system packages: done"
fi

if $with_tests; then
  mermaid=".tools/node_modules/mermaid/dist/mermaid.min.js"
  if [ -f "$mermaid" ] && grep -q "\"version\": \"$MERMAID_VERSION\"" .tools/node_modules/mermaid/package.json; then
    echo "mermaid $MERMAID_VERSION: present"
  else
    echo "mermaid $MERMAID_VERSION: installing into .tools/"
    mkdir -p .tools
    npm install --silent --no-audit --no-fund --prefix .tools "mermaid@$MERMAID_VERSION" >/dev/null
    echo "mermaid $MERMAID_VERSION: done"
  fi
fi
