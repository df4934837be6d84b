// Benchmark (not a test): the traces explorer with 1 000 000 spans stored on our
// server (100 000 ten-span traces from 10 services over the last hour), through the
// real stack (nginx + dist/ + our server) in headless Chromium. One sample = from a
// click on a service in the facets panel (which edits the builder's filters and runs
// the query) to the List view drawn again with only that service's spans.
// Goal: ≤ 300 ms. Each run also records, from navigation, when the list and when every
// facet's counts were drawn. Alone:
//   SERVER_BIN=target/release/server node bench/dashboard/explorer-filter.mjs [runs, default 10]
// SPANS=100000 seeds fewer spans.
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startStack, CHROMIUM_ARGS, chromium } from '../../tests/dashboard/harness.mjs';
import { post } from '../../tests/dashboard/seed.mjs';

const SERVICES = 10;
const PER_TRACE = 10;
const BATCH = 2000;
const hex = (n) => randomBytes(n).toString('hex');
const str = (key, v) => ({ key, value: { stringValue: String(v) } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });

const quantile = (xs, q) => {
  const v = [...xs].sort((a, b) => a - b);
  const i = Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1));
  return v[i];
};

/** `total` spans as OTLP/JSON posts of BATCH spans, each post one service's traces. */
async function seed(otlp, total, log) {
  const now = Date.now();
  const t = Date.now();
  let sent = 0;
  let batchNo = 0;
  const inflight = [];
  while (sent < total) {
    const svc = `svc-${batchNo % SERVICES}`;
    const spans = [];
    while (spans.length < BATCH && sent + spans.length < total) {
      const traceId = hex(16);
      const rootId = hex(8);
      const start = BigInt(now - Math.floor(Math.random() * 3_500_000)) * 1000000n;
      for (let i = 0; i < PER_TRACE; i++) {
        const route = `/api/${svc}/r${(batchNo + i) % 20}`;
        const dur = BigInt(1 + Math.floor(Math.random() * 200)) * 1000000n;
        const s = start + BigInt(i) * 100000n;
        spans.push({ traceId, spanId: i === 0 ? rootId : hex(8), parentSpanId: i === 0 ? '' : rootId,
          name: i === 0 ? `GET ${route}` : `op ${i}`, kind: i === 0 ? 2 : 1,
          startTimeUnixNano: String(s), endTimeUnixNano: String(s + dur),
          attributes: [str('http.method', 'GET'), str('http.route', route), int('http.status_code', i % 13 === 0 ? 500 : 200)],
          status: { code: i % 13 === 0 ? 2 : 0 } });
      }
    }
    sent += spans.length;
    batchNo++;
    inflight.push(post(`${otlp}/v1/traces`, { resourceSpans: [{ resource: { attributes: [str('service.name', svc)] },
      scopeSpans: [{ scope: { name: 'explorer-bench' }, spans }] }] }));
    if (inflight.length >= 4) await inflight.shift();
    if (batchNo % 100 === 0) log(`  ${sent} spans sent (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  }
  await Promise.all(inflight);
  return (Date.now() - t) / 1000;
}

export async function measureExplorerFilter({ runs = 10, spans = 1_000_000, serverBin, dist, log = console.log } = {}) {
  let stack;
  let browser;
  try {
    stack = await startStack({ ...(serverBin ? { serverBin } : {}), ...(dist ? { dist } : {}) });
    const secs = await seed(stack.otlp, spans, log);
    log(`stored ${spans} spans in ${secs.toFixed(0)} s`);
    const j = async (path, body) => {
      const r = await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('register', { name: 'bench', orgName: 'bench', email: 'bench@b.test', password: 'benchmark-pw' });
    const login = await j('login', { email: 'bench@b.test', password: 'benchmark-pw' });

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    await ctx.addInitScript(([a, rt]) => {
      localStorage.setItem('AUTH_TOKEN', a);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    page.setDefaultTimeout(120_000);
    const samples = [];
    const loads = [];
    for (let r = 0; r < runs; r++) {
      const svc = `svc-${r % SERVICES}`;
      await page.goto(`${stack.web}/traces-explorer?range=1h`);
      await page.locator('table.spans tbody tr').first().waitFor();
      const listMs = await page.evaluate(() => performance.now());
      // Every open facet answered (values or "No values."): navigation → facet counts drawn.
      await page.waitForFunction(() => [...document.querySelectorAll('details.facet[open][data-facet]:not([data-facet="durationNano"])')]
        .every((d) => d.querySelector('label.facet-value, p.hint:not(:empty)') && !d.innerText.includes('…')));
      const facetsMs = await page.evaluate(() => performance.now());
      const box = page.locator(`details[data-facet="serviceName"] label[data-value="${svc}"] input`);
      await box.waitFor();
      // Let the facet counts finish so the sample is the filter change alone.
      await page.waitForLoadState('networkidle');
      loads.push({ listMs, facetsMs });
      const ms = await page.evaluate(async (want) => {
        const input = document.querySelector(`details[data-facet="serviceName"] label[data-value="${want}"] input`);
        const drawn = () => {
          const table = document.querySelector('table.spans');
          if (!table) return false;
          const head = [...table.querySelectorAll('thead th')].map((th) => th.dataset.column);
          const col = head.indexOf('serviceName');
          const rows = [...table.querySelectorAll('tbody tr')];
          return rows.length > 0 && rows.every((tr) => tr.cells[col]?.textContent === want);
        };
        const t0 = performance.now();
        input.click();
        return new Promise((resolve) => {
          const tick = () => (drawn() ? resolve(performance.now() - t0) : requestAnimationFrame(tick));
          requestAnimationFrame(tick);
        });
      }, svc);
      samples.push(ms);
      log(`run ${r + 1}: ${svc} → list drawn in ${Math.round(ms)} ms (page load: list at ${Math.round(loads.at(-1).listMs)} ms, facet counts at ${Math.round(loads.at(-1).facetsMs)} ms)`);
    }
    return { spans, runs, median_ms: Math.round(quantile(samples, 0.5)), p95_ms: Math.round(quantile(samples, 0.95)),
      samples_ms: samples.map(Math.round),
      load_list_median_ms: Math.round(quantile(loads.map((l) => l.listMs), 0.5)),
      load_facets_median_ms: Math.round(quantile(loads.map((l) => l.facetsMs), 0.5)) };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const r = await measureExplorerFilter({ runs: Number(process.argv[2] || 10), spans: Number(process.env.SPANS || 1_000_000),
      serverBin: process.env.SERVER_BIN });
    console.log(JSON.stringify(r));
  } catch (e) {
    console.error(e.stack || e);
    process.exitCode = 1;
  }
}
