// End to end: the built example app (examples/web/frontend, which `npm install`s the packed
// otel-wasm tarball) in headless Chromium, against real servers on loopback: the app's own
// origin (static files + same-origin API), a partner API on a second origin that allows trace
// headers, a third-party API on a third origin that does not, and the OTLP receiver.
// Nothing is mocked; `window.__ENV` (set before the page's scripts) only points the app at
// this run's collector URL.
//   node --test tests/e2e/     (after npm/build.sh and the example's `npm run build`)
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { getJson, ROOT, startServer, stopAll, waitFor } from '../support/servers.mjs';
import { launchChromium } from '../support/browsers.mjs';

const SPAN_KIND_CLIENT = 3; // OTLP enum (JS api's CLIENT is 2; OTLP counts UNSPECIFIED as 0)

let receiver, app, partner, thirdParty, browser;
let testCounter = 0;

before(async () => {
  receiver = await startServer('tests/support/receiver.mjs', ['--keep-json', '--static', `/pkg=${path.join(ROOT, 'npm/dist')}`, '--static', `/web-entry=${path.join(ROOT, 'tests/e2e/web-entry')}`,
    '--static', `/otel-api=${path.join(ROOT, 'npm/node_modules/@opentelemetry/api/dist')}`]);
  // Distinct origins: localhost vs 127.0.0.1, and distinct ports.
  partner = await startServer('examples/web/api/server.mjs', ['--allow-trace-headers'], { host: 'localhost' });
  thirdParty = await startServer('examples/web/api/server.mjs');
  app = await startServer('examples/web/api/server.mjs', [
    '--static', path.join(ROOT, 'examples/web/frontend/dist'),
    '--env', `PARTNER_API=${partner.origin}`, '--env', `THIRD_PARTY_API=${thirdParty.origin}`, '--env', 'ENVIRONMENT=e2e',
  ]);
  browser = await launchChromium();
});
after(stopAll);

/** Opens the app in a fresh browser context whose telemetry goes to its own receiver path;
 *  `env` adds to the app's run-time settings (`window.__ENV`). */
async function openApp(urlPath = '/', env = {}) {
  const testId = `e2e${++testCounter}`;
  const context = await browser.newContext();
  await context.addInitScript((e) => { window.__ENV = e; }, { OTLP_ENDPOINT: `${receiver.origin}/t/${testId}`, ...env });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(app.origin + urlPath);
  await page.waitForFunction(() => window.__telemetry !== undefined);
  return {
    page,
    errors,
    received: () => getJson(`${receiver.origin}/t/${testId}/_received`),
    flush: () => page.evaluate(() => window.__telemetry.forceFlush()),
    stats: () => page.evaluate(() => window.__telemetry.stats()),
    close: () => context.close(),
  };
}

const spansOf = (received) => received.requests.filter((r) => r.signal === 'traces' && r.status === 200).flatMap((r) => r.spanList);
const metricNamesOf = (received) => received.requests.filter((r) => r.signal === 'metrics' && r.status === 200).flatMap((r) => r.metricNames);
const apiCalls = async (server) => (await getJson(`${server.origin}/_seen`)).filter((r) => r.path.startsWith('/api/'));
const traceIdOf = (traceparent) => traceparent.split('-')[1];

async function clickAndWait(page, button, statusText) {
  await page.click(button);
  await page.waitForFunction((t) => document.querySelector('#status')?.textContent?.includes(t), statusText);
}

test('app spans and metrics (through @opentelemetry/api after register()) arrive at /v1/traces and /v1/metrics', async () => {
  const s = await openApp();
  try {
    await clickAndWait(s.page, '#fetch-same', 'same-origin fetch: 3 items');
    await clickAndWait(s.page, '#checkout', 'checkout: done');
    await s.flush();
    const received = await s.received();
    const tracePaths = received.requests.filter((r) => r.signal === 'traces').map((r) => new URL(r.path, 'http://x').pathname);
    assert.ok(tracePaths.length > 0 && tracePaths.every((p) => p.endsWith('/v1/traces')));
    const checkout = spansOf(received).find((sp) => sp.name === 'checkout');
    assert.ok(checkout, `no checkout span in ${JSON.stringify(spansOf(received).map((x) => x.name))}`);
    assert.match(checkout.traceId, /^[0-9a-f]{32}$/);
    const click = spansOf(received).find((sp) => sp.spanId === checkout.parentSpanId);
    assert.equal(click?.name, 'click', 'a span started in a click handler is a child of the click');
    // The request made inside startActiveSpan (after an await, too) is the checkout's child.
    const post = (await apiCalls(app)).find((c) => c.method === 'POST' && c.traceparent?.includes(checkout.traceId));
    assert.ok(post, 'the checkout POST carried the checkout trace');
    const postSpan = spansOf(received).find((sp) => sp.spanId === post.traceparent.split('-')[2]);
    assert.equal(postSpan?.parentSpanId, checkout.spanId, 'the POST span is a child of the checkout span');
    const metrics = metricNamesOf(received);
    assert.ok(metrics.includes('app.sessions.started'), `metrics: ${metrics}`);
    assert.ok(metrics.includes('app.items.load_ms'), `metrics: ${metrics}`);
    const stats = await s.stats();
    assert.equal(stats.spansDropped, 0);
    assert.equal(stats.exportFailures, 0);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('a render error is recorded as an exception by the error boundary', async () => {
  const s = await openApp();
  try {
    await s.page.click('#crash');
    await s.page.waitForSelector('#error');
    await s.flush();
    const names = spansOf(await s.received()).map((x) => x.name);
    assert.ok(names.includes('react.error'), `spans: ${names}`);
  } finally {
    await s.close();
  }
});

test('the third-party origin gets no trace header and no preflight', async () => {
  const s = await openApp();
  try {
    await clickAndWait(s.page, '#fetch-third', 'third-party fetch: 3 items');
    await clickAndWait(s.page, '#xhr-third', 'third-party xhr: 3 items');
    const calls = await apiCalls(thirdParty);
    assert.equal(calls.filter((c) => c.method === 'OPTIONS').length, 0, 'no CORS preflight');
    assert.equal(calls.filter((c) => c.method === 'GET').length, 2);
    assert.ok(calls.every((c) => c.traceparent === null), 'no traceparent');
  } finally {
    await s.close();
  }
});

test('documentLoad trace', async () => {
  const s = await openApp();
  try {
    await s.flush();
    const spans = spansOf(await s.received());
    const load = spans.find((x) => x.name === 'documentLoad');
    assert.ok(load, `spans: ${spans.map((x) => x.name)}`);
    const fetchSpan = spans.find((x) => x.name === 'documentFetch');
    assert.ok(fetchSpan);
    assert.equal(fetchSpan.traceId, load.traceId);
    assert.equal(fetchSpan.parentSpanId, load.spanId);
  } finally {
    await s.close();
  }
});

/** Clicks `button`, then checks: the request carried a traceparent, its trace has a click span
 *  whose child is the CLIENT span of that request, and that span is the header's parent. */
async function assertClickTracesRequest(s, button, statusText, server, method = 'GET') {
  const before = (await apiCalls(server)).length;
  await clickAndWait(s.page, button, statusText);
  const call = (await apiCalls(server)).slice(before).find((c) => c.method === method);
  assert.ok(call?.traceparent, `no traceparent reached the API: ${JSON.stringify(call)}`);
  await s.flush();
  const spans = spansOf(await s.received()).filter((x) => x.traceId === traceIdOf(call.traceparent));
  const client = spans.find((x) => x.kind === SPAN_KIND_CLIENT && x.spanId === call.traceparent.split('-')[2]);
  assert.ok(client, `no CLIENT span for the request's traceparent among ${JSON.stringify(spans)}`);
  const click = spans.find((x) => x.name === 'click');
  assert.ok(click, 'no click span in the same trace');
  assert.equal(client.parentSpanId, click.spanId, 'the request span is a child of the click');
  return call;
}

test('a click whose fetch is its child; the traceparent reached the same-origin API', async () => {
  const s = await openApp();
  try {
    await assertClickTracesRequest(s, '#fetch-same', 'same-origin fetch: 3 items', app);
    await assertClickTracesRequest(s, '#xhr-same', 'same-origin xhr: 3 items', app);
  } finally {
    await s.close();
  }
});

test('the partner origin, allowed by pattern, gets the traceparent (after a preflight)', async () => {
  const s = await openApp();
  try {
    await assertClickTracesRequest(s, '#fetch-partner', 'partner fetch: 3 items', partner);
    await assertClickTracesRequest(s, '#xhr-partner', 'partner xhr: 3 items', partner);
    const calls = await apiCalls(partner);
    assert.ok(calls.some((c) => c.method === 'OPTIONS'), 'the browser preflighted the traced request');
  } finally {
    await s.close();
  }
});

test('a client-side route change: the click becomes a Navigation span; the page XHR and its useTracer span are traced', async () => {
  const s = await openApp();
  try {
    await s.page.click('#nav-orders');
    await s.page.waitForFunction(() => document.querySelector('#orders-status')?.textContent === '3 orders');
    await s.flush();
    const names = spansOf(await s.received()).map((x) => x.name);
    assert.ok(names.includes('Navigation: /orders'), `spans: ${names}`);
    assert.ok(names.includes('GET'), `spans: ${names}`);
    assert.ok(names.includes('orders.load'), `useTracer's span: ${names}`);
  } finally {
    await s.close();
  }
});

test('React Router: page views are named by the route pattern (otel-wasm/react-router)', async () => {
  // JSON exports: the receiver keeps their documents, attributes included.
  const s = await openApp('/', { OTLP_ENCODING: 'json' });
  try {
    await s.page.click('#nav-orders');
    await s.page.waitForFunction(() => document.querySelector('#orders-status')?.textContent === '3 orders');
    await s.page.click('#order-2');
    await s.page.waitForFunction(() => document.querySelector('#order-title')?.textContent === 'Order 2');
    await s.flush();
    const spans = (await s.received()).requests.filter((r) => r.signal === 'traces' && r.doc)
      .flatMap((r) => r.doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    const attr = (span, key) => span.attributes?.find((a) => a.key === key)?.value.stringValue;
    const changes = spans.filter((sp) => sp.name === 'routeChange')
      .map((sp) => [new URL(attr(sp, 'url.full')).pathname, attr(sp, 'page.route'), attr(sp, 'page.previous_route')]);
    assert.deepEqual(changes, [['/orders', '/orders', '/'], ['/orders/2', '/orders/:id', '/orders']]);
    // The click that led there is named by the route pattern too: one name for every order.
    assert.ok(spans.some((sp) => sp.name === 'Navigation: /orders/:id'), `spans: ${spans.map((sp) => sp.name)}`);
  } finally {
    await s.close();
  }
});

test('nothing is lost when the user navigates away right after a request', async () => {
  const s = await openApp();
  try {
    const before = (await apiCalls(app)).length;
    await s.page.click('#fetch-and-leave');
    await s.page.waitForURL('**/bye.html');
    const call = (await apiCalls(app)).slice(before).find((c) => c.method === 'GET');
    assert.ok(call?.traceparent);
    // No flush is possible any more: the page-hide export must have carried everything.
    await waitFor('the click and its fetch span at the receiver', async () => {
      const spans = spansOf(await s.received()).filter((x) => x.traceId === traceIdOf(call.traceparent));
      return spans.some((x) => x.name === 'click') && spans.some((x) => x.kind === SPAN_KIND_CLIENT);
    });
  } finally {
    await s.close();
  }
});

test('the `otel-wasm/web` entry works from a plain <script type="module">', async () => {
  const testId = `e2e${++testCounter}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${receiver.origin}/web-entry/?otlp=${encodeURIComponent(`${receiver.origin}/t/${testId}`)}`);
    const result = await page.evaluate(() => window.result);
    assert.deepEqual(result.errors.map((e) => e?.field), ['batch.maxQueueSize', 'batch.scheduledDelayMillis', 'otlpEndpoint']);
    assert.match(result.errors[0].message, /^invalid config: batch\.maxQueueSize: /);
    assert.equal(result.same, true, 'a second initTelemetry returns the same handle');
    assert.equal(result.afterEnd.recording, false);
    assert.match(result.afterEnd.traceId, /^[0-9a-f]{32}$/);
    assert.equal(result.stats.spansDropped, 0);
    assert.equal(result.restartedIsNew, true);
    const received = await getJson(`${receiver.origin}/t/${testId}/_received`);
    const spans = spansOf(received);
    const outer = spans.find((x) => x.name === 'outer');
    const inner = spans.find((x) => x.name === 'inner');
    assert.ok(outer && inner, `spans: ${JSON.stringify(spans)}`);
    assert.equal(inner.parentSpanId, outer.spanId, 'startActiveSpan makes its span the parent');
    assert.equal(inner.traceId, outer.traceId);
    const apiOuter = spans.find((x) => x.name === 'api-outer');
    const apiInner = spans.find((x) => x.name === 'api-inner');
    assert.ok(apiOuter && apiInner, 'spans made through @opentelemetry/api after register() are exported');
    assert.equal(apiInner.parentSpanId, apiOuter.spanId);
    assert.ok(spans.some((x) => x.name === 'after-restart'), 'shutdown flushed, and the restarted SDK exports');
    const metrics = metricNamesOf(received);
    assert.ok(metrics.includes('web.entry.count') && metrics.includes('web.entry.gauge') && metrics.includes('api.counter'), `metrics: ${metrics}`);
    assert.ok(received.requests.filter((r) => r.method === 'POST').every((r) => r.contentType.includes('json')));
  } finally {
    await context.close();
  }
});

test('the example runs on the Vite dev server too', async () => {
  const frontend = path.join(ROOT, 'examples/web/frontend');
  const dev = await startServer('node_modules/vite/bin/vite.js', ['--host', '127.0.0.1', '--port', '0'], { cwd: frontend, env: { API_PROXY_TARGET: app.origin }, ready: /Local:\s+http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 30000 });
  const testId = `e2e${++testCounter}`;
  const context = await browser.newContext();
  try {
    await context.addInitScript((otlp) => { window.__ENV = { OTLP_ENDPOINT: otlp }; }, `${receiver.origin}/t/${testId}`);
    const page = await context.newPage();
    await page.goto(dev.origin + '/');
    await page.waitForFunction(() => window.__telemetry !== undefined, null, { timeout: 30000 });
    await clickAndWait(page, '#checkout', 'checkout: done');
    await page.evaluate(() => window.__telemetry.forceFlush());
    const names = spansOf(await getJson(`${receiver.origin}/t/${testId}/_received`)).map((x) => x.name);
    assert.ok(names.includes('checkout'), `spans: ${names}`);
  } finally {
    await context.close();
    dev.proc.kill();
  }
});

test('the SDK\'s core loads after the page (not in its HTML), and its transfer size', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const bodies = [];
    page.on('response', (r) => {
      const name = new URL(r.url()).pathname;
      if (/\/assets\/(core-[^/]*\.js|sdk_wasm_bg-[^/]*\.wasm)$/.test(name)) bodies.push(r.body().then((b) => ({ name, b })));
    });
    await page.goto(app.origin + '/');
    await page.waitForFunction(() => window.__telemetry !== undefined);
    const html = await (await fetch(app.origin + '/')).text();
    assert.doesNotMatch(html, /core-[^"]*\.js|sdk_wasm_bg/, 'neither the core chunk nor the .wasm is preloaded');
    const files = await Promise.all(bodies);
    assert.equal(files.length, 2, `the SDK's lazy files: ${files.map((f) => f.name)}`);
    const size = (b) => ({
      raw: b.length,
      gzip9: zlib.gzipSync(b, { level: 9 }).length,
      brotli11: zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
    const report = Object.fromEntries(files.map((f) => [path.basename(f.name), size(f.b)]));
    const total = { raw: 0, gzip9: 0, brotli11: 0 };
    for (const s of Object.values(report)) for (const k of Object.keys(total)) total[k] += s[k];
    report.total = total;
    fs.mkdirSync(path.join(ROOT, 'tests/artifacts'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'tests/artifacts/telemetry-transfer-size.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`# telemetry transfer size (bytes): ${JSON.stringify(report)}`);
  } finally {
    await context.close();
  }
});
