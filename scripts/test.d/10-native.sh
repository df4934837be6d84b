# Pure logic of every crate, natively: cargo test over the workspace.
set -euo pipefail
cd "$ROOT"
cargo test --workspace --quiet
