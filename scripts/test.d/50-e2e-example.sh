# The npm package and the example React app, end to end in headless Chromium:
# builds npm/ and the example (scripts/build-example, reused when up to date),
# runs the package's config tests and its type check against @opentelemetry/api,
# then tests/e2e/ (which starts and stops its own servers on free loopback ports; the
# full-trace test also runs the server binary, built here).
set -euo pipefail
cd "$ROOT"

bash scripts/build-example
cargo build -p server --quiet
export SERVER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/server"
node --test npm/test/
tsc -p npm/test/tsconfig.json
node --test tests/e2e/
