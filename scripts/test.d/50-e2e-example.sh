# The npm package and the example React app, end to end in headless Chromium:
# builds npm/ (npm/build.sh) and the example (reused when up to date), runs the package's
# config tests and its type check against @opentelemetry/api, then tests/e2e/ (which starts
# and stops its own servers on free loopback ports).
set -euo pipefail
cd "$ROOT"

bash npm/build.sh
node --test npm/test/
tsc -p npm/test/tsconfig.json

version=$(node -p "require('./npm/package.json').version")
tarball="$ROOT/npm/otel-wasm-$version.tgz"
cd examples/web/frontend
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
if [ ! -f dist/index.html ] || [ -n "$(find src public index.html vite.config.ts tsconfig.json package.json node_modules/.otel-wasm-installed -newer dist/index.html -print -quit)" ]; then
  npm run --silent build
fi
cd "$ROOT"

node --test tests/e2e/
