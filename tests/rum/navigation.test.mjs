// SPA navigation in every browser: pushState / replaceState / back / hash changes become
// `routeChange` spans (type, url.full, page.route, page.previous_route), the routeTemplate
// hook names routes (a throwing hook falls back to the path), later fetch spans carry
// page.route, and the page's own History calls keep their return values and exceptions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

const INTERNAL = 1; // OTLP SpanKind

for (const kind of BROWSERS) {
  test(`${kind}: History API and hash changes become routeChange spans; page.route on later spans`, async () => {
    const b = await openBrowser(kind);
    try {
      const id = testId(kind, 'navigation');
      await b.get(rx.page('context.html', id, { hooks: 'route' }));
      await b.evalAsync('await window.ready');
      const result = await b.evalAsync(`
        const out = {};
        out.push = history.pushState({ a: 1 }, '', '/pages/users/42?tab=1') === undefined;
        history.replaceState({ a: 2 }, '', '/pages/users/42?tab=2');
        out.state = history.state && history.state.a;
        history.pushState(null, '', '/pages/about');
        const popped = new Promise((r) => addEventListener('popstate', r, { once: true }));
        history.back();
        await popped;
        const hashed = new Promise((r) => addEventListener('hashchange', r, { once: true }));
        location.hash = 'sec';
        await hashed;
        await window.get('/api/after');
        history.pushState(null, '', '/pages/boom');
        try { history.pushState(null, '', 'https://elsewhere.example/'); out.threw = false; }
        catch (e) { out.threw = e.name; }
        history.replaceState(null, '', location.href); // same URL: nothing to record
        await window.sdk.forceFlush();
        return out;`);
      assert.equal(result.push, true, 'pushState still returns undefined');
      assert.equal(result.state, 2, 'the page state is kept');
      assert.equal(result.threw, 'SecurityError', 'a cross-origin pushState still throws');

      await waitSpan(rx, id, (s) => s.attributes['page.route'] === '/pages/boom');
      const changes = (await rx.spans(id)).filter((s) => s.name === 'routeChange')
        .sort((a, c) => (BigInt(a.startTimeUnixNano) < BigInt(c.startTimeUnixNano) ? -1 : 1));
      const seen = changes.map((s) => [s.attributes['browser.navigation.type'], s.attributes['page.route'], s.attributes['page.previous_route']]);
      assert.deepEqual(seen, [
        ['push', '/users/:id', '/pages/context.html'],
        ['replace', '/users/:id', '/users/:id'],
        ['push', '/pages/about', '/users/:id'],
        ['pop', '/users/:id', '/pages/about'],
        ['hash', '/users/:id', '/users/:id'],
        ['push', '/pages/boom', '/users/:id'],
      ]);
      for (const s of changes) {
        assert.equal(s.kind, INTERNAL);
        assert.ok(s.attributes['url.full'].startsWith(rx.origin + '/pages/'), s.attributes['url.full']);
      }
      assert.ok(changes[1].attributes['url.full'].endsWith('/pages/users/42?tab=2'));
      assert.ok(changes[4].attributes['url.full'].endsWith('/pages/users/42?tab=2#sec'));

      const fetchSpan = await waitSpan(rx, id, (s) => s.attributes['url.full']?.endsWith('/api/after'));
      assert.equal(fetchSpan.attributes['page.route'], '/users/:id', 'later spans carry the route');
      const load = await waitSpan(rx, id, (s) => s.name === 'documentLoad');
      assert.equal(load.attributes['page.route'], '/pages/context.html', 'the initial route (hook: no template)');
    } finally {
      await b.quit();
    }
  });
}
