# The npm package and the example React app, end to end in headless Chromium:
# builds npm/ and the example (scripts/build-example, reused when up to date),
# runs the package's config tests and its type check against @opentelemetry/api,
# then tests/e2e/ (which starts and stops its own servers on free loopback ports).
set -euo pipefail
cd "$ROOT"

bash scripts/build-example
node --test npm/test/
tsc -p npm/test/tsconfig.json
node --test tests/e2e/
