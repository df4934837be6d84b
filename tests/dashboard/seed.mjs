// Test data for the dashboard e2e and benchmark: OTLP/JSON shaped like what a
// browser app instrumented with OpenTelemetry web sends (documentLoad,
// documentFetch, resourceFetch, click interactions, fetch → backend spans),
// backend logs, exceptions, and big traces of N spans.

import { randomBytes } from 'node:crypto';

const hex = (n) => randomBytes(n).toString('hex');
export const XSS = '<img src=x onerror="window.__xss=1">';

const str = (key, value) => ({ key, value: { stringValue: String(value) } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });

function span({ traceId, spanId = hex(8), parent = '', name, kind = 1, startNs, durMs, attrs = [], events = [], error = false }) {
  const start = BigInt(Math.round(startNs));
  const end = start + BigInt(Math.round(durMs * 1e6));
  return {
    traceId, spanId, parentSpanId: parent, name, kind,
    startTimeUnixNano: start.toString(), endTimeUnixNano: end.toString(),
    attributes: attrs, events,
    status: error ? { code: 2, message: 'failed' } : { code: 0 },
  };
}

function resourceSpans(service, spans, extra = []) {
  return {
    resource: { attributes: [str('service.name', service), ...extra] },
    scopeSpans: [{ scope: { name: 'e2e-seed', version: '1.0.0' }, spans }],
  };
}

const browserResource = [str('telemetry.sdk.language', 'webjs'), str('browser.language', 'en-US')];

/** A browser app's traces over the last ~10 minutes. */
export function browserAppTraces(nowMs = Date.now()) {
  const web = [], api = [], pay = [];
  const routes = ['/', '/cart', '/checkout', '/product/42'];
  const assets = ['/assets/app.js', '/assets/app.css', '/assets/logo.svg', '/api/config'];
  let n = 0;
  for (let i = 0; i < 24; i++) {
    const t0 = (nowMs - 600_000 + i * 20_000) * 1e6;
    const route = routes[i % routes.length];
    // Page load.
    const traceId = hex(16);
    const load = span({ traceId, name: 'documentLoad', startNs: t0, durMs: 400 + (i % 5) * 150,
      attrs: [str('url.full', `http://shop.local${route}`), str('user_agent.original', 'Mozilla/5.0 e2e')],
      events: [{ timeUnixNano: String(t0 + 50e6), name: 'domInteractive' }] });
    web.push(load);
    web.push(span({ traceId, parent: load.spanId, name: 'documentFetch', startNs: t0, durMs: 80,
      attrs: [str('url.full', `http://shop.local${route}`)] }));
    assets.forEach((a, k) => web.push(span({ traceId, parent: load.spanId, name: 'resourceFetch',
      startNs: t0 + 90e6 + k * 10e6, durMs: 40 + k * 60 + (i % 3) * 20, attrs: [str('url.full', `http://shop.local${a}`)] })));
    // A click that calls the API.
    const clickTrace = hex(16);
    const failing = i % 8 === 2; // the checkout click fails now and then
    const target = route === '/checkout' ? 'pay-button' : 'add-to-cart';
    const click = span({ traceId: clickTrace, name: `click`, startNs: t0 + 2e9, durMs: 260,
      attrs: [str('event_type', 'click'), str('target_element', 'BUTTON'), str('target_xpath', `//*[@id="${target}"]`),
        str('url.full', `http://shop.local${route}`), ...(i === 3 ? [str('user.comment', XSS)] : [])], error: failing });
    const path = route === '/checkout' ? '/api/checkout' : '/api/cart';
    const fetch = span({ traceId: clickTrace, parent: click.spanId, name: `HTTP POST`, kind: 3, startNs: t0 + 2.01e9, durMs: 230,
      attrs: [str('http.method', 'POST'), str('url.full', `http://shop.local${path}`), int('http.status_code', failing ? 502 : 200)],
      error: failing });
    web.push(click, fetch);
    const server = span({ traceId: clickTrace, parent: fetch.spanId, name: `POST ${path}`, kind: 2, startNs: t0 + 2.02e9, durMs: 200,
      attrs: [str('http.route', path), str('http.method', 'POST'), int('http.status_code', failing ? 502 : 200)], error: failing });
    const db = span({ traceId: clickTrace, parent: server.spanId, name: 'SELECT cart', kind: 3, startNs: t0 + 2.03e9, durMs: 30 + (i % 4) * 10,
      attrs: [str('db.system', 'postgresql'), str('db.statement', 'SELECT * FROM cart WHERE id = $1')] });
    api.push(server, db);
    if (path === '/api/checkout') {
      const charge = span({ traceId: clickTrace, parent: server.spanId, name: 'POST /charge', kind: 2, startNs: t0 + 2.07e9, durMs: 120,
        attrs: [str('http.route', '/charge')], error: failing,
        events: failing ? [{ timeUnixNano: String(t0 + 2.1e9), name: 'exception', attributes: [
          str('exception.type', 'PaymentDeclined'), str('exception.message', 'card declined by issuer'),
          str('exception.stacktrace', 'PaymentDeclined: card declined by issuer\n    at charge (payments.rs:42)\n    at handle (server.rs:7)'),
          str('exception.escaped', 'false')] }] : [] });
      pay.push(charge);
    }
    n++;
  }
  return {
    resourceSpans: [
      resourceSpans('shop-web', web, browserResource),
      resourceSpans('shop-api', api, [str('deployment.environment', 'e2e')]),
      resourceSpans('payments', pay, [str('deployment.environment', 'e2e')]),
    ],
  };
}

/** One trace of `count` spans (a bushy tree 4 wide), as several requests. */
export function bigTrace(count, nowMs = Date.now(), service = 'batch-job') {
  const traceId = hex(16);
  const ids = [];
  const batches = [];
  let spans = [];
  const t0 = (nowMs - 120_000) * 1e6;
  for (let i = 0; i < count; i++) {
    const id = hex(8);
    ids.push(id);
    const parent = i === 0 ? '' : ids[Math.floor((i - 1) / 4)];
    spans.push(span({ traceId, spanId: id, parent, name: i === 0 ? 'nightly batch' : `step ${i % 50}`,
      startNs: t0 + i * 1e5, durMs: i === 0 ? count * 0.1 + 5 : 2 + (i % 7), error: i % 997 === 0 && i > 0,
      attrs: [int('batch.item', i)] }));
    if (spans.length === 2000) { batches.push(spans); spans = []; }
  }
  if (spans.length) batches.push(spans);
  return { traceId, payloads: batches.map((b) => ({ resourceSpans: [resourceSpans(service, b)] })) };
}

/** Backend logs, some tied to traces. */
export function logs(nowMs = Date.now()) {
  const records = [];
  for (let i = 0; i < 40; i++) {
    const error = i % 8 === 0;
    records.push({
      timeUnixNano: String((nowMs - 500_000 + i * 10_000) * 1e6),
      severityNumber: error ? 17 : 9, severityText: error ? 'ERROR' : 'INFO',
      body: { stringValue: error ? `payment failed for order ${1000 + i}` : `served cart for user ${i}` },
      attributes: [str('order.id', 1000 + i)],
      traceId: hex(16), spanId: hex(8),
    });
  }
  return { resourceLogs: [{ resource: { attributes: [str('service.name', 'shop-api')] }, scopeLogs: [{ scope: { name: 'e2e' }, logRecords: records }] }] };
}

export async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${await r.text()}`);
}
