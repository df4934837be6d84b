// Exceptions on our server, in every browser: an uncaught error thrown while no span is open
// becomes an `exception` span (status ERROR, the exception event, session and page
// attributes), so the real server binary lists it in POST /api/v1/listErrors (the SigNoz
// Exceptions page's query, built from span exception events). The same page also reports a
// failed <img> load and, with captureConsole, console.error/warn as log records.
// The server binary: see tests/support/servers.mjs (scripts/test.d/30-sdk-rum.sh builds it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';
import { startOurServer, nsFromNow } from '../support/servers.mjs';

const server = await startOurServer();
const rx = await startReceiver();
after(() => { server.stop(); return rx.stop(); });

for (const kind of BROWSERS) {
  test(`${kind}: an uncaught error with no span open is listed by our server's listErrors`, async () => {
    const b = await openBrowser(kind);
    try {
      const service = testId(kind, 'exc');
      const config = JSON.stringify({ serviceName: service, environment: 'staging' });
      const page = `${rx.origin}/pages/basic.html?${new URLSearchParams({ otlp: server.otlp, config, script: 'errors.js' })}`;
      await b.get(page);
      await b.evalAsync('await window.ready; await window.script');
      // Thrown from pages/errors.js: errors of WebDriver's injected scripts are muted.
      await b.eval(`window.script.then((m) => m.throwLater('boom with no span open'))`);
      await b.evalAsync('await new Promise((r) => setTimeout(r, 100)); await window.sdk.forceFlush()');
      let errors = [];
      const listErrors = () => server.post('/api/v1/listErrors', { start: nsFromNow(-600_000), end: nsFromNow(60_000), limit: 50, servicename: service });
      for (let i = 0; i < 100 && !errors.length; i++) {
        errors = await listErrors();
        if (!errors.length) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].exceptionType, 'TypeError');
      assert.equal(errors[0].exceptionMessage, 'boom with no span open');
      assert.equal(errors[0].serviceName, service);
    } finally {
      await b.quit();
    }
  });

  test(`${kind}: the exception span's attributes, resource load errors, console capture, browser resource`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'exc-attrs');
      await b.get(rx.page('basic.html', id, { script: 'errors.js', config: JSON.stringify({ captureConsole: true, environment: 'staging' }) }));
      await b.evalAsync('await window.ready; await window.script');
      await b.eval(`window.script.then((m) => m.throwLater('timer failed'));
        const img = document.createElement('img'); img.src = '/pages/missing.png?token=secret'; document.body.append(img);
        console.error('console says', { n: 1 }); console.warn('careful');`);
      await b.evalAsync('await new Promise((r) => setTimeout(r, 300)); await window.sdk.forceFlush()');
      await rx.waitFor(id, (r) => r.spans >= 1 && r.logRecords >= 4);
      const span = (await rx.spans(id)).find((s) => s.name === 'exception');
      assert.ok(span, 'an exception span');
      assert.equal(span.scope, 'otel-wasm/errors');
      assert.equal(span.status?.code, 2, 'status ERROR');
      assert.equal(span.attributes['page.route'], '/pages/basic.html');
      assert.match(span.attributes['url.full'], /\/pages\/basic\.html\?/);
      assert.match(span.resource['session.id'], /^[0-9a-f]{32}$/);
      const ev = span.events.find((e) => e.name === 'exception');
      assert.equal(ev.attributes['exception.type'], 'TypeError');
      assert.equal(ev.attributes['exception.message'], 'timer failed');
      assert.match(ev.attributes['exception.stacktrace'], /errors\.js/);
      assert.equal(span.resource['deployment.environment'], 'staging');
      assert.equal(span.resource['deployment.environment.name'], 'staging');
      assert.ok(span.resource['user_agent.original'].length > 0);
      assert.ok(span.resource['browser.language'].length > 0);
      if (kind === 'chrome') {
        assert.ok(span.resource['browser.brands'].length > 0, 'UA client hints in Chromium');
        assert.equal(typeof span.resource['browser.mobile'], 'boolean');
      }
      const logs = await rx.logRecords(id);
      const errorLog = logs.find((l) => l.eventName === 'browser.error');
      assert.equal(errorLog.traceId, span.traceId, 'the log record joins the exception span');
      const res = logs.find((l) => l.eventName === 'browser.resource_error');
      assert.ok(res, 'the failed <img> load');
      assert.equal(res.attributes['resource.type'], 'img');
      assert.equal(res.body.stringValue, 'img failed to load', 'the URL only in resource.url (redacted)');
      assert.match(res.attributes['resource.url'], /missing\.png\?token=REDACTED$/);
      const consoleLogs = logs.filter((l) => l.eventName === 'browser.console');
      assert.deepEqual(consoleLogs.map((l) => [l.body.stringValue, l.severityText]).sort(),
        [['careful', 'WARN'], ['console says {"n":1}', 'ERROR']]);
    } finally {
      await b.quit();
    }
  });
}
