// Benchmark (not a test): how fast the trace view is usable for a 10 000-,
// 100 000- and 1 000 000-span trace, in headless Chromium, through the real
// stack (nginx + dist/ + our server). The compact reply streams in, so two
// moments: "first rows interactive" = the waterfall has rows in the DOM and its
// scroller is marked ready (the Leptos view is mounted with its handlers), and
// "all spans loaded" = the page marks the trace complete. Also when the trace
// API reply finished arriving, one keypress → repaint and applying the
// in-trace "errors" filter (click → "N hidden" rows painted) once complete,
// and the renderer processes' peak resident memory (VmHWM).
// TRACE_SIZES=10000,100000 limits the sizes; TRACE_REPLY=v0.39 makes the page use the v0.39
// trace route (the compact route answers 404, as on SigNoz).
// bench.mjs --with dashboard calls measureTraceTti(); alone:
//   SERVER_BIN=target/release/server node bench/dashboard/trace-tti.mjs [runs]
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { startStack, CHROMIUM_ARGS, chromium } from '../../tests/dashboard/harness.mjs';
import { bigTrace, post } from '../../tests/dashboard/seed.mjs';

export const TRACE_SIZES = (process.env.TRACE_SIZES || '10000,100000,1000000').split(',').map(Number);

// Peak resident memory (VmHWM, MB) of the browser's renderer processes: the
// tab, its JS heap and its wasm memory together.
function rendererPeakMb(browserPid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch { /* exited */ }
  }
  let peak = 0;
  const walk = (pid) => {
    for (const c of children.get(pid) || []) {
      try {
        const cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8');
        if (cmd.includes('--type=renderer')) {
          const m = readFileSync(`/proc/${c}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
          if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        }
      } catch { /* exited */ }
      walk(c);
    }
  };
  walk(browserPid);
  return Math.round(peak);
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

// Opens the trace view once in a fresh context; returns the sample and the
// same-origin paths the page fetched (everything but the API).
async function sample(browser, stack, login, traceId, browserPid) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await ctx.addInitScript(([a, rt]) => {
      localStorage.setItem('AUTH_TOKEN', a);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
      // Record the moment the waterfall is ready and has rows, and the moment the whole
      // trace is in (a build without streaming has no data-loaded: the same moment).
      new MutationObserver((_, obs) => {
        if (window.__tti === undefined && document.querySelector('.wf-scroll[data-ready] .wf-row')) {
          window.__tti = performance.now();
          window.__firstNote = document.querySelector('.trace-loading')?.textContent || '';
        }
        const page = document.querySelector('.trace-page');
        if (window.__tti !== undefined && page && page.getAttribute('data-loaded') !== 'partial') {
          window.__loaded = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, childList: true, attributes: true });
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    const fetched = [];
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (u.origin === stack.web && !u.pathname.startsWith('/api/')) fetched.push(u.pathname);
    });
    // TRACE_REPLY=v0.39: our server as SigNoz v0.39 would answer (404 for the compact route).
    if (process.env.TRACE_REPLY === 'v0.39') await page.route('**/api/v1/traces/*/compact', (r) => r.fulfill({ status: 404, body: '404 page not found' }));
    await page.goto(`${stack.web}/trace/${traceId}?range=1h`);
    await page.waitForFunction(() => window.__tti !== undefined, null, { timeout: 300_000 });
    const tti = await page.evaluate(() => window.__tti);
    // While the rest streams in: one keypress → repaint.
    const keyLoadingMs = await page.evaluate(() => new Promise((resolve) => {
      const el = document.querySelector('.wf-scroll');
      const t = performance.now();
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
    }));
    await page.waitForFunction(() => window.__loaded !== undefined, null, { timeout: 600_000 });
    const loaded = await page.evaluate(() => window.__loaded);
    const firstNote = await page.evaluate(() => window.__firstNote);
    // Split: when the trace API reply finished arriving vs. client work after it.
    const apiEnd = await page.evaluate(() => {
      const e = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/traces/')).pop();
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
    // The in-trace filter: errors only, click → the "N hidden" rows painted.
    // (NaN on a dist/ without the filter, e.g. an older build measured for comparison.)
    const hasFilter = (await page.locator('.filter-errors').count()) > 0;
    if (hasFilter) await page.locator('.filter-errors').check();
    const filterMs = !hasFilter ? NaN : await page.evaluate(() => new Promise((resolve) => {
      const t = performance.now();
      const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
      new MutationObserver((_, obs) => {
        if (document.querySelector('.wf-row.wf-hidden')) { obs.disconnect(); done(); }
      }).observe(document, { subtree: true, childList: true });
      document.querySelector('.filter-apply').click();
    }));
    const jsHeapMb = await page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : NaN));
    const peakMb = browserPid ? rendererPeakMb(browserPid) : NaN;
    return { tti, loaded, firstNote, keyLoadingMs, keyMs, rows, count, apiEnd, fetched, filterMs, jsHeapMb, peakMb };
  } finally {
    await ctx.close();
  }
}

// Starts the stack, ingests one trace per size, opens each `runs` times.
// Returns { sizes: [{spans, median_tti_ms (first rows), median_all_loaded_ms, runs: [...]}], fetchedPaths }.
export async function measureTraceTti({ runs = 3, serverBin, dist, sizes = TRACE_SIZES, log = console.log } = {}) {
  let stack;
  let browser;
  try {
    stack = await startStack({ ...(serverBin ? { serverBin } : {}), ...(dist ? { dist } : {}) });
    const traces = {};
    for (const n of sizes) {
      const t0 = Date.now();
      const t = bigTrace(n, Date.now(), `bench-${n}`);
      for (const p of t.payloads) {
        // One retry: on this shared machine a post now and then loses its connection.
        await post(`${stack.otlp}/v1/traces`, p).catch(async (e) => {
          log(`seed post failed (${e.cause?.code || e.message}), retrying once`);
          await new Promise((r) => setTimeout(r, 1000));
          await post(`${stack.otlp}/v1/traces`, p);
        });
      }
      traces[n] = t.traceId;
      log(`seeded ${n} spans in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    // Admin account + tokens, as the login page would store them.
    const j = async (path, body) => {
      const r = await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await j('register', { name: 'bench', orgName: 'bench', email: 'bench@b.test', password: 'benchmark-pw' });
    const login = await j('login', { email: 'bench@b.test', password: 'benchmark-pw' });

    const results = [];
    let fetchedPaths = null;
    for (const n of sizes) {
      // A fresh browser per size, so the renderer's peak memory is this size's.
      if (browser) await browser.close();
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const browserPid = process.pid; // the renderers are found among our descendants
      const samples = [];
      for (let r = 0; r < runs; r++) samples.push(await sample(browser, stack, login, traces[n], browserPid));
      fetchedPaths ??= [...new Set(samples[0].fetched)];
      const ttis = samples.map((s) => s.tti);
      const loads = samples.map((s) => s.loaded);
      const filters = samples.map((s) => s.filterMs);
      const peakMb = Math.max(...samples.map((s) => s.peakMb));
      results.push({ spans: n, median_tti_ms: Math.round(median(ttis)), median_all_loaded_ms: Math.round(median(loads)), median_filter_ms: Math.round(median(filters)), peak_renderer_mb: peakMb, runs: samples.map((s) => ({ tti_ms: Math.round(s.tti), first_note: s.firstNote, all_loaded_ms: Math.round(s.loaded), key_while_loading_ms: Math.round(s.keyLoadingMs), api_reply_done_ms: Math.round(s.apiEnd), client_after_reply_ms: Math.round(s.loaded - s.apiEnd), key_ms: Math.round(s.keyMs), filter_ms: Math.round(s.filterMs), js_heap_mb: s.jsHeapMb, dom_rows: s.rows, span_count: s.count })) });
      log(`${n} spans: first rows interactive, median ${Math.round(median(ttis))} ms (runs: ${ttis.map(Math.round).join(', ')}; "${samples[0].firstNote}"); all spans loaded, median ${Math.round(median(loads))} ms (runs: ${loads.map(Math.round).join(', ')}); keypress→paint while loading ${samples.map((s) => Math.round(s.keyLoadingMs)).join(', ')} ms; trace API reply complete at ${samples.map((s) => Math.round(s.apiEnd)).join(', ')} ms; keypress→paint ${samples.map((s) => Math.round(s.keyMs)).join(', ')} ms; errors filter applied in ${Math.round(median(filters))} ms median (${filters.map(Math.round).join(', ')}); renderer peak memory ${peakMb} MB, JS heap ${samples.map((s) => s.jsHeapMb).join(', ')} MB; DOM rows ${samples[0].rows}`);
    }
    return { sizes: results, fetchedPaths };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { sizes } = await measureTraceTti({ runs: Number(process.argv[2] || 5), serverBin: process.env.SERVER_BIN, dist: process.env.DIST });
    console.log(JSON.stringify(sizes));
  } catch (e) {
    console.error(e.stack || e);
    process.exitCode = 1;
  }
}
