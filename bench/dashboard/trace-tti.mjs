// Benchmark (not a test): time to interactive of the trace view for a
// 10 000- and a 100 000-span trace, in headless Chromium, through the real
// stack (nginx + dist/ + our server). "Interactive" = the waterfall has
// rows in the DOM and its scroller is marked ready (the Leptos view is
// mounted with its handlers); we then also time one keypress → repaint.
//   node bench/dashboard/trace-tti.mjs [runs]
import { startStack, CHROMIUM_ARGS, chromium } from '../../tests/dashboard/harness.mjs';
import { bigTrace, post } from '../../tests/dashboard/seed.mjs';

const runs = Number(process.argv[2] || 3);
const sizes = [10_000, 100_000];
let stack, browser;
try {
  stack = await startStack(process.env.SERVER_BIN ? { serverBin: process.env.SERVER_BIN } : {});
  const traces = {};
  for (const n of sizes) {
    const t = bigTrace(n, Date.now(), `bench-${n}`);
    for (const p of t.payloads) await post(`${stack.otlp}/v1/traces`, p);
    traces[n] = t.traceId;
  }
  // Admin account + tokens, as the login page would store them.
  const j = async (path, body) => {
    const r = await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  await j('register', { name: 'bench', orgName: 'bench', email: 'bench@b.test', password: 'benchmark-pw' });
  const login = await j('login', { email: 'bench@b.test', password: 'benchmark-pw' });

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const results = [];
  for (const n of sizes) {
    const samples = [];
    for (let r = 0; r < runs; r++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await ctx.addInitScript(([a, rt]) => {
        localStorage.setItem('AUTH_TOKEN', a);
        localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
        // Record the moment the waterfall is ready and has rows.
        new MutationObserver((_, obs) => {
          if (document.querySelector('.wf-scroll[data-ready] .wf-row')) { window.__tti = performance.now(); obs.disconnect(); }
        }).observe(document, { subtree: true, childList: true, attributes: true });
      }, [login.accessJwt, login.refreshJwt]);
      const page = await ctx.newPage();
      await page.goto(`${stack.web}/trace/${traces[n]}?range=1h`);
      await page.waitForFunction(() => window.__tti !== undefined, null, { timeout: 120_000 });
      const tti = await page.evaluate(() => window.__tti);
      // Split: when the trace API reply finished arriving vs. client work after it.
      const apiEnd = await page.evaluate(() => {
        const e = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/traces/'));
        return e ? e.responseEnd : NaN;
      });
      const count = await page.locator('.span-count').innerText();
      // One keypress → the cursor row repaints.
      await page.locator('.wf-scroll').focus();
      const keyMs = await page.evaluate(() => new Promise((resolve) => {
        const el = document.querySelector('.wf-scroll');
        const t = performance.now();
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
      }));
      const rows = await page.locator('.wf-row').count();
      samples.push({ tti, keyMs, rows, count, apiEnd });
      await ctx.close();
    }
    const ttis = samples.map((s) => s.tti).sort((a, b) => a - b);
    const median = ttis[Math.floor(ttis.length / 2)];
    results.push({ spans: n, median_tti_ms: Math.round(median), runs: samples.map((s) => ({ tti_ms: Math.round(s.tti), api_reply_done_ms: Math.round(s.apiEnd), client_after_reply_ms: Math.round(s.tti - s.apiEnd), key_ms: Math.round(s.keyMs), dom_rows: s.rows, span_count: s.count })) });
    console.log(`${n} spans: median time to interactive ${Math.round(median)} ms (runs: ${ttis.map(Math.round).join(', ')}); trace API reply complete at ${samples.map((s) => Math.round(s.apiEnd)).join(', ')} ms; keypress→paint ${samples.map((s) => Math.round(s.keyMs)).join(', ')} ms; DOM rows ${samples[0].rows}`);
  }
  console.log(JSON.stringify(results));
} catch (e) {
  console.error(e.stack || e);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (stack) stack.stop();
}
