# The SDK's RUM features (tests/rum/) end to end in headless Chromium AND Firefox through
# WebDriver (trusted input, reloads): the npm package's web build (npm/build.sh, reused
# when up to date) against tests/support/receiver.mjs on a free loopback port; the
# exceptions test also runs the server binary (built here) and asks its listErrors.
set -euo pipefail
cd "$ROOT"
bash npm/build.sh
cargo build -p server --quiet
export SERVER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/server"
node --test --test-concurrency=1 tests/rum/
