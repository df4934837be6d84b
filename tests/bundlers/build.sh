#!/usr/bin/env bash
# The packed otel-wasm with other bundlers and TypeScript settings (scripts/test.d/55-bundlers.sh):
#   1. installs this directory's pinned tools (package-lock.json: webpack 5, esbuild,
#      esbuild-loader, type packages) and the packed otel-wasm (unsaved), each only when newer;
#   2. builds the example app (examples/web/frontend, whose node_modules scripts/build-example
#      filled) with webpack 5 into out/webpack/ and with esbuild, as npm/README.md says, into
#      out/esbuild/ (and without the README's steps into out/esbuild-plain/: the app must run
#      with the SDK off); otel-wasm/web as one classic script (esbuild --format=iife) into
#      out/iife/; webpack's size warnings are printed;
#   3. tsc --noEmit --strict with skipLibCheck false and lib ES2022 against the packed types,
#      with moduleResolution node, node16 and bundler (types/check.ts).
# Run scripts/build-example first (it builds npm/ and the example's Vite build).
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$ROOT/tests/bundlers"
version=$(node -p "require('$ROOT/npm/package.json').version")
tarball="$ROOT/npm/otel-wasm-$version.tgz"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
  rm -f node_modules/.otel-wasm-installed
fi
# npm keeps the tarball's own (1985) file times, so a stamp says when it was installed.
if [ ! -f node_modules/.otel-wasm-installed ] || [ "$tarball" -nt node_modules/.otel-wasm-installed ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
  touch node_modules/.otel-wasm-installed
fi

# The page that loads a build: out/<bundler>/index.html with <script type=module src=/<script>>.
page() { mkdir -p "out/$1"; sed -e "s/(SCRIPT)/($1)/" -e "s|/main.js|/$2|" index.html >"out/$1/index.html"; }

echo "--- webpack 5"
node webpack-build.mjs
page webpack main.js

echo "--- esbuild"
rm -rf out/esbuild
# Exactly npm/README.md's "esbuild" command, in the example's directory: the entry sets the
# wasm URL, the .wasm gets the file loader.
( cd "$ROOT/examples/web/frontend" && "$ROOT/tests/bundlers/node_modules/.bin/esbuild" \
  src/main.esbuild.ts --bundle --format=esm --loader:.wasm=file --outdir="$ROOT/tests/bundlers/out/esbuild" --log-level=warning )
page esbuild main.esbuild.js
# Without those steps (the Vite entry as is): no .wasm is emitted; the app must still run.
rm -rf out/esbuild-plain
( cd "$ROOT/examples/web/frontend" && "$ROOT/tests/bundlers/node_modules/.bin/esbuild" \
  src/main.tsx --bundle --format=esm --outdir="$ROOT/tests/bundlers/out/esbuild-plain" --log-level=error )
page esbuild-plain main.js

echo "--- esbuild, one classic script"
# otel-wasm/web as an IIFE (no import.meta.url): the page sets the .wasm's URL.
rm -rf out/iife
node_modules/.bin/esbuild iife/entry.js --bundle --format=iife --outfile=out/iife/main.js --log-level=error
cp node_modules/otel-wasm/dist/wasm/sdk_wasm_bg.wasm out/iife/
sed -e "s/(SCRIPT)/(iife)/" -e 's|<script type="module" src="/main.js">|<script src="/main.js">|' index.html >out/iife/index.html

echo "--- tsc (skipLibCheck false, lib ES2022)"
for mr in node node16 bundler; do
  module=$([ "$mr" = node16 ] && echo node16 || echo esnext)
  tsc -p types/tsconfig.json --moduleResolution "$mr" --module "$module"
  echo "  moduleResolution $mr: ok"
done
