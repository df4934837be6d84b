# The SDK's RUM features (tests/rum/) end to end in headless Chromium AND Firefox through
# WebDriver (trusted input, reloads): the npm package's web build (npm/build.sh, reused
# when up to date) against tests/receiver/receiver.mjs on a free loopback port.
set -euo pipefail
cd "$ROOT"
bash npm/build.sh
node --test --test-concurrency=1 tests/rum/
