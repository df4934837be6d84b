// The manual API never breaks the page, in every browser:
// - after an async startActiveSpan settles, the click is current again (a span started then
//   is the click's child, not the ended span's);
// - calls with bad arguments never throw into the app; long attribute values are truncated; a
//   bad config rejects and leaves no hook behind; the hooked browser APIs, called with odd and
//   hostile arguments, throw, return, resolve and reject as the browser's own;
// - a strict CSP without 'wasm-unsafe-eval', no WebAssembly, a .wasm or a core chunk that answers
//   404, gives a no-op handle, one console warning and the reason in stats(); the app runs; a
//   later initTelemetry retries the load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

async function waitResult(b) {
  for (let i = 0; i < 200; i++) {
    const r = await b.eval('return window.result');
    if (r) return r;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no result; page says: ${await b.eval("return document.body.innerText")}`);
}

for (const kind of BROWSERS) {
  test(`${kind}: the manual API in a click handler, with bad arguments, and without wasm`, async (t) => {
    const b = await openBrowser(kind);
    try {
      await t.test('a span started after an awaited startActiveSpan is the click\'s child', async () => {
        const id = testId(kind, 'active');
        await b.get(rx.page('api.html', id));
        await b.evalAsync('await window.ready');
        await b.click('#checkout');
        await b.evalAsync(`for (let i = 0; i < 200 && document.title !== 'checked out'; i++) await new Promise((r) => setTimeout(r, 20));
          await window.sdk.forceFlush();`);
        const click = await waitSpan(rx, id, (s) => s.name === 'click');
        const submit = await waitSpan(rx, id, (s) => s.name === 'checkout.submit');
        const after = await waitSpan(rx, id, (s) => s.name === 'after');
        assert.equal(submit.parentSpanId, click.spanId, 'checkout.submit is the click\'s child');
        const gets = (await rx.spans(id)).filter((s) => s.traceId === click.traceId && s.name === 'GET');
        assert.equal(gets.length, 2, 'both fetches are in the click\'s trace');
        for (const g of gets) assert.equal(g.parentSpanId, submit.spanId, `${g.attributes['url.full']} is checkout.submit's child (before and after an await)`);
        assert.equal(after.parentSpanId, click.spanId, 'after the callback settled, the click is current again');
      });

      await t.test('bad arguments never throw into the app', async () => {
        const id = testId(kind, 'bad-args');
        await b.get(rx.page('api.html', id));
        await b.evalAsync('await window.ready');
        assert.deepEqual(await b.eval('return window.bad()'), []);
        // Another SDK's globals (an api whose setters all refuse) are kept: register() resolves.
        assert.equal(await b.evalAsync(`const no = () => false;
          await window.sdk.register({ trace: { setGlobalTracerProvider: no }, metrics: { setGlobalMeterProvider: no },
            context: { setGlobalContextManager: no }, propagation: { setGlobalPropagator: no } });
          return 'resolved'`), 'resolved');
        const stats = await b.evalAsync('await window.sdk.forceFlush(); return window.sdk.stats()');
        assert.equal(stats.disabledReason, '', 'bad arguments do not turn the SDK off');
        const ok = await waitSpan(rx, id, (s) => s.name === 'ok');
        assert.ok(ok.attributes.long === 'é'.repeat(4096), `cut to attributeValueLengthLimit (4096): ${ok.attributes.long.length}`);
        assert.deepEqual(ok.attributes['long.list'].map((v) => v.length), [4096, 1]);
        const counted = (await rx.metrics(id)).find((m) => m.name === 'bad.count');
        assert.equal(counted?.points[0]?.asDouble ?? Number(counted?.points[0]?.asInt), 1, 'a BigInt is counted as a number');
      });

      await t.test('the stash is resent only to the SDK\'s own endpoints', async () => {
        const id = testId(kind, 'stash');
        const evil = `${id}-elsewhere`;
        const body = (name) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'stash' },
          spans: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), name, kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
        await b.get(rx.page('api.html', id));
        await b.evalAsync('await window.ready');
        // What other code of the origin could write: one entry for our endpoint, one for another.
        await b.eval(`localStorage.setItem('sdk-wasm:unsent', ['sdk-wasm-unsent 1',
          arguments[0] + '/v1/traces\\tj\\t1\\t' + btoa(arguments[2]),
          arguments[1] + '/v1/traces\\tj\\t1\\t' + btoa(arguments[3])].join('\\n') + '\\n')`,
        rx.collector(evil), rx.collector(id), body('to elsewhere'), body('to us'));
        await b.refresh();
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        await waitSpan(rx, id, (s) => s.name === 'to us');
        assert.deepEqual((await rx.received(evil)).requests.filter((r) => r.method === 'POST'), [], 'nothing went elsewhere');
      });

      await t.test('a bad config rejects (never throws) and leaves no hook behind', async () => {
        await b.get(`${rx.origin}/pages/bad-config.html`);
        const r = await waitResult(b);
        assert.deepEqual(r.outcomes, [...Array(7).fill('rejected: config'), 'rejected: batch.maxQueueSize']);
        assert.equal(r.hooksLeft, false);
      });

      await t.test('the hooked fetch, XHR, timers, promises and history behave as the browser\'s own', async () => {
        const id = testId(kind, 'hooks');
        await b.get(rx.page('hooks-transparent.html', id));
        const r = await waitResult(b);
        assert.equal(r.native.length, 62, 'every probe ran');
        assert.equal(r.hookedEarly, true, 'initTelemetry hooks before it resolves');
        assert.deepEqual(r.beforeCore, [], 'before the core is ready');
        assert.deepEqual(r.outside, [], 'outside any interaction');
        assert.deepEqual(r.inClick, [], 'inside a click handler');
        assert.equal(r.disabledReason, '');
        await waitSpan(rx, id, (s) => s.name === 'click'); // the probes' click
        await waitSpan(rx, id, (s) => s.attributes['http.request.method'] === 'PUT'); // the fetch whose init has getters
      });

      await t.test('a CSP without wasm-unsafe-eval: a no-op handle, and the app runs', async () => {
        await b.get(`${rx.origin}/pages/csp.html`);
        const r = await waitResult(b);
        assert.equal(await b.eval("return document.getElementById('app').textContent"), 'app ran');
        assert.match(r.stats.disabledReason, /^wasm load failed: /);
        assert.equal(r.recording, false);
        assert.equal(r.stats.spansEnded, 0);
        const warnings = (await b.eval('return window.warnings')).filter((w) => w.startsWith('otel-wasm'));
        assert.equal(warnings.length, 1, `one warning: ${warnings}`);
      });

      await t.test('no WebAssembly: a no-op handle, and the app runs', async () => {
        await b.get(`${rx.origin}/pages/no-webassembly.html`);
        const r = await waitResult(b);
        assert.equal(await b.eval("return document.getElementById('app').textContent"), 'app ran');
        assert.equal(r.stats.disabledReason, 'WebAssembly unavailable');
        assert.equal((await b.eval('return window.warnings')).filter((w) => w.startsWith('otel-wasm')).length, 1);
      });

      await t.test('a core chunk that answers 404: the no-op chunk\'s handle, and the app runs', async () => {
        await b.get(`${rx.origin}/pages/missing-core.html`);
        const r = await waitResult(b);
        assert.equal(await b.eval("return document.getElementById('app').textContent"), 'app ran');
        assert.match(r.stats.disabledReason, /^wasm load failed: .*core/);
        assert.equal(r.stats.spansEnded, 0);
        assert.equal(r.active, 'callback ran');
        assert.equal(r.recording, false);
        assert.equal(r.traceId, '0'.repeat(32));
        assert.equal((await b.eval('return window.warnings')).filter((w) => w.startsWith('otel-wasm')).length, 1);
      });

      await t.test('a .wasm that answers 404: a no-op handle; a later init retries', async () => {
        const id = testId(kind, 'missing');
        await b.get(rx.page('missing-wasm.html', id));
        const r = await waitResult(b);
        assert.equal(await b.eval("return document.getElementById('app').textContent"), 'app ran');
        assert.match(r.firstStats.disabledReason, /^wasm load failed: /);
        assert.equal(r.secondStats.disabledReason, '', 'the retry loaded the SDK');
        await waitSpan(rx, id, (s) => s.name === 'after retry');
        assert.ok(!(await rx.spans(id)).some((s) => s.name === 'lost'));
        assert.equal((await b.eval('return window.warnings')).filter((w) => w.startsWith('otel-wasm')).length, 1);
      });
    } finally {
      await b.quit();
    }
  });
}
