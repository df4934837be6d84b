// An HTTP forward proxy for the headless Chrome and Firefox of the wasm-bindgen browser tests
// (scripts/lib/browser-proxy.sh): it forwards each request on a connection of its own, closed
// after the response.
//
// Why: wasm-bindgen-test-runner serves the test page with tiny_http 0.12, whose thread pool can
// leave a new connection unserved while its threads wait on other connections kept alive. When
// a browser opens several connections at once (the page's JS modules) one of them can stall
// until the browser drops an idle socket (Chrome: 300 s later). Behind this proxy no connection
// to the runner stays open, so a thread is free again as soon as its one response is written.
//
// Prints its port on stdout's first line.
import http from 'node:http';

// Hop-by-hop: they describe the connection they came on, not the request.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

function endToEnd(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

const server = http.createServer((req, res) => {
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400).end('absolute URL expected');
    return;
  }
  const headers = endToEnd(req.rawHeaders);
  headers.push('Connection', 'close');
  const upstream = http.request(target, { method: req.method, headers, agent: false }, (up) => {
    res.writeHead(up.statusCode, up.statusMessage, endToEnd(up.rawHeaders));
    up.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
