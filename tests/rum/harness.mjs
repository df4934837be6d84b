// Shared set-up of the RUM tests (tests/rum/*.test.mjs): one receiver per test file that serves
// the npm package's `web` build (npm/dist at /pkg/), @opentelemetry/api (/otel-api/), the test
// pages (tests/rum/pages at /pages/), and records OTLP exports with their JSON bodies.
// Each test uses its own test id, so its exports go to /t/<id>/v1/... and are read back apart.
//
//   const rx = await startReceiver();
//   const b = await openBrowser('firefox');
//   await b.get(rx.page('basic.html', 'my-test'));   // ?otlp=<collector URL for my-test>
//   const got = await rx.waitFor('my-test', (r) => r.spans >= 1);
//   rx.spans('my-test'); rx.logRecords('my-test'); rx.metrics('my-test')
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { attrs } from '../support/otlp.mjs';
import { ROOT, startServer, getJson, waitFor as poll } from '../support/servers.mjs';

export { ROOT, attrs };
export { openBrowser, BROWSERS } from '../support/browsers.mjs';

/** Starts tests/support/receiver.mjs on a free port (or `port`, to restart on the same one). */
export async function startReceiver({ port = 0 } = {}) {
  const args = ['--keep-json', '--static', `/pkg=${path.join(ROOT, 'npm/dist')}`,
    '--static', `/otel-api=${path.join(ROOT, 'npm/node_modules/@opentelemetry/api/dist')}`,
    '--static', `/pages=${path.join(ROOT, 'tests/rum/pages')}`];
  if (port) args.push('--port', String(port));
  const { origin, proc, port: actual } = await startServer('tests/support/receiver.mjs', args);
  const received = (id) => getJson(`${origin}/t/${id}/_received`);
  const docs = async (id, signal) => (await received(id)).requests
    .filter((r) => r.method === 'POST' && r.signal === signal && r.status < 300 && r.doc)
    .map((r) => r.doc);
  return {
    origin,
    port: actual,
    /** The collector base URL of one test (the SDK appends /v1/traces etc.). */
    collector: (id) => `${origin}/t/${id}`,
    /** A test page URL with ?otlp=<collector> and extra query parameters. */
    page: (file, id, params = {}) => {
      const q = new URLSearchParams({ otlp: `${origin}/t/${id}`, ...params });
      return `${origin}/pages/${file}?${q}`;
    },
    received,
    /** Polls the receiver until `pred(summary)` holds; returns the summary. */
    waitFor: (id, pred, opts) => poll(`exports for ${id}`, async () => {
      const r = await received(id);
      return pred(r) ? r : null;
    }, { timeoutMs: 15000, ...opts }),
    /** Every span that arrived for `id` (JSON exports), with attributes as a plain object. */
    spans: async (id) => (await docs(id, 'traces')).flatMap((d) => (d.resourceSpans ?? []).flatMap((rs) =>
      (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({
        ...s, attributes: attrs(s.attributes), resource: attrs(rs.resource?.attributes), scope: ss.scope?.name,
        events: (s.events ?? []).map((e) => ({ ...e, attributes: attrs(e.attributes) })),
      }))))),
    /** Every log record that arrived for `id` (JSON exports). */
    logRecords: async (id) => (await docs(id, 'logs')).flatMap((d) => (d.resourceLogs ?? []).flatMap((rl) =>
      (rl.scopeLogs ?? []).flatMap((sl) => (sl.logRecords ?? []).map((l) => ({
        ...l, attributes: attrs(l.attributes), resource: attrs(rl.resource?.attributes), scope: sl.scope?.name,
      }))))),
    /** Every metric that arrived for `id` (JSON exports): { name, unit, kind, points } with
     *  points' attributes as plain objects. */
    metrics: async (id) => (await docs(id, 'metrics')).flatMap((d) => (d.resourceMetrics ?? []).flatMap((rm) =>
      (rm.scopeMetrics ?? []).flatMap((sm) => (sm.metrics ?? []).map((m) => {
        const kind = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'].find((k) => m[k]);
        return { name: m.name, unit: m.unit, kind, points: (m[kind]?.dataPoints ?? []).map((p) => ({ ...p, attributes: attrs(p.attributes) })) };
      })))),
    stop: () => { proc.kill(); return new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r))); },
  };
}

/** A unique test id per browser and case (receiver paths and service names). */
export const testId = (browser, name) => `${browser}-${name}-${Date.now().toString(36)}`;

/** Asserts that the span of `marks[i]` (`{ url, at }`, epoch ms taken right before the page made
 *  the request) started between its own mark and the next request's: the main thread may stall
 *  in between on a busy machine, but not reorder them; 1 ms for the clocks' resolution. */
export function assertStartedAtItsCall(marks, i, startMs) {
  const m = marks[i];
  const next = marks[i + 1]?.at ?? m.at + 20;
  assert.ok(startMs > m.at - 1 && startMs < next + 1, `${m.url}: starts when it was made (${startMs - m.at} ms after its mark, the next at ${next - m.at})`);
}

/** Polls the receiver until a span of test `id` matches `pred`; returns it. */
export function waitSpan(rx, id, pred, timeoutMs = 15000) {
  return poll(`a matching span for ${id}`, async () => (await rx.spans(id)).find(pred), { timeoutMs });
}

/** A server on 127.0.0.1 that answers every request 200 (CORS open) and records each one's
 *  `{ host, path, traceparent }` in `seen` (preflights as `{ host, path, preflight: true }`):
 *  reached as 127.0.0.1 or as localhost, it is two origins a test can list or not. */
export async function startHeaderEcho() {
  const seen = [];
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      seen.push({ host: req.headers.host, path: req.url, preflight: true });
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] || '');
      res.writeHead(204).end();
      return;
    }
    seen.push({ host: req.headers.host, path: req.url, traceparent: req.headers.traceparent ?? null });
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, seen, stop: () => new Promise((r) => server.close(r)) };
}
