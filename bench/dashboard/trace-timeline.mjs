// Diagnostic (not a test): when each batch of a streamed trace reached the view. Opens one
// trace of TRACE_SIZE spans and prints the "loading N of M" notes with their times, the
// moment the rows first showed and the moment the trace was complete.
//   SERVER_BIN=target/release/server TRACE_SIZE=100000 node bench/dashboard/trace-timeline.mjs
import { startStack, CHROMIUM_ARGS, chromium } from '../../tests/dashboard/harness.mjs';
import { bigTrace, post } from '../../tests/dashboard/seed.mjs';

const n = Number(process.env.TRACE_SIZE || 100000);
const stack = await startStack({ ...(process.env.SERVER_BIN ? { serverBin: process.env.SERVER_BIN } : {}) });
let browser;
try {
  const t = bigTrace(n, Date.now(), `timeline-${n}`);
  for (const p of t.payloads) await post(`${stack.otlp}/v1/traces`, p);
  const j = async (path, body) => (await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  await j('register', { name: 'b', orgName: 'b', email: 'b@b.test', password: 'benchmark-pw' });
  const login = await j('login', { email: 'b@b.test', password: 'benchmark-pw' });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  for (let run = 0; run < Number(process.env.RUNS || 2); run++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await ctx.addInitScript(([a, rt]) => {
      localStorage.setItem('AUTH_TOKEN', a);
      localStorage.setItem('REFRESH_AUTH_TOKEN', rt);
      window.__events = [];
      let last = '';
      new MutationObserver(() => {
        const rows = document.querySelector('.wf-scroll[data-ready] .wf-row') ? 'rows' : '';
        const note = document.querySelector('.trace-loading')?.textContent || '';
        const state = document.querySelector('.trace-page')?.getAttribute('data-loaded') || '';
        const key = `${rows} ${note} ${state}`;
        if (key !== last) { last = key; window.__events.push([Math.round(performance.now()), key]); }
      }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    }, [login.accessJwt, login.refreshJwt]);
    const page = await ctx.newPage();
    await page.goto(`${stack.web}/trace/${t.traceId}?range=1h`);
    await page.waitForSelector('.trace-page[data-loaded=complete]', { timeout: 600_000 });
    const events = await page.evaluate(() => window.__events);
    const api = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/traces/')).map((r) => [r.name.split('/').pop(), Math.round(r.requestStart), Math.round(r.responseStart), Math.round(r.responseEnd)]));
    console.log(`run ${run + 1}: trace requests [name, request start, first byte, end] ${JSON.stringify(api)}`);
    for (const [ms, key] of events) console.log(`  ${ms} ms  ${key}`);
    await ctx.close();
  }
} finally {
  if (browser) await browser.close();
  stack.stop();
}
