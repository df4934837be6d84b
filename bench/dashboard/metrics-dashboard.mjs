// Benchmark (not a test): SigNoz's host-metrics dashboard (24 PromQL panels, variable
// `hostname`; tests/fixtures/signoz-dashboards/hostmetrics-with-variable.json) over the
// last 24 h, with ~1 000 000 metric points stored (24 h of one-minute collections from the
// OpenTelemetry JS SDK for 25 hostmetrics-like hosts plus a JVM and a Flask service), opened
// in headless Chromium through nginx + dist/ + our server. Time = navigation start → every
// panel drawn (no panel loading, each has data). Alone:
//   SERVER_BIN=target/release/server node bench/dashboard/metrics-dashboard.mjs [runs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, ROOT, CHROMIUM_ARGS, chromium } from '../../tests/dashboard/harness.mjs';
import { seedMetrics } from '../../tests/dashboard/metrics-seed.mjs';

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

export async function measureMetricsDashboard({ runs = 3, serverBin, dist, minutes = 1440, extraHosts = 23, log = console.log } = {}) {
  let stack;
  let browser;
  try {
    stack = await startStack({ ...(serverBin ? { serverBin } : {}), ...(dist ? { dist } : {}) });
    const t = Date.now();
    const points = await seedMetrics(stack.otlp, { minutes, extraHosts });
    log(`stored ${points} metric points in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const j = async (path, body, token) => {
      const r = await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('register', { name: 'bench', orgName: 'bench', email: 'bench@b.test', password: 'benchmark-pw' });
    const login = await j('login', { email: 'bench@b.test', password: 'benchmark-pw' });
    const data = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/signoz-dashboards/hostmetrics-with-variable.json'), 'utf8'));
    const uuid = (await j('dashboards', data, login.accessJwt)).data.uuid;

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const samples = [];
    for (let r = 0; r < runs; r++) {
      const ctx = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
      await ctx.addInitScript(([a, rt]) => {
        localStorage.setItem('AUTH_TOKEN', a);
        localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
      }, [login.accessJwt, login.refreshJwt]);
      const page = await ctx.newPage();
      await page.goto(`${stack.web}/dashboards/${uuid}?range=24h`);
      await page.waitForFunction((n) => {
        const bodies = document.querySelectorAll('.dash-grid .panel .panel-body');
        return bodies.length === n && [...bodies].every((b) => b.dataset.state !== 'loading');
      }, data.widgets.length, { timeout: 120_000 });
      const ms = await page.evaluate(() => performance.now());
      const drawn = await page.locator('.dash-grid [data-state="drawn"]').count();
      samples.push({ ms, drawn });
      log(`run ${r + 1}: ${data.widgets.length} panels, ${drawn} drawn, all done at ${Math.round(ms)} ms after navigation`);
      await ctx.close();
    }
    return { points, panels: data.widgets.length, median_ms: Math.round(median(samples.map((s) => s.ms))), runs: samples.map((s) => ({ ms: Math.round(s.ms), drawn: s.drawn })) };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const r = await measureMetricsDashboard({ runs: Number(process.argv[2] || 3), serverBin: process.env.SERVER_BIN });
    console.log(JSON.stringify(r));
  } catch (e) {
    console.error(e.stack || e);
    process.exitCode = 1;
  }
}
