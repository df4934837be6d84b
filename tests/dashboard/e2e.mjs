// End-to-end: real nginx serving dashboard-ui/dist and proxying /api to our
// server (temp data dir, free ports), filled with browser-app-shaped OTLP
// data plus one 10 000-span trace. Signs up (first run), opens every page,
// asserts on visible text and saves a screenshot per page under
// tests/artifacts/dashboard/.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT, launchChromium, signUp } from './harness.mjs';
import { browserAppTraces, bigTrace, logs, post, rum, XSS } from './seed.mjs';

const shots = join(ROOT, 'tests/artifacts/dashboard');
mkdirSync(shots, { recursive: true });
const TIMEOUT = 15_000;

let stack, dogStack, browser, step = 0;
const t0 = Date.now();
const log = (m) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function main() {
  stack = await startStack();
  log(`server ${stack.api}, nginx ${stack.web}`);
  await post(`${stack.otlp}/v1/traces`, browserAppTraces());
  const big = bigTrace(10_000);
  for (const p of big.payloads) await post(`${stack.otlp}/v1/traces`, p);
  await post(`${stack.otlp}/v1/logs`, logs());
  const rumData = rum();
  await post(`${stack.otlp}/v1/traces`, rumData.traces);
  await post(`${stack.otlp}/v1/logs`, rumData.logs);
  await post(`${stack.otlp}/v1/metrics`, rumData.metrics);
  log('seeded');

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: false });
    log(`ok: ${name}`);
  };
  const see = (text) => page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });

  // First run: the app sends us to signup (version.setupCompleted = false).
  await page.goto(`${stack.web}/`);
  await page.waitForURL(/\/(signup|login)/);
  if (page.url().includes('/login')) await page.waitForURL(/\/signup/);
  await see('Create the admin account');
  await shot('signup');
  await signUp(page);

  // Services.
  await page.waitForURL(/\/services/);
  await see('shop-api');
  await see('payments');
  await page.getByLabel('Search services').fill('pay');
  await page.getByRole('cell', { name: 'shop-api' }).waitFor({ state: 'detached' });
  await see('payments');
  await shot('services');

  // Service detail.
  await page.goto(`${stack.web}/services/shop-api?range=1h`);
  await see('Top operations');
  await see('POST /api/cart');
  await page.locator('figure.chart svg').first().waitFor();
  await see('Latency');
  await shot('service-detail');

  // Traces explorer: span list, filters, per-trace view; the URL keeps it all.
  await page.goto(`${stack.web}/traces?range=1h&svc=shop-api&status=error`);
  await see('POST /api/checkout');
  const url = page.url();
  await page.reload();
  await see('POST /api/checkout');
  if (page.url() !== url) throw new Error(`URL state lost on reload: ${url} → ${page.url()}`);
  await shot('traces-spans');
  await page.getByRole('tab', { name: 'Traces' }).click();
  await page.waitForURL(/view=traces/);
  await page.locator('table.data tbody tr').first().waitFor();
  await shot('traces-grouped');

  // Trace detail, 10 000 spans: virtualised rows, keyboard, search.
  // The trace streams in: record what the page showed while it was still partial.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      const partial = document.querySelector('.trace-page[data-loaded=partial]');
      const rows = document.querySelectorAll('.wf-scroll[data-ready] .wf-row').length;
      const loading = document.querySelector('.trace-loading')?.textContent;
      if (partial && rows && loading) { window.__partialTrace = { rows, loading }; obs.disconnect(); }
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.goto(`${stack.web}/trace/${big.traceId}?range=1h`);
  await page.locator('.wf-scroll[data-ready]').waitFor();
  await page.locator('.trace-page[data-loaded=complete]').waitFor();
  const partial = await page.evaluate(() => window.__partialTrace);
  if (!partial || !/^loading \d+ of 10000 spans/.test(partial.loading)) {
    throw new Error(`the 10 000-span trace should show rows and "loading N of 10000 spans" before it is complete, saw ${JSON.stringify(partial)}`);
  }
  if ((await page.locator('.span-count').innerText()) !== '10000') throw new Error('the complete trace should count 10000 spans');
  if (await page.locator('.trace-loading').count()) throw new Error('the loading note should go once the trace is complete');
  log(`trace streamed in: ${partial.rows} rows shown at "${partial.loading}", then 10000`);
  await see('10000');
  const rows = await page.locator('.wf-row').count();
  if (rows > 300) throw new Error(`${rows} waterfall rows in the DOM for 10 000 spans`);
  await page.locator('.wf-scroll').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.span-panel').waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type('step 49');
  await page.keyboard.press('Enter');
  await page.locator('.span-panel h2', { hasText: 'step 49' }).waitFor();
  // Flame graph: a click on a box (one delegated handler) selects its span and marks it.
  await page.locator('.fl-box rect').first().click();
  await page.locator('.span-panel h2', { hasText: 'nightly batch' }).waitFor();
  await page.locator('.fl-selected').waitFor();
  await shot('trace-10k');

  // A span whose attribute holds HTML: shown as text, never executed.
  await page.goto(`${stack.web}/traces?range=1h&svc=shop-web&op=click`);
  await page.locator('table.data tbody tr a').first().waitFor();
  const hrefs = await Promise.all((await page.locator('table.data tbody tr a').all()).map((l) => l.getAttribute('href')));
  let found = false;
  for (const href of hrefs) {
    await page.goto(`${stack.web}${href}`);
    await page.locator('.wf-scroll[data-ready]').waitFor();
    await page.locator('.wf-row').first().click();
    await page.locator('.span-panel').waitFor();
    if (await page.getByText(XSS).count()) { found = true; break; }
  }
  if (!found) throw new Error('span with the HTML attribute not found');
  if (await page.evaluate(() => window.__xss !== undefined)) throw new Error('injected attribute executed');
  await shot('trace-xss-as-text');

  // Logs.
  await page.goto(`${stack.web}/logs?range=1h`);
  await see('payment failed for order');
  await page.getByLabel('Severity').selectOption('ERROR');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/sev=ERROR/);
  await see('payment failed for order');
  await shot('logs');

  // Exceptions list and detail.
  await page.goto(`${stack.web}/exceptions?range=1h`);
  await see('PaymentDeclined');
  await shot('exceptions');
  await page.getByRole('link', { name: 'PaymentDeclined' }).first().click();
  await see('card declined by issuer');
  await see('at charge (payments.rs:42)');
  await shot('exception-detail');

  // Service map.
  await page.goto(`${stack.web}/service-map?range=1h`);
  await page.locator('svg.service-map').waitFor();
  await see('payments');
  await shot('service-map');

  // Dashboards: create, add a panel, see it render, delete the panel.
  await page.goto(`${stack.web}/dashboards?range=1h`);
  await see('Dashboards');
  await page.getByLabel('New dashboard').fill('E2E board');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: 'E2E board' }).click();
  await see('No panels yet');
  await page.getByRole('button', { name: '+ Add panel' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Calls per service');
  await page.getByLabel('Data source of A').selectOption('traces');
  await page.getByLabel('Aggregate of A').selectOption('count');
  await page.getByRole('button', { name: 'Save panel' }).click();
  await see('Calls per service');
  await page.locator('.dash-grid .panel [data-state="drawn"]').first().waitFor();
  await shot('dashboard');

  // Alerts: create, disable, delete a threshold rule.
  await page.goto(`${stack.web}/alerts?range=1h`);
  await page.getByRole('button', { name: '+ New alert rule' }).click();
  await page.waitForURL(/\/alerts\/new/);
  await page.getByLabel('Alert type', { exact: true }).selectOption('TRACES_BASED_ALERT');
  await page.getByLabel('Name', { exact: true }).fill('E2E slow checkout');
  await page.getByLabel('Threshold', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await see('E2E slow checkout');
  await page.getByLabel('Enabled').first().click();
  await page.getByText('off', { exact: true }).first().waitFor();
  await shot('alerts');

  await explorers(page, shot, see);

  // Browser (RUM).
  await page.goto(`${stack.web}/browser?range=1h`);
  await see('Page loads by route');
  await see('http://shop.local/checkout');
  await see('/assets/');
  // Web vitals: overall p75 per vital in its rating colour, shares; then by route.
  const vital = (name) => page.locator('.vital').filter({ has: page.getByText(name, { exact: true }) });
  await vital('LCP').locator('.vital-p75.rating-needs-improvement').getByText('3.1 s').waitFor();
  await vital('LCP').getByText('good 60%').waitFor();
  await vital('LCP').getByText('poor 20%').waitFor();
  await vital('CLS').locator('.vital-p75.rating-good').getByText('0.020').waitFor();
  await vital('INP').locator('.vital-p75.rating-poor').getByText('640 ms').waitFor();
  const routeRow = (route, name) => page.locator('tr').filter({ has: page.getByRole('cell', { name: route, exact: true }) })
    .filter({ has: page.getByRole('cell', { name, exact: true }) });
  await routeRow('/checkout', 'LCP').getByText('50%').first().waitFor();
  await routeRow('/', 'LCP').getByText('100%').waitFor();
  // Top errors: message, count, last seen, trace link of the traced one.
  const errRow = page.locator('tr').filter({ hasText: "Cannot read properties of undefined (reading 'price')" });
  await errRow.getByRole('cell', { name: '3', exact: true }).waitFor();
  await errRow.getByRole('link', { name: rumData.clickTrace.slice(0, 12) }).waitFor();
  await page.locator('tr').filter({ hasText: 'cart is not defined' }).getByRole('cell', { name: '1', exact: true }).waitFor();
  // Sessions and route changes.
  await page.locator('.stat').getByText('3', { exact: true }).waitFor();
  await page.locator('tr').filter({ has: page.getByRole('cell', { name: '/cart', exact: true }) }).getByRole('cell', { name: '3', exact: true }).waitFor();
  await shot('browser');
  await errRow.getByRole('link').click();
  await page.waitForURL(new RegExp(`/trace/${rumData.clickTrace}`));
  await see('click');
  await page.goto(`${stack.web}/browser?range=1h`);
  await see('Web vitals (p75)');

  // Themes: explicit dark.
  await page.getByLabel('Theme').selectOption('dark');
  await shot('browser-dark');

  // Dogfood: a second stack serving the `dogfood` build, its nginx turning the switch on; the dashboard's own API calls
  // arrive at that server as spans of service otel-wasm-dashboard, and each call carried a
  // traceparent.
  dogStack = await startStack({ dogfood: true, dist: join(ROOT, 'dashboard-ui/dist-dogfood') });
  const dog = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  dog.setDefaultTimeout(TIMEOUT);
  dog.on('pageerror', (e) => pageErrors.push(e.message));
  const traced = [];
  dog.on('request', (r) => { if (r.url().includes('/api/')) traced.push(r.headers()['traceparent'] || ''); });
  await dog.goto(`${dogStack.web}/`);
  await dog.waitForURL(/\/signup/);
  await signUp(dog);
  await dog.waitForURL(/\/services/);
  const deadline = Date.now() + 30_000;
  for (;;) {
    await dog.goto(`${dogStack.web}/services?range=15m`); // leaving the page flushes the SDK
    const found = await dog.getByText('otel-wasm-dashboard').first().waitFor({ timeout: 2000 }).then(() => true, () => false);
    if (found) break;
    if (Date.now() > deadline) throw new Error('no spans of service otel-wasm-dashboard arrived');
  }
  if (!traced.length || traced.some((t) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(t))) {
    throw new Error(`API calls without a traceparent: ${JSON.stringify(traced.slice(0, 5))}`);
  }
  log(`dogfood: ${traced.length} traced API calls, service otel-wasm-dashboard listed`);
  await dog.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-dogfood-services.png`) });

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
  log('all pages passed');
}

/** A `query_range` call with the page's token (what the UI itself would send). */
async function queryRange(page, body) {
  return page.evaluate(async (b) => {
    const r = await fetch('/api/v3/query_range', { method: 'POST', body: JSON.stringify(b),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}` } });
    if (!r.ok) throw new Error(`query_range ${r.status}: ${await r.text()}`);
    return (await r.json()).data.result;
  }, body);
}

const akey = (key, dataType, type, isColumn) => ({ key, dataType, type, isColumn, isJSON: false });

/** The query the explorer test builds in the UI, written by hand as the contract (§6.4) says. */
function p99ByRoute(panelType, start, end) {
  const A = { queryName: 'A', expression: 'A', dataSource: 'traces', aggregateOperator: 'p99',
    aggregateAttribute: akey('durationNano', 'float64', 'tag', true),
    filters: { op: 'AND', items: [
      { key: akey('hasError', 'bool', 'tag', true), op: '=', value: false },
      { key: akey('deployment.environment', 'string', 'resource', false), op: '=', value: 'local' }] },
    groupBy: [akey('http.route', 'string', 'tag', false)], having: [], orderBy: [], stepInterval: 60,
    limit: null, disabled: false, reduceTo: 'sum', legend: '' };
  return { start, end, step: 60, variables: {}, compositeQuery: { queryType: 'builder', panelType, builderQueries: { A } } };
}

/** Polls an input's value (autocomplete answers asynchronously). */
async function waitValue(locator, want, ms = 5000) {
  let got;
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) {
    if ((got = await locator.inputValue()) === want) return;
  }
  throw new Error(`value ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** Traces and logs explorers: the query builder, Time Series and Table equal to a direct query_range,
 * SigNoz URLs, saved views, add to dashboard, create alert, the log drawer's filter-in. */
async function explorers(page, shot, see) {
  const end = Date.now() + 60_000, start = end - 2 * 3_600_000;
  await page.goto(`${stack.web}/traces-explorer?start=${start}&end=${end}`);
  await page.locator('table.data tbody tr').first().waitFor();
  await shot('traces-explorer-list');
  // Build: p99 of durationNano by http.route where hasError = false and deployment.environment = local.
  await page.getByLabel('Aggregate of A').selectOption('p99');
  await page.locator('#qb-aggs-A option[value="durationNano"]').waitFor({ state: 'attached' });
  await page.getByLabel('Aggregate attribute of A').fill('durationNano');
  await page.locator('#qb-keys-A option[value="deployment.environment"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: '+ Filter' }).click();
  await page.getByLabel('Filter 1 key').fill('hasError');
  await page.getByLabel('Filter 1 value').fill('false');
  await page.getByRole('button', { name: '+ Filter' }).click();
  await page.getByLabel('Filter 2 key').fill('deployment.environment');
  await page.getByLabel('Filter 2 value').fill('local');
  await waitValue(page.getByLabel('Filter 2 scope'), 'resource'); // typed by attribute_keys autocomplete
  await page.getByLabel('Group by of A').fill('http.route');
  await page.getByLabel('Group by of A').press('Tab');
  await page.locator('.chip', { hasText: 'http.route' }).waitFor();
  await page.getByRole('button', { name: '▶ Run query' }).click();
  await page.waitForURL(/compositeQuery=/);
  // Table view equals the direct query.
  await page.getByRole('tab', { name: 'Table' }).click();
  await page.waitForURL(/panelTypes=%2522table%2522|panelTypes=%22table%22/);
  await page.locator('table.result-table tbody tr').first().waitFor();
  const want = await queryRange(page, p99ByRoute('table', start, end));
  const wantRows = (want[0].series || []).map((s) => [s.labels['http.route'], Number(s.values.at(-1).value)]);
  if (!wantRows.length) throw new Error('direct query_range gave no series');
  const gotRows = await page.locator('table.result-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].dataset.value)]));
  const sortRows = (r) => r.sort((a, b) => a[0].localeCompare(b[0]));
  if (JSON.stringify(sortRows(gotRows).map((r) => r[0])) !== JSON.stringify(sortRows(wantRows).map((r) => r[0]))
      || gotRows.some((r, i) => !close(r[1], wantRows[i][1]))) {
    throw new Error(`table differs from query_range: ${JSON.stringify(gotRows)} vs ${JSON.stringify(wantRows)}`);
  }
  if (gotRows.some((r) => r[0] === '/charge')) throw new Error('resource filter did not narrow (payments is env e2e)');
  await shot('traces-explorer-table');
  // Time Series view: per-series point count, min, max, last equal the direct graph query.
  await page.getByRole('tab', { name: 'Time Series' }).click();
  await page.locator('table.series-summary tbody tr').first().waitFor();
  const graph = await queryRange(page, p99ByRoute('graph', start, end));
  for (const s of graph[0].series) {
    const vals = s.values.map((p) => Number(p.value)).filter(Number.isFinite);
    const row = page.locator(`table.series-summary tr[data-series="http.route=${s.labels['http.route']}"]`);
    const got = await row.evaluate((tr) => [Number(tr.cells[2].textContent), ...[3, 5, 6].map((i) => Number(tr.cells[i].dataset.value))]);
    const exp = [vals.length, Math.min(...vals), Math.max(...vals), vals.at(-1)];
    if (got[0] !== exp[0] || !got.slice(1).every((v, i) => close(v, exp[i + 1]))) {
      throw new Error(`series ${s.labels['http.route']}: ${got} vs ${exp}`);
    }
  }
  await page.locator('figure.chart svg').first().waitFor();
  await shot('traces-explorer-timeseries');
  // The URL holds SigNoz's compositeQuery: reload keeps the query; SigNoz's own link shape opens it.
  const url = page.url();
  await page.reload();
  await page.locator('table.series-summary tbody tr').first().waitFor();
  if (await page.getByLabel('Aggregate of A').inputValue() !== 'p99') throw new Error('builder state lost on reload');
  const cq = new URL(url).searchParams.get('compositeQuery');
  const signozQuery = JSON.parse(decodeURIComponent(cq));
  if (signozQuery.builder.queryData[0].groupBy[0].key !== 'http.route') throw new Error('compositeQuery is not SigNoz-shaped');
  // Saved views (when the server has /api/v1/explorer/views).
  const views = await page.evaluate(async () => (await fetch('/api/v1/explorer/views?sourcePage=traces',
    { headers: { Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}` } })).status);
  if (views === 200) {
    await page.getByLabel('View name').fill('p99 by route');
    await page.getByRole('button', { name: 'Save view' }).click();
    await see('Saved “p99 by route”');
    await page.goto(`${stack.web}/traces-explorer?start=${start}&end=${end}`);
    await page.getByRole('button', { name: 'Views ▾' }).click();
    await page.getByRole('button', { name: 'p99 by route' }).click();
    await page.locator('table.series-summary tbody tr').first().waitFor();
  } else {
    log(`saved views skipped: GET /api/v1/explorer/views answered ${views}`);
  }
  // Add to dashboard: a SigNoz-format widget on the E2E board.
  await page.getByRole('button', { name: 'Add to dashboard' }).click();
  await page.getByRole('dialog', { name: 'Add to dashboard' }).getByRole('button', { name: 'E2E board' }).click();
  await see('Added to dashboard “E2E board”');
  const widgets = await page.evaluate(async () => {
    const h = { Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}` };
    const list = (await (await fetch('/api/v1/dashboards', { headers: h })).json()).data;
    return list.find((d) => d.data.title === 'E2E board').data.widgets;
  });
  const w = widgets.find((x) => x.title !== 'Calls per service' && x.query && x.query.builder && x.query.builder.queryData.length);
  if (!w || w.query.builder.queryData[0].aggregateOperator !== 'p99') throw new Error(`no SigNoz widget: ${JSON.stringify(widgets)}`);
  // Create alert opens the rule editor with the query.
  await page.getByRole('link', { name: 'Create alert' }).click();
  await page.waitForURL(/\/alerts\/new\?compositeQuery=/);
  await page.getByRole('button', { name: 'Save rule' }).waitFor();
  await shot('create-alert-from-explorer');

  // Logs explorer: list, drawer, filter-in edits the builder and runs it.
  await page.goto(`${stack.web}/logs/logs-explorer?start=${start}&end=${end}`);
  await page.locator('table.logs tbody tr').first().waitFor();
  await page.locator('table.logs tbody tr', { hasText: 'payment failed for order' }).first().click();
  await page.getByRole('dialog', { name: 'Log details' }).waitFor();
  await shot('logs-explorer-drawer');
  await page.getByRole('button', { name: 'Filter in severity_text' }).click();
  await page.waitForURL(/compositeQuery=/);
  if (await page.getByLabel('Filter 1 key').inputValue() !== 'severity_text') throw new Error('filter-in did not edit the builder');
  let sevs = [];
  for (const t0 = Date.now(); Date.now() - t0 < 5000; await new Promise((r) => setTimeout(r, 100))) {
    sevs = await page.locator('table.logs tbody tr td:nth-child(2)').allTextContents();
    if (sevs.length && sevs.every((s) => s === 'ERROR')) break;
  }
  if (!sevs.length || sevs.some((s) => s !== 'ERROR')) throw new Error(`filter-in did not narrow: ${sevs}`);
  await page.getByRole('tab', { name: 'Time Series' }).click();
  await page.locator('figure.chart svg').first().waitFor();
  await shot('logs-explorer-timeseries');

  // Live tail (when the server has /api/v3/logs/livetail): a log sent after the page opened shows within 2 s.
  const tail = await page.evaluate(async () => {
    const c = new AbortController();
    try {
      const r = await fetch('/api/v3/logs/livetail?q=%7B%7D', { signal: c.signal,
        headers: { Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}` } });
      c.abort();
      return r.status;
    } catch { return 0; }
  });
  if (tail !== 404) {
    await page.goto(`${stack.web}/logs/logs-explorer/live?range=15m`);
    await page.locator('.badge', { hasText: 'live' }).waitFor();
    const body = `live tail line ${Date.now()}`;
    const sent = Date.now();
    await post(`${stack.otlp}/v1/logs`, { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-api' } }] },
      scopeLogs: [{ scope: { name: 'e2e' }, logRecords: [{ timeUnixNano: String(BigInt(Date.now()) * 1000000n), severityNumber: 9,
        severityText: 'INFO', body: { stringValue: body } }] }] }] });
    await page.getByText(body).waitFor({ timeout: 2000 + (Date.now() - sent) });
    log(`live tail: line shown ${Date.now() - sent} ms after it was sent`);
    await page.getByRole('button', { name: '⏸ Pause' }).click();
    await page.locator('.badge', { hasText: 'paused' }).waitFor();
    await shot('logs-live-tail');
  } else {
    log('live tail skipped: GET /api/v3/logs/livetail answered 404');
  }

  // Resource filter narrows Services (sent as `tags`) when the server has the tag autocomplete.
  await page.goto(`${stack.web}/services?range=1h`);
  await see('payments');
  await page.getByLabel('Resource attribute').fill('deployment.environment');
  await page.getByLabel('Resource values').fill('local');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(/resourceAttribute=/);
  await page.locator('.chip', { hasText: 'deployment.environment IN local' }).waitFor();
  await see('shop-api');
  await page.getByRole('cell', { name: 'payments' }).waitFor({ state: 'detached' });
  await shot('services-resource-filter');
}

main()
  .then(() => 0, (e) => {
    console.error(`[e2e] FAILED at step ${step + 1}: ${e.stack || e}`);
    if (stack) console.error(`[e2e] server log tail:\n${stack.serverLog().slice(-3000)}`);
    return 1;
  })
  .then(async (code) => {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
    if (dogStack) dogStack.stop();
    process.exit(code);
  });
