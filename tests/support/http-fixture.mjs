// HTTP fixture for the instrumentation browser tests (Node, no dependencies).
// Listens on 127.0.0.1 (port 0 unless PORT is set) and prints its port on
// stdout. Reachable as http://127.0.0.1:<port> and http://localhost:<port>,
// which the tests use as two distinct cross-origin targets.
//
// Every request under [/r/<run>]/t/<id>/ is recorded (method, path, headers) and can be
// read back with GET /t/<id>/_received. Behaviours by path:
//   /t/<id>/status/<code>   answers <code> (with a small body unless null-body)
//   /t/<id>/slow/<ms>       answers 200 after <ms>
//   /t/<id>/redirect        302 to /t/<id>/status/200
//   /t/<id>/stream          endless chunked body until the client goes away;
//                           /t/<id>/_received reports bytes written as streamBytes
//   /t/<id>/reset           destroys the socket (a network error)
//   /t/<id>/wasm            the smallest valid wasm module, application/wasm
//   /t/<id>/json            {"ok":true}
//   /t/<id>/script          a JavaScript body (passes Opaque Response Blocking)
//   anything else           200 "ok"
// CORS: answers preflights for any method/header and records them (method
// OPTIONS); sends Timing-Allow-Origin so resource timing is detailed.
import http from 'node:http';

const tests = new Map();
const record = (id) => {
  if (!tests.has(id)) tests.set(id, { requests: [], streamBytes: 0, streamsOpen: 0 });
  return tests.get(id);
};

function cors(req, res) {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Timing-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', '*');
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://fixture');
  // An optional /r/<run>/ prefix keeps runs sharing one fixture apart.
  const m = url.pathname.match(/^(\/r\/[^/]+)?\/t\/([^/]+)\/(.*)$/);
  cors(req, res);
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const [, run = '', id, rest] = m;
  const t = record(run + id);
  if (rest === '_received') {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify(t));
    return;
  }
  const entry = { method: req.method, path: `/t/${id}/${rest}${url.search}`, headers: req.headers, body: '' };
  t.requests.push(entry);
  // Bodies are kept (first 256 KiB) so tests can read OTLP/JSON exports.
  req.on('data', (c) => {
    if (entry.body.length < 262144) entry.body += c.toString('utf8');
  });
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', req.headers['access-control-request-method'] || 'GET');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] || '*');
    res.setHeader('Access-Control-Max-Age', '0');
    res.writeHead(204).end();
    return;
  }
  const [kind, arg] = rest.split('/');
  res.setHeader('Cache-Control', 'no-store');
  switch (kind) {
    case 'status': {
      const code = Number(arg) || 200;
      res.writeHead(code);
      res.end([204, 205, 304].includes(code) ? undefined : `status ${code}`);
      return;
    }
    case 'slow':
      setTimeout(() => res.end('slow'), Number(arg) || 100);
      return;
    case 'redirect':
      res.writeHead(302, { Location: `${run}/t/${id}/status/200` }).end();
      return;
    case 'wasm':
      res.writeHead(200, { 'Content-Type': 'application/wasm' });
      res.end(Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
      return;
    case 'script':
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end('void 0;');
      return;
    case 'json':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'stream': {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      t.streamsOpen++;
      const chunk = Buffer.alloc(64 * 1024, 120);
      const timer = setInterval(() => {
        res.write(chunk);
        t.streamBytes += chunk.length;
      }, 5);
      res.on('close', () => {
        clearInterval(timer);
        t.streamsOpen--;
      });
      return;
    }
    default:
      res.end('ok');
  }
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(server.address().port);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
