# Sourced by the stages that run wasm-bindgen tests in headless browsers, after
# start-node-server.sh: browsers_through_proxy WEBDRIVER_JSON starts
# tests/support/browser-proxy.mjs and points the test runner at a copy of WEBDRIVER_JSON whose
# Chrome and Firefox send every request through it (loopback included), so no connection to the
# runner's page server stays open (the proxy says why).
browsers_through_proxy() {
  start_node_server "$ROOT/tests/support/browser-proxy.mjs"
  mkdir -p "$ROOT/target"
  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$ROOT/target/webdriver-through-proxy.json
  node -e '
    const [file, port] = process.argv.slice(1);
    const caps = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const chrome = caps["goog:chromeOptions"] ??= {};
    (chrome.args ??= []).push(`--proxy-server=http://127.0.0.1:${port}`, "--proxy-bypass-list=<-loopback>");
    const firefox = caps["moz:firefoxOptions"] ??= {};
    Object.assign((firefox.prefs ??= {}), {
      "network.proxy.type": 1,
      "network.proxy.http": "127.0.0.1",
      "network.proxy.http_port": Number(port),
      "network.proxy.no_proxies_on": "",
      "network.proxy.allow_hijacking_localhost": true,
    });
    console.log(JSON.stringify(caps));
  ' "$1" "$SERVER_PORT" >"$WASM_BINDGEN_TEST_WEBDRIVER_JSON"
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON
}
