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
      resourceSpans('shop-api', api, [str('deployment.environment', 'local'), str('host.name', 'api-1')]),
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

const dbl = (key, value) => ({ key, value: { doubleValue: value } });

/**
 * What the SDK's RUM signals send (names: docs/rum-contract.md): web-vital log
 * records and histogram points, browser.error log records (some inside a traced
 * click), spans carrying page.route, and routeChange spans. Spans and log records go in one
 * resource per session with `session.id` on it (the SDK sends it once per batch that way);
 * metric points carry it as a point attribute.
 * Vitals per route are fixed so the page's p75 and shares are known:
 * LCP on "/" good (1200, 1800, 2100 ms), on "/checkout" poor (4800 ms) and
 * needs-improvement (3100 ms); CLS good everywhere (0.02); INP poor on "/checkout" (640 ms).
 */
export function rum(nowMs = Date.now()) {
  const sessions = [hex(16), hex(16), hex(16)];
  const resource = { attributes: [str('service.name', 'shop-web'), ...browserResource] };
  const vitals = [
    ['/', 'LCP', 1200], ['/', 'LCP', 1800], ['/', 'LCP', 2100], ['/', 'CLS', 0.02],
    ['/checkout', 'LCP', 4800], ['/checkout', 'LCP', 3100], ['/checkout', 'CLS', 0.02], ['/checkout', 'INP', 640],
  ];
  const thresholds = { LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25] };
  const rate = (name, v) => (v <= thresholds[name][0] ? 'good' : v <= thresholds[name][1] ? 'needs-improvement' : 'poor');
  const common = (i, route) => [str('page.route', route), str('url.full', `http://shop.local${route}`)];
  // Which session (index) each span / log record belongs to: it goes in that session's resource.
  const sessionOf = new Map();
  const inSession = (i, item) => (sessionOf.set(item, i % 3), item);
  const of = (k, items) => items.filter((x) => sessionOf.get(x) === k);
  const withSession = (k) => ({ attributes: [...resource.attributes, str('session.id', sessions[k])] });
  const vitalRecords = vitals.map(([route, name, value], i) => inSession(i, {
    timeUnixNano: String((nowMs - 300_000 + i * 1000) * 1e6), observedTimeUnixNano: String((nowMs - 300_000 + i * 1000) * 1e6),
    severityNumber: 9, severityText: 'INFO', body: { stringValue: name }, eventName: 'browser.web_vital',
    attributes: [str('event.name', 'browser.web_vital'), str('web_vital.name', name), dbl('web_vital.value', value),
      str('web_vital.rating', rate(name, value)), dbl('web_vital.delta', value), str('web_vital.id', `v4-${i}`),
      str('web_vital.navigation_type', 'navigate'), ...common(i, route)],
  }));
  // Spans: a traced click whose handler throws, routeChange spans, one session per span.
  const spans = [];
  const routeChanges = [['/', '/cart'], ['/cart', '/checkout'], ['/', '/cart'], ['/cart', '/checkout'], ['/checkout', '/cart']];
  routeChanges.forEach(([from, to], i) => spans.push(inSession(i, span({ traceId: hex(16), name: 'routeChange', startNs: (nowMs - 250_000 + i * 5000) * 1e6, durMs: 1,
    attrs: [str('browser.navigation.type', 'push'), str('page.previous_route', from), ...common(i, to)] }))));
  const clickTrace = hex(16);
  const click = span({ traceId: clickTrace, name: 'click', startNs: (nowMs - 200_000) * 1e6, durMs: 12, attrs: [str('event_type', 'click'), ...common(0, '/checkout')], error: true });
  spans.push(inSession(0, click));
  const error = (i, message, type, traced) => inSession(i, {
    timeUnixNano: String((nowMs - 200_000 + i * 2000) * 1e6), observedTimeUnixNano: String((nowMs - 200_000 + i * 2000) * 1e6),
    severityNumber: 17, severityText: 'ERROR', body: { stringValue: message }, eventName: 'browser.error',
    attributes: [str('event.name', 'browser.error'), str('exception.type', type), str('exception.message', message),
      str('exception.stacktrace', `${type}: ${message}\n    at onClick (app.js:10:5)`), str('error.source', 'error'),
      str('code.filepath', 'http://shop.local/assets/app.js'), int('code.lineno', 10), int('code.colno', 5), ...common(i, '/checkout')],
    ...(traced ? { traceId: clickTrace, spanId: click.spanId } : {}),
  });
  const errors = [
    error(0, "Cannot read properties of undefined (reading 'price')", 'TypeError', true),
    error(1, "Cannot read properties of undefined (reading 'price')", 'TypeError', false),
    error(2, "Cannot read properties of undefined (reading 'price')", 'TypeError', false),
    error(3, 'cart is not defined', 'ReferenceError', false),
  ];
  // Histogram points as the metrics pipeline sends them (one per vital report).
  const point = ([route, name, value], i) => ({
    startTimeUnixNano: String((nowMs - 300_000) * 1e6), timeUnixNano: String((nowMs - 300_000 + i * 1000) * 1e6),
    count: '1', sum: value, bucketCounts: ['0', '1'], explicitBounds: [thresholds[name][0] * 100],
    attributes: [str('web_vital.rating', rate(name, value)), str('web_vital.navigation_type', 'navigate'), str('page.route', route), str('session.id', sessions[i % 3])],
  });
  const metrics = ['LCP', 'INP', 'CLS'].map((name) => ({
    name: `browser.web_vital.${name.toLowerCase()}`, unit: name === 'CLS' ? '1' : 'ms',
    histogram: { aggregationTemporality: 1, dataPoints: vitals.map((v, i) => [v, i]).filter(([v]) => v[1] === name).map(([v, i]) => point(v, i)) },
  }));
  return {
    traces: { resourceSpans: sessions.map((_, k) => ({ resource: withSession(k), scopeSpans: [{ scope: { name: 'otel-wasm' }, spans: of(k, spans) }] })) },
    logs: { resourceLogs: sessions.map((_, k) => ({ resource: withSession(k), scopeLogs: [
      { scope: { name: 'otel-wasm/web-vitals' }, logRecords: of(k, vitalRecords) },
      { scope: { name: 'otel-wasm/errors' }, logRecords: of(k, errors) },
    ] })) },
    metrics: { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'otel-wasm/web-vitals' }, metrics }] }] },
    clickTrace,
  };
}
