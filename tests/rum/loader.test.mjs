// The loader: the package's entry installs the instrumentations' hooks at once and loads the
// wasm core off the critical path. Here the core is held back (the page's WebAssembly
// instantiate functions wait for a release) while the page makes 100 fetches, 20 of them from
// 20 clicks; then it is released. Every span arrives, with its real start time and its
// parent, and the allowed / not-allowed origins got / did not get `traceparent` before the core
// existed (a second server on 127.0.0.1 — listed — and localhost — not listed — records each
// request's headers). A core that cannot start (CSP) leaves the page's fetch as it was.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, startHeaderEcho, openBrowser, BROWSERS, testId, assertStartedAtItsCall } from './harness.mjs';

const rx = await startReceiver();
const { port, seen, stop: stopEcho } = await startHeaderEcho();
after(() => Promise.all([rx.stop(), stopEcho()]));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const kind of BROWSERS) {
  test(`${kind}: 100 fetches and 20 clicks before the core arrive with their times, parents and headers`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'loader');
      await b.get(rx.page('loader.html', id, { echo: String(port) }));
      await b.evalAsync('while (!window.loaded) await new Promise((r) => setTimeout(r, 10));');
      const marks = await b.evalAsync(`
        const port = ${port}, id = ${JSON.stringify(id)};
        const marks = [];
        const go = (url) => { marks.push({ url, at: performance.timeOrigin + performance.now() }); return fetch(url).then((r) => r.text()); };
        const all = [];
        document.getElementById('buy').addEventListener('click', (e) => {
          all.push(go('http://127.0.0.1:' + port + '/' + id + '/click/' + e.detail));
        });
        for (let i = 0; i < 40; i++) {
          all.push(go('http://127.0.0.1:' + port + '/' + id + '/listed/' + i));
          all.push(go('http://localhost:' + port + '/' + id + '/unlisted/' + i));
        }
        for (let i = 0; i < 20; i++) {
          document.getElementById('buy').dispatchEvent(new MouseEvent('click', { bubbles: true, detail: i }));
          await new Promise((r) => setTimeout(r, 5));
        }
        await Promise.all(all);
        return marks;`);
      assert.equal(marks.length, 100);
      assert.equal(await b.eval('return window.coreRequested && !window.sdk'), true, 'the core was held back');
      const mine = seen.filter((s) => s.path.startsWith(`/${id}/`));
      assert.equal(mine.filter((s) => !s.preflight).length, 100, 'every request reached the server');
      for (const s of mine) {
        if (s.path.includes('/unlisted/')) {
          assert.ok(!s.preflight && s.traceparent === null, `no header, no preflight for the unlisted origin: ${s.path}`);
        } else if (!s.preflight) {
          assert.match(s.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, `traceparent on ${s.path}`);
        }
      }

      await sleep(300);
      await b.evalAsync('window.releaseCore(); await window.ready; await window.sdk.forceFlush();');
      const releasedAt = await b.eval('return window.releasedAt');
      let spans = [];
      for (let i = 0; i < 50; i++) {
        spans = await rx.spans(id);
        if (spans.filter((s) => s.name === 'GET').length >= 100 && spans.filter((s) => s.name === 'click').length >= 20) break;
        await b.evalAsync('await window.sdk.forceFlush()');
        await sleep(100);
      }
      const fetches = spans.filter((s) => s.name === 'GET' && s.attributes['url.full'].includes(`/${id}/`));
      const clicks = spans.filter((s) => s.name === 'click');
      assert.equal(fetches.length, 100, 'all 100 fetch spans');
      assert.equal(clicks.length, 20, 'all 20 click spans');
      assert.equal(new Set(fetches.map((s) => s.spanId)).size, 100, 'none twice');

      const byUrl = new Map(fetches.map((s) => [s.attributes['url.full'], s]));
      for (const [i, m] of marks.entries()) {
        const s = byUrl.get(m.url);
        assert.ok(s, `a span for ${m.url}`);
        const startMs = Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000;
        const endMs = Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000;
        assertStartedAtItsCall(marks, i, startMs);
        assert.ok(endMs < releasedAt, `${m.url}: ended before the core existed`);
        assert.equal(s.attributes['http.response.status_code'], 200);
      }
      // Each request's traceparent names its span.
      for (const s of mine.filter((x) => x.traceparent)) {
        const [, trace, span] = s.traceparent.split('-');
        const f = fetches.find((x) => x.spanId === span);
        assert.ok(f && f.traceId === trace, `the span behind ${s.path}'s traceparent`);
      }
      // Click → its request: same trace, parent link.
      const clickIds = new Map(clicks.map((c) => [c.spanId, c]));
      const fromClicks = fetches.filter((s) => s.attributes['url.full'].includes('/click/'));
      assert.equal(fromClicks.length, 20);
      for (const f of fromClicks) {
        const parent = clickIds.get(f.parentSpanId);
        assert.ok(parent, `${f.attributes['url.full']} is a click's child`);
        assert.equal(parent.traceId, f.traceId);
        assert.ok(BigInt(parent.startTimeUnixNano) <= BigInt(f.startTimeUnixNano));
      }
      for (const f of fetches.filter((s) => !s.attributes['url.full'].includes('/click/'))) {
        assert.ok(!f.parentSpanId, `${f.attributes['url.full']} is a root`);
      }
      for (const c of clicks) assert.ok(Number(BigInt(c.startTimeUnixNano) / 1000000n) < releasedAt);
    } finally {
      await b.quit();
    }
  });

  test(`${kind}: a core the CSP blocks removes the loader's hooks; the app's requests work`, async () => {
    const b = await openBrowser(kind);
    try {
      await b.get(`${rx.origin}/pages/loader-csp.html`);
      for (let i = 0; i < 100 && !(await b.eval('return window.result')); i++) await sleep(50);
      const r = await b.eval('return window.result');
      assert.ok(r, 'the app ran');
      assert.equal(r.before, 'ok', 'a request before the core failed');
      assert.equal(r.after, 'ok', 'a request after');
      assert.match(r.disabledReason, /^wasm load failed: /);
      assert.equal(r.nativeFetch, true, 'fetch is the page\'s own again');
    } finally {
      await b.quit();
    }
  });
}
