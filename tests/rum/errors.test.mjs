// Errors, in every browser: uncaught errors and unhandled rejections arrive as
// `browser.error` log records with exception.* attributes (and code.* for errors), an error
// thrown by a click handler also as an `exception` event on the click's span, the page's own
// handlers still run, and a storm of 1 000 errors is cut by the rate limit and the
// deduplication, with the rest counted in stats().errorsDropped. Error sources live in
// pages/errors.js (so the events carry its URL and line numbers).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const errorLogs = async (id) => (await rx.logRecords(id)).filter((l) => l.attributes['event.name'] === 'browser.error');

for (const kind of BROWSERS) {
  test(`${kind}: errors and rejections arrive as logs and span events; storms are rate-limited`, async (t) => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'errors');
      await b.get(rx.page('basic.html', id, { script: 'errors.js' }));
      await b.evalAsync('await window.ready; await window.script');
      await b.eval(`window.script.then((m) => {
        m.throwLater('boom from a timer');
        m.rejectLater('rejected on purpose', 'RangeError');
        m.rejectLater('a plain string');
      })`);
      await b.click('#throw');
      // The public log API goes through the same pipeline.
      await b.eval(`window.sdk.emitLog({ body: 'hello', severityNumber: 13, eventName: 'app.note', attributes: { 'app.n': 2 }, scope: 'app' })`);
      await b.evalAsync(`for (let i = 0; i < 100 && window.pageSaw.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
        await window.sdk.forceFlush();`);
      assert.deepEqual((await b.eval('return window.pageSaw')).sort(), ['onerror', 'onerror', 'unhandledrejection', 'unhandledrejection'],
        "the page's own handlers still see every error");
      await rx.waitFor(id, (r) => r.logRecords >= 5);
      const note = (await rx.logRecords(id)).find((l) => l.scope === 'app');
      assert.deepEqual([note.body.stringValue, note.severityNumber, note.severityText, note.eventName, note.attributes],
        ['hello', 13, 'WARN', 'app.note', { 'event.name': 'app.note', 'app.n': 2, 'url.full': note.attributes['url.full'], 'page.route': '/pages/basic.html' }]);
      assert.match(note.resource['session.id'], /^[0-9a-f]{32}$/, 'every log record has the session (on its batch)');
      assert.match(note.attributes['url.full'], /\/pages\/basic\.html\?/);
      const sent = await b.eval('return window.sdk.stats()');
      assert.deepEqual([sent.logsEmitted, sent.logsExported, sent.logsDropped, sent.logsFailed], [5, 5, 0, 0]);
      const logs = await errorLogs(id);
      const by = Object.fromEntries(logs.map((l) => [l.attributes['exception.message'], l]));
      assert.deepEqual(Object.keys(by).sort(), ['a plain string', 'boom from a timer', 'click handler failed', 'rejected on purpose']);
      for (const l of logs) {
        assert.equal(l.scope, 'otel-wasm/errors');
        assert.equal(l.severityNumber, 17);
        assert.equal(l.eventName, 'browser.error');
        assert.equal(l.body.stringValue, l.attributes['exception.message']);
        assert.ok(l.attributes['url.full'].includes('/pages/basic.html'));
        assert.equal(l.attributes['page.route'], '/pages/basic.html');
      }
      const timer = by['boom from a timer'].attributes;
      assert.equal(timer['exception.type'], 'TypeError');
      assert.equal(timer['error.source'], 'error');
      assert.match(timer['exception.stacktrace'], /errors\.js/);
      assert.match(timer['code.filepath'], /\/pages\/errors\.js$/);
      assert.equal(timer['code.lineno'], 6, 'the throw in errors.js');
      assert.ok(timer['code.colno'] > 0);
      const rejected = by['rejected on purpose'].attributes;
      assert.equal(rejected['exception.type'], 'RangeError');
      assert.equal(rejected['error.source'], 'unhandledrejection');
      assert.match(rejected['exception.stacktrace'], /errors\.js/);
      const plain = by['a plain string'].attributes;
      assert.equal(plain['error.source'], 'unhandledrejection');
      assert.ok(!('exception.type' in plain) && !('exception.stacktrace' in plain), 'a non-Error reason has only a message');

      // The click handler's error: a log in the click's trace, and an event on its span.
      const clickLog = by['click handler failed'];
      let click;
      for (let i = 0; i < 50 && !click; i++) {
        // The click's span ends once its task is over; flush until it has been exported.
        await b.evalAsync('await new Promise((r) => setTimeout(r, 100)); await window.sdk.forceFlush()');
        click = (await rx.spans(id)).find((s) => s.name === 'click');
      }
      assert.ok(click, 'a click span');
      assert.equal(clickLog.traceId, click.traceId);
      assert.equal(clickLog.spanId, click.spanId);
      const ev = click.events.find((e) => e.name === 'exception');
      assert.ok(ev, 'an exception event on the click span');
      assert.equal(ev.attributes['exception.type'], 'Error');
      assert.equal(ev.attributes['exception.message'], 'click handler failed');
      assert.match(ev.attributes['exception.stacktrace'], /errors\.js/);

      // A storm on a fresh page: 1 000 errors, 100 distinct messages.
      const storm = testId(kind, 'storm');
      await b.get(rx.page('basic.html', storm, { script: 'errors.js' }));
      await b.evalAsync('await window.ready; const m = await window.script; m.storm(1000, 100)');
      await b.evalAsync(`for (let i = 0; i < 200 && window.pageSaw.length < 1000; i++) await new Promise((r) => setTimeout(r, 20));
        await window.sdk.forceFlush();`);
      assert.equal(await b.eval('return window.pageSaw.length'), 1000, 'the page saw all of them');
      const stats = await b.eval('return window.sdk.stats()');
      const logged = (await errorLogs(storm)).length;
      t.diagnostic(`storm: ${logged} logged, ${stats.errorsDropped} dropped`);
      assert.ok(logged >= 10 && logged <= 15, `burst of 10 (+ refill): ${logged}`);
      assert.equal(logged + stats.errorsDropped, 1000, 'every error logged or counted');
      assert.equal(stats.logsEmitted, logged);
    } finally {
      await b.quit();
    }
  });
}
