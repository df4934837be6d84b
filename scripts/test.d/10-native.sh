# Style gates, then the pure logic of every crate natively: rustfmt (rustfmt.toml), clippy with
# warnings as errors on the native and wasm32 builds, then cargo test over the workspace.
set -euo pipefail
cd "$ROOT"
cargo fmt --all --check
# READMEs and docs/ name only files that exist, and no issue numbers.
node scripts/check-docs.mjs
cargo clippy --workspace --all-targets --quiet -- -D warnings
# wasm32: the SDK's library and browser tests (the receiver ports they embed only matter when
# they run, in stages 20 and 25) and the dashboard.
SDK_TEST_RECEIVER=http://127.0.0.1:9 INSTR_FIXTURE_PORT=9 \
  cargo clippy -p sdk-wasm --target wasm32-unknown-unknown --lib --test browser --test instrument --quiet -- -D warnings
cargo clippy -p dashboard-ui -p signoz-api --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
cargo test --workspace --quiet
