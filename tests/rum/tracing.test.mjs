// The tracing-only flavour (`otel-wasm/tracing/web`): it loads its own, smaller .wasm, exports
// document load, click, fetch and XHR spans (OTLP protobuf) to the receiver, and the parts it
// leaves out (metrics, logs, RUM options) are no-ops: calls do not throw, and each part says so
// once on the console.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

for (const kind of BROWSERS) {
  test(`${kind}: the tracing flavour exports load, click, fetch and XHR spans; metrics and logs calls are no-ops`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'tracing');
      await b.get(rx.page('tracing.html', id, { config: JSON.stringify({ webVitals: true }) }));
      await b.evalAsync('await window.ready');
      await b.click('#go');
      const api = await b.evalAsync(`
        for (let i = 0; i < 200 && window.done < 2; i++) await new Promise((r) => setTimeout(r, 20));
        const sdk = window.sdk, out = [];
        const call = (name, f) => { try { f(); } catch (e) { out.push(name + ': ' + e); } };
        call('getMeter', () => sdk.getMeter('m').createCounter('c').add(1));
        call('createHistogram', () => sdk.getMeter('m', '1').createHistogram('h').record(2, { a: 1 }));
        call('observable', () => sdk.meterProvider.getMeter('m').createObservableGauge('g').addCallback((r) => r.observe(1)));
        call('emitLog', () => sdk.emitLog({ body: 'hello', severityNumber: 9 }));
        call('emitLog again', () => sdk.emitLog({ body: 'again' }));
        await sdk.forceFlush();
        return { threw: out, warnings: window.warnings, stats: sdk.stats(),
          wasm: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')) };`);
      assert.deepEqual(api.threw, [], 'no call threw');
      assert.equal(api.stats.disabledReason, '', 'the SDK runs');
      assert.equal(api.stats.apiErrors, 0);
      assert.deepEqual(api.wasm.map((u) => new URL(u).pathname), ['/pkg/wasm-tracing/sdk_wasm_bg.wasm'], 'the tracing .wasm, only');
      const says = (part) => api.warnings.filter((w) => w.includes(part) && w.includes('otel-wasm/tracing'));
      assert.equal(says('metrics are').length, 1, `one line for metrics: ${api.warnings}`);
      assert.equal(says('logs are').length, 1, `one line for logs: ${api.warnings}`);
      assert.equal(says('web vitals').length, 1, `one line for webVitals: true: ${api.warnings}`);

      // The click ends once its fetch and XHR settled, which may be after the flush above:
      // wait for the spans asserted below, not for a count.
      const named = (r) => r.requests.flatMap((q) => q.spanList ?? []).map((s) => s.name);
      const got = await rx.waitFor(id, (r) => {
        const n = named(r);
        return n.includes('documentLoad') && n.includes('click') && n.filter((x) => x === 'GET').length >= 2;
      });
      const reqs = got.requests.filter((r) => r.method === 'POST');
      assert.ok(reqs.every((r) => r.signal === 'traces'), `only traces are exported: ${reqs.map((r) => r.signal)}`);
      assert.ok(reqs.every((r) => !String(r.headers['content-type']).includes('json')), 'protobuf');
      const spans = reqs.flatMap((r) => r.spanList);
      const names = spans.map((s) => s.name);
      for (const n of ['documentLoad', 'click']) assert.ok(names.includes(n), `${n} in ${names}`);
      const click = spans.find((s) => s.name === 'click');
      const requests = spans.filter((s) => s.traceId === click.traceId && s.parentSpanId === click.spanId && s.name === 'GET');
      assert.equal(requests.length, 2, `the fetch and the XHR are the click's children: ${JSON.stringify(spans)}`);
    } finally {
      await b.quit();
    }
  });
}
