// End-to-end: the explorers' List view through real nginx + our server in
// headless Chromium, over seeded logs from two resources and spans:
// the logs formats (Raw / Default / Column) and max lines kept in SigNoz's
// `options` URL parameter (a SigNoz-shaped link opens the same view), a
// chosen column shown in the rows, the volume histogram's bars equal to a
// direct query_range (and a click zooms in), a log's context (its neighbours
// from the same resource), the traces list's page size and column picker,
// the facets, the saved-views page (a view saved in the explorer, opened,
// renamed, deleted there) and the traces Heatmap (cells sum to a direct count).

import { startStack, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { post } from './seed.mjs';
import { randomBytes } from 'node:crypto';

const TIMEOUT = 20_000;
const t0 = Date.now();
let step = 'start';
const log = (m) => console.log(`[explorer ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const check = (cond, msg) => { if (!cond) throw new Error(msg); };
const hex = (n) => randomBytes(n).toString('hex');
const str = (key, v) => ({ key, value: { stringValue: String(v) } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });

const N = 30;
/** Two resources logging in turn: shop-api on h1 and worker on h2, 20 s apart. */
function seedLogs(nowMs) {
  const base = nowMs - 20 * 60_000;
  const res = (svc, host, body, off) => ({
    resource: { attributes: [str('service.name', svc), str('host.name', host), str('deployment.environment', 'e2e')] },
    scopeLogs: [{ scope: { name: 'explorer-e2e' }, logRecords: Array.from({ length: N }, (_, i) => ({
      timeUnixNano: String(BigInt(base + i * 20_000 + off) * 1000000n),
      severityNumber: 9, severityText: 'INFO',
      body: { stringValue: `${body} ${i} ${'long text '.repeat(30)}` },
      attributes: [str('http.route', `/api/item/${i}`), int('order.id', 5000 + i)],
    })) }],
  });
  return { resourceLogs: [res('shop-api', 'h1', 'api line', 0), res('worker', 'h2', 'worker line', 5_000)] };
}

function seedSpans(nowMs) {
  const spans = Array.from({ length: 60 }, (_, i) => {
    const start = BigInt(nowMs - 15 * 60_000 + i * 1000) * 1000000n;
    return { traceId: hex(16), spanId: hex(8), parentSpanId: '', name: `GET /shop/${i % 3}`, kind: 2,
      startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(5 + i) * 1000000n),
      attributes: [str('http.route', `/shop/${i % 3}`), str('http.method', 'GET'), int('http.status_code', 200)],
      status: { code: 0 } };
  });
  return { resourceSpans: [{ resource: { attributes: [str('service.name', 'shop-api')] },
    scopeSpans: [{ scope: { name: 'explorer-e2e' }, spans }] }] };
}

/** The page's step for a window (url_state::step_seconds). */
function stepSeconds(startMs, endMs) {
  const raw = Math.floor(Math.max(1, Math.floor((endMs - startMs) / 1000)) / 120);
  return [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].find((s) => s >= raw) ?? 86400;
}

async function main() {
  const stack = await startStack();
  let browser;
  try {
    const now = Date.now();
    await post(`${stack.otlp}/v1/logs`, seedLogs(now));
    await post(`${stack.otlp}/v1/traces`, seedSpans(now));
    const j = async (path, body, token) => {
      const r = await fetch(`${stack.api}/api/${path}`, { method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('v1/register', { name: 'ex', orgName: 'ex', email: 'ex@e2e.test', password: 'explorer-pw' });
    const login = await j('v1/login', { email: 'ex@e2e.test', password: 'explorer-pw' });
    log('seeded');

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await ctx.addInitScript(([at, rt]) => {
      localStorage.setItem('AUTH_TOKEN', at);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const options = () => JSON.parse(new URL(page.url()).searchParams.get('options') ?? 'null');

    const end = now + 60_000, start = end - 2 * 3_600_000;
    const logsUrl = `${stack.web}/logs/logs-explorer?start=${start}&end=${end}`;

    step = 'volume histogram equals a direct query_range';
    await page.goto(logsUrl);
    await page.locator('table.logs tbody tr').first().waitFor();
    await page.locator('figure.volume rect.bar').first().waitFor();
    const bars = await page.locator('figure.volume rect.bar').evaluateAll((rs) =>
      rs.map((r) => [Number(r.dataset.ts), Number(r.dataset.count)]));
    const stepS = stepSeconds(start, end);
    const direct = await j('v3/query_range', { start, end, step: stepS, variables: {}, compositeQuery: {
      queryType: 'builder', panelType: 'graph', builderQueries: { A: {
        queryName: 'A', dataSource: 'logs', aggregateOperator: 'count', aggregateAttribute: { key: '' },
        filters: { items: [], op: 'AND' }, groupBy: [], expression: 'A', disabled: false, stepInterval: stepS,
        orderBy: [], having: [], reduceTo: 'sum', legend: '' } } } }, login.accessJwt);
    const want = direct.data.result[0].series[0].values.map((p) => [Number(p.timestamp), Number(p.value)]).filter((p) => p[1] > 0);
    check(JSON.stringify(bars) === JSON.stringify(want), `bars ${JSON.stringify(bars)} vs query_range ${JSON.stringify(want)}`);
    check(bars.reduce((s, b) => s + b[1], 0) === 2 * N, `bars count ${2 * N} logs`);
    log(`ok: ${step} (${bars.length} bars)`);

    step = 'format switch: Raw, Column, Default (options URL parameter)';
    const fmt = page.getByRole('group', { name: 'Format' });
    await fmt.getByRole('button', { name: 'Raw' }).click();
    await page.locator('.logs-raw .log-line').first().waitFor();
    check(options().format === 'raw', `options.format raw, got ${JSON.stringify(options())}`);
    check(/\d{2}:\d{2}:\d{2}.* \| .*line \d+/.test(await page.locator('.logs-raw .log-line').first().innerText()), 'raw line is "time | body"');
    await fmt.getByRole('button', { name: 'Column' }).click();
    await page.locator('table.logs.columns tbody tr').first().waitFor();
    check(options().format === 'table', 'options.format table');
    await fmt.getByRole('button', { name: 'Default' }).click();
    await page.locator('table.logs:not(.columns) tbody tr').first().waitFor();
    check(options().format === 'list', 'options.format list');
    log(`ok: ${step}`);

    step = 'chosen column shows in the rows';
    await page.getByLabel('Add column').fill('http.route');
    await page.getByLabel('Add column').press('Enter');
    await page.locator('table.logs .log-field[data-column="http.route"]').first().waitFor();
    const routes = await page.locator('table.logs tbody tr .log-field[data-column="http.route"]').allInnerTexts();
    check(routes.length === 2 * N && routes.every((t) => /^http\.route: \/api\/item\/\d+$/.test(t)), `route fields: ${routes.slice(0, 3)}`);
    check(options().selectColumns[0].key === 'http.route', 'selectColumns in the URL');
    await fmt.getByRole('button', { name: 'Column' }).click();
    await page.locator('table.logs.columns th[data-column="http.route"]').waitFor();
    const cells = await page.locator('table.logs.columns tbody td[data-column="http.route"]').allInnerTexts();
    check(cells.every((t) => /^\/api\/item\/\d+$/.test(t)), `route cells: ${cells.slice(0, 3)}`);
    await page.getByLabel('Max lines per row').fill('1');
    await page.getByLabel('Max lines per row').press('Enter');
    await page.waitForFunction(() => /"maxLines":1/.test(decodeURIComponent(location.search)));
    check(/line-clamp:\s*1/.test(await page.locator('table.logs .log-body').first().getAttribute('style')), 'body clamped to 1 line');
    // Reload keeps the view; a SigNoz-shaped link (v0.39 writes JSON.stringify(options)) opens the same view.
    await page.reload();
    await page.locator('table.logs.columns td[data-column="http.route"]').first().waitFor();
    const signozOptions = { selectColumns: [{ key: 'order.id', dataType: 'int64', type: 'tag', isColumn: false, isJSON: false,
      id: 'order.id--int64--tag--false' }], maxLines: 3, format: 'table' };
    await page.goto(`${logsUrl}&options=${encodeURIComponent(JSON.stringify(signozOptions))}`);
    await page.locator('table.logs.columns td[data-column="order.id"]').first().waitFor();
    const ids = await page.locator('table.logs.columns td[data-column="order.id"]').allInnerTexts();
    check(ids.length === 2 * N && ids.every((t) => /^50\d\d$/.test(t)), `order.id cells ${ids.slice(0, 3)}`);
    await page.getByRole('button', { name: 'Remove column order.id' }).click();
    await page.locator('table.logs.columns th[data-column="order.id"]').waitFor({ state: 'detached' });
    log(`ok: ${step}`);

    step = 'context shows the neighbours from the same resource';
    await page.goto(logsUrl);
    await page.locator('table.logs tbody tr', { hasText: 'api line 15 ' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Log details' });
    await drawer.getByRole('tab', { name: 'Context' }).click();
    await drawer.locator('.ctx-before').first().waitFor();
    await drawer.locator('.ctx-after').first().waitFor();
    const lineNo = (t) => Number(/line (\d+)/.exec(t)?.[1]);
    const before = (await drawer.locator('.ctx-before').allInnerTexts());
    const after = (await drawer.locator('.ctx-after').allInnerTexts());
    check(before.every((t) => t.includes('api line')) && after.every((t) => t.includes('api line')), 'context mixes resources');
    check(JSON.stringify(before.map(lineNo)) === '[10,11,12,13,14]', `before: ${before.map(lineNo)}`);
    check(JSON.stringify(after.map(lineNo)) === '[16,17,18,19,20]', `after: ${after.map(lineNo)}`);
    check(/api line 15 /.test(await drawer.locator('.ctx-current').innerText()), 'the log itself is marked');
    await drawer.getByRole('button', { name: 'Show 10 earlier lines' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.ctx-before').length === 15);
    log(`ok: ${step}`);

    step = 'a histogram bar narrows the time range';
    await page.keyboard.press('Escape');
    await page.goto(logsUrl);
    const bar = page.locator('figure.volume rect.bar').first();
    await bar.waitFor();
    const ts = Number(await bar.getAttribute('data-ts'));
    await bar.click({ force: true });
    await page.waitForURL((u) => u.searchParams.get('start') === String(ts));
    check(new URL(page.url()).searchParams.get('end') === String(ts + stepS * 1000), 'end = bar + step');
    await page.locator('table.logs tbody tr').first().waitFor();
    const shown = await page.locator('figure.volume rect.bar').evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.dataset.count), 0));
    check(shown === bars[0][1], `zoomed histogram holds the bar's ${bars[0][1]} logs, got ${shown}`);
    log(`ok: ${step}`);

    step = 'traces list: page size and column picker';
    await page.goto(`${stack.web}/traces-explorer?start=${start}&end=${end}`);
    await page.locator('table.spans tbody tr').first().waitFor();
    check(await page.locator('table.spans tbody tr').count() === 25, 'v0.39 default page size 25');
    await page.getByLabel('Rows per page').selectOption('50');
    await page.waitForFunction(() => document.querySelectorAll('table.spans tbody tr').length === 50);
    check(JSON.parse(new URL(page.url()).searchParams.get('pagination')).limit === 50, 'pagination.limit in the URL');
    await page.getByLabel('Add column').fill('http.route');
    await page.getByLabel('Add column').press('Enter');
    await page.locator('table.spans th[data-column="http.route"]').waitFor();
    const col = await page.locator('table.spans thead th').allInnerTexts();
    const idx = col.indexOf('http.route');
    const vals = await page.locator(`table.spans tbody tr td:nth-child(${idx + 1})`).allInnerTexts();
    check(vals.length === 50 && vals.every((v) => /^\/shop\/[012]$/.test(v)), `http.route column: ${vals.slice(0, 3)}`);
    await page.getByRole('button', { name: 'Remove column httpMethod' }).click();
    await page.locator('table.spans th[data-column="httpMethod"]').waitFor({ state: 'detached' });
    log(`ok: ${step}`);

    step = 'traces facets: counts per value, a tick edits the builder';
    const facetCount = (facet, value) => page.locator(`details[data-facet="${facet}"] label[data-value="${value}"] .num`);
    // Attribute facets count once opened (status, service and operation are open).
    check(await page.locator('details[data-facet="http.route"] label').count() === 0, 'closed facet has no counts yet');
    await page.locator('details[data-facet="http.route"] summary').click();
    await facetCount('http.route', '/shop/0').waitFor();
    check(await facetCount('http.route', '/shop/0').innerText() === '20', 'route /shop/0 counts 20 spans');
    check(await facetCount('serviceName', 'shop-api').innerText() === '60', 'service shop-api counts 60 spans');
    check(await facetCount('hasError', 'false').innerText() === '60', 'status Ok counts 60 spans');
    await page.locator('details[data-facet="http.route"] label[data-value="/shop/0"] input').check();
    await page.waitForURL(/compositeQuery=/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table.spans tbody tr')];
      return rows.length === 20 && rows.every((tr) => tr.innerText.includes('/shop/0'));
    });
    // The route facet keeps counting the other routes; the service facet counts the narrowed spans.
    await page.waitForFunction(() => document.querySelector('details[data-facet="serviceName"] label[data-value="shop-api"] .num')?.textContent === '20');
    check(await facetCount('http.route', '/shop/1').innerText() === '20', 'a facet does not narrow its own counts');
    const filterKeys = JSON.parse(decodeURIComponent(new URL(page.url()).searchParams.get('compositeQuery')))
      .builder.queryData[0].filters.items.map((i) => `${i.key.key} ${i.op} ${JSON.stringify(i.value)}`);
    check(filterKeys.includes('http.route = "/shop/0"'), `builder filters: ${filterKeys}`);
    await page.locator('details[data-facet="http.route"] label[data-value="/shop/1"] input').check();
    await page.waitForFunction(() => document.querySelectorAll('table.spans tbody tr').length === 40);
    await page.getByLabel('Min duration (ms)').fill('50');
    await page.getByLabel('Min duration (ms)').press('Enter');
    // Spans last 5 + i ms: /shop/0 and /shop/1 from 50 ms are i = 45, 46, 48, …, 58.
    await page.waitForFunction(() => document.querySelectorAll('table.spans tbody tr').length === 10);
    await page.waitForFunction(() => {
      const q = JSON.parse(decodeURIComponent(new URL(location.href).searchParams.get('compositeQuery')));
      return q.builder.queryData[0].filters.items.some((i) => i.key.key === 'durationNano' && i.op === '>=' && i.value === 50e6);
    });
    log(`ok: ${step}`);

    step = 'saved views page: a view saved in the explorer, opened, renamed and deleted there';
    const views = async () => {
      const r = await fetch(`${stack.api}/api/v1/explorer/views?sourcePage=traces`, { headers: { authorization: `Bearer ${login.accessJwt}` } });
      return (await r.json()).data ?? [];
    };
    // The explorer still holds the facets' query (routes /shop/0 and /shop/1, from 50 ms: 10 spans).
    await page.getByLabel('View name').fill('e2e slow shop');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByRole('button', { name: 'Views ▾' }).click();
    await page.getByRole('link', { name: 'Manage views →' }).click();
    await page.waitForURL((u) => u.pathname === '/traces/saved-views' && u.searchParams.get('start') === String(start));
    const row = page.locator('table.saved-views-list tbody tr', { hasText: 'e2e slow shop' });
    await row.waitFor();
    check(await page.locator('table.saved-views-list tbody tr').count() === 1, 'one traces view');
    await row.getByRole('link', { name: 'e2e slow shop' }).click();
    await page.waitForURL((u) => u.pathname === '/traces-explorer' && u.searchParams.get('viewName') === '"e2e slow shop"');
    await page.waitForFunction(() => document.querySelectorAll('table.spans tbody tr').length === 10);
    const opened = JSON.parse(decodeURIComponent(new URL(page.url()).searchParams.get('compositeQuery')));
    check(opened.builder.queryData[0].filters.items.some((i) => i.key.key === 'durationNano' && i.value === 50e6), 'the view\'s filters open');
    check(await page.locator('.saved-views-list').count() === 0, 'left the list');
    await page.goto(`${stack.web}/traces/saved-views?start=${start}&end=${end}`);
    await page.getByRole('button', { name: 'Rename e2e slow shop' }).click();
    await page.getByLabel('New view name').fill('e2e renamed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('table.saved-views-list tbody tr', { hasText: 'e2e renamed' }).waitFor();
    const renamed = await views();
    check(renamed.length === 1 && renamed[0].name === 'e2e renamed', `renamed on the server: ${JSON.stringify(renamed.map((v) => v.name))}`);
    check(renamed[0].compositeQuery.builderQueries.A.filters.items.some((i) => i.key.key === 'durationNano'), 'rename keeps the query');
    await page.getByRole('button', { name: 'Delete e2e renamed' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('No saved views yet').waitFor();
    check((await views()).length === 0, 'deleted on the server');
    // The logs page lists only logs views; SigNoz v0.39's path for it leads there.
    await page.goto(`${stack.web}/logs-save-views`);
    await page.waitForURL((u) => u.pathname === '/logs/saved-views');
    await page.getByRole('heading', { name: 'Logs views' }).waitFor();
    await page.getByText('No saved views yet').waitFor();
    log(`ok: ${step}`);

    step = 'heatmap: cells sum to a direct query_range count';
    await page.goto(`${stack.web}/traces-explorer?start=${start}&end=${end}`);
    await page.getByRole('tab', { name: 'Heatmap' }).click();
    await page.locator('figure.heatmap rect.cell').first().waitFor();
    const heatUrl = new URL(page.url());
    check(heatUrl.searchParams.get('heatmap') === 'true' && heatUrl.searchParams.get('panelTypes') === '"graph"', `heatmap URL: ${heatUrl.search}`);
    const heatCells = await page.locator('figure.heatmap rect.cell').evaluateAll((rs) =>
      rs.map((r) => ({ b: r.dataset.bucket, n: Number(r.dataset.count), title: r.querySelector('title')?.textContent ?? '' })));
    const spanCount = await j('v3/query_range', { start, end, step: stepS, variables: {}, compositeQuery: {
      queryType: 'builder', panelType: 'graph', builderQueries: { A: {
        queryName: 'A', dataSource: 'traces', aggregateOperator: 'count', aggregateAttribute: { key: '' },
        filters: { items: [], op: 'AND' }, groupBy: [], expression: 'A', disabled: false, stepInterval: stepS,
        orderBy: [], having: [], reduceTo: 'sum', legend: '' } } } }, login.accessJwt);
    const wantSpans = spanCount.data.result[0].series[0].values.reduce((s, p) => s + Number(p.value), 0);
    const drawn = heatCells.reduce((s, c) => s + c.n, 0);
    check(wantSpans === 60 && drawn === wantSpans, `heatmap cells sum ${drawn}, query_range count ${wantSpans}`);
    // Spans last 5 + i ms, i < 60: 5 in 5–10 ms, 10 in 10–20, 30 in 20–50, 15 in 50–100.
    const perBucket = {};
    for (const c of heatCells) perBucket[c.b] = (perBucket[c.b] ?? 0) + c.n;
    const sorted = (o) => JSON.stringify(Object.entries(o).sort());
    check(sorted(perBucket) === sorted({ '50–100 ms': 15, '20–50 ms': 30, '10–20 ms': 10, '5–10 ms': 5 }),
      `per bucket: ${JSON.stringify(perBucket)}`);
    check(heatCells.every((c) => / · .*: \d+ spans?$/.test(c.title)), `cell titles: ${heatCells[0].title}`);
    check(await page.locator('figure.heatmap .heat-swatch').count() >= 2, 'legend');
    log(`ok: ${step} (${heatCells.length} cells, ${drawn} spans)`);

    check(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
    log('all ok');
  } finally {
    if (browser) await browser.close().catch(() => {});
    stack.stop();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`[explorer] FAILED at "${step}": ${e.stack || e}`);
  process.exit(1);
});
