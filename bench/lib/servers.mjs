// The bench's own loopback servers, each on a free port of 127.0.0.1:
// - the page server: the bench page, the SDK bundles under /sdk/<name>/ and the
//   204 API endpoints the page calls (/api/fetch, /api/xhr, /api/burst);
// - the OTLP/HTTP receiver: a second origin, so exports are cross-origin and
//   CORS-preflighted as with a real collector. It counts spans (protobuf and
//   JSON, gzip/br decoded by tests/support/otlp.mjs), bytes on the wire and preflights.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { decodeExport } from '../../tests/support/otlp.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

function close(server) {
  return new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
}

// Bytes of the HTTP/1.1 request line and headers as they were on the wire.
function requestHeadBytes(req) {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return Buffer.byteLength(head + '\r\n');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// roots: {'/': dir, '/sdk/': dir}; api: paths answered 204 and counted, with the
// traceparent of each request (the id of the client span the SDK made for it);
// headers: extra response headers per page path.
export async function startPageServer({ roots, apiPaths, headers = {} }) {
  const api = Object.fromEntries(apiPaths.map((p) => [p, { requests: 0, withTraceparent: 0, traceparents: [] }]));
  const served = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    // Cross-origin isolation gives performance.now() its 5 µs resolution.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (api[url.pathname]) {
      api[url.pathname].requests++;
      if (req.headers.traceparent) {
        api[url.pathname].withTraceparent++;
        api[url.pathname].traceparents.push(req.headers.traceparent);
      }
      res.writeHead(204).end();
      return;
    }
    const prefix = Object.keys(roots).filter((p) => url.pathname.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    const rel = url.pathname.slice(prefix.length) || 'index.html';
    const file = path.resolve(roots[prefix], rel);
    if (!file.startsWith(path.resolve(roots[prefix]) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    served.push(url.pathname);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...headers[url.pathname] });
    fs.createReadStream(file).pipe(res);
  });
  const origin = await listen(server);
  return { origin, api, served, close: () => close(server) };
}

function emptyTotals() {
  return { tracePosts: 0, metricPosts: 0, preflights: 0, bodyBytes: 0, headBytes: 0, metricBytes: 0, spans: 0, byCategory: {}, encodings: {}, contentEncodings: {}, errors: [], kept: [] };
}

// classify(span) -> category name; spans are counted per category. Spans of the
// categories in `keep` are also listed one by one in `kept` ({category, traceId,
// spanId, service, referrer}), so a run can match them to the requests it made and
// tell which page sent them (the Referer of the export) and whether one came twice.
// setReplyDelay(ms) makes it answer trace exports that much later (a collector
// farther away than loopback).
export async function startReceiver({ classify, keep = [] }) {
  let totals = emptyTotals();
  let replyDelayMs = 0;
  const server = http.createServer(async (req, res) => {
    const cors = { 'Access-Control-Allow-Origin': req.headers.origin ?? '*' };
    if (req.method === 'OPTIONS') {
      totals.preflights++;
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '' }).end();
      return;
    }
    const url = new URL(req.url, 'http://x');
    if (req.method !== 'POST' || !['/v1/traces', '/v1/metrics'].includes(url.pathname)) {
      res.writeHead(404, cors).end();
      return;
    }
    const body = await readBody(req);
    if (replyDelayMs > 0) await new Promise((r) => setTimeout(r, replyDelayMs));
    const type = req.headers['content-type'] ?? 'application/json';
    const ok = () => res.writeHead(200, { ...cors, 'Content-Type': type }).end(type.includes('json') ? '{}' : '');
    if (url.pathname === '/v1/metrics') {
      totals.metricPosts++;
      totals.metricBytes += body.length + requestHeadBytes(req);
      ok();
      return;
    }
    let decoded;
    try {
      decoded = decodeExport('traces', body, req.headers);
    } catch (err) {
      totals.errors.push(String(err.message ?? err));
      res.writeHead(400, { ...cors, 'Content-Type': 'text/plain' }).end(String(err.message ?? err));
      return;
    }
    totals.tracePosts++;
    totals.bodyBytes += body.length;
    totals.headBytes += requestHeadBytes(req);
    totals.spans += decoded.spans.length;
    totals.encodings[decoded.encoding] = (totals.encodings[decoded.encoding] ?? 0) + 1;
    const ce = req.headers['content-encoding'] ?? 'identity';
    totals.contentEncodings[ce] = (totals.contentEncodings[ce] ?? 0) + 1;
    for (const span of decoded.spans) {
      const c = classify(span);
      totals.byCategory[c] = (totals.byCategory[c] ?? 0) + 1;
      if (keep.includes(c)) totals.kept.push({ category: c, traceId: span.traceId, spanId: span.spanId, service: span.service, referrer: req.headers.referer ?? '' });
    }
    ok();
  });
  const origin = await listen(server);
  return {
    origin,
    snapshot: () => structuredClone(totals),
    reset: () => { totals = emptyTotals(); },
    setReplyDelay: (ms) => { replyDelayMs = ms; },
    close: () => close(server),
  };
}

// What arrived between two snapshots.
export function delta(before, after) {
  const d = {};
  for (const [k, v] of Object.entries(after)) {
    if (typeof v === 'number') d[k] = v - before[k];
    else if (Array.isArray(v)) d[k] = v.slice(before[k].length);
    else d[k] = Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, vv - (before[k][kk] ?? 0)]).filter(([, vv]) => vv !== 0));
  }
  return d;
}
