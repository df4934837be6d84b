# Bounded mutation fuzzing of the server's OTLP decoders (protobuf + JSON, gzip, row
# conversion). A plain test binary on stable Rust (cargo-fuzz needs nightly); reuses the
# debug build from stage 10. Prints the execution count. FUZZ_SECS / FUZZ_SEED override.
set -euo pipefail
cd "$ROOT"
export FUZZ_SECS=${FUZZ_SECS:-60}
export FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
cargo test -p server --quiet --test fuzz_decoders -- --ignored --nocapture 2>&1 | grep -v '^$'
