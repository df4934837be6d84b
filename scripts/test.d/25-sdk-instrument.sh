# Auto-instrumentations (sdk-wasm/tests/instrument.rs) in headless Chrome,
# then Firefox, against the HTTP fixture on 127.0.0.1 (random port).
set -euo pipefail
cd "$ROOT"
source scripts/lib/start-node-server.sh
source scripts/lib/browser-proxy.sh
start_node_server tests/support/http-fixture.mjs
INSTR_FIXTURE_PORT=$SERVER_PORT
export INSTR_FIXTURE_PORT
browsers_through_proxy sdk-wasm/webdriver.json
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
run() {
  cargo test -p sdk-wasm --target wasm32-unknown-unknown --test instrument "$@"
}
# Build once; each browser run reuses the artifacts. The overhead measurement
# only means something in a release build; run it by hand:
#   INSTR_FIXTURE_PORT=<port> cargo test --release -p sdk-wasm --target wasm32-unknown-unknown \
#     --test instrument -- overhead --nocapture
run --no-run --quiet
echo "== instrumentations in Chrome"
( unset GECKODRIVER; CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} run -- --skip overhead )
echo "== instrumentations in Firefox"
( unset CHROMEDRIVER; run -- --skip overhead )
