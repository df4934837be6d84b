#!/usr/bin/env node
// A small OTLP/HTTP receiver for tests, examples and benchmarks. No npm dependencies.
//
//   node tests/support/receiver.mjs [--port N] [--static [/prefix=]DIR]... [--print]
//
// Prints its port on the first line of stdout (listens on 127.0.0.1, port 0 unless told).
// - POST <any prefix>/v1/traces|metrics|logs: records the request (path, method, headers,
//   wire and decoded body size, gzip/deflate/br decoded) and counts spans / metrics / data
//   points / log records in OTLP protobuf or OTLP/JSON (decoded by ./otlp.mjs); `spanList`
//   gives each span's name, kind and hex trace/span/parent ids. With --keep-json, each JSON
//   request also keeps its parsed body as `doc` (tests that check attributes export JSON).
// - Per-test behaviour in the path: /t/<test-id>/<behaviour>/.../v1/traces, where behaviour
//   is <status>once (e.g. 503once: first request to that path gets 503, later ones 200),
//   <status>x<n> (n times), <status>always, retryafter<s> (adds Retry-After to error
//   responses), delay<ms> (waits before answering).
// - GET /t/<test-id>/_received: what arrived for that test, as JSON. GET /_received: all.
// - OPTIONS: answers CORS preflights for any requested headers; Retry-After is exposed.
// - --static serves files (e.g. an example page and the SDK build) for other GETs; a GET with
//   ?servertiming=<value> gets that value as its Server-Timing response header.
// - --print logs one line per export (and span names) to stdout.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { decodeExport } from './otlp.mjs';

const args = process.argv.slice(2);
let port = 0;
const mounts = [];
let print = false;
let keepJson = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i] === '--static') {
    const v = args[++i];
    const eq = v.indexOf('=');
    const [prefix, dir] = eq > 0 ? [v.slice(0, eq), v.slice(eq + 1)] : ['/', v];
    mounts.push({ prefix: prefix.endsWith('/') ? prefix : prefix + '/', dir: path.resolve(dir) });
  } else if (args[i] === '--print') print = true;
  else if (args[i] === '--keep-json') keepJson = true;
  else {
    console.error(`receiver: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
mounts.sort((a, b) => b.prefix.length - a.prefix.length);

const records = []; // every request, in arrival order
const hits = new Map(); // path -> requests seen, for "once"/"xN" behaviours

// JSON when the Content-Type says so, protobuf otherwise (a beacon may carry no usable type).
function counts(signal, rawBody, headers) {
  const type = (headers['content-type'] ?? '').includes('json') ? 'application/json' : 'application/x-protobuf';
  const d = decodeExport(signal, rawBody, { ...headers, 'content-type': type });
  return {
    decodedSize: d.body.length,
    spans: d.spans.length, spanNames: d.spans.map((sp) => sp.name),
    spanList: d.spans.map(({ name, traceId, spanId, parentSpanId, kind }) => ({ name, traceId, spanId, parentSpanId, kind })),
    metrics: d.metrics.length, metricNames: d.metrics.map((m) => m.name),
    dataPoints: d.metrics.reduce((n, m) => n + m.dataPoints, 0),
    logRecords: d.logRecords,
    ...(keepJson && d.doc ? { doc: d.doc } : {}),
  };
}

// ---- routing ------------------------------------------------------------------
/** /t/<id>/<behaviours...>/v1/<signal> -> { testId, behaviours, signal } */
function parseExportPath(p) {
  const m = p.match(/^(.*)\/v1\/(traces|metrics|logs)\/?$/);
  if (!m) return null;
  const segs = m[1].split('/').filter(Boolean);
  let testId = null;
  if (segs[0] === 't' && segs.length >= 2) { testId = segs[1]; segs.splice(0, 2); }
  return { testId, behaviours: segs, signal: m[2] };
}

function cors(req, res) {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

/** Status and extra headers for this request, per the path's behaviours. */
function decide(pathname, behaviours) {
  const n = (hits.get(pathname) ?? 0) + 1;
  hits.set(pathname, n);
  let status = 200, delay = 0;
  const headers = {};
  for (const b of behaviours) {
    let m;
    if ((m = b.match(/^(\d{3})once$/)) && n === 1) status = Number(m[1]);
    else if ((m = b.match(/^(\d{3})x(\d+)$/)) && n <= Number(m[2])) status = Number(m[1]);
    else if ((m = b.match(/^(\d{3})always$/))) status = Number(m[1]);
    else if ((m = b.match(/^delay(\d+)$/))) delay = Number(m[1]);
  }
  for (const b of behaviours) {
    const m = b.match(/^retryafter(\d+)$/);
    if (m && status >= 400) headers['Retry-After'] = m[1];
  }
  return { status, delay, headers };
}

function summary(testId) {
  const reqs = records.filter((r) => testId === undefined || r.testId === testId);
  const exports = reqs.filter((r) => r.method === 'POST');
  const ok = exports.filter((r) => r.status >= 200 && r.status < 300);
  const sum = (k, list) => list.reduce((a, r) => a + (r[k] ?? 0), 0);
  return {
    requests: reqs,
    preflights: reqs.filter((r) => r.method === 'OPTIONS').length,
    exports: exports.length,
    // Counted over accepted requests only: a rejected (e.g. 503) body is not "arrived".
    spans: sum('spans', ok),
    metrics: sum('metrics', ok),
    dataPoints: sum('dataPoints', ok),
    logRecords: sum('logRecords', ok),
  };
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json' };

// `no-store` keeps tests from seeing stale files; it also bars a page from the back/forward
// cache, so a page asked for with `?bfcache` gets `no-cache` (still revalidated: always fresh).
function serveStatic(pathname, res, cacheable = false, serverTiming = null) {
  for (const { prefix, dir } of mounts) {
    if (!(pathname + '/').startsWith(prefix) && pathname !== prefix.slice(0, -1)) continue;
    let rel = decodeURIComponent(pathname.slice(prefix.length - 1));
    if (rel.endsWith('/') || rel === '') rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) break;
    try {
      const data = fs.readFileSync(file);
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': cacheable ? 'no-cache' : 'no-store',
        ...(serverTiming ? { 'Server-Timing': serverTiming } : {}) });
      res.end(data);
      return true;
    } catch { /* try the next mount */ }
  }
  return false;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const pathname = url.pathname;
  cors(req, res);
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] || 'content-type, content-encoding');
    const route = parseExportPath(pathname);
    records.push({ time: Date.now(), method: 'OPTIONS', path: pathname, testId: route?.testId ?? null, headers: req.headers });
    res.writeHead(204);
    res.end();
    return;
  }
  if (req.method === 'GET') {
    const m = pathname.match(/^(?:\/t\/([^/]+))?\/_received$/);
    if (m) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(summary(m[1])));
      return;
    }
    if (pathname === '/_health') { res.writeHead(200); res.end('ok'); return; }
    if (serveStatic(pathname, res, url.searchParams.has('bfcache'), url.searchParams.get('servertiming'))) return;
    res.writeHead(404);
    res.end('not found');
    return;
  }
  const route = req.method === 'POST' ? parseExportPath(pathname) : null;
  if (!route) { res.writeHead(404); res.end('not found'); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const rec = {
      time: Date.now(), method: 'POST', path: pathname, testId: route.testId, signal: route.signal,
      headers: req.headers, contentType: req.headers['content-type'] ?? '', contentEncoding: req.headers['content-encoding'] ?? '',
      bodySize: raw.length, decodedSize: null, spans: 0, spanNames: [], spanList: [], metrics: 0, metricNames: [], dataPoints: 0, logRecords: 0, error: null, status: 0,
    };
    try {
      Object.assign(rec, counts(route.signal, raw, req.headers));
    } catch (e) {
      rec.error = String(e.message ?? e);
    }
    const { status, delay, headers } = decide(pathname, route.behaviours);
    rec.status = rec.error ? 400 : status;
    records.push(rec);
    if (print) {
      const what = route.signal === 'traces' ? `${rec.spans} spans` : route.signal === 'logs' ? `${rec.logRecords} log records` : `${rec.metrics} metrics, ${rec.dataPoints} points`;
      console.log(`${new Date(rec.time).toISOString()} POST ${pathname} ${rec.contentType}${rec.contentEncoding ? ' ' + rec.contentEncoding : ''} ${rec.bodySize} B -> ${rec.status}: ${what}${rec.error ? ' ERROR ' + rec.error : ''}`);
      for (const n of rec.spanNames.slice(0, 20)) console.log(`  span ${n}`);
      for (const n of rec.metricNames.slice(0, 20)) console.log(`  metric ${n}`);
    }
    const answer = () => {
      res.writeHead(rec.status, { 'Content-Type': rec.contentType || 'application/json', ...headers });
      res.end(rec.contentType.includes('json') ? '{}' : '');
    };
    delay ? setTimeout(answer, delay) : answer();
  });
});

server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => {
  console.log(server.address().port);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref());
