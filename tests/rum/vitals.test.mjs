// Web vitals and long tasks, in every browser: a scripted page (basic.html + pages/vitals.js) paints
// text (FCP), adds a late large image (LCP), shifts the layout (CLS), and gets a trusted
// click on a 250 ms handler (INP, and a long task); then the tab is hidden (a new tab takes
// the foreground) and the vitals must arrive once each, as `browser.web_vital` log records
// and `browser.web_vital.*` histogram points, with value, rating, navigation type and route.
// A vital whose entry type the browser lacks (Firefox: layout-shift, longtask) must be
// absent, and the SDK silent about it; the test reads `supportedEntryTypes` and says which.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const RATINGS = {
  LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800],
};
const rating = (name, v) => (v <= RATINGS[name][0] ? 'good' : v <= RATINGS[name][1] ? 'needs-improvement' : 'poor');

for (const kind of BROWSERS) {
  test(`${kind}: web vitals arrive at page hide as logs and histograms; long tasks as spans`, async (t) => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'vitals');
      // ?bfcache: the receiver serves the page cacheable, so the browser may keep it in the
      // back/forward cache (checked below). The offline buffer is off here: Firefox keeps no
      // page in that cache while an IndexedDB transaction of it is open, which the buffer's
      // work at page hide sometimes is.
      await b.get(rx.page('basic.html', id, { script: 'vitals.js', bfcache: '1', config: JSON.stringify({ offline: false }) }));
      await b.evalAsync('await window.script; await window.scripted');
      const support = await b.eval(`
        const types = PerformanceObserver.supportedEntryTypes || [];
        return { lcp: types.includes('largest-contentful-paint'), cls: types.includes('layout-shift'),
                 inp: types.includes('event') && typeof PerformanceEventTiming === 'function'
                      && 'interactionId' in PerformanceEventTiming.prototype,
                 longtask: types.includes('longtask'), loaf: types.includes('long-animation-frame') };`);
      t.diagnostic(`${kind} supports: ${JSON.stringify(support)}`);
      await b.click('#slow');
      assert.equal(await b.eval('return document.title'), 'slow done');
      // A 200 ms busy loop in a task of its own: a long task.
      await b.evalAsync('await new Promise((r) => setTimeout(() => { window.busy(200); r(); }, 0))');
      const testTab = await b.newTab(); // hides the test page: visibilitychange → the report

      const expected = ['FCP', 'TTFB'];
      if (support.lcp) expected.push('LCP');
      if (support.cls) expected.push('CLS');
      if (support.inp) expected.push('INP');
      await rx.waitFor(id, (r) => r.logRecords >= expected.length && r.metrics >= expected.length);
      const logs = (await rx.logRecords(id)).filter((l) => l.attributes['event.name'] === 'browser.web_vital');
      const names = logs.map((l) => l.body.stringValue).sort();
      assert.deepEqual(names, [...expected].sort(), 'each supported vital once');
      const byName = Object.fromEntries(logs.map((l) => [l.body.stringValue, l]));
      for (const l of logs) {
        const a = l.attributes;
        assert.equal(l.scope, 'otel-wasm/web-vitals');
        assert.equal(l.severityNumber, 9);
        assert.equal(l.eventName, 'browser.web_vital');
        assert.ok(Number(l.timeUnixNano) > 0 && Number(l.observedTimeUnixNano) > 0);
        assert.equal(a['web_vital.name'], l.body.stringValue);
        assert.equal(typeof a['web_vital.value'], 'number');
        assert.equal(a['web_vital.rating'], rating(a['web_vital.name'], a['web_vital.value']));
        assert.equal(a['web_vital.delta'], a['web_vital.value']);
        assert.match(a['web_vital.id'], new RegExp(`^[0-9a-f]{16}-${a['web_vital.name']}$`));
        assert.equal(a['web_vital.navigation_type'], 'navigate');
        assert.equal(a['page.route'], '/pages/basic.html');
        assert.ok(a['url.full'].includes('/pages/basic.html'));
      }
      const v = (n) => byName[n].attributes['web_vital.value'];
      assert.ok(v('FCP') > 0, 'FCP');
      assert.ok(v('TTFB') >= 0 && v('TTFB') <= v('FCP'), 'TTFB before FCP');
      if (support.lcp) assert.ok(v('LCP') >= v('FCP'), `LCP ${v('LCP')} ≥ FCP ${v('FCP')}`);
      if (support.lcp && kind === 'chrome') assert.ok(v('LCP') >= 300, `LCP is the late image: ${v('LCP')}`);
      if (support.cls) assert.ok(v('CLS') > 0.05, `CLS from the banner: ${v('CLS')}`);
      if (support.inp) assert.ok(v('INP') >= 240, `INP covers the 250 ms handler: ${v('INP')}`);
      // Attribution: what each vital points at.
      const at = (n) => byName[n].attributes;
      if (support.lcp) {
        assert.equal(at('LCP')['web_vital.attribution.element'], 'body > img', 'the late image');
        assert.equal(at('LCP')['web_vital.attribution.url'], 'data:image/png;base64');
      }
      if (support.inp) {
        const a = at('INP');
        assert.equal(a['web_vital.attribution.element'], 'button#slow');
        assert.ok(a['web_vital.attribution.processing_duration'] >= 240, 'the 250 ms handler');
        assert.ok(a['web_vital.attribution.input_delay'] >= 0 && a['web_vital.attribution.presentation_delay'] >= 0);
      }
      if (support.cls) {
        assert.ok(at('CLS')['web_vital.attribution.element'], 'the shifted content');
        assert.ok(at('CLS')['web_vital.attribution.largest_shift_value'] > 0);
      }
      if (!support.cls) t.diagnostic(`${kind} has no layout-shift entries: no CLS (checked absent)`);
      if (!support.inp) t.diagnostic(`${kind} has no event timing with interactionId: no INP (checked absent)`);
      if (!support.lcp) t.diagnostic(`${kind} has no largest-contentful-paint entries: no LCP (checked absent)`);

      const metrics = await rx.metrics(id);
      for (const n of expected) {
        const m = metrics.find((x) => x.name === `browser.web_vital.${n.toLowerCase()}`);
        assert.ok(m, `histogram for ${n}`);
        assert.equal(m.kind, 'histogram');
        assert.equal(m.unit, n === 'CLS' ? '1' : 'ms');
        const p = m.points[0];
        assert.equal(Number(p.count), 1);
        assert.equal(p.sum, v(n));
        const { 'session.id': session, ...pointAttrs } = p.attributes;
        assert.deepEqual(pointAttrs, { 'web_vital.rating': rating(n, v(n)), 'web_vital.navigation_type': 'navigate', 'page.route': '/pages/basic.html' });
        assert.match(session, /^[0-9a-f]{32}$/, 'metric points carry the session');
      }

      const spans = await rx.spans(id);
      const longtasks = spans.filter((s) => s.name === 'longtask');
      if (support.longtask) {
        assert.ok(longtasks.length >= 2, `the handler and the busy loop: ${longtasks.length}`);
        const lt = longtasks.find((s) => s.attributes['longtask.duration'] >= 195);
        assert.ok(lt, 'a ≥ 200 ms long task');
        assert.equal(lt.scope, 'otel-wasm/long-tasks');
        assert.equal(lt.kind, 1, 'INTERNAL');
        const ms = (Number(lt.endTimeUnixNano) - Number(lt.startTimeUnixNano)) / 1e6;
        assert.ok(Math.abs(ms - lt.attributes['longtask.duration']) < 1, 'start/end from the entry');
        assert.equal(lt.attributes['longtask.attribution.container_type'], 'window');
        assert.ok('longtask.attribution.name' in lt.attributes);
      } else {
        assert.equal(longtasks.length, 0);
        t.diagnostic(`${kind} has no longtask entries: no longtask spans (checked absent)`);
      }
      const frames = spans.filter((s) => s.name === 'long-animation-frame');
      if (support.loaf) {
        // The frame the 250 ms click handler or the 200 ms loop blocked.
        const f = frames.reduce((a, s) => (s.attributes['loaf.blocking_duration'] > (a?.attributes['loaf.blocking_duration'] ?? -1) ? s : a), null);
        assert.ok(f && f.attributes['loaf.blocking_duration'] > 100, 'a blocked long animation frame');
        assert.equal(f.scope, 'otel-wasm/long-tasks');
        assert.ok(f.attributes['loaf.scripts.count'] >= 1, 'with its scripts');
        assert.equal(typeof f.attributes['loaf.script.invoker'], 'string');
        assert.ok(f.attributes['loaf.script.duration'] > 0);
      } else {
        assert.equal(frames.length, 0);
        t.diagnostic(`${kind} has no long-animation-frame entries`);
      }

      // Back in the tab, away and back again: restored from the back/forward cache, a new
      // page view whose vitals are reported at the next hide.
      await b.cmd('POST', '/window', { handle: testTab });
      await b.get(rx.page('basic.html', `${id}-elsewhere`));
      await b.cmd('POST', '/back', {});
      assert.equal(await b.eval('return window.restores'), 1, 'restored from the back/forward cache');
      await b.newTab();
      const again = expected.filter((n) => n !== 'INP'); // no interaction after the restore
      await rx.waitFor(id, (r) => r.logRecords >= expected.length + again.length);
      const restored = (await rx.logRecords(id)).filter((l) => l.attributes['web_vital.navigation_type'] === 'back-forward-cache');
      assert.deepEqual(restored.map((l) => l.body.stringValue).sort(), [...again].sort());
      const rv = Object.fromEntries(restored.map((l) => [l.body.stringValue, l.attributes]));
      assert.equal(rv.TTFB['web_vital.value'], 0, 'no request for a restore');
      assert.ok(rv.FCP['web_vital.value'] > 0 && rv.FCP['web_vital.value'] < 1000, 'the next frames after the restore');
      assert.notEqual(rv.FCP['web_vital.id'], byName.FCP.attributes['web_vital.id'], 'a new page view id');
    } finally {
      await b.quit();
    }
  });
}

for (const kind of BROWSERS) {
  test(`${kind}: an SPA route change reports the vitals so far for the route they belong to`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'vitals-route');
      await b.get(rx.page('basic.html', id, { script: 'vitals.js', config: JSON.stringify({ offline: false }) }));
      await b.evalAsync('await window.script; await window.scripted');
      await b.click('#slow');
      await b.eval("history.pushState({}, '', '/pages/orders')");
      await rx.waitFor(id, (r) => r.logRecords >= 2);
      const first = (await rx.logRecords(id)).filter((l) => l.attributes['event.name'] === 'browser.web_vital');
      assert.ok(first.length >= 2 && first.every((l) => l.attributes['page.route'] === '/pages/basic.html'), 'reported at the route change, for the first route');
      assert.ok(first.some((l) => l.body.stringValue === 'FCP'));
      await b.newTab(); // hide: the second route's view (CLS where the browser has it, no load vitals)
      await new Promise((r) => setTimeout(r, 1500));
      const later = (await rx.logRecords(id)).filter((l) => l.attributes['event.name'] === 'browser.web_vital' && l.attributes['page.route'] === '/pages/orders');
      for (const l of later) {
        assert.equal(l.attributes['web_vital.navigation_type'], 'soft-navigation');
        assert.ok(['CLS', 'INP'].includes(l.body.stringValue), `only CLS/INP after a soft navigation: ${l.body.stringValue}`);
      }
      assert.equal(first.filter((l) => l.body.stringValue === 'FCP').length, 1, 'FCP once');
    } finally {
      await b.quit();
    }
  });
}

for (const kind of BROWSERS) {
  test(`${kind}: a page loaded in a background tab reports no FCP or LCP`, async (t) => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'vitals-background');
      await b.get(rx.page('basic.html', `${id}-first`));
      // The tab navigates to the test page after it has been hidden by a new tab.
      await b.eval(`setTimeout(() => { location.href = ${JSON.stringify(rx.page('basic.html', id, { script: 'vitals.js', config: JSON.stringify({ offline: false }) }))}; }, 300)`);
      const first = await b.newTab();
      await new Promise((r) => setTimeout(r, 3000));
      await b.cmd('POST', '/window', { handle: first }); // back: the loaded page becomes visible
      assert.equal(await b.eval('return document.visibilityState'), 'visible');
      assert.equal(await b.eval('return performance.getEntriesByType("navigation")[0]?.name?.includes("vitals.js")'), true, 'the test page loaded');
      await b.evalAsync('await window.script; await window.scripted');
      if (await b.eval('return window.visibilityAtStart') !== 'hidden') {
        t.skip(`${kind} did not start the tab hidden (visibilityState 'visible' in a background tab)`);
        return;
      }
      await b.newTab(); // hide again: the report
      await rx.waitFor(id, (r) => r.logRecords >= 1);
      await new Promise((r) => setTimeout(r, 500));
      const names = (await rx.logRecords(id)).filter((l) => l.attributes['event.name'] === 'browser.web_vital').map((l) => l.body.stringValue);
      assert.ok(names.includes('TTFB'), `TTFB still: ${names}`);
      assert.ok(!names.includes('FCP') && !names.includes('LCP'), `no paint vitals from a background load: ${names}`);
    } finally {
      await b.quit();
    }
  });
}
