// Dashboards end to end: real nginx + our server, seeded with spans (key operations come
// from span metrics) and OTLP metrics from the OpenTelemetry JS SDK (metrics-seed.mjs).
// SigNoz's published dashboards (tests/fixtures/signoz-dashboards/) are imported through
// the UI (file upload and paste); every builder and PromQL panel must draw data (the test
// prints panels drawn / total and fails below 100 %), ClickHouse panels must show the
// server's 400 in place. Then: stored JSON equals the file (lossless import), export →
// import gives the same JSON, the saved JSON passes the SigNoz format check, lock/unlock,
// drag and resize saved, clone, delete, full screen, the panel editor's PromQL tab with
// live preview, variables bar, search and tag filter. Screenshots: tests/artifacts/dashboards/.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { browserAppTraces, post } from './seed.mjs';
import { seedMetrics } from './metrics-seed.mjs';
import { checkSignozDashboard } from './signoz-format.mjs';

const shots = join(ROOT, 'tests/artifacts/dashboards');
mkdirSync(shots, { recursive: true });
const FIXTURES = join(ROOT, 'tests/fixtures/signoz-dashboards');
const TIMEOUT = 20_000;
const files = ['hostmetrics-with-variable.json', 'JVM-Metrics.json', 'key-operations-promql.json',
  'key-operations-querybuilder.json', 'flask-monitoring.json', 'key-operations-chquery.json'];

let stack, browser, page, step = 0;
const t0 = Date.now();
const log = (m) => console.log(`[dashboards ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
// Pastes `text` (one input event, as a paste makes; fill() types large texts too slowly).
const paste = (loc, text) => loc.evaluate((el, t) => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }, text);
const same = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

async function main() {
  stack = await startStack();
  log(`server ${stack.api}, nginx ${stack.web}`);
  await post(`${stack.otlp}/v1/traces`, browserAppTraces());
  const points = await seedMetrics(stack.otlp, { minutes: 30 });
  log(`seeded spans and ${points} metric points from @opentelemetry/sdk-metrics`);

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
    log(`ok: ${name}`);
  };
  const api = (path, init = {}) => page.evaluate(async ([path, init]) => {
    const h = { Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}`, 'Content-Type': 'application/json' };
    const r = await fetch(`/api${path}`, { ...init, headers: h });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [path, init]);

  await page.goto(`${stack.web}/`);
  await page.waitForURL(/\/signup/);
  await page.getByLabel('Name').fill('E2E Admin');
  await page.getByLabel('Organization').fill('E2E Org');
  await page.getByLabel('Email').fill('admin@e2e.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Get started' }).click();
  await page.waitForURL(/\/services/);

  // Import every dashboard: files by upload, the rest by paste.
  const totals = { builder: [0, 0], promql: [0, 0], clickhouse_sql: [0, 0] };
  const imported = {};
  for (const [n, file] of files.entries()) {
    await page.goto(`${stack.web}/dashboards?range=1h`);
    await page.getByRole('button', { name: 'Import JSON' }).click();
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    if (n % 2 === 0) {
      await page.locator('input[type=file]').setInputFiles(join(FIXTURES, file));
    } else {
      await paste(page.getByLabel('Dashboard JSON'), text);
      await page.getByRole('button', { name: 'Import and load' }).click();
    }
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}/);
    const uuid = page.url().split('/dashboards/')[1].split('?')[0];
    imported[file] = uuid;
    // The same time range as the seeded history.
    await page.goto(`${stack.web}/dashboards/${uuid}?range=1h`);
    const fixture = JSON.parse(text);
    await page.locator('.dash-grid .panel').nth(fixture.widgets.length - 1).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.dash-grid [data-state="loading"]').length === 0
      && document.querySelectorAll('.dash-grid .panel-body').length === document.querySelectorAll('.dash-grid .panel').length);
    const panels = await page.$$eval('.dash-grid .panel', (els) => els.map((e) => ({
      title: e.querySelector('.panel-title')?.textContent, type: e.dataset.queryType,
      state: e.querySelector('.panel-body')?.dataset.state, text: e.querySelector('.panel-body')?.textContent.slice(0, 160) })));
    const drawn = panels.filter((p) => p.state === 'drawn').length;
    log(`${file}: ${drawn}/${panels.length} panels drawn`);
    for (const p of panels) {
      totals[p.type][1] += 1;
      if (p.state === 'drawn') totals[p.type][0] += 1;
      else if (p.type !== 'clickhouse_sql') log(`  not drawn: [${p.type}] ${p.title}: ${p.state} ${p.text}`);
      if (p.type === 'clickhouse_sql' && !(p.state === 'error' && p.text.includes('ClickHouse'))) {
        throw new Error(`ClickHouse panel ${p.title} shows no clear error: ${p.state} ${p.text}`);
      }
    }
    await shot(file.replace('.json', ''));
    // Lossless import: stored data is the file.
    const got = await api(`/v1/dashboards/${uuid}`);
    if (!same(got.body.data.data, fixture)) throw new Error(`${file}: stored data differs from the file`);
  }
  const pct = (t) => (t[1] ? (100 * t[0]) / t[1] : 100).toFixed(1);
  log(`panels drawn: builder ${totals.builder[0]}/${totals.builder[1]} (${pct(totals.builder)} %), `
    + `PromQL ${totals.promql[0]}/${totals.promql[1]} (${pct(totals.promql)} %), `
    + `ClickHouse ${totals.clickhouse_sql[1]} showing the server's 400`);
  if (totals.builder[0] < totals.builder[1] || totals.promql[0] < totals.promql[1]) {
    throw new Error('not every builder and PromQL panel drew data');
  }

  // Variables bar: pick the other host; panels redraw for it.
  const hostUuid = imported['hostmetrics-with-variable.json'];
  await page.goto(`${stack.web}/dashboards/${hostUuid}?range=1h`);
  const hostSelect = page.getByLabel('Variable hostname');
  await hostSelect.locator('option[value="web-1"]').waitFor({ state: 'attached' });
  const hosts = await hostSelect.locator('option').allTextContents();
  if (!hosts.includes('web-1') || !hosts.includes('db-1')) throw new Error(`host options: ${hosts}`);
  const other = (await hostSelect.inputValue()) === 'web-1' ? 'db-1' : 'web-1';
  await hostSelect.selectOption(other);
  await page.waitForFunction(() => document.querySelectorAll('.dash-grid [data-state="loading"]').length === 0);
  await page.locator('.dash-grid [data-state="drawn"]').first().waitFor();
  const saved = await api(`/v1/dashboards/${hostUuid}`);
  if (saved.body.data.data.variables.hostname.selectedValue !== other) throw new Error('variable selection not saved');
  await shot('variable-picked');

  // Export → import: the same JSON apart from ids; the saved JSON passes SigNoz's format.
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const exported = await page.getByLabel('Exported JSON').inputValue();
  await page.goto(`${stack.web}/dashboards?range=1h`);
  await page.getByRole('button', { name: 'Import JSON' }).click();
  await paste(page.getByLabel('Dashboard JSON'), exported);
  await page.getByRole('button', { name: 'Import and load' }).click();
  await page.waitForURL((u) => /\/dashboards\/[0-9a-f-]{36}/.test(u.toString()) && !u.toString().includes(hostUuid));
  const again = await api(`/v1/dashboards/${page.url().split('/dashboards/')[1].split('?')[0]}`);
  if (!same(again.body.data.data, JSON.parse(exported))) throw new Error('export → import changed the JSON');
  log('export → import: same JSON');

  // Edit a dashboard here: new PromQL panel through the editor with a live preview.
  const jvmUuid = imported['JVM-Metrics.json'];
  await page.goto(`${stack.web}/dashboards/${jvmUuid}?range=1h`);
  await page.getByRole('button', { name: '+ Add panel' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Heap by pool (PromQL)');
  await page.getByLabel('Unit', { exact: true }).fill('bytes');
  await page.getByRole('tab', { name: 'PromQL' }).click();
  await page.getByLabel('PromQL query A').fill('sum by (id) (jvm_memory_used{area="heap"})');
  await page.locator('.preview [data-state="drawn"]').waitFor();
  await shot('panel-editor-promql');
  await page.getByRole('button', { name: 'Save panel' }).click();
  await page.locator('.dash-grid .panel', { hasText: 'Heap by pool (PromQL)' }).locator('[data-state="drawn"]').waitFor();
  let jvm = (await api(`/v1/dashboards/${jvmUuid}`)).body.data.data;
  const added = jvm.widgets.find((w) => w.title === 'Heap by pool (PromQL)');
  const problems = checkSignozDashboard(jvm, { strict: [added.id] });
  if (problems.length) throw new Error(`saved dashboard fails SigNoz's format: ${problems.join('; ')}`);
  if (added.query.queryType !== 'promql' || added.yAxisUnit !== 'bytes') throw new Error(`new widget: ${JSON.stringify(added)}`);
  log('saved dashboard passes the SigNoz format check');

  // Drag (one column right) and resize (one row taller): saved in the layout.
  const panel = page.locator('.dash-grid .panel', { hasText: 'Heap by pool (PromQL)' });
  const before = jvm.layout.find((l) => l.i === added.id);
  const head = await panel.locator('.panel-head .panel-title').boundingBox();
  const gridBox = await page.locator('.dash-grid').boundingBox();
  const col = gridBox.width / 12;
  await page.mouse.move(head.x + 5, head.y + 5);
  await page.mouse.down();
  await page.mouse.move(head.x + 5 + col * 2, head.y + 5, { steps: 5 });
  await page.mouse.up();
  const corner = await panel.locator('.resize').boundingBox();
  await page.mouse.move(corner.x + 5, corner.y + 5);
  await page.mouse.down();
  await page.mouse.move(corner.x + 5, corner.y + 5 + 90, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(async ([uuid, id, x, h]) => {
    const hd = { Authorization: `Bearer ${localStorage.getItem('AUTH_TOKEN')}` };
    const d = (await (await fetch(`/api/v1/dashboards/${uuid}`, { headers: hd })).json()).data.data;
    const l = d.layout.find((i) => i.i === id);
    return l.x === x && l.h === h;
  }, [jvmUuid, added.id, before.x + 2, before.h + 1]);
  log('drag and resize saved');

  // Clone, full screen, delete.
  await panel.getByRole('button', { name: 'Clone' }).click();
  await page.locator('.dash-grid .panel', { hasText: 'Heap by pool (PromQL)' }).nth(1).waitFor();
  await panel.first().getByTitle('Full screen').click();
  await page.getByRole('dialog', { name: 'Full-screen panel' }).locator('[data-state="drawn"]').waitFor();
  await shot('full-screen');
  await page.getByRole('button', { name: '✕ Close' }).click();
  await page.locator('.dash-grid .panel', { hasText: 'Heap by pool (PromQL)' }).nth(1).getByRole('button', { name: 'Delete' }).click();
  await page.locator('.dash-grid .panel', { hasText: 'Heap by pool (PromQL)' }).nth(1).waitFor({ state: 'detached' });
  jvm = (await api(`/v1/dashboards/${jvmUuid}`)).body.data.data;
  if (jvm.widgets.filter((w) => w.title === 'Heap by pool (PromQL)').length !== 1) throw new Error('clone/delete not saved');
  const alertHref = await panel.getByTitle('Create alert').getAttribute('href');
  if (!alertHref.startsWith('/alerts/new?compositeQuery=')) throw new Error(`alert link ${alertHref}`);

  // Lock: edits are gone from the UI and the server refuses them; unlock brings them back.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await page.getByRole('button', { name: 'Unlock' }).waitFor();
  if (await page.getByRole('button', { name: '+ Add panel' }).count()) throw new Error('locked dashboard still editable');
  const refused = await api(`/v1/dashboards/${jvmUuid}`, { method: 'PUT', body: JSON.stringify(jvm) });
  if (refused.status !== 400 || !refused.body.error.includes('locked')) throw new Error(`locked PUT: ${JSON.stringify(refused)}`);
  await shot('locked');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: '+ Add panel' }).waitFor();

  // Settings: tags; the list filters by search and by tag.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Tags').fill('jvm, e2e-tag');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('jvm, e2e-tag').waitFor();
  await page.goto(`${stack.web}/dashboards?range=1h`);
  await page.getByLabel('Filter by tag').fill('e2e-tag');
  await page.getByRole('link', { name: 'JVM Metrics' }).waitFor();
  if (await page.getByRole('link', { name: 'Key Operations - PromQL' }).count()) throw new Error('tag filter shows other dashboards');
  await page.getByLabel('Filter by tag').fill('');
  await page.getByLabel('Search dashboards').fill('key operations');
  await page.getByRole('link', { name: 'Key Operations - PromQL' }).waitFor();
  if (await page.getByRole('link', { name: 'JVM Metrics' }).count()) throw new Error('search shows other dashboards');
  await shot('list-filtered');

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
}

main()
  .then(() => 0, async (e) => {
    console.error(`[dashboards] FAILED at step ${step + 1}: ${e.stack || e}`);
    if (page) await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    if (stack) console.error(`[dashboards] server log tail:\n${stack.serverLog().slice(-3000)}`);
    return 1;
  })
  .then(async (code) => {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
    process.exit(code);
  });
