// The offline buffer (IndexedDB `otel-wasm` / `batches`) in every browser: the page is served
// by one receiver, the collector is a second one that the test stops and restarts on the
// same port. Checked: batches outlive a reload while the collector is down and arrive
// exactly once when it is back; the byte bound drops the oldest batches and counts them;
// `navigator.onLine` false buffers without a request, and `online` sends; without
// IndexedDB the buffer lives in memory; with nothing buffered a page never opens IndexedDB,
// and a page after an outage drains what the earlier page left at init.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';

const pages = await startReceiver();
let collector = await startReceiver();
after(async () => { await collector.stop(); await pages.stop(); });

/** A test page exporting to the collector (`path`: receiver behaviours such as `delay400`). */
const page = (id, { config = {}, file = 'basic.html', path = '', countIdbOpens = false } = {}) => {
  const q = new URLSearchParams({ otlp: collector.collector(id) + path, config: JSON.stringify(config) });
  if (countIdbOpens) q.set('countIdbOpens', '');
  return `${pages.origin}/pages/${file}?${q}`;
};
const collectorDown = () => collector.stop();
const collectorUp = async () => { collector = await startReceiver({ port: collector.port }); };

/** Ends one span per name (one export batch per call after the flush). */
const spans = (b, names) => b.evalAsync(`
  const t = window.sdk.getTracer('offline-test');
  for (const n of arguments[0]) t.startSpan(n).end();
  await window.sdk.forceFlush();
  return window.sdk.stats();`, names);

/** The marker telling a new page that batches may be stored. */
const marked = (b) => b.eval("return localStorage.getItem('otel-wasm:offline:stored') !== null");
/** No auto-instrumentations, web vitals or long tasks: only the test's spans are exported. */
const QUIET = { instrumentations: { documentLoad: false, fetch: false, xhr: false, userInteraction: false }, webVitals: false, longTasks: false };

/** Batches stored in IndexedDB now. */
const stored = (b) => b.evalAsync(`
  return await new Promise((resolve, reject) => {
    const r = indexedDB.open('otel-wasm');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const d = r.result;
      if (!d.objectStoreNames.contains('batches')) { d.close(); return resolve(0); }
      const c = d.transaction('batches').objectStore('batches').count();
      c.onsuccess = () => { d.close(); resolve(c.result); };
    };
  });`);

async function arrived(id, names) {
  const all = await collector.spans(id);
  const ids = all.map((s) => s.spanId);
  assert.equal(new Set(ids).size, ids.length, 'no span arrives twice');
  return all.filter((s) => names.includes(s.name)).map((s) => s.name);
}

for (const kind of BROWSERS) {
  test(`${kind}: offline buffer`, async (t) => {
    const b = await openBrowser(kind);
    try {
      await t.test('batches survive a reload with the collector down and arrive once', async () => {
        const id = testId(kind, 'offline-reload');
        await b.get(page(id));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await collectorDown();
        const before = ['before-0', 'before-1', 'before-2'];
        const s1 = await spans(b, before);
        assert.ok(s1.offlineBuffered >= 1, `buffered: ${JSON.stringify(s1)}`);
        assert.equal(s1.spansFailed, 0);
        assert.ok(await stored(b) >= 1);
        await b.refresh();
        await b.evalAsync('await window.ready');
        const s2 = await spans(b, ['after-0', 'after-1']);
        assert.ok(s2.offlineBuffered >= 1, 'the new page buffers too');
        assert.ok(await stored(b) >= 2, 'both pages\' batches are stored');
        await collectorUp();
        // A successful export drains the buffer; forceFlush waits for the drain.
        const s3 = await spans(b, ['back']);
        assert.ok(s3.offlineSent >= 2, JSON.stringify(s3));
        const names = await arrived(id, [...before, 'after-0', 'after-1', 'back']);
        assert.deepEqual(names.sort(), ['after-0', 'after-1', 'back', ...before].sort());
        assert.equal(await stored(b), 0, 'acknowledged batches are deleted');
      });

      await t.test('with nothing buffered a page never opens IndexedDB', async () => {
        // The previous test left the buffer empty: its drain cleared the marker.
        const id = testId(kind, 'offline-lazy');
        await b.get(page(id, { countIdbOpens: true }));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        assert.equal(await marked(b), false, 'the emptied buffer cleared its marker');
        const s1 = await spans(b, ['lazy-0', 'lazy-1']);
        // Drain triggers that find nothing: `online`, and a successful export (above).
        await b.evalAsync("window.dispatchEvent(new Event('online')); await window.sdk.forceFlush()");
        assert.equal(s1.offlineBuffered, 0, JSON.stringify(s1));
        assert.equal(await b.eval('return window.__idbOpens'), 0, 'init, exports and online opened no IndexedDB');
        assert.deepEqual((await arrived(id, ['lazy-0', 'lazy-1'])).sort(), ['lazy-0', 'lazy-1']);
      });

      await t.test('a page after an outage drains what the earlier page buffered, at init', async () => {
        const id = testId(kind, 'offline-init');
        const url = page(id, { countIdbOpens: true, config: QUIET });
        await b.get(url);
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await collectorDown();
        const s1 = await spans(b, ['init-0', 'init-1']);
        assert.ok(s1.offlineBuffered >= 1, JSON.stringify(s1));
        assert.ok(await b.eval('return window.__idbOpens') >= 1, 'the buffered export opened IndexedDB');
        assert.equal(await marked(b), true);
        await collectorUp();
        // The next page exports nothing of its own: only its init drain can send the batches.
        await b.get(url);
        await b.evalAsync('await window.ready');
        await collector.waitFor(id, (r) => r.spans >= 2);
        await b.evalAsync('await window.sdk.forceFlush()');
        const s2 = await b.eval('return window.sdk.stats()');
        assert.ok(s2.offlineSent >= 1, JSON.stringify(s2));
        assert.ok(await b.eval('return window.__idbOpens') >= 1);
        assert.deepEqual((await arrived(id, ['init-0', 'init-1'])).sort(), ['init-0', 'init-1']);
        assert.equal(await marked(b), false, 'drained empty: marker cleared');
        assert.equal(await stored(b), 0);
      });

      await t.test('navigator.onLine false buffers without a request; online sends', async () => {
        // No WebDriver command takes Firefox offline, so the page's view of it is simulated:
        // navigator.onLine is overridden and the `online` event dispatched (the collector is up).
        const id = testId(kind, 'offline-flag');
        await b.get(page(id));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        const requests = (await collector.received(id)).requests.length;
        await b.eval(`window.__online = false;
          Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => window.__online });`);
        const s1 = await spans(b, ['flag-0', 'flag-1']);
        assert.ok(s1.offlineBuffered >= 1, JSON.stringify(s1));
        assert.equal((await collector.received(id)).requests.length, requests, 'nothing was tried while offline');
        await b.evalAsync(`window.__online = true; window.dispatchEvent(new Event('online'));
          await window.sdk.forceFlush();`);
        await collector.waitFor(id, (r) => r.spans >= 2);
        assert.deepEqual((await arrived(id, ['flag-0', 'flag-1'])).sort(), ['flag-0', 'flag-1']);
        assert.equal(await stored(b), 0);
      });

      await t.test('503 still after the retries is buffered and sent later; 400 is dropped, not buffered', async () => {
        // The collector answers 503 (Retry-After: 0) to the first 6 requests: one export and
        // its 5 retries; the buffered batch then goes with the next successful export.
        const id = testId(kind, 'offline-503');
        // No auto-instrumentations: s-0's batch is the only export that meets the 503s.
        const quiet = { instrumentations: { documentLoad: false, fetch: false, xhr: false, userInteraction: false } };
        await b.get(page(id, { config: quiet, path: '/503x6/retryafter0' }));
        await b.evalAsync('await window.ready');
        const s1 = await spans(b, ['s-0']);
        assert.ok(s1.offlineBuffered === 1 && s1.exportRetries === 5, JSON.stringify(s1));
        const s2 = await spans(b, ['s-1']);
        assert.equal(s2.spansFailed, 0);
        assert.equal(s2.offlineSent, 1, JSON.stringify(s2));
        assert.deepEqual((await arrived(id, ['s-0', 's-1'])).sort(), ['s-0', 's-1']);
        const id400 = testId(kind, 'offline-400');
        await b.get(page(id400, { path: '/400always' }));
        await b.evalAsync('await window.ready');
        const s3 = await spans(b, ['r-0']);
        assert.equal(s3.offlineBuffered, 0, 'a rejection is not an outage');
        assert.ok(s3.spansFailed >= 1, JSON.stringify(s3));
        assert.equal(await stored(b), 0);
      });

      await t.test('the byte bound drops the oldest batches and counts them', async () => {
        const id = testId(kind, 'offline-bound');
        await b.get(page(id, { config: { offline: { maxBytes: 6000 } } }));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await collectorDown();
        const names = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5'];
        // One ~1.7 KB batch per flush: a big attribute on each span.
        const s1 = await b.evalAsync(`
          const t = window.sdk.getTracer('offline-test');
          for (const n of arguments[0]) {
            const s = t.startSpan(n); s.setAttribute('pad', 'x'.repeat(1200)); s.end();
            await window.sdk.forceFlush();
          }
          return window.sdk.stats();`, names);
        assert.equal(s1.offlineBuffered, names.length, JSON.stringify(s1));
        assert.ok(s1.offlineDropped >= 1, 'over the bound');
        await collectorUp();
        const s2 = await spans(b, ['bound-back']);
        const got = (await arrived(id, names)).sort();
        const kept = names.length - s2.offlineDropped;
        assert.ok(kept >= 1, JSON.stringify(s2));
        assert.deepEqual(got, names.slice(names.length - kept), 'the newest survive, the oldest were dropped');
        assert.equal(await stored(b), 0);
      });

      await t.test('without IndexedDB (access throws) the buffer is in memory, silently', async () => {
        const id = testId(kind, 'offline-memory');
        await b.get(page(id, { file: 'offline-noidb.html' }));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await collectorDown();
        const s1 = await spans(b, ['mem-0', 'mem-1']);
        assert.ok(s1.offlineBuffered >= 1, JSON.stringify(s1));
        await collectorUp();
        // No trigger this time: the retry timer (5 s after the first failure) drains.
        await collector.waitFor(id, (r) => r.spans >= 2, { timeoutMs: 12000 });
        assert.deepEqual((await arrived(id, ['mem-0', 'mem-1'])).sort(), ['mem-0', 'mem-1']);
        assert.ok((await b.eval('return window.sdk.stats()')).offlineSent >= 1);
      });

      await t.test('two tabs of the origin drain at the same time: each batch is sent once', async () => {
        // The collector answers after 400 ms, so one tab's drain is still running when the
        // other's starts; the origin-wide lock (Web Locks) must keep the second one out.
        const id = testId(kind, 'offline-tabs');
        // No web vitals or long tasks: their exports at tab switches would not be buffered batches.
        const url = page(id, { path: '/delay400', config: { webVitals: false, longTasks: false } });
        await b.get(url);
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await collectorDown();
        await spans(b, ['tab-0', 'tab-1']);
        const first = await b.newTab(url);
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        assert.ok(await stored(b) >= 2, 'both tabs buffered');
        await collectorUp();
        await b.eval("window.dispatchEvent(new Event('online'))");
        const second = await b.cmd('GET', '/window');
        await b.cmd('POST', '/window', { handle: first });
        await b.evalAsync("window.dispatchEvent(new Event('online')); await window.sdk.forceFlush()");
        await b.cmd('POST', '/window', { handle: second });
        await b.evalAsync('await window.sdk.forceFlush()');
        const sent = (await b.eval('return window.sdk.stats()')).offlineSent;
        await b.cmd('POST', '/window', { handle: first });
        const sentFirst = (await b.eval('return window.sdk.stats()')).offlineSent;
        assert.deepEqual((await arrived(id, ['tab-0', 'tab-1'])).sort(), ['tab-0', 'tab-1']);
        assert.equal(await stored(b), 0);
        const exports = (await collector.received(id)).requests.filter((r) => r.method === 'POST').length;
        assert.equal(sent + sentFirst, exports, 'every request to the collector was one buffered batch, sent once');
      });
    } finally {
      await b.quit();
    }
  });
}
