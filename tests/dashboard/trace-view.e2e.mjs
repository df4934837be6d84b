// End-to-end: the trace view's tools through real nginx + our server in
// headless Chromium: the trace request starts before the app boots (one
// request), the time ruler over the waterfall, critical path in waterfall
// and flame graph, self time, the in-trace filter ("N hidden" rows) on a
// 10 000-span trace, compare two traces, download the trace as JSON and open that file again.

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startStack, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { bigTrace, post } from './seed.mjs';

const TIMEOUT = 20_000;
const t0 = Date.now();
let step = 'start';
const log = (m) => console.log(`[trace-view ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const hex = (n) => randomBytes(n).toString('hex');
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

/** One checkout trace; `slow` makes the charge take longer and retry once. */
function checkoutTrace(slow, nowMs) {
  const traceId = hex(16);
  const base = (nowMs - 60_000) * 1e6;
  const ids = {};
  const spans = {};
  const add = (svc, key, name, parent, startMs, durMs, error = false) => {
    ids[key] = hex(8);
    (spans[svc] ??= []).push({
      traceId, spanId: ids[key], parentSpanId: parent ? ids[parent] : '', name, kind: 2,
      startTimeUnixNano: String(base + startMs * 1e6), endTimeUnixNano: String(base + (startMs + durMs) * 1e6),
      attributes: [{ key: 'step', value: { stringValue: key } }], status: { code: error ? 2 : 0 },
    });
  };
  const extra = slow ? 60 : 0;
  add('shop-api', 'root', 'GET /checkout', null, 0, 100 + extra);
  add('shop-api', 'db', 'SELECT cart', 'root', 5, 20);
  add('recs', 'recs', 'fetch recommendations', 'root', 10, 50);
  add('payments', 'charge', 'POST /charge', 'root', 30, 60 + extra, slow);
  add('payments', 'card', 'charge card', 'charge', 35, 50 + extra);
  if (slow) add('payments', 'retry', 'retry charge', 'charge', 90, 40);
  add('shop-api', 'render', 'render', 'root', 92 + extra, 6);
  return {
    traceId,
    payload: { resourceSpans: Object.entries(spans).map(([svc, s]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [{ scope: { name: 'trace-view-e2e' }, spans: s }],
    })) },
  };
}

async function main() {
  const stack = await startStack();
  const dl = mkdtempSync(join(tmpdir(), 'trace-dl-'));
  let browser;
  try {
    const now = Date.now();
    const a = checkoutTrace(false, now);
    const b = checkoutTrace(true, now);
    await post(`${stack.otlp}/v1/traces`, a.payload);
    await post(`${stack.otlp}/v1/traces`, b.payload);
    const big = bigTrace(10_000, now, 'filter-job');
    for (const p of big.payloads) await post(`${stack.otlp}/v1/traces`, p);
    const j = async (path, body) => {
      const r = await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('register', { name: 'tv', orgName: 'tv', email: 'tv@e2e.test', password: 'trace-view-pw' });
    const login = await j('login', { email: 'tv@e2e.test', password: 'trace-view-pw' });
    log('seeded');

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await ctx.addInitScript(([at, rt]) => {
      localStorage.setItem('AUTH_TOKEN', at);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const traceRequests = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/traces/')) traceRequests.push(r.url()); });
    const ready = () => page.locator('.wf-scroll[data-ready] .wf-row').first().waitFor();
    const row = (op) => page.locator('.wf-row', { has: page.locator('.op', { hasText: op }) }).first();

    step = 'open trace A (compact reply, prefetched by boot.js)';
    await page.goto(`${stack.web}/trace/${a.traceId}?range=1h`);
    await ready();
    check((await page.locator('.span-count').innerText()) === '6', 'trace A should have 6 spans');
    check(traceRequests.length === 1, `the trace was requested ${traceRequests.length} times, expected once (boot.js prefetch)`);
    check(traceRequests[0]?.endsWith(`/api/v1/traces/${a.traceId}/compact`), `our server's compact reply should be used, got ${traceRequests[0]}`);
    log(`ok: ${step}`);

    step = 'time ruler over the waterfall';
    // Trace A lasts 100 ms: round-step labels from 0 ms up to at most 100 ms, evenly spaced,
    // the last one near the track's right end and lined up with the bars' track.
    await page.locator('.wf-ruler .wf-tick').nth(2).waitFor();
    const ticks = await page.locator('.wf-ruler .wf-tick').evaluateAll((els) => els.map((e) => ({
      label: e.innerText.trim(), x: e.getBoundingClientRect().left,
    })));
    const ms = ticks.map((t) => { const m = /^(\d+(?:\.\d+)?) ms$/.exec(t.label); return m ? Number(m[1]) : NaN; });
    check(ms.every((v) => !Number.isNaN(v)), `ruler labels should be in ms: ${ticks.map((t) => t.label)}`);
    check(ms[0] === 0, `the ruler starts at 0 ms, got ${ms[0]}`);
    const stepMs = ms[1] - ms[0];
    check([1, 2, 5, 10, 20, 25, 50].includes(stepMs) && ms.every((v, i) => Math.abs(v - i * stepMs) < 1e-9), `round, even steps: ${ms}`);
    check(ms[ms.length - 1] <= 100 && ms[ms.length - 1] + stepMs > 100, `the last label is the last step within 100 ms: ${ms}`);
    const rulerBox = await page.locator('.wf-ruler .wf-track').boundingBox();
    const rootBar = await row('GET /checkout').locator('.wf-bar').boundingBox();
    check(Math.abs(rulerBox.x - rootBar.x) <= 1 && Math.abs(rulerBox.width - rootBar.width) <= 3,
      `the ruler spans the root's bar: ruler ${JSON.stringify(rulerBox)}, bar ${JSON.stringify(rootBar)}`);
    const last = ticks[ticks.length - 1];
    const expectX = rulerBox.x + rulerBox.width * (ms[ms.length - 1] / 100);
    check(Math.abs(last.x - expectX) <= 2, `the ${last.label} tick sits at its time: ${last.x} vs ${expectX}`);
    log(`ok: ${step} (${ticks.map((t) => t.label).join(', ')})`);

    step = 'critical path';
    await page.locator('.crit-toggle').check();
    await page.locator('.wf-row.crit').first().waitFor();
    for (const op of ['GET /checkout', 'POST /charge', 'charge card', 'SELECT cart', 'render']) {
      check(await row(op).evaluate((e) => e.classList.contains('crit')), `${op} should be on the critical path`);
    }
    check(!(await row('fetch recommendations').evaluate((e) => e.classList.contains('crit'))), 'fetch recommendations ran alongside the charge: not critical');
    check((await page.locator('.fl-box.crit').count()) >= 3, 'critical path not marked in the flame graph');
    log(`ok: ${step}`);

    step = 'self time';
    await page.locator('.self-time summary').click();
    await page.locator('.self-time-table tbody tr').first().waitFor();
    check((await page.locator('.self-time-table tbody tr').count()) === 3, 'self time by service: 3 services');
    await page.locator('.self-by-op').check();
    await page.locator('.self-time-table tbody tr').nth(5).waitFor();
    check(/recommendations/.test(await page.locator('.self-time-table').innerText()), 'self time by operation lists operations');
    log(`ok: ${step}`);

    step = 'a span attribute opens the traces explorer filtered on it';
    await row('POST /charge').click();
    await page.getByRole('link', { name: 'Explore step = charge' }).click();
    await page.waitForURL((u) => u.pathname === '/traces-explorer');
    const explored = JSON.parse(decodeURIComponent(new URL(page.url()).searchParams.get('compositeQuery')));
    const item = explored.builder.queryData[0].filters.items[0];
    check(item.key.key === 'step' && item.key.type === 'tag' && item.op === '=' && item.value === 'charge', `filter ${JSON.stringify(item)}`);
    // Traces A and B (same window) each have one charge span.
    await page.waitForFunction(() => document.querySelectorAll('table.spans tbody tr').length === 2);
    check(/POST \/charge/.test(await page.locator('table.spans tbody').innerText()), 'the explorer lists the charge spans');
    await page.goBack();
    await ready();
    log(`ok: ${step}`);

    step = 'download JSON';
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.download-json').click()]);
    const file = join(dl, 'trace-a.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    check(saved[0].columns.length === 12 && saved[0].events.length === 6, 'downloaded JSON is not the v0.39 shape with 6 rows');
    log(`ok: ${step}`);

    step = 'compare with trace B';
    await page.locator('.compare-id').fill(b.traceId);
    await page.locator('.compare-go').click();
    await page.waitForURL(/\/trace-compare\?a=/);
    await page.locator('.matched-count').waitFor();
    check((await page.locator('.matched-count').innerText()) === '6', 'all 6 spans of A match in B');
    check((await page.locator('.only-b-count').innerText()) === '1', 'B has one span only in it');
    check(/retry charge/.test(await page.locator('ul.only-b').innerText()), 'retry charge listed as only in B');
    check(/\+60/.test(await page.locator('.compare-table tbody tr').first().innerText()), 'largest delta first (+60 ms)');
    log(`ok: ${step}`);

    step = 'open the downloaded file';
    await page.goto(`${stack.web}/trace-file`);
    await page.locator('.trace-file-input').setInputFiles(file);
    await ready();
    check((await page.locator('.span-count').innerText()) === '6', 'the opened file shows 6 spans');
    await page.locator('.trace-file-input').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{oops') });
    await page.getByText('bad.json: not a trace reply').waitFor();
    log(`ok: ${step}`);

    step = 'in-trace filter on 10 000 spans';
    await page.goto(`${stack.web}/trace/${big.traceId}?range=1h`);
    await ready();
    await page.locator('.filter-errors').check();
    await page.locator('.filter-apply').click();
    await page.locator('.wf-row.wf-hidden').first().waitFor();
    const summary = await page.locator('.filter-summary').innerText();
    check(summary === '10 shown, 9990 hidden', `errors filter: ${summary}`);
    check(/^\d+ hidden$/.test(await page.locator('.wf-row.wf-hidden').first().innerText()), 'hidden rows say "N hidden"');
    await page.locator('.filter-errors').uncheck();
    await page.locator('.filter-attr').fill('batch.item=5000');
    await page.locator('.filter-attr').press('Enter');
    await page.locator('.filter-summary', { hasText: '1 shown' }).waitFor();
    await page.locator('.filter-attr').fill('');
    await page.locator('.filter-min').fill('8ms');
    await page.locator('.filter-apply').click();
    // Only the root lasts 8 ms or more (children are 2–8 ms: 2 + i % 7).
    await page.locator('.filter-summary', { hasText: 'shown' }).waitFor();
    const minSummary = await page.locator('.filter-summary').innerText();
    check(/^\d+ shown, \d+ hidden$/.test(minSummary) && !minSummary.startsWith('0 '), `min duration filter: ${minSummary}`);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('.wf-row.wf-hidden').first().waitFor({ state: 'detached' });
    log(`ok: ${step}`);

    step = 'a server without the compact route (as SigNoz v0.39): the v0.39 route';
    // The only stand-in here: a 404 for the compact route, as real SigNoz answers it.
    await page.route('**/api/v1/traces/*/compact', (r) => r.fulfill({ status: 404, body: '404 page not found' }));
    traceRequests.length = 0;
    await page.goto(`${stack.web}/trace/${a.traceId}?range=1h`);
    await ready();
    check((await page.locator('.span-count').innerText()) === '6', 'trace A via the v0.39 route should have 6 spans');
    check(traceRequests.length === 2 && traceRequests[1].endsWith(`/api/v1/traces/${a.traceId}`),
      `expected the compact request then the v0.39 one, got ${traceRequests.join(', ')}`);
    await page.unroute('**/api/v1/traces/*/compact');
    log(`ok: ${step}`);

    step = 'a 200 for the compact route that is not our format: the v0.39 route';
    await page.route('**/api/v1/traces/*/compact', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>an app page</p>' }));
    traceRequests.length = 0;
    await page.goto(`${stack.web}/trace/${a.traceId}?range=1h`);
    await ready();
    check((await page.locator('.span-count').innerText()) === '6', 'trace A via the v0.39 route should have 6 spans');
    check(traceRequests.length === 2 && traceRequests[1].endsWith(`/api/v1/traces/${a.traceId}`),
      `expected the compact request then the v0.39 one, got ${traceRequests.join(', ')}`);
    await page.unroute('**/api/v1/traces/*/compact');
    log(`ok: ${step}`);

    check(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
    log('all passed');
  } finally {
    if (browser) await browser.close().catch(() => {});
    stack.stop();
    rmSync(dl, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`[trace-view] FAILED at ${step}: ${e.stack || e}`);
  process.exitCode = 1;
});
