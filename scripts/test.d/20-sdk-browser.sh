# sdk-wasm in real browsers: wasm-bindgen-test suites in headless Chrome, then Firefox,
# exporting to tests/support/receiver.mjs on 127.0.0.1 (a free port, stopped on exit).
set -euo pipefail
cd "$ROOT"

source scripts/lib/start-node-server.sh
source scripts/lib/browser-proxy.sh
start_node_server tests/support/receiver.mjs
port=$SERVER_PORT
browsers_through_proxy sdk-wasm/webdriver.json

# The receiver's URL is compiled into the tests; only the small test crate rebuilds per port.
export SDK_TEST_RECEIVER="http://127.0.0.1:$port"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
echo "receiver on $SDK_TEST_RECEIVER"

# Build once; each browser run below reuses the artifacts.
cargo test -p sdk-wasm --target wasm32-unknown-unknown --test browser --no-run --quiet

status=0
echo "--- Chrome"
env -u GECKODRIVER CHROMEDRIVER="$CHROMEDRIVER" \
  cargo test -p sdk-wasm --target wasm32-unknown-unknown --test browser || status=1
echo "--- Firefox"
env -u CHROMEDRIVER GECKODRIVER="$GECKODRIVER" \
  cargo test -p sdk-wasm --target wasm32-unknown-unknown --test browser || status=1
exit $status
