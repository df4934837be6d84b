// The RUM harness itself, in every browser: the SDK loads from the npm build, a trusted click
// through WebDriver becomes a `click` span, and the receiver hands back its attributes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

for (const kind of BROWSERS) {
  test(`${kind}: a trusted click arrives as a span with its attributes`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'harness');
      await b.get(rx.page('basic.html', id));
      await b.evalAsync('await window.ready');
      await b.click('#go');
      assert.equal(await b.eval('return document.title'), 'clicked');
      await b.evalAsync('await window.sdk.forceFlush()');
      // The click span ends when its handler's work has settled: it may come in a later export
      // than the document load's.
      const click = await waitSpan(rx, id, (s) => s.name === 'click');
      assert.equal(click.resource['service.name'], 'rum-test');
      assert.equal(click.attributes['event_type'], 'click');
    } finally {
      await b.quit();
    }
  });
}
