# Bounded mutation fuzzing of the server's OTLP decoders (protobuf + JSON, gzip, row
# conversion). A plain test binary on stable Rust (cargo-fuzz needs nightly). `--workspace`
# keeps feature resolution identical to stage 10, so its debug build is reused as is.
# Prints the execution count. FUZZ_SECS / FUZZ_SEED override the defaults.
set -euo pipefail
cd "$ROOT"
export FUZZ_SECS=${FUZZ_SECS:-60}
export FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
cargo test --workspace --quiet --test fuzz_decoders -- --ignored --nocapture 2>&1 | grep -v '^$'
