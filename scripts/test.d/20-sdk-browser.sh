# sdk-wasm in real browsers: wasm-bindgen-test suites in headless Chrome, then Firefox,
# exporting to tests/receiver/receiver.mjs on 127.0.0.1 (a free port, stopped on exit).
set -euo pipefail
cd "$ROOT"

tmp=$(mktemp -d)
receiver_pid=
cleanup() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

node tests/receiver/receiver.mjs >"$tmp/receiver.out" 2>"$tmp/receiver.err" &
receiver_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/receiver.out" ] && break
  kill -0 "$receiver_pid" 2>/dev/null || { cat "$tmp/receiver.err" >&2; exit 1; }
  sleep 0.1
done
port=$(head -1 "$tmp/receiver.out")
[ -n "$port" ] || { echo "receiver did not start" >&2; exit 1; }

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
