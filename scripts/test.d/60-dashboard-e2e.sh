# Dashboard end to end: our server + a real nginx serving dashboard-ui/dist,
# driven by Playwright (tests/dashboard/e2e.mjs). Screenshots go to
# tests/artifacts/dashboard/. sdk-to-dashboard.e2e.mjs also runs the built example app and
# its traced API (scripts/build-example, reused when up to date).
set -euo pipefail
cd "$ROOT"
cargo build -p server --quiet
# Reuse dist/ from stage 40 unless a source file is newer than it.
if [ ! -f dashboard-ui/dist/index.html ] || [ -n "$(find dashboard-ui/src dashboard-ui/web dashboard-ui/Cargo.toml -newer dashboard-ui/dist/index.html | head -1)" ]; then
  dashboard-ui/build.sh
fi
# The dogfood build (cargo feature `dogfood`) for the e2e's switch-on part.
if [ ! -f dashboard-ui/dist-dogfood/index.html ] || [ -n "$(find dashboard-ui/src dashboard-ui/web dashboard-ui/Cargo.toml sdk-wasm/src sdk-wasm/Cargo.toml -newer dashboard-ui/dist-dogfood/index.html | head -1)" ]; then
  dashboard-ui/build.sh --dogfood
fi
node tests/dashboard/e2e.mjs
bash scripts/build-example
node tests/dashboard/sdk-to-dashboard.e2e.mjs
node tests/dashboard/split.e2e.mjs
node tests/dashboard/trace-view.e2e.mjs
node tests/dashboard/explorer.e2e.mjs
node tests/dashboard/parity.e2e.mjs
node tests/dashboard/alerting.e2e.mjs
# SigNoz's dashboards imported and drawn from OTLP metrics of the OpenTelemetry JS SDK
# (examples/web/api's pinned packages).
(cd examples/web/api && { [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; })
node tests/dashboard/dashboards.e2e.mjs
# The service page's DB / external / Apdex charts from spans of the OpenTelemetry JS SDK.
node tests/dashboard/service.e2e.mjs
