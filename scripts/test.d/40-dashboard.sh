# Dashboard: component tests in headless Chrome (wasm-bindgen-test), the
# release build of dashboard-ui/dist (prints its gzip size) and `nginx -t` on
# the nginx config. Pure logic runs natively in stage 10.
set -euo pipefail
cd "$ROOT/dashboard-ui"
# One browser per run: without GECKODRIVER the runner drives Chrome.
env -u GECKODRIVER CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown
cd "$ROOT"
dashboard-ui/build.sh
node tests/dashboard/nginx-check.mjs
