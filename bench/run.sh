#!/usr/bin/env bash
# The bench's one command: installs its pinned dependencies when needed, bundles
# the SDKs (building our npm package first when npm/build.sh exists), runs the
# browser bench and writes results/<date>-<machine>.{json,md}.
#   bench/run.sh [--reps 5] [--sdks none,otel-js,ours] [--quick] [--no-build-ours]
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node bench.mjs "$@"
