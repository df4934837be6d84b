// App context, in every browser: setUser / setAttributes after init reach every later span
// and log record, and configured keys go out as W3C baggage with the trace headers; with
// requireConsent nothing is exported and nothing written to storage until resume(), and
// pause() stops it again; a `Server-Timing: traceparent;desc="00-…"` on the page's response
// makes documentLoad a child of the server's span without a meta tag.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const SERVER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SERVER_SPAN = '00f067aa0ba902b7';

for (const kind of BROWSERS) {
  test(`${kind}: setUser and setAttributes on later spans and logs; baggage for configured keys`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'ctx');
      await b.get(rx.page('basic.html', id, { config: JSON.stringify({ baggageKeys: ['user.id', 'app.tenant'] }) }));
      await b.evalAsync('await window.ready');
      await b.evalAsync(`const sdk = window.sdk;
        sdk.getTracer('app').startSpan('before').end();
        sdk.setUser({ id: 'u-42', email: 'ada@example.com' });
        sdk.setAttributes({ 'app.tenant': 'acme', 'app.tier': 3 });
        sdk.getTracer('app').startSpan('after').end();
        sdk.emitLog({ body: 'hello' });
        // A same-origin request: it carries traceparent and the baggage (the probe path is
        // another test id on the receiver, so its headers are recorded).
        await fetch('/t/${id}-probe/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        sdk.setUser(null);
        sdk.setAttributes({ 'app.tier': null });
        sdk.getTracer('app').startSpan('cleared').end();
        await sdk.forceFlush();`);
      const spans = await rx.spans(id);
      const by = Object.fromEntries(spans.map((s) => [s.name, s.attributes]));
      assert.ok(!('user.id' in by.before), 'not before setUser');
      assert.equal(by.after['user.id'], 'u-42');
      assert.equal(by.after['user.email'], 'ada@example.com');
      assert.ok(!('user.name' in by.after));
      assert.equal(by.after['app.tenant'], 'acme');
      assert.equal(by.after['app.tier'], 3);
      assert.ok(!('user.id' in by.cleared) && !('app.tier' in by.cleared), 'null clears');
      assert.equal(by.cleared['app.tenant'], 'acme');
      const log = (await rx.logRecords(id)).find((l) => l.body?.stringValue === 'hello');
      assert.equal(log.attributes['user.id'], 'u-42');
      assert.equal(log.attributes['app.tenant'], 'acme');
      const probe = (await rx.received(`${id}-probe`)).requests.find((r) => r.method === 'POST');
      assert.match(probe.headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      assert.deepEqual(probe.headers.baggage.split(',').sort(), ['app.tenant=acme', 'user.id=u-42'], 'only the configured keys');
    } finally {
      await b.quit();
    }
  });

  // The context follows awaits through the hooked timers and promises, also when the
  // interactions (which install them by default) are off.
  for (const [label, config] of [['', {}], [', interactions off', { instrumentations: { userInteraction: false } }]]) {
    test(`${kind}: a fetch inside startActiveSpan after an await (timer and promise) is its child${label}`, async () => {
      const b = await openBrowser(kind);
      try {
        const id = testId(kind, 'after-await');
        await b.get(rx.page('basic.html', id, { config: JSON.stringify(config) }));
        await b.evalAsync('await window.ready');
        await b.evalAsync(`await window.sdk.getTracer('app').startActiveSpan('work', async (span) => {
            await new Promise((r) => setTimeout(r, 20));
            await Promise.resolve();
            await fetch('/t/${id}-probe/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
            span.end();
          });
          await window.sdk.forceFlush();`);
        const work = await waitSpan(rx, id, (s) => s.name === 'work');
        const req = await waitSpan(rx, id, (s) => s.kind === 3 && /-probe\/v1\/traces$/.test(s.attributes['url.full'] ?? ''));
        assert.equal(req.traceId, work.traceId);
        assert.equal(req.parentSpanId, work.spanId, 'the fetch after the awaits is a child of the active span');
      } finally {
        await b.quit();
      }
    });
  }

  test(`${kind}: requireConsent: nothing exported or stored until resume(); pause() stops again`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'consent');
      await b.get(rx.page('basic.html', id, { config: JSON.stringify({ requireConsent: true }) }));
      await b.evalAsync('await window.ready; localStorage.clear(); sessionStorage.clear()');
      const stored = () => b.eval('return Object.keys(localStorage).concat(Object.keys(sessionStorage))');
      await b.evalAsync(`window.sdk.getTracer('app').startSpan('no consent').end();
        window.sdk.emitLog({ body: 'no consent' });
        await window.sdk.forceFlush();`);
      await b.click('#go');
      await b.evalAsync('await new Promise((r) => setTimeout(r, 300)); await window.sdk.forceFlush()');
      assert.equal((await rx.received(id)).requests.filter((r) => r.method === 'POST').length, 0, 'nothing exported');
      assert.deepEqual(await stored(), [], 'nothing in storage');
      await b.evalAsync(`window.sdk.resume();
        window.sdk.getTracer('app').startSpan('with consent').end();
        await window.sdk.forceFlush();`);
      assert.ok((await stored()).includes('otel-wasm:session'), 'the session is stored after consent');
      await b.evalAsync(`window.sdk.pause();
        window.sdk.getTracer('app').startSpan('paused').end();
        await window.sdk.forceFlush();`);
      const names = (await rx.spans(id)).map((s) => s.name);
      assert.deepEqual(names, ['with consent']);
      assert.equal((await rx.logRecords(id)).length, 0);
    } finally {
      await b.quit();
    }
  });

  test(`${kind}: Server-Timing traceparent makes documentLoad a child of the server's span`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'server-timing');
      await b.get(rx.page('basic.html', id, { servertiming: `traceparent;desc="00-${SERVER_TRACE}-${SERVER_SPAN}-01"` }));
      await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
      const load = await waitSpan(rx, id, (s) => s.name === 'documentLoad');
      assert.equal(load.traceId, SERVER_TRACE);
      assert.equal(load.parentSpanId, SERVER_SPAN);
    } finally {
      await b.quit();
    }
  });
}
