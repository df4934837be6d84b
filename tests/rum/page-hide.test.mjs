// Nothing lost when the user navigates away, in every browser, with and without gzip: 200
// spans still queued at a real navigation (the batch delay is a minute) reach the collector
// once the next page of the same app has started — sent with keepalive at page hide, or
// stashed and resent by the next page — and none arrives twice. CompressionStream is
// asynchronous, so with gzip the page-hide path must send uncompressed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

for (const kind of BROWSERS) {
  for (const compression of ['none', 'gzip']) {
    test(`${kind}, compression ${compression}: 200 spans queued at a navigation all arrive, once`, async () => {
      const b = await openBrowser(kind);
      try {
        const id = testId(kind, `hide-${compression}`);
        const config = JSON.stringify({ compression, batch: { scheduledDelayMillis: 60000 } });
        await b.get(rx.page('basic.html', id, { config }));
        await b.evalAsync(`await window.ready;
          const t = window.sdk.getTracer('burst');
          for (let i = 0; i < 200; i++) t.startSpan('burst-' + i).end();`);
        // The next page of the same app (same collector): a real navigation, not a dispatched event.
        await b.get(rx.page('basic.html', id, { config, next: '1' }));
        await b.evalAsync('await window.ready; await window.sdk.forceFlush()');
        const burst = async () => (await rx.spans(id)).filter((s) => s.name.startsWith('burst-'));
        let spans = await burst();
        for (let i = 0; i < 100 && spans.length < 200; i++) {
          await new Promise((r) => setTimeout(r, 100));
          spans = await burst();
        }
        await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show now
        spans = await burst();
        const names = new Set(spans.map((s) => s.name));
        assert.equal(names.size, 200, `distinct burst spans that arrived: ${names.size}`);
        assert.equal(spans.length, 200, `none twice (${spans.length} received)`);
      } finally {
        await b.quit();
      }
    });
  }
}
