// End to end, browser → backend → our server: the built example app served by its API
// (examples/web/api/server.mjs), which is traced with the OpenTelemetry Node SDK (--otlp), both
// exporting to the project's own server binary. A click that calls the API must yield one
// trace holding the browser's click and fetch spans and the Node SERVER span (a child of the
// fetch span, through the same-origin `traceparent`), readable through the server's trace API
// (the dashboard's trace view), and the service map (dependency_graph) must have the edge
// coffee-frontend → coffee-api. Needs `npm ci` in examples/web/api (scripts/build-example).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { getJson, nsFromNow, ROOT, startOurServer, startServer, stopAll } from '../support/servers.mjs';
import { launchChromium } from '../support/browsers.mjs';

let server, app, browser;

before(async () => {
  server = await startOurServer();
  app = await startServer('examples/web/api/server.mjs', [
    '--static', path.join(ROOT, 'examples/web/frontend/dist'), '--otlp', server.otlp, '--env', 'ENVIRONMENT=e2e',
  ]);
  browser = await launchChromium();
});
after(async () => {
  await stopAll();
  server?.stop();
});

test('a click that calls the API: one trace with browser and Node spans; the service map has both', async () => {
  const context = await browser.newContext();
  try {
    await context.addInitScript((otlp) => { window.__ENV = { OTLP_ENDPOINT: otlp }; }, server.otlp);
    const page = await context.newPage();
    await page.goto(app.origin + '/');
    await page.waitForFunction(() => window.__telemetry !== undefined);
    await page.click('#fetch-same');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('same-origin fetch: 3 items'));
    await page.evaluate(() => window.__telemetry.forceFlush());
    const call = (await getJson(`${app.origin}/_seen`)).find((r) => r.path === '/api/items' && r.method === 'GET');
    assert.ok(call?.traceparent, 'the browser sent traceparent to its own API');
    const traceId = call.traceparent.split('-')[1];

    // The trace as the dashboard's trace view reads it: [{ columns, events: [[row], ...] }].
    let rows = [];
    for (let i = 0; i < 100; i++) {
      const [t] = await server.get(`/api/v1/traces/${traceId}`);
      rows = (t?.events ?? []).map((e) => Object.fromEntries(t.columns.map((c, k) => [c, e[k]])));
      if (rows.some((r) => r.ServiceName === 'coffee-api') && rows.some((r) => r.ServiceName === 'coffee-frontend' && r.Name === 'click')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const by = (service, name) => rows.find((r) => r.ServiceName === service && r.Name === name);
    const click = by('coffee-frontend', 'click');
    const fetchSpan = by('coffee-frontend', 'GET');
    const serverSpan = by('coffee-api', 'GET /api/items');
    assert.ok(click && fetchSpan && serverSpan, `spans: ${JSON.stringify(rows.map((r) => [r.ServiceName, r.Name]))}`);
    assert.ok(by('coffee-api', 'items.load'), 'the Node INTERNAL child');
    const parentOf = (r) => JSON.stringify(r.References ?? '').match(/SpanId=([0-9a-f]{16})/)?.[1];
    assert.equal(parentOf(serverSpan), fetchSpan.SpanId, 'the Node span is a child of the browser fetch span');
    assert.equal(parentOf(fetchSpan), click.SpanId, 'the fetch is a child of the click');

    // The service map: browser → backend.
    let edges = [];
    for (let i = 0; i < 50 && !edges.length; i++) {
      edges = (await server.post('/api/v1/dependency_graph', { start: nsFromNow(-600_000), end: nsFromNow(60_000), tags: [] }))
        .filter((e) => e.parent === 'coffee-frontend' && e.child === 'coffee-api');
      if (!edges.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(edges.length, 1, 'coffee-frontend → coffee-api');
    assert.ok(edges[0].callCount >= 1);
  } finally {
    await context.close();
  }
});
