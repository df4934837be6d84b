# Dashboard: component tests in headless Chrome (wasm-bindgen-test), the
# release build of dashboard-ui/dist (prints its gzip size) and `nginx -t` on
# the nginx config. Pure logic runs natively in stage 10.
set -euo pipefail
source "$ROOT/scripts/lib/start-node-server.sh"
source "$ROOT/scripts/lib/browser-proxy.sh"
browsers_through_proxy "$ROOT/dashboard-ui/webdriver.json"
cd "$ROOT/dashboard-ui"
# One browser per run: without GECKODRIVER the runner drives Chrome.
env -u GECKODRIVER CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown
cd "$ROOT"
dashboard-ui/build.sh
# The split is reproducible: the same module splits into the same files again, so their
# content-hashed names survive a rebuild and browsers keep what they cached.
target=${CARGO_TARGET_DIR:-$ROOT/target}
wasm_dir=$(scripts/cargo-wasm-size "$target/dashboard-cargo" -p dashboard-ui 2>/dev/null)
again=$(mktemp -d)
wasm-split-cli "$wasm_dir/dashboard_ui.wasm" "$again" >/dev/null 2>&1
# build.sh renamed the modules inside its copy of the loader.
diff -rq --exclude=__wasm_split.js "$target/dashboard-build/dist/split" "$again"
rm -rf "$again"
node tests/dashboard/nginx-check.mjs
