// Benchmark (not a test): time to interactive of the trace view for a
// 10 000- and a 100 000-span trace, in headless Chromium, through the real
// stack (nginx + dist/ + our server). "Interactive" = the waterfall has
// rows in the DOM and its scroller is marked ready (the Leptos view is
// mounted with its handlers); we then also time one keypress → repaint.
// bench.mjs --with dashboard calls measureTraceTti(); alone:
//   SERVER_BIN=target/release/server node bench/dashboard/trace-tti.mjs [runs]
import { fileURLToPath } from 'node:url';
import { startStack } from '../../tests/support/servers.mjs';
import { launchChromium } from '../../tests/support/browsers.mjs';
import { bigTrace, post } from '../../tests/dashboard/seed.mjs';

export const TRACE_SIZES = [10_000, 100_000];

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

// Opens the trace view once in a fresh context; returns the sample and the
// same-origin paths the page fetched (everything but the API).
async function sample(browser, stack, login, traceId) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await ctx.addInitScript(([a, rt]) => {
      localStorage.setItem('AUTH_TOKEN', a);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
      // Record the moment the waterfall is ready and has rows.
      new MutationObserver((_, obs) => {
        if (document.querySelector('.wf-scroll[data-ready] .wf-row')) { window.__tti = performance.now(); obs.disconnect(); }
      }).observe(document, { subtree: true, childList: true, attributes: true });
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    const fetched = [];
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (u.origin === stack.web && !u.pathname.startsWith('/api/')) fetched.push(u.pathname);
    });
    await page.goto(`${stack.web}/trace/${traceId}?range=1h`);
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
    return { tti, keyMs, rows, count, apiEnd, fetched };
  } finally {
    await ctx.close();
  }
}

// Starts the stack, ingests one trace per size, opens each `runs` times.
// Returns { sizes: [{spans, median_tti_ms, runs: [...]}], fetchedPaths }.
export async function measureTraceTti({ runs = 3, serverBin, dist, sizes = TRACE_SIZES, log = console.log } = {}) {
  let stack;
  let browser;
  try {
    stack = await startStack({ ...(serverBin ? { serverBin } : {}), ...(dist ? { dist } : {}) });
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

    browser = await launchChromium();
    const results = [];
    let fetchedPaths = null;
    for (const n of sizes) {
      const samples = [];
      for (let r = 0; r < runs; r++) samples.push(await sample(browser, stack, login, traces[n]));
      fetchedPaths ??= [...new Set(samples[0].fetched)];
      const ttis = samples.map((s) => s.tti);
      results.push({ spans: n, median_tti_ms: Math.round(median(ttis)), runs: samples.map((s) => ({ tti_ms: Math.round(s.tti), api_reply_done_ms: Math.round(s.apiEnd), client_after_reply_ms: Math.round(s.tti - s.apiEnd), key_ms: Math.round(s.keyMs), dom_rows: s.rows, span_count: s.count })) });
      log(`${n} spans: median time to interactive ${Math.round(median(ttis))} ms (runs: ${ttis.map(Math.round).join(', ')}); trace API reply complete at ${samples.map((s) => Math.round(s.apiEnd)).join(', ')} ms; keypress→paint ${samples.map((s) => Math.round(s.keyMs)).join(', ')} ms; DOM rows ${samples[0].rows}`);
    }
    return { sizes: results, fetchedPaths };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { sizes } = await measureTraceTti({ runs: Number(process.argv[2] || 3), serverBin: process.env.SERVER_BIN });
    console.log(JSON.stringify(sizes));
  } catch (e) {
    console.error(e.stack || e);
    process.exitCode = 1;
  }
}
