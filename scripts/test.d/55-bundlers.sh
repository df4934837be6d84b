# The packed npm package with other bundlers and TypeScript settings: builds the example app
# with Vite (scripts/build-example, reused when up to date), webpack 5 and esbuild (the
# README's steps), type-checks the published types with tsc (skipLibCheck false, lib ES2022,
# moduleResolution node / node16 / bundler), then loads each build in headless Chromium
# against tests/support/receiver.mjs and imports the package in Node (tests/bundlers/).
set -euo pipefail
cd "$ROOT"
bash scripts/build-example
bash tests/bundlers/build.sh
node --test --test-concurrency=1 tests/bundlers/
