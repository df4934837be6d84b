// End-to-end: v0.39 parity pages through real nginx + our server in headless
// Chromium: the logs index-fields page (selected / interesting fields from
// GET /api/v1/logs/fields, promote and demote through POST, disabled for a
// viewer, errors shown); get started (its own lazily loaded module, setup
// steps per module and language, "verify data" turning green when the first
// spans arrive); auto-refresh (re-queries on each tick, remembered per page,
// off for a custom range); tag search in the trace view's span panel;
// drag-to-zoom on a time-series chart (sets a custom range, no point click).

import { startStack, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { post } from './seed.mjs';
import { randomBytes } from 'node:crypto';

const TIMEOUT = 20_000;
const t0 = Date.now();
let step = 'start';
const log = (m) => console.log(`[parity ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const check = (cond, msg) => { if (!cond) throw new Error(msg); };
const str = (key, v) => ({ key, value: { stringValue: String(v) } });
const hex = (n) => randomBytes(n).toString('hex');

/** One trace of two spans of `svc`; the child carries attributes to search. */
function seedTrace(nowMs, svc) {
  const traceId = hex(16), root = hex(8), child = hex(8);
  const t = (ms) => String(BigInt(nowMs - 30_000 + ms) * 1000000n);
  const spans = [
    { traceId, spanId: root, parentSpanId: '', name: 'GET /cart', kind: 2, startTimeUnixNano: t(0), endTimeUnixNano: t(50),
      attributes: [str('http.method', 'GET'), str('http.route', '/cart')], status: { code: 0 } },
    { traceId, spanId: child, parentSpanId: root, name: 'SELECT cart', kind: 3, startTimeUnixNano: t(5), endTimeUnixNano: t(30),
      attributes: [str('db.system', 'postgresql'), str('db.statement', 'SELECT * FROM cart'), str('peer.service', 'pg-main')],
      status: { code: 0 } },
  ];
  return { traceId, child, body: { resourceSpans: [{ resource: { attributes: [str('service.name', svc), str('host.name', 'p1')] },
    scopeSpans: [{ scope: { name: 'parity-e2e' }, spans }] }] } };
}

function seedLogs(nowMs) {
  return { resourceLogs: [{
    resource: { attributes: [str('service.name', 'parity-api'), str('host.name', 'p1')] },
    scopeLogs: [{ scope: { name: 'parity-e2e' }, logRecords: Array.from({ length: 5 }, (_, i) => ({
      timeUnixNano: String(BigInt(nowMs - 60_000 + i * 1000) * 1000000n),
      severityNumber: 9, severityText: 'INFO', body: { stringValue: `parity line ${i}` },
      attributes: [str('order.kind', i % 2 ? 'a' : 'b')],
    })) }],
  }] };
}

async function main() {
  const stack = await startStack();
  let browser;
  try {
    const now = Date.now();
    await post(`${stack.otlp}/v1/logs`, seedLogs(now));
    const api = async (method, path, body, token) => {
      const r = await fetch(`${stack.api}/api/${path}`, { method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await api('POST', 'v1/register', { name: 'pa', orgName: 'pa', email: 'pa@e2e.test', password: 'parity-pw-1' });
    const login = await api('POST', 'v1/login', { email: 'pa@e2e.test', password: 'parity-pw-1' });
    const invite = await api('POST', 'v1/invite', { name: 'Vi', email: 'vi@e2e.test', role: 'VIEWER' }, login.accessJwt);
    await api('POST', 'v1/register', { name: 'Vi', email: 'vi@e2e.test', password: 'parity-pw-2', token: invite.inviteToken });
    const vlogin = await api('POST', 'v1/login', { email: 'vi@e2e.test', password: 'parity-pw-2' });
    log('seeded');

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const pageAs = async (l) => {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await ctx.addInitScript(([at, rt, id]) => {
        localStorage.setItem('AUTH_TOKEN', at);
        localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
        localStorage.setItem('USER_ID', id); // the role (editor or viewer) is read through it
      }, [l.accessJwt, l.refreshJwt, l.userId]);
      const page = await ctx.newPage();
      page.setDefaultTimeout(TIMEOUT);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return page;
    };
    const pageErrors = [];
    const page = await pageAs(login);

    step = 'index fields: linked from the logs explorer, lists selected and interesting';
    await page.goto(`${stack.web}/logs/logs-explorer`);
    await page.getByRole('link', { name: 'Index fields' }).click();
    await page.waitForURL(/\/logs-explorer\/index-fields/);
    const selected = page.getByRole('table', { name: 'Selected fields' });
    const interesting = page.getByRole('table', { name: 'Interesting fields' });
    await selected.getByRole('cell', { name: 'severity_text', exact: true }).waitFor();
    await interesting.getByRole('cell', { name: 'order.kind', exact: true }).waitFor();
    check(await selected.getByRole('cell', { name: 'order.kind', exact: true }).count() === 0, 'order.kind already selected');
    log(`ok: ${step}`);

    step = 'index fields: promote and demote';
    await interesting.getByRole('button', { name: 'Add order.kind' }).click();
    await selected.getByRole('cell', { name: 'order.kind', exact: true }).waitFor();
    let f = await api('GET', 'v1/logs/fields', null, login.accessJwt);
    check(f.selected.some((x) => x.name === 'order.kind' && x.type === 'attributes'), `server selected: ${JSON.stringify(f.selected)}`);
    check(!f.interesting.some((x) => x.name === 'order.kind'), 'still interesting on the server');
    await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
    await page.getByLabel('Search fields').fill('order');
    check(await selected.getByRole('row').count() === 2, 'search keeps header + order.kind only');
    await page.getByLabel('Search fields').fill('');
    await selected.getByRole('button', { name: 'Remove order.kind' }).click();
    await interesting.getByRole('cell', { name: 'order.kind', exact: true }).waitFor();
    f = await api('GET', 'v1/logs/fields', null, login.accessJwt);
    check(!f.selected.some((x) => x.name === 'order.kind'), 'still selected on the server');
    log(`ok: ${step}`);

    step = 'index fields: an error reply is shown';
    await page.route('**/api/v1/logs/fields', (r) => r.request().method() === 'POST'
      ? r.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'type nope not supported' }) })
      : r.continue());
    await interesting.getByRole('button', { name: 'Add order.kind' }).click();
    await page.getByRole('alert').filter({ hasText: 'not supported' }).waitFor();
    await page.unroute('**/api/v1/logs/fields');
    log(`ok: ${step}`);

    step = 'index fields: disabled for a viewer';
    const vp = await pageAs(vlogin);
    await vp.goto(`${stack.web}/logs-explorer/index-fields`);
    await vp.getByText('Only editors and admins').waitFor();
    const add = vp.getByRole('button', { name: 'Add order.kind' });
    await add.waitFor();
    check(await add.isDisabled(), 'viewer can add');
    await vp.context().close();
    log(`ok: ${step}`);

    step = 'get started: a lazily loaded module with setup steps';
    const wasm = [];
    page.on('response', (r) => { const p = new URL(r.url()).pathname; if (p.endsWith('.wasm')) wasm.push(p.slice(1)); });
    await page.goto(`${stack.web}/services`);
    await page.getByRole('link', { name: 'Get started' }).click();
    await page.waitForURL(/\/get-started/);
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    check(wasm.some((p) => p.startsWith('onboarding-')), `no onboarding-*.wasm fetched: ${wasm.join(', ')}`);
    const steps = page.locator('ol.steps');
    check((await steps.innerText()).includes('OTEL_EXPORTER_OTLP_ENDPOINT=http://'), 'Node steps lack the endpoint');
    check((await steps.innerText()).includes('auto-instrumentations-node/register'), 'Node steps lack the register hook');
    for (const [lang, want] of [['Python', 'opentelemetry-instrument'], ['Java', '-javaagent:'], ['Go', 'otlptracehttp']]) {
      await page.getByRole('tab', { name: lang }).click();
      await steps.getByText(want, { exact: false }).first().waitFor();
    }
    await page.getByLabel('Service name').fill('parity-svc');
    await steps.getByText('OTEL_SERVICE_NAME=parity-svc', { exact: false }).first().waitFor();
    await page.getByRole('tab', { name: 'Browser RUM' }).click();
    await steps.getByText("serviceName: 'parity-svc'", { exact: false }).waitFor();
    check((await steps.innerText()).includes("initTelemetry"), 'browser steps lack initTelemetry');
    log(`ok: ${step}`);

    step = 'get started: verify data';
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('status', { name: 'Verify data' }).getByText('Logs are arriving').waitFor();
    await page.getByRole('tab', { name: 'APM (traces)' }).click();
    await page.getByRole('status', { name: 'Verify data' }).getByText('Waiting for data').waitFor();
    const trace = seedTrace(Date.now(), 'parity-svc');
    await post(`${stack.otlp}/v1/traces`, trace.body);
    await page.getByRole('status', { name: 'Verify data' }).getByText('Data received from parity-svc').waitFor({ timeout: 15_000 });
    log(`ok: ${step}`);

    step = 'auto refresh: re-queries on each tick, remembered per page';
    const servicesCalls = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/services') && r.method() === 'POST') servicesCalls.push(Date.now()); });
    await page.goto(`${stack.web}/services?range=15m`);
    await page.getByText('parity-svc').first().waitFor();
    await page.getByLabel('Auto refresh').selectOption('5s');
    const before = servicesCalls.length;
    await page.waitForTimeout(11_500);
    const ticks = servicesCalls.length - before;
    check(ticks >= 2 && ticks <= 3, `${ticks} /services queries in 11.5 s at 5 s`);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('AUTO_REFRESH_INTERVAL')));
    check(stored['/services'] === '5s', `stored: ${JSON.stringify(stored)}`);
    await page.reload();
    await page.getByText('parity-svc').first().waitFor();
    check(await page.getByLabel('Auto refresh').inputValue() === '5s', 'interval not kept after reload');
    await page.getByLabel('Auto refresh').selectOption('off');
    const afterOff = servicesCalls.length;
    await page.waitForTimeout(6_000);
    check(servicesCalls.length === afterOff, 'still refreshing when off');
    const end = Date.now(), start = end - 3_600_000;
    await page.goto(`${stack.web}/services?start=${start}&end=${end}`);
    check(await page.getByLabel('Auto refresh').isDisabled(), 'auto refresh enabled for a custom range');
    log(`ok: ${step} (${ticks} ticks)`);

    step = 'trace view: tag search in the span panel';
    await page.goto(`${stack.web}/trace/${trace.traceId}?range=1h&span=${trace.child}`);
    const panel = page.locator('.span-panel');
    await panel.locator('h2', { hasText: 'SELECT cart' }).waitFor();
    const visibleKeys = () => panel.locator('table.kv tr:visible th').allInnerTexts();
    check((await visibleKeys()).includes('db.system'), 'db.system not listed');
    await panel.getByLabel('Search tags').fill('POSTGRES');
    let keys = await visibleKeys();
    check(JSON.stringify(keys) === '["db.system"]', `value search: ${JSON.stringify(keys)}`);
    await panel.getByLabel('Search tags').fill('host');
    keys = await visibleKeys();
    check(JSON.stringify(keys) === '["host.name"]', `key search (resource): ${JSON.stringify(keys)}`);
    await panel.getByRole('status').getByText('1 of', { exact: false }).waitFor();
    await panel.getByLabel('Search tags').fill('');
    check((await visibleKeys()).length >= 5, 'clearing the search shows every tag');
    log(`ok: ${step}`);

    step = 'charts: drag across to zoom the time range';
    // Spans every minute over the last 12 minutes, so the charts span a time axis.
    for (let m = 12; m >= 1; m -= 1) await post(`${stack.otlp}/v1/traces`, seedTrace(Date.now() - m * 60_000, 'parity-svc').body);
    await page.goto(`${stack.web}/services/parity-svc?range=15m`);
    const chart = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Latency' }) }).locator('svg');
    await chart.waitFor();
    const box = await chart.boundingBox();
    const y = box.y + box.height / 2;
    const before15 = Date.now();
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, y, { steps: 4 });
    await page.locator('rect.zoom-sel').waitFor();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
    await page.mouse.up();
    await page.waitForURL(/[?&]start=\d+.*&end=\d+|[?&]end=\d+.*&start=\d+/);
    const u = new URL(page.url());
    check(u.pathname === '/services/parity-svc', `a drag navigated to ${u.pathname}`);
    const zs = Number(u.searchParams.get('start')), ze = Number(u.searchParams.get('end'));
    check(!u.searchParams.has('range'), 'the relative range is still in the URL');
    check(ze > zs && zs > before15 - 16 * 60_000 && ze < Date.now() + 60_000 && ze - zs < 10 * 60_000,
      `zoomed to ${zs}..${ze} (${(ze - zs) / 1000} s)`);
    check(await page.locator('rect.zoom-sel').count() === 0, 'selection left on the chart');
    log(`ok: ${step} (${((ze - zs) / 1000).toFixed(0)} s)`);

    check(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
    log('all ok');
  } finally {
    if (browser) await browser.close().catch(() => {});
    stack.stop();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`[parity] FAILED at "${step}": ${e.stack || e}`);
  process.exit(1);
});
