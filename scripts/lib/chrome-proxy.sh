# Sourced by the stages that run wasm-bindgen tests in headless Chrome, after
# start-node-server.sh: chrome_through_proxy WEBDRIVER_JSON starts tests/support/chrome-proxy.mjs
# and points the test runner at a copy of WEBDRIVER_JSON whose Chrome sends every request
# through it (loopback included), so no connection to the runner's page server stays open (the
# proxy says why).
chrome_through_proxy() {
  start_node_server "$ROOT/tests/support/chrome-proxy.mjs"
  mkdir -p "$ROOT/target"
  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$ROOT/target/webdriver-chrome-proxy.json
  node -e '
    const [file, port] = process.argv.slice(1);
    const caps = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const chrome = caps["goog:chromeOptions"] ??= {};
    (chrome.args ??= []).push(`--proxy-server=http://127.0.0.1:${port}`, "--proxy-bypass-list=<-loopback>");
    console.log(JSON.stringify(caps));
  ' "$1" "$SERVER_PORT" >"$WASM_BINDGEN_TEST_WEBDRIVER_JSON"
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON
}
