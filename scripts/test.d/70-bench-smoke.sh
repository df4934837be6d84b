# bench/ still works: its unit tests (OTLP decoder, navigation count, dashboard
# file list, server bench output), then one quick round (tiny counts)
# of the no-SDK page, OpenTelemetry JS and a stand-in otel-wasm package in
# headless Chromium. Not a benchmark: bench/run.sh is (see bench/README.md).
set -euo pipefail
cd "$ROOT/bench"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node --test test/otlp.test.mjs test/navigation.test.mjs test/components.test.mjs
node test/smoke.mjs
