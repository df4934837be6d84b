# Sourced by the project's scripts: puts the bootstrap's tools on PATH and
# tells wasm-bindgen-test where the browser drivers are.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export ROOT
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export GECKODRIVER=${GECKODRIVER:-$HOME/.cargo/bin/geckodriver}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
