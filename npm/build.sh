#!/usr/bin/env bash
# Builds the npm package into npm/dist/ and packs it as npm/otel-wasm-<version>.tgz:
#   1. scripts/build-sdk-web, once per flavour (full and tracing-only): sdk-wasm with the
#      size-first `wasm-release` profile, wasm-bindgen --target web (one glue for bundlers and
#      plain <script type=module>), wasm-opt -Oz; 2. tsc over npm/src; 3. npm pack.
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
  [ -n "$(find "$ROOT/sdk-wasm/src" "$ROOT/sdk-wasm/Cargo.toml" "$ROOT/sdk-wasm/build.rs" "$ROOT/Cargo.lock" "$ROOT/scripts/build-sdk-web" "$ROOT/scripts/wasm-opt-ordered.mjs" "$ROOT/scripts/lib/function-order.mjs" "$ROOT/scripts/named-snippet-imports.mjs" "$ROOT/scripts/minify-wasm-names.mjs" "$ROOT/scripts/short-string-cache.mjs" src build.sh package.json tsconfig.json README.md -newer "$stamp" -print -quit)" ]
}
if [ "${1:-}" != "--force" ] && ! inputs_changed; then
  echo "npm/build.sh: up to date ($tarball)"
  exit 0
fi

rm -rf dist
# The SDK's shared web build: release wasm, wasm-bindgen --target web, wasm-opt -Oz; once per
# flavour: dist/wasm (full, `otel-wasm`) and dist/wasm-tracing (`otel-wasm/tracing`).
bash "$ROOT/scripts/build-sdk-web" "$NPM_DIR/dist/wasm" full
bash "$ROOT/scripts/build-sdk-web" "$NPM_DIR/dist/wasm-tracing" tracing
rm -f dist/wasm*/sdk_wasm_bg.wasm.d.ts
# wasm-bindgen names the snippets' directory by a hash; the loader (src/init.ts) imports the
# instrumentations' shim by a fixed path, so that it and the glue share one module.
mv dist/wasm/snippets/sdk-wasm-* dist/wasm/snippets/sdk-wasm
# Only the import statements: the wasm's import table keeps the hashed names.
sed -i '/^import /s#/snippets/sdk-wasm-[0-9a-f]*/#/snippets/sdk-wasm/#' dist/wasm/sdk_wasm.js
# The tracing build's snippets are the shim and the hooks' span, the same files: its glue
# imports the full build's copies, so both flavours share the loader (one shim module in the
# page).
[ "$(cd dist/wasm-tracing/snippets && find . -type f | sed 's#^\./sdk-wasm-[0-9a-f]*/##' | sort | tr '\n' ' ')" = "src/instrument/web/hook_span.js src/instrument/web/shim.js " ]
rm -r dist/wasm-tracing/snippets
sed -i '/^import /s#\./snippets/sdk-wasm-[0-9a-f]*/#../wasm/snippets/sdk-wasm/#' dist/wasm-tracing/sdk_wasm.js
cp src/shim.d.ts dist/wasm/snippets/sdk-wasm/src/instrument/web/shim.d.ts
# The requests' fast path (core chunk, handed to the core's `init`) next to the shim it imports.
cp "$ROOT/sdk-wasm/src/instrument/web/fast.js" dist/wasm/snippets/sdk-wasm/src/instrument/web/fast.js
cp src/fast.d.ts dist/wasm/snippets/sdk-wasm/src/instrument/web/fast.d.ts
# wasm-bindgen declares `[Symbol.dispose]()` on every class, which needs lib esnext (TS2550
# under es2022 with skipLibCheck false); the JS keeps it, the types leave it out.
sed -i '/\[Symbol\.dispose\]()/d' dist/wasm/sdk_wasm.d.ts dist/wasm-tracing/sdk_wasm.d.ts

# Type packages for tsc (@opentelemetry/api, react), pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
tsc -p tsconfig.json
# off.js, the no-op for a page whose core chunk did not load, must not share a module with that
# chunk (see src/off.ts): a copy of noop.js, which imports nothing at runtime.
if grep -q '^import ' dist/noop.js; then echo "npm/build.sh: dist/noop.js has runtime imports" >&2; exit 1; fi
cp dist/noop.js dist/off.js
cp src/wasm-url.d.ts dist/

npm pack --silent --pack-destination "$NPM_DIR" >/dev/null
touch "$stamp"
echo "npm/build.sh: built $tarball"
ls -l dist/wasm*/sdk_wasm_bg.wasm dist/wasm*/sdk_wasm.js "$tarball" | awk '{print "  " $5 " B  " $9}'
