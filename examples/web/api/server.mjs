#!/usr/bin/env node
// The example app's API, and (with --static) the server of its built files. No npm deps.
//
//   node examples/web/api/server.mjs [--port N] [--static DIR] [--allow-trace-headers]
//                                    [--env KEY=VALUE]... [--otlp URL [--service-name NAME]]
//
// Listens on 127.0.0.1 (port 0 unless told) and prints the port on stdout's first line.
// - /api/items (GET, POST): a small JSON list; /api/slow?ms=N answers after N ms.
// - CORS: any origin may call; `traceparent`/`tracestate` are allowed request headers only
//   with --allow-trace-headers (so a browser would refuse to send them cross-origin otherwise).
// - GET /_seen: every /api request and preflight this server received (method, path,
//   traceparent), for tests. GET /env.js: `window.__ENV = {...}` from the --env flags, so one
//   build of the app can be pointed at servers chosen at run time (values already in
//   window.__ENV win).
// - --static DIR: other GETs serve files from DIR, falling back to index.html (client routes).
// - --otlp URL: traces every /api request with the OpenTelemetry Node SDK (tracing.mjs; needs
//   `npm ci` here), exporting to URL/v1/traces as service `coffee-api` (or --service-name).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let port = 0, staticDir = null, allowTraceHeaders = false, otlp = null, serviceName = 'coffee-api';
const env = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--port') port = Number(args[++i]);
  else if (a === '--static') staticDir = path.resolve(args[++i]);
  else if (a === '--allow-trace-headers') allowTraceHeaders = true;
  else if (a === '--otlp') otlp = args[++i];
  else if (a === '--service-name') serviceName = args[++i];
  else if (a === '--env') {
    const [k, ...v] = args[++i].split('=');
    env[k] = v.join('=');
  } else {
    console.error(`server: unknown argument ${a}`);
    process.exit(2);
  }
}

// Loaded only when asked for, so the server runs without node_modules otherwise.
const tracing = otlp ? (await import('./tracing.mjs')).startTracing({ endpoint: otlp, serviceName, environment: env.ENVIRONMENT }) : null;

const seen = [];
const items = [
  { id: 1, name: 'Espresso', price: 2.5 },
  { id: 2, name: 'Flat white', price: 3.2 },
  { id: 3, name: 'Cortado', price: 3.0 },
];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json', '.map': 'application/json' };

function cors(req, res) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', allowTraceHeaders ? 'content-type, traceparent, tracestate' : 'content-type');
}

function serveStatic(pathname, res) {
  const file = path.join(staticDir, path.normalize(decodeURIComponent(pathname)));
  let target = file.startsWith(staticDir) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
  // Client-side routes (no file extension) get the app's index.html.
  if (!target && !path.extname(pathname)) target = path.join(staticDir, 'index.html');
  if (!target || !fs.existsSync(target)) {
    res.writeHead(404);
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(target)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
  fs.createReadStream(target).pipe(res);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p.startsWith('/api/')) {
    cors(req, res);
    seen.push({ time: Date.now(), method: req.method, path: p, traceparent: req.headers.traceparent ?? null, origin: req.headers.origin ?? null });
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const handle = () => {
      const answer = () => {
        const body = tracing ? tracing.step('items.load', () => JSON.stringify({ items })) : JSON.stringify({ items });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(body);
      };
      req.resume();
      req.on('end', () => (p === '/api/slow' ? setTimeout(answer, Number(url.searchParams.get('ms') ?? 200)) : answer()));
    };
    if (tracing) tracing.request(req, res, p, handle);
    else handle();
    return;
  }
  if (p === '/_seen') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(seen));
    return;
  }
  if (p === '/env.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
    // Values set before this script runs (e.g. by a test) win.
    res.end(`window.__ENV = Object.assign(${JSON.stringify(env)}, window.__ENV || {});\n`);
    return;
  }
  if (staticDir && req.method === 'GET') return serveStatic(p, res);
  res.writeHead(404);
  res.end('not found');
});

server.listen(port, '127.0.0.1', () => console.log(server.address().port));
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.closeAllConnections?.();
    // Spans still batched go out first.
    server.close(() => (tracing ? tracing.shutdown() : Promise.resolve()).finally(() => process.exit(0)));
  });
}
