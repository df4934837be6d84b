// End-to-end: the service detail page as SigNoz v0.39 has it, through real nginx + our server
// in headless Chromium, with spans from the real OpenTelemetry JS SDK (examples/web/api's
// pinned @opentelemetry/sdk-trace-node, exported as OTLP/HTTP JSON): server calls, DB calls
// (CLIENT spans with db.system) and external calls (CLIENT spans with http.host or
// net.peer.name/port). The DB Call Metrics and External Metrics tabs draw non-empty charts
// whose numbers are those of a direct query_range with SigNoz v0.39's own span-metric queries;
// the Apdex threshold saves and survives a reload; a click on a chart point opens the traces
// explorer on that service around that time; a chart's "Create alert" opens the rule editor
// with that chart's query.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startStack, CHROMIUM_ARGS, chromium, ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'examples/web/api/package.json'));
const { trace, context, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const TIMEOUT = 20_000;
const SERVICE = 'shop-api';
const t0 = Date.now();
let step = 'start';
const log = (m) => console.log(`[service ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

/**
 * Four whole minutes of traffic ending a minute before `endMs`: per minute 4 requests
 * (one failing), each with a postgresql query, a redis get every other request, a call to
 * the payments API (the failing request's call fails) and one to the inventory API.
 */
async function seed(otlp, endMs) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE, 'deployment.environment': 'e2e' }),
    // One batch: the exporter drops exports beyond its concurrency limit.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }), { maxExportBatchSize: 1000, maxQueueSize: 2000 })],
  });
  const tracer = provider.getTracer('service-e2e');
  const span = (name, kind, start, dur, attributes, parent, error = false) => {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const s = tracer.startSpan(name, { kind, attributes, startTime: start }, ctx);
    if (error) s.setStatus({ code: SpanStatusCode.ERROR });
    s.end(start + dur);
    return s;
  };
  for (let m = 5; m >= 2; m--) {
    const minute = endMs - m * 60_000;
    for (let i = 0; i < 4; i++) {
      const at = minute + 1_000 + i * 10_000;
      const failing = i === 3;
      const root = tracer.startSpan('GET /checkout', {
        kind: SpanKind.SERVER, startTime: at,
        attributes: { 'http.method': 'GET', 'http.route': '/checkout', 'http.status_code': failing ? 500 : 200 },
      });
      span('SELECT cart', SpanKind.CLIENT, at + 2, 10 + i * 5, { 'db.system': 'postgresql', 'db.name': 'shop' }, root);
      if (i % 2 === 0) span('GET', SpanKind.CLIENT, at + 30, 2, { 'db.system': 'redis' }, root);
      span('POST', SpanKind.CLIENT, at + 35, 40 + i * 10,
        { 'http.method': 'POST', 'http.host': 'payments.local:8443', 'http.url': 'https://payments.local:8443/charge', 'net.peer.name': 'payments.local' },
        root, failing);
      span('GET', SpanKind.CLIENT, at + 100, 8,
        { 'http.method': 'GET', 'net.peer.name': 'inventory.local', 'net.peer.port': 9000 }, root);
      if (failing) root.setStatus({ code: SpanStatusCode.ERROR });
      root.end(at + 150 + i * 100);
    }
  }
  await provider.forceFlush();
  await provider.shutdown();
}

// SigNoz v0.39's own queries (container/MetricsApplication/MetricsPageQueries), written out
// here as its frontend sends them, independent of the dashboard's code.
const metricKey = (key) => ({ key, dataType: 'float64', isColumn: true, type: '' });
const svcIn = { id: '', key: { key: 'service_name', dataType: 'string', isColumn: false, type: 'resource' }, op: 'IN', value: [SERVICE] };
const addressKey = { dataType: 'string', isColumn: false, key: 'address', type: 'tag' };
const query = (name, metric, items, groupBy, disabled, legend = '') => ({
  queryName: name, expression: name, dataSource: 'metrics', aggregateOperator: 'sum_rate',
  aggregateAttribute: metricKey(metric), filters: { op: 'AND', items }, groupBy, having: [], orderBy: [],
  stepInterval: 60, limit: null, disabled, reduceTo: 'sum', legend,
});
const formula = (expression, legend) => ({ queryName: 'F1', expression, disabled: false, legend });
const V039 = {
  database_call_rps: { draw: 'A', builder: { A: query('A', 'signoz_db_latency_count', [svcIn], [{ dataType: 'string', isColumn: false, key: 'db_system', type: 'tag' }], false, '{{db_system}}') } },
  database_call_avg_duration: { draw: 'F1', builder: {
    A: query('A', 'signoz_db_latency_sum', [svcIn], [], true), B: query('B', 'signoz_db_latency_count', [svcIn], [], true),
    F1: formula('A/B', 'Average Duration') } },
  external_call_error_percentage: { draw: 'F1', builder: {
    A: query('A', 'signoz_external_call_latency_count', [svcIn, { id: '', key: { key: 'status_code', dataType: 'int64', isColumn: false, type: 'tag' }, op: 'IN', value: ['STATUS_CODE_ERROR'] }], [addressKey], true),
    B: query('B', 'signoz_external_call_latency_count', [svcIn], [addressKey], true),
    F1: formula('A*100/B', '{{address}}') } },
  external_call_duration: { draw: 'F1', builder: {
    A: query('A', 'signoz_external_call_latency_sum', [svcIn], [], true), B: query('B', 'signoz_external_call_latency_count', [svcIn], [], true),
    F1: formula('A/B', 'Average Duration') } },
  external_call_rps_by_address: { draw: 'A', builder: { A: query('A', 'signoz_external_call_latency_count', [svcIn], [addressKey], false, '{{address}}') } },
  external_call_duration_by_address: { draw: 'F1', builder: {
    A: query('A', 'signoz_external_call_latency_sum', [svcIn], [addressKey], true), B: query('B', 'signoz_external_call_latency_count', [svcIn], [addressKey], true),
    F1: formula('A/B', '{{address}}') } },
};

/** `{label text: {ts: value}}` of one result of a query_range reply. */
function seriesOf(reply, name) {
  const out = {};
  const res = (reply.data?.result ?? []).find((r) => r.queryName === name);
  for (const s of res?.series ?? []) {
    const label = Object.values(s.labels ?? {}).join(',');
    out[label] = Object.fromEntries((s.values ?? []).map((p) => [p.timestamp, Number(p.value)]));
  }
  return out;
}

async function main() {
  const stack = await startStack();
  let browser;
  try {
    const j = async (path, body, token) => {
      const r = await fetch(`${stack.api}/api/${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('v1/register', { name: 'svc', orgName: 'svc', email: 'svc@e2e.test', password: 'service-e2e-pw' });
    const login = await j('v1/login', { email: 'svc@e2e.test', password: 'service-e2e-pw' });
    const token = login.accessJwt;
    const endMs = Math.floor(Date.now() / 60_000) * 60_000;
    const startMs = endMs - 6 * 60_000;
    step = 'seed spans with the OpenTelemetry JS SDK';
    await seed(stack.otlp, endMs);
    log(`ok: ${step}`);

    step = 'direct query_range with v0.39\'s span-metric queries';
    const direct = {};
    for (const [id, q] of Object.entries(V039)) {
      const reply = await j('v3/query_range', {
        start: startMs, end: endMs, step: 60, variables: {},
        compositeQuery: { queryType: 'builder', panelType: 'graph', builderQueries: q.builder },
      }, token);
      direct[id] = seriesOf(reply, q.draw);
    }
    // Minutes with calls (a graph may also carry empty steps).
    const perMinute = (s) => Object.values(s ?? {}).filter((v) => v > 0);
    check(JSON.stringify(Object.keys(direct.database_call_rps).sort()) === '["postgresql","redis"]', `db systems: ${JSON.stringify(direct.database_call_rps)}`);
    check(perMinute(direct.database_call_rps.postgresql).length === 4 && perMinute(direct.database_call_rps.postgresql).every((v) => Math.abs(v - 4 / 60) < 1e-9),
      `postgresql: 4 calls a minute, ${JSON.stringify(direct.database_call_rps.postgresql)}`);
    check(perMinute(direct.database_call_rps.redis).every((v) => Math.abs(v - 2 / 60) < 1e-9), 'redis: 2 calls a minute');
    check(JSON.stringify(Object.keys(direct.external_call_rps_by_address).sort()) === '["inventory.local:9000","payments.local:8443"]',
      `addresses: ${Object.keys(direct.external_call_rps_by_address)}`);
    check(perMinute(direct.external_call_error_percentage['payments.local:8443']).every((v) => Math.abs(v - 25) < 1e-9), 'payments: 25 % errors');
    check(perMinute(direct.external_call_duration_by_address['inventory.local:9000']).every((v) => Math.abs(v - 8) < 1e-6), 'inventory: 8 ms');
    log(`ok: ${step}`);

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await ctx.addInitScript(([at, rt]) => {
      localStorage.setItem('AUTH_TOKEN', at);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // What the page itself received for each chart.
    const seen = [];
    page.on('response', async (r) => {
      if (!r.url().includes('/api/v3/query_range')) return;
      try { seen.push({ body: JSON.parse(r.request().postData() ?? '{}'), reply: await r.json() }); } catch { /* navigated away */ }
    });
    const pageSeries = (id) => {
      const q = V039[id];
      const metrics = Object.values(q.builder).filter((b) => b.aggregateAttribute).map((b) => `${b.queryName}:${b.aggregateAttribute.key}:${b.groupBy.map((g) => g.key)}:${b.filters.items.length}`).join('|');
      const hit = seen.filter((s) => Object.values(s.body.compositeQuery?.builderQueries ?? {}).filter((b) => b.aggregateAttribute)
        .map((b) => `${b.queryName}:${b.aggregateAttribute.key}:${(b.groupBy ?? []).map((g) => g.key)}:${b.filters.items.length}`).join('|') === metrics);
      check(hit.length > 0, `the page sent no query like v0.39's ${id}`);
      return seriesOf(hit[hit.length - 1].reply, q.draw);
    };
    const chart = (id) => page.locator(`[data-testid="${id}"] figure.chart`);
    const range = `start=${startMs}&end=${endMs}`;

    for (const [tab, ids] of [['DB_CALL_METRICS', ['database_call_rps', 'database_call_avg_duration']],
      ['EXTERNAL_METRICS', ['external_call_error_percentage', 'external_call_duration', 'external_call_rps_by_address', 'external_call_duration_by_address']]]) {
      step = `${tab} tab draws v0.39's charts with the direct numbers`;
      seen.length = 0;
      await page.goto(`${stack.web}/services/${SERVICE}?${range}&tab=${tab}`);
      await page.getByRole('tab', { name: tab === 'DB_CALL_METRICS' ? 'DB Call Metrics' : 'External Metrics' }).waitFor();
      for (const id of ids) {
        await chart(id).locator('svg path[d^="M"]').first().waitFor({ state: 'attached' });
        const legend = await chart(id).locator('ul.legend').innerText();
        for (const name of Object.keys(direct[id])) {
          check(name === '' || legend.includes(name), `${id}: legend ${legend} lacks ${name}`);
        }
        const got = pageSeries(id);
        check(JSON.stringify(got) === JSON.stringify(direct[id]), `${id}: page ${JSON.stringify(got)} != direct ${JSON.stringify(direct[id])}`);
        check(Object.values(got).every((s) => Object.keys(s).length > 0), `${id}: empty series`);
      }
      log(`ok: ${step}`);
    }

    step = 'the resource filter narrows the span-metric charts';
    const filter = (operator) => Buffer.from(JSON.stringify([{ id: '1', tagKey: 'resource_deployment_environment', operator, tagValue: ['e2e'] }])).toString('base64');
    await page.goto(`${stack.web}/services/${SERVICE}?${range}&tab=DB_CALL_METRICS&resourceAttribute=${encodeURIComponent(filter('Not IN'))}`);
    await chart('database_call_rps').getByText('No data in this time range.').waitFor();
    await page.goto(`${stack.web}/services/${SERVICE}?${range}&tab=DB_CALL_METRICS&resourceAttribute=${encodeURIComponent(filter('IN'))}`);
    await chart('database_call_rps').locator('svg path[d^="M"]').first().waitFor({ state: 'attached' });
    await page.goto(`${stack.web}/services/${SERVICE}?${range}&tab=EXTERNAL_METRICS`);
    await chart('external_call_error_percentage').locator('svg path[d^="M"]').first().waitFor({ state: 'attached' });
    log(`ok: ${step}`);

    step = 'the tooltip shows the error percentage of payments';
    const box = await chart('external_call_error_percentage').locator('svg').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const tip = await chart('external_call_error_percentage').locator('.tooltip').innerText();
    check(/payments\.local:8443: 25%/.test(tip), `tooltip: ${tip}`);
    log(`ok: ${step}`);

    step = 'a click on a chart point opens the traces explorer around that time';
    await chart('external_call_rps_by_address').locator('svg').click({ position: { x: box.width * 0.6, y: box.height / 2 } });
    await page.waitForURL(/\/traces-explorer\?/);
    const url = new URL(page.url());
    const from = Number(url.searchParams.get('start'));
    const to = Number(url.searchParams.get('end'));
    check(from >= startMs && from < endMs && to - from === 60_000, `explorer window ${from}..${to}`);
    const cq = JSON.parse(decodeURIComponent(url.searchParams.get('compositeQuery')));
    const items = cq.builder.queryData[0].filters.items;
    check(items.some((i) => i.key.key === 'serviceName' && i.value === SERVICE), 'explorer filtered on the service');
    check(items.some((i) => i.key.key === 'kind' && i.value === 3), 'explorer filtered on client spans');
    // The explorer runs the query from the URL and lists the service's client spans.
    await page.locator('table.data tbody tr', { hasText: SERVICE }).first().waitFor();
    const rows = await page.locator('table.data tbody tr', { hasText: SERVICE }).allInnerTexts();
    check(rows.every((r) => !/GET \/checkout/.test(r)), `only client spans listed: ${rows.join(' | ')}`);
    check(rows.some((r) => /\bPOST\b/.test(r)), `the payments calls are listed: ${rows.join(' | ')}`);
    log(`ok: ${step}`);

    step = 'Apdex chart and settings save and reload';
    await page.goto(`${stack.web}/services/${SERVICE}?${range}`);
    await page.locator('[data-testid="apdex"] svg path[d^="M"]').first().waitFor({ state: 'attached' });
    check(/threshold 0\.5 s/.test(await page.locator('[data-testid="apdex"] figcaption').innerText()), 'default threshold 0.5 s');
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Application Settings' });
    const input = dialog.getByLabel('Apdex threshold (in seconds)');
    check(await input.inputValue() === '0.5', 'dialog shows the saved threshold');
    await input.fill('0.02');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Apdex threshold saved.').waitFor();
    await page.locator('[data-testid="apdex"] figcaption', { hasText: 'threshold 0.02 s' }).waitFor();
    const saved = await j(`v1/settings/apdex?services=${SERVICE}`, null, token);
    check(saved[0].threshold === 0.02 && saved[0].serviceName === SERVICE, `saved: ${JSON.stringify(saved)}`);
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    check(await page.getByRole('dialog', { name: 'Application Settings' }).getByLabel('Apdex threshold (in seconds)').inputValue() === '0.02', 'threshold kept after reload');
    log(`ok: ${step}`);

    step = 'a chart\'s "Create alert" opens the rule editor with that chart\'s query';
    // What the editor holds: the query builder's names, the text and values of its fields.
    const editorQuery = async () => {
      const form = page.getByRole('form', { name: 'Alert rule editor' });
      await form.locator('fieldset.qb-query').first().waitFor();
      return {
        names: await form.locator('fieldset.qb-query .qb-name').allInnerTexts(),
        text: (await form.innerText()) + (await form.locator('input, select').evaluateAll((els) => els.map((e) => e.value).join(' '))),
        type: await form.getByLabel('Alert type').inputValue(),
      };
    };
    await page.goto(`${stack.web}/services/${SERVICE}?${range}&tab=DB_CALL_METRICS`);
    await chart('database_call_rps').locator('svg path[d^="M"]').first().waitFor({ state: 'attached' });
    await chart('database_call_rps').getByRole('link', { name: 'Create alert' }).click();
    await page.waitForURL((u) => u.pathname === '/alerts/new');
    const linked = JSON.parse(decodeURIComponent(new URL(page.url()).searchParams.get('compositeQuery')));
    check(JSON.stringify(linked).includes('signoz_db_latency_count'), `the link carries the DB calls query: ${JSON.stringify(linked).slice(0, 300)}`);
    let ed = await editorQuery();
    check(ed.type === 'METRIC_BASED_ALERT', `DB calls alert type ${ed.type}`);
    check(ed.text.includes(SERVICE) && ed.text.includes('signoz_db_latency_count'), `the editor shows the service's DB calls query: ${ed.text.slice(0, 400)}`);
    await page.goto(`${stack.web}/services/${SERVICE}?${range}`);
    const latency = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Latency' }) });
    await latency.locator('svg path[d^="M"]').first().waitFor({ state: 'attached' });
    await latency.getByRole('link', { name: 'Create alert' }).click();
    await page.waitForURL((u) => u.pathname === '/alerts/new');
    ed = await editorQuery();
    check(ed.type === 'TRACES_BASED_ALERT', `latency alert type ${ed.type}`);
    check(JSON.stringify(ed.names) === '["A","B","C"]', `latency queries p50/p90/p99: ${ed.names}`);
    check(ed.text.includes(SERVICE), `the editor shows the service filter: ${ed.text.slice(0, 400)}`);
    log(`ok: ${step}`);

    check(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
    log('all passed');
  } finally {
    if (browser) await browser.close().catch(() => {});
    stack.stop();
  }
}

main().catch((e) => {
  console.error(`[service] FAILED at ${step}: ${e.stack || e}`);
  process.exitCode = 1;
});
