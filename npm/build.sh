#!/usr/bin/env bash
# Builds the npm package into npm/dist/ and packs it as npm/otel-wasm-<version>.tgz:
#   1. sdk-wasm for wasm32 with the size-first `wasm-release` profile,
#   2. wasm-bindgen --target web (one glue for bundlers and plain <script type=module>),
#   3. wasm-opt -Oz, 4. tsc over npm/src, 5. npm pack.
# Skips the work when dist/ and the tarball are newer than every input (pass --force to redo).
#   npm/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")"
NPM_DIR=$(pwd)
source ../scripts/env.sh
cd "$NPM_DIR"

version=$(node -p "require('./package.json').version")
tarball="$NPM_DIR/otel-wasm-$version.tgz"
stamp=dist/.built

inputs_changed() {
  [ ! -f "$stamp" ] || [ ! -f "$tarball" ] && return 0
  [ -n "$(find "$ROOT/sdk-wasm/src" "$ROOT/sdk-wasm/Cargo.toml" "$ROOT/Cargo.lock" src build.sh package.json tsconfig.json README.md -newer "$stamp" -print -quit)" ]
}
if [ "${1:-}" != "--force" ] && ! inputs_changed; then
  echo "npm/build.sh: up to date ($tarball)"
  exit 0
fi

echo "npm/build.sh: cargo build (wasm-release)"
(cd "$ROOT" && cargo build -q -p sdk-wasm --profile wasm-release --target wasm32-unknown-unknown)

rm -rf dist
mkdir -p dist/wasm
wasm-bindgen --target web --out-dir dist/wasm --out-name sdk_wasm \
  "$ROOT/target/wasm32-unknown-unknown/wasm-release/sdk_wasm.wasm"
# wasm-bindgen's output keeps wasm features current rustc emits; wasm-opt must accept them.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  dist/wasm/sdk_wasm_bg.wasm -o dist/wasm/sdk_wasm_bg.wasm
rm -f dist/wasm/sdk_wasm_bg.wasm.d.ts

# Type packages for tsc (@opentelemetry/api, react), pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
tsc -p tsconfig.json

npm pack --silent --pack-destination "$NPM_DIR" >/dev/null
touch "$stamp"
echo "npm/build.sh: built $tarball"
ls -l dist/wasm/sdk_wasm_bg.wasm dist/wasm/sdk_wasm.js "$tarball" | awk '{print "  " $5 " B  " $9}'
