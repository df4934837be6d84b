// Privacy in every browser: query values of secret-looking parameters are recorded as
// REDACTED in every URL the SDK records (fetch, XHR, document load, routeChange), the list
// is configurable (a list adds to the default), and scrubAttributes changes or drops span
// and metric attributes before export; a throwing hook drops the attribute and is counted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, openBrowser, BROWSERS, testId, waitSpan } from './harness.mjs';

const rx = await startReceiver();
after(() => rx.stop());

for (const kind of BROWSERS) {
  test(`${kind}: privacy`, async (t) => {
    const b = await openBrowser(kind);
    try {
      await t.test('secret query values are redacted in every recorded URL', async () => {
        const id = testId(kind, 'redact');
        await b.get(rx.page('context.html', id, { token: 'pagesecret' }));
        await b.evalAsync(`await window.ready;
          await window.get('/api?token=abc&q=1');
          await window.xhr('/api/x?Password=p&page=2#frag');
          history.pushState(null, '', '/pages/cb?code=123&next=1');
          await window.sdk.forceFlush();`);
        const f = await waitSpan(rx, id, (s) => s.attributes['url.full']?.includes('/api?'));
        assert.equal(f.attributes['url.full'], `${rx.origin}/api?token=REDACTED&q=1`);
        const x = await waitSpan(rx, id, (s) => s.attributes['url.full']?.includes('/api/x?'));
        assert.equal(x.attributes['url.full'], `${rx.origin}/api/x?Password=REDACTED&page=2#frag`);
        const nav = await waitSpan(rx, id, (s) => s.name === 'routeChange');
        assert.equal(nav.attributes['url.full'], `${rx.origin}/pages/cb?code=REDACTED&next=1`);
        const load = await waitSpan(rx, id, (s) => s.name === 'documentLoad');
        assert.match(load.attributes['url.full'], /[?&]token=REDACTED(&|$)/);
        const docFetch = await waitSpan(rx, id, (s) => s.name === 'documentFetch');
        assert.match(docFetch.attributes['url.full'], /[?&]token=REDACTED(&|$)/);
        const all = JSON.stringify(await rx.spans(id));
        for (const secret of ['pagesecret', 'token=abc', 'Password=p&', 'code=123']) assert.ok(!all.includes(secret), `"${secret}" never exported`);
      });

      await t.test('redactQueryParams adds to the default list (email among the defaults)', async () => {
        const id = testId(kind, 'redact-list');
        await b.get(rx.page('context.html', id, { config: JSON.stringify({ redactQueryParams: ['q'] }) }));
        await b.evalAsync(`await window.ready; await window.get('/api?token=abc&q=1&email=a%40b.c&page=2'); await window.sdk.forceFlush();`);
        const f = await waitSpan(rx, id, (s) => s.attributes['url.full']?.includes('/api?'));
        assert.equal(f.attributes['url.full'], `${rx.origin}/api?token=REDACTED&q=REDACTED&email=REDACTED&page=2`);
      });

      await t.test('scrubAttributes changes and drops attributes; a throwing hook drops them', async () => {
        const id = testId(kind, 'scrub');
        await b.get(rx.page('context.html', id, { hooks: 'scrub' }));
        const stats = await b.evalAsync(`await window.ready;
          const attrs = { 'user.email': 'a@b.c', 'user.name': 'Ada', 'secret.attr': 's', keep: 1 };
          const span = window.sdk.getTracer('app').startSpan('scrubbed', { attributes: attrs });
          span.addEvent('ev', attrs);
          span.end();
          window.sdk.getMeter('m').createCounter('scrubbed.count').add(1, attrs);
          await window.sdk.forceFlush();
          return window.sdk.stats();`);
        const s = await waitSpan(rx, id, (x) => x.name === 'scrubbed');
        for (const a of [s.attributes, s.events[0].attributes]) {
          assert.equal(a['user.email'], undefined, 'dropped');
          assert.equal(a['user.name'], 'anon', 'changed');
          assert.equal(a['secret.attr'], undefined, 'a throwing hook drops it');
          assert.equal(a.keep, 1, 'kept');
        }
        assert.ok(s.attributes['page.route'], 'the SDK attributes pass the hook too');
        await rx.waitFor(id, (r) => r.dataPoints >= 1);
        const p = (await rx.metrics(id)).find((m) => m.name === 'scrubbed.count').points[0].attributes;
        assert.deepEqual([p['user.email'], p['user.name'], p['secret.attr'], p.keep], [undefined, 'anon', undefined, 1]);
        assert.ok(stats.scrubHookErrors >= 3, `scrubHookErrors ${stats.scrubHookErrors}`);
      });
    } finally {
      await b.quit();
    }
  });
}
