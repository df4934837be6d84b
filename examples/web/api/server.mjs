#!/usr/bin/env node
// The example app's API, and (with --static) the server of its built files. No npm deps.
//
//   node examples/web/api/server.mjs [--port N] [--static DIR] [--allow-trace-headers]
//                                    [--env KEY=VALUE]...
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
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let port = 0, staticDir = null, allowTraceHeaders = false;
const env = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--port') port = Number(args[++i]);
  else if (a === '--static') staticDir = path.resolve(args[++i]);
  else if (a === '--allow-trace-headers') allowTraceHeaders = true;
  else if (a === '--env') {
    const [k, ...v] = args[++i].split('=');
    env[k] = v.join('=');
  } else {
    console.error(`server: unknown argument ${a}`);
    process.exit(2);
  }
}

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
    const answer = () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ items }));
    };
    req.resume();
    req.on('end', () => (p === '/api/slow' ? setTimeout(answer, Number(url.searchParams.get('ms') ?? 200)) : answer()));
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
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.closeAllConnections?.(); server.close(() => process.exit(0)); });
