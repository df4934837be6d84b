// From the SDK to the dashboard, all real: the example app (examples/web, built with the npm
// package) and its Node API (traced with the OpenTelemetry Node SDK) export to our server; nginx
// serves the dashboard and proxies /api to it; headless Chromium drives both.
//  1. An uncaught error thrown while no span is open is listed on the Exceptions page, and its
//     detail page shows the message and the stack trace.
//  2. A click that calls the API is one trace in the trace view: the browser's click and fetch
//     spans and the Node server span, the Node span a child of the browser fetch span; the
//     service map draws the edge coffee-frontend → coffee-api.
// Needs dashboard-ui/dist (stage 40/60) and the built example (scripts/build-example).
import { join } from 'node:path';
import { launchChromium, ROOT, signUp, startStack } from './harness.mjs';
import { getJson, startServer, stopAll } from '../support/servers.mjs';

const TIMEOUT = 15_000;
const ERROR_TYPE = 'MenuLoadError';
const ERROR_MESSAGE = 'the menu could not be parsed';
const t0 = Date.now();
const log = (m) => console.log(`[sdk-to-dashboard ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const check = (ok, what) => { if (!ok) throw new Error(what); };

let stack, browser;

async function main() {
  stack = await startStack();
  const app = await startServer('examples/web/api/server.mjs', [
    '--static', join(ROOT, 'examples/web/frontend/dist'), '--otlp', stack.otlp, '--env', 'ENVIRONMENT=e2e',
  ]);
  log(`server ${stack.api}, nginx ${stack.web}, example ${app.origin}`);
  browser = await launchChromium();

  // The example app, as a user would use it.
  const appPage = await (await browser.newContext()).newPage();
  appPage.setDefaultTimeout(TIMEOUT);
  await appPage.addInitScript((otlp) => { window.__ENV = { OTLP_ENDPOINT: otlp }; }, stack.otlp);
  await appPage.goto(`${app.origin}/`);
  await appPage.waitForFunction(() => window.__telemetry !== undefined);
  await appPage.click('#fetch-same');
  await appPage.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('same-origin fetch: 3 items'));
  // An inline script of the page (not an injected one, whose errors the browser mutes) that
  // throws from a timer, so no span is open.
  await appPage.addScriptTag({ content: `setTimeout(() => {
    class ${ERROR_TYPE} extends Error { constructor(m) { super(m); this.name = '${ERROR_TYPE}'; } }
    throw new ${ERROR_TYPE}('${ERROR_MESSAGE}');
  }, 0);` });
  await appPage.waitForTimeout(200);
  await appPage.evaluate(() => window.__telemetry.forceFlush());
  const call = (await getJson(`${app.origin}/_seen`)).find((r) => r.path === '/api/items' && r.method === 'GET');
  check(call?.traceparent, 'the browser sent traceparent to its own API');
  const traceId = call.traceparent.split('-')[1];
  log(`trace ${traceId}`);

  // The dashboard.
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  const see = (text) => page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });
  await page.goto(`${stack.web}/`);
  await page.waitForURL(/\/signup/);
  await signUp(page);
  await page.waitForURL(/\/services/);

  // 1. Exceptions: list, then detail. The server ingests asynchronously: reload until listed.
  await untilVisible(page, `${stack.web}/exceptions?range=1h`, page.getByRole('link', { name: ERROR_TYPE }));
  await see(ERROR_MESSAGE);
  await page.getByRole('row', { name: new RegExp(ERROR_TYPE) }).getByText('coffee-frontend').waitFor();
  log('ok: exceptions list');
  await page.getByRole('link', { name: ERROR_TYPE }).first().click();
  await page.locator('h1', { hasText: ERROR_TYPE }).waitFor();
  await see(ERROR_MESSAGE);
  await see('Stack trace');
  log('ok: exception detail');

  // 2. The trace view: both services, the Node span a child of the browser fetch span.
  const nodeRow = page.locator('.wf-row', { has: page.locator('.svc', { hasText: 'coffee-api' }) })
    .filter({ has: page.locator('.op', { hasText: 'GET /api/items' }) });
  await untilVisible(page, `${stack.web}/trace/${traceId}?range=1h`, nodeRow);
  const rows = await page.locator('.wf-row').evaluateAll((els) => els.map((el) => ({
    service: el.querySelector('.svc')?.textContent,
    name: el.querySelector('.op')?.textContent,
    indent: parseFloat(el.querySelector('.wf-name')?.style.paddingLeft),
  })));
  const at = (service, name) => rows.findIndex((r) => r.service === service && r.name === name);
  const [click, fetchSpan, server] = [at('coffee-frontend', 'click'), at('coffee-frontend', 'GET'), at('coffee-api', 'GET /api/items')];
  check(click >= 0 && fetchSpan >= 0 && server >= 0, `waterfall rows: ${JSON.stringify(rows)}`);
  check(click < fetchSpan && fetchSpan < server && rows[click].indent < rows[fetchSpan].indent
    && rows[fetchSpan].indent < rows[server].indent, `click → fetch → Node span nested in the waterfall: ${JSON.stringify(rows)}`);
  check(at('coffee-api', 'items.load') > server, 'the Node INTERNAL child under the server span');
  await nodeRow.click();
  const panel = page.locator('.span-panel');
  await panel.locator('h2', { hasText: 'GET /api/items' }).waitFor();
  await panel.locator('dd', { hasText: 'coffee-api' }).first().waitFor();
  // The span panel names the parent: the browser's fetch span.
  const parent = await panel.locator('dt:text-is("Parent") + dd').textContent();
  check(parent.trim() === 'GET', `the Node span's parent in the panel: ${parent}`);
  log('ok: trace view');

  // 3. The service map: an edge from the browser app to its API.
  await untilVisible(page, `${stack.web}/service-map?range=1h`, page.locator('svg.service-map g.edge').first());
  const map = await page.locator('svg.service-map').evaluate((svg) => ({
    nodes: [...svg.querySelectorAll('g.node')].map((g) => ({ name: g.querySelector('text').textContent,
      x: +g.querySelector('circle').getAttribute('cx'), y: +g.querySelector('circle').getAttribute('cy') })),
    edges: [...svg.querySelectorAll('g.edge line')].map((l) => ['x1', 'y1', 'x2', 'y2'].map((a) => +l.getAttribute(a))),
  }));
  const node = (name) => map.nodes.find((n) => n.name === name);
  const [from, to] = [node('coffee-frontend'), node('coffee-api')];
  check(from && to, `service map nodes: ${JSON.stringify(map.nodes)}`);
  check(map.edges.some(([x1, y1, x2, y2]) => x1 === from.x && y1 === from.y && x2 === to.x && y2 === to.y),
    `an edge coffee-frontend → coffee-api: ${JSON.stringify(map)}`);
  log('ok: service map');
}

/** Opens `url` until `locator` shows (the data may still be on its way into the store). */
async function untilVisible(page, url, locator, tries = 20) {
  for (let i = 1; ; i++) {
    await page.goto(url);
    try {
      await locator.first().waitFor({ state: 'visible', timeout: i < tries ? 1500 : TIMEOUT });
      return;
    } catch (e) {
      if (i >= tries) throw e;
    }
  }
}

main()
  .then(() => 0, (e) => {
    console.error(`[sdk-to-dashboard] FAILED: ${e.stack || e}`);
    if (stack) console.error(`[sdk-to-dashboard] server log tail:\n${stack.serverLog().slice(-3000)}`);
    return 1;
  })
  .then(async (code) => {
    if (browser) await browser.close().catch(() => {});
    await stopAll();
    if (stack) stack.stop();
    process.exit(code);
  });
