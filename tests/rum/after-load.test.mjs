// After the load, in every browser: a resource loaded later (a lazy image) becomes a
// `resourceFetch` span of its own; click spans carry `interaction.dead` (no DOM change,
// request or URL change within 1 s) and `interaction.rage` (3 clicks on one element in 1 s; once
// per burst).
// WebDriver clicks are trusted input, like a user's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const kind of BROWSERS) {
  test(`${kind}: late resources as resourceFetch spans; dead and rage clicks flagged`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'after-load');
      await b.get(rx.page('basic.html', id));
      await b.evalAsync('await window.ready');
      await waitSpan(rx, id, (s) => s.name === 'documentLoad');
      await b.eval(`for (const name of ['nothing', 'rage']) {
          const el = document.createElement('button'); el.id = name; el.textContent = name; document.body.append(el);
        }
        new Image().src = '/pkg/web.js?late-image';`);
      await sleep(300);
      await b.click('#go'); // its handler changes document.title: alive
      await sleep(1200);
      await b.click('#nothing'); // no handler: dead
      await sleep(1200);
      for (let i = 0; i < 5; i++) await b.click('#rage');
      await sleep(1500);
      await b.evalAsync('await window.sdk.forceFlush()');

      const late = await waitSpan(rx, id, (s) => s.name === 'resourceFetch' && /late-image/.test(s.attributes['url.full']));
      assert.equal(late.attributes['resource.initiator_type'], 'img');
      assert.ok(!late.parentSpanId, 'a root span, not part of the document load');
      assert.ok(Number(late.endTimeUnixNano) >= Number(late.startTimeUnixNano));

      let clicks = [];
      for (let i = 0; i < 50 && clicks.length < 7; i++) {
        clicks = (await rx.spans(id)).filter((s) => s.name === 'click');
        if (clicks.length < 7) await b.evalAsync('await new Promise((r) => setTimeout(r, 100)); await window.sdk.forceFlush()');
      }
      const on = (el) => clicks.filter((s) => s.attributes.target_xpath.includes(`"${el}"`))
        .sort((x, y) => Number(x.startTimeUnixNano) - Number(y.startTimeUnixNano));
      assert.equal(on('go').length, 1);
      assert.equal(on('go')[0].attributes['interaction.dead'], false, 'the page reacted');
      assert.ok(!('interaction.rage' in on('go')[0].attributes));
      assert.equal(on('nothing')[0].attributes['interaction.dead'], true, 'nothing happened within 1 s');
      const rage = on('rage');
      assert.equal(rage.length, 5);
      assert.deepEqual(rage.map((s) => s.attributes['interaction.rage'] ?? false), [false, false, true, false, false],
        'the third click in 1 s, once per burst');

      // forceFlush exports an ended click still waiting for its verdict, without one.
      await b.eval(`const el = document.createElement('button'); el.id = 'flushed'; el.textContent = 'flushed'; document.body.append(el);`);
      await sleep(1200); // the append's own sign of life is over
      await b.click('#flushed');
      await sleep(100); // the click's interaction ends (the script below would run inside it)
      await b.evalAsync('await window.sdk.forceFlush()');
      const flushed = await waitSpan(rx, id, (s) => s.name === 'click' && s.attributes.target_xpath.includes('"flushed"'), 700);
      assert.ok(!('interaction.dead' in flushed.attributes), 'no verdict yet');
    } finally {
      await b.quit();
    }
  });
}
