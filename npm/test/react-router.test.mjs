// otel-wasm/react-router: the route template React Router's own matching gives, with React
// Router 6, 7 and 8 (node --test on the built dist/; 7 is the package's devDependency, 6 and 8
// are installed under aliases and put behind the name `react-router` in a temporary folder).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(npmDir, 'dist', 'react-router.js');

/** dist/react-router.js (and what it imports of ours) importing the React Router installed
 *  as `pkg` (in npm/node_modules). */
async function withVersion(pkg) {
  if (pkg === 'react-router') return import(built);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `otel-wasm-${pkg}-`));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(npmDir, 'node_modules', pkg), path.join(dir, 'node_modules', 'react-router'), 'dir');
  for (const f of ['react-router.js', 'route-path.js']) fs.copyFileSync(path.join(npmDir, 'dist', f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  return import(path.join(dir, 'react-router.js'));
}

const routes = [
  {
    path: '/',
    children: [
      { index: true },
      {
        path: 'orders',
        children: [
          { index: true },
          { path: 'new' },
          { path: ':id', children: [{ index: true }, { path: 'items/:item' }] },
        ],
      },
      { path: 'docs/*' },
      { path: ':lang?/help' },
      { path: '/settings/profile' },
    ],
  },
  // A layout route: no path of its own.
  { children: [{ path: '/login' }] },
];

const cases = [
  ['https://shop.test/', '/'],
  ['https://shop.test/orders', '/orders'],
  ['https://shop.test/orders/42', '/orders/:id'],
  ['https://shop.test/orders/42/', '/orders/:id'],
  ['https://shop.test/ORDERS/42', '/orders/:id'],
  ['https://shop.test/orders/new', '/orders/new'],
  ['https://shop.test/orders/42/items/7?tab=1#top', '/orders/:id/items/:item'],
  ['https://shop.test/docs/guides/setup', '/docs/*'],
  ['https://shop.test/help', '/:lang?/help'],
  ['https://shop.test/en/help', '/:lang?/help'],
  ['https://shop.test/settings/profile', '/settings/profile'],
  ['https://shop.test/login', '/login'],
  ['https://shop.test/no/such/page', undefined],
];

for (const pkg of ['react-router-v6', 'react-router', 'react-router-v8']) {
  const version = JSON.parse(fs.readFileSync(path.join(npmDir, 'node_modules', pkg, 'package.json'), 'utf8')).version;

  test(`React Router ${version}: the matched routes' pattern, undefined when none matches`, async () => {
    const { reactRouterTemplate } = await withVersion(pkg);
    const template = reactRouterTemplate(routes);
    for (const [url, want] of cases) assert.equal(template(url), want, url);
  });

  test(`React Router ${version}: basename, hash routers and routes known only later`, async () => {
    const { reactRouterTemplate } = await withVersion(pkg);
    const underApp = reactRouterTemplate(routes, { basename: '/app/' });
    assert.equal(underApp('https://shop.test/app/orders/42'), '/app/orders/:id');
    assert.equal(underApp('https://shop.test/app'), '/app');
    assert.equal(underApp('https://shop.test/orders/42'), undefined, 'outside the basename');

    const hashed = reactRouterTemplate(routes, { hash: true });
    assert.equal(hashed('https://shop.test/#/orders/42?tab=1'), '/orders/:id');
    assert.equal(hashed('https://shop.test/index.html'), '/');

    let later;
    const lazy = reactRouterTemplate(() => later);
    assert.equal(lazy('https://shop.test/orders/42'), undefined, 'no routes yet: the SDK uses the path');
    later = routes;
    assert.equal(lazy('https://shop.test/orders/42'), '/orders/:id');
  });
}

test('templateOf joins relative paths, keeps absolute ones and skips layout and index routes', async () => {
  const { templateOf } = await import(built);
  const of = (...paths) => templateOf(paths.map((path) => ({ route: { path } })));
  assert.equal(of('/', undefined, 'a', ':b'), '/a/:b');
  assert.equal(of('/x/', 'y/'), '/x/y');
  assert.equal(of('/', 'a', '/a/b'), '/a/b');
  assert.equal(of(undefined, ''), '/');
});
