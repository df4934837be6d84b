// Requests made outside any context once the core runs: the shim's fast path records them in
// JS and hands them to the core in batches. Each still arrives with its real start time, no
// parent, the ids its `traceparent` carried (allowed origin) or no header (other origins); a
// click's requests are its children; and a route change or new global attributes right after a
// request do not reach that request's span. A second server on 127.0.0.1 (listed) and
// localhost (not listed) records each request's headers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, startHeaderEcho, openBrowser, BROWSERS, testId, assertStartedAtItsCall } from './harness.mjs';

const rx = await startReceiver();
const { port, seen, stop: stopEcho } = await startHeaderEcho();
after(() => Promise.all([rx.stop(), stopEcho()]));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ms = (ns) => Number(BigInt(ns) / 1000n) / 1000;

for (const kind of BROWSERS) {
  test(`${kind}: requests outside any context keep their times, headers and start attributes`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'fast');
      await b.get(rx.page('loader.html', id, { echo: String(port) }));
      await b.evalAsync('while (!window.loaded) await new Promise((r) => setTimeout(r, 10)); window.releaseCore(); await window.ready;');
      const marks = await b.evalAsync(`
        const base = 'http://127.0.0.1:${port}/${id}/', other = 'http://localhost:${port}/${id}/';
        const marks = [], all = [];
        const mark = (url) => marks.push({ url, at: performance.timeOrigin + performance.now() });
        const go = (url) => { mark(url); all.push(fetch(url).then((r) => r.text())); };
        const xhr = (url) => { mark(url); all.push(new Promise((done) => {
          const x = new XMLHttpRequest(); x.open('GET', url); x.onloadend = done; x.send(); })); };
        document.getElementById('buy').addEventListener('click', (e) => go(base + 'click/' + e.detail));
        for (let i = 0; i < 20; i++) { go(base + 'listed/' + i); go(other + 'unlisted/' + i); xhr(base + 'xhr/' + i); }
        for (let i = 0; i < 10; i++) {
          document.getElementById('buy').dispatchEvent(new MouseEvent('click', { bubbles: true, detail: i }));
          await new Promise((r) => setTimeout(r, 5));
        }
        await Promise.all(all);
        return marks;`);
      // In a task of its own (what follows the clicks runs in their context), once the clicks
      // ended (a URL change would make an open click a navigation).
      await sleep(1500);
      marks.push(...(await b.evalAsync(`
        const base = 'http://127.0.0.1:${port}/${id}/', marks = [];
        const go = (url) => { marks.push({ url, at: performance.timeOrigin + performance.now() }); return fetch(url).then((r) => r.text()); };
        const all = [go(base + 'before-route')];
        history.pushState({}, '', '/pages/elsewhere');
        all.push(go(base + 'after-route'), go(base + 'before-attr'));
        window.sdk.setAttributes({ 'app.flag': 'on' });
        all.push(go(base + 'after-attr'));
        await Promise.all(all);
        return marks;`)));
      assert.equal(marks.length, 74);
      await b.evalAsync('await window.sdk.forceFlush();');
      let all = [], spans = [];
      for (let i = 0; i < 50; i++) {
        all = await rx.spans(id);
        spans = all.filter((s) => s.name === 'GET' && String(s.attributes['url.full']).includes(`/${id}/`));
        // Clicks wait for their dead-click verdict (1 s).
        if (spans.length >= 74 && all.filter((s) => s.name === 'click').length >= 10) break;
        await b.evalAsync('await window.sdk.forceFlush()');
        await sleep(100);
      }
      assert.equal(spans.length, 74, 'a span for every request');
      assert.equal(new Set(spans.map((s) => s.spanId)).size, 74, 'none twice');
      const byUrl = new Map(spans.map((s) => [s.attributes['url.full'], s]));
      for (const [i, m] of marks.entries()) {
        const s = byUrl.get(m.url);
        assert.ok(s, `a span for ${m.url}`);
        assertStartedAtItsCall(marks, i, ms(s.startTimeUnixNano));
        assert.ok(ms(s.endTimeUnixNano) >= ms(s.startTimeUnixNano));
        assert.equal(s.attributes['http.response.status_code'], 200, m.url);
      }
      const mine = seen.filter((s) => !s.preflight && s.path.startsWith(`/${id}/`));
      assert.equal(mine.length, 74, 'every request reached the server');
      for (const s of mine) {
        if (s.path.includes('/unlisted/')) {
          assert.equal(s.traceparent, null, `no header for the unlisted origin: ${s.path}`);
          continue;
        }
        assert.match(s.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, `traceparent on ${s.path}`);
        const [, trace, span] = s.traceparent.split('-');
        const f = spans.find((x) => x.spanId === span);
        assert.ok(f && f.traceId === trace && f.attributes['url.full'].endsWith(s.path), `the span behind ${s.path}'s traceparent`);
      }
      const clicks = new Map(all.filter((s) => s.name === 'click').map((c) => [c.spanId, c]));
      for (const s of spans) {
        if (s.attributes['url.full'].includes('/click/')) {
          const parent = clicks.get(s.parentSpanId);
          assert.ok(parent && parent.traceId === s.traceId, `${s.attributes['url.full']} is a click's child`);
        } else {
          assert.ok(!s.parentSpanId, `${s.attributes['url.full']} is a root`);
        }
      }
      const at = (p) => byUrl.get(`http://127.0.0.1:${port}/${id}/${p}`);
      assert.equal(at('before-route').attributes['page.route'], at('listed/0').attributes['page.route'], 'the route when the request started');
      assert.notEqual(at('after-route').attributes['page.route'], at('before-route').attributes['page.route'], 'the new route after');
      assert.equal(at('before-attr').attributes['app.flag'], undefined, 'no attribute set after the request started');
      assert.equal(at('after-attr').attributes['app.flag'], 'on');
    } finally {
      await b.quit();
    }
  });
}
