// Sessions in every browser: `session.id` as the resource attribute of span and log batches
// and on metric points, stable across a reload, rolled over after 15 min idle or 4 h (the
// clock is controlled through the storage record: `<id>|<started ms>|<last activity ms>` under
// `otel-wasm:session`, written with old times), the sessionStorage and memory-only modes, and
// sampling decided per session. The SDK keeps the session in memory and reads the record
// again after another tab changed it: a change made here from the test stands for another
// tab's, so it is followed by the `storage` event the browser sends to the other tabs
// (`otherTabWrote`); one step uses a real second tab.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan as waitFor } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const waitSpan = (id, pred) => waitFor(rx, id, pred);
const KEY = 'otel-wasm:session';
const HEX32 = /^[0-9a-f]{32}$/;
const MIN = 60_000;

/** Fetches `path` in the page, flushes, and returns the session.id of its span: a resource
 * attribute of its batch, not one of the span's own. */
async function sessionOf(b, id, path) {
  await b.evalAsync(`await window.get(${JSON.stringify(path)}); await window.sdk.forceFlush();`);
  const span = await waitSpan(id, (s) => s.attributes['url.full']?.endsWith(path));
  assert.equal(span.attributes['session.id'], undefined, 'not on the span');
  return span.resource['session.id'];
}


async function load(b, id, config) {
  await b.get(rx.page('context.html', id, config ? { config: JSON.stringify(config) } : {}));
  await b.evalAsync('await window.ready');
}

/** Runs `script` (a storage change) in the page, then delivers the `storage` event another
 *  tab's change would bring (`key` null: the storage was cleared). */
const otherTabWrote = (b, script, key = KEY) => b.eval(`${script};
  window.dispatchEvent(new StorageEvent('storage', { key: ${JSON.stringify(key)}, storageArea: localStorage }))`);

const record = (b, storage = 'localStorage') => b.eval(`return ${storage}.getItem('${KEY}')`);

for (const kind of BROWSERS) {
  test(`${kind}: sessions`, async (t) => {
    const b = await openBrowser(kind);
    try {
      await t.test('session.id on span and log batches (resource) and metric points, stable across a reload and shared by tabs, in localStorage', async () => {
        const id = testId(kind, 'session');
        await load(b, id);
        await otherTabWrote(b, 'localStorage.clear(); sessionStorage.clear()', null);
        const first = await sessionOf(b, id, '/api/s1');
        assert.match(first, HEX32);
        assert.equal((await record(b)).split('|')[0], first, 'stored under otel-wasm:session');
        await b.evalAsync(`window.sdk.getMeter('m').createCounter('c').add(1, { plan: 'pro' });
          await window.sdk.forceFlush();`);
        await rx.waitFor(id, (r) => r.dataPoints >= 1);
        const point = (await rx.metrics(id)).find((m) => m.name === 'c').points[0];
        assert.equal(point.attributes['session.id'], first);
        assert.equal(point.attributes.plan, 'pro');
        await b.refresh();
        await b.evalAsync('await window.ready');
        assert.equal(await sessionOf(b, id, '/api/s2'), first, 'same session after a reload');
        // A second tab of the origin shares the session through the storage.
        const tab1 = await b.newTab(rx.page('context.html', id));
        await b.evalAsync('await window.ready');
        assert.equal(await sessionOf(b, id, '/api/tab2'), first, 'the other tab has the same session');
        // Log records carry the session and the route too.
        await b.evalAsync(`window.sdk.emitLog({ body: 'hello', attributes: { k: 'v' } }); await window.sdk.forceFlush();`);
        await rx.waitFor(id, (r) => r.logRecords >= 1);
        const log = (await rx.logRecords(id)).find((l) => l.attributes.k === 'v');
        assert.equal(log.resource['session.id'], first, 'on the resource of the batch');
        assert.equal(log.attributes['session.id'], undefined);
        assert.equal(log.attributes['page.route'], '/pages/context.html');
        const app = await b.evalAsync(`const s = window.sdk.getTracer('app').startSpan('work'); s.end();
          await window.sdk.forceFlush(); return true;`);
        assert.ok(app);
        assert.equal((await waitSpan(id, (s) => s.name === 'work')).resource['session.id'], first);
        // A new session written by this tab reaches the first tab through its `storage` event.
        const next = 'ab'.repeat(16);
        await b.eval(`localStorage.setItem('${KEY}', '${next}|' + Date.now() + '|' + Date.now())`);
        await b.cmd('POST', '/window', { handle: tab1 });
        assert.equal(await sessionOf(b, id, '/api/tab1-again'), next, 'the first tab follows the other tab');
      });

      await t.test('rollover after 15 min idle and after 4 h (old timestamps in the record)', async () => {
        const id = testId(kind, 'rollover');
        await load(b, id);
        const first = await sessionOf(b, id, '/api/r1');
        // Idle for 16 min: the next page load starts a new session.
        await b.eval(`const n = Date.now(); localStorage.setItem('${KEY}', '${first}|' + (n - 20 * ${MIN}) + '|' + (n - 16 * ${MIN}))`);
        await b.refresh();
        await b.evalAsync('await window.ready');
        const second = await sessionOf(b, id, '/api/r2');
        assert.match(second, HEX32);
        assert.notEqual(second, first, 'a new session after 16 min idle');
        // Active a minute ago but started 5 h ago: over, also within a running page.
        await otherTabWrote(b, `const n = Date.now(); localStorage.setItem('${KEY}', '${second}|' + (n - 300 * ${MIN}) + '|' + (n - ${MIN}))`);
        const third = await sessionOf(b, id, '/api/r3');
        assert.notEqual(third, second, 'a new session after 4 h');
        // 14 min idle is still the same session.
        await otherTabWrote(b, `const n = Date.now(); localStorage.setItem('${KEY}', '${third}|' + (n - 20 * ${MIN}) + '|' + (n - 14 * ${MIN}))`);
        assert.equal(await sessionOf(b, id, '/api/r4'), third);
        // A malformed record is replaced, never thrown on.
        await otherTabWrote(b, `localStorage.setItem('${KEY}', 'garbage')`);
        assert.match(await sessionOf(b, id, '/api/r5'), HEX32);
      });

      await t.test('sessionStorage and memory-only modes, throwing storage, session: false', async () => {
        const id = testId(kind, 'modes');
        // Cleared after the load: the page left behind may still write its session as it
        // goes (its page-hide logs carry the session it holds in memory).
        await load(b, id, { session: { storage: 'sessionStorage' } });
        await b.eval('localStorage.clear()');
        const s1 = await sessionOf(b, id, '/api/m1');
        assert.equal((await record(b, 'sessionStorage')).split('|')[0], s1);
        assert.equal(await record(b), null, 'nothing in localStorage');
        await b.refresh();
        await b.evalAsync('await window.ready');
        assert.equal(await sessionOf(b, id, '/api/m2'), s1, 'sessionStorage survives a reload in the tab');

        const id2 = testId(kind, 'memory');
        await load(b, id2, { session: { storage: 'none' } });
        await b.eval('localStorage.clear(); sessionStorage.clear()');
        const n1 = await sessionOf(b, id2, '/api/n1');
        assert.match(n1, HEX32);
        assert.equal(await record(b), null);
        assert.equal(await record(b, 'sessionStorage'), null);
        await b.refresh();
        await b.evalAsync('await window.ready');
        assert.notEqual(await sessionOf(b, id2, '/api/n2'), n1, 'memory only: a new session per page load');

        // Storage that throws on every access (blocked, over quota): memory carries the session.
        const id4 = testId(kind, 'broken');
        await load(b, id4);
        await b.eval(`for (const m of ['getItem', 'setItem', 'removeItem']) {
          Storage.prototype[m] = () => { throw new DOMException('blocked', 'SecurityError'); };
        }`);
        const k1 = await sessionOf(b, id4, '/api/k1');
        assert.match(k1, HEX32);
        assert.equal(await sessionOf(b, id4, '/api/k2'), k1, 'one session in memory, no exception');

        const id3 = testId(kind, 'off');
        await load(b, id3, { session: false });
        assert.equal(await sessionOf(b, id3, '/api/o1'), undefined, 'session: false');
      });

      await t.test('sampling is decided per session', async () => {
        const id = testId(kind, 'sampling');
        await load(b, id, { samplingRatio: 0.5 });
        // The ratio sampler looks at the id's low 8 bytes: ...0001 is in, ...ffff is out.
        const inside = '1111111111111111' + '0000000000000001';
        const outside = '1111111111111111' + 'ffffffffffffffff';
        const spansIn = async (sid) => b.evalAsync(`const n = Date.now();
          localStorage.setItem('${KEY}', '${sid}|' + n + '|' + n);
          window.dispatchEvent(new StorageEvent('storage', { key: '${KEY}', storageArea: localStorage }));
          const before = window.sdk.stats().spansEnded;
          const t = window.sdk.getTracer('app');
          for (let i = 0; i < 20; i++) t.startSpan('s' + i).end();
          return window.sdk.stats().spansEnded - before;`);
        assert.equal(await spansIn(inside), 20, 'every trace of a sampled session');
        assert.equal(await spansIn(outside), 0, 'no trace of an unsampled session');
      });
    } finally {
      await b.quit();
    }
  });
}
