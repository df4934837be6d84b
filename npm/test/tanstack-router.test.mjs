// otel-wasm/tanstack-router: the route template a real TanStack Router (the devDependency)
// gives, with and without a basepath, on browser and hash history (node --test on dist/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryHistory, createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { tanstackRouterTemplate } from '../dist/tanstack-router.js';

function routeTree() {
  const root = createRootRoute();
  const index = createRoute({ getParentRoute: () => root, path: '/' });
  const orders = createRoute({ getParentRoute: () => root, path: 'orders' });
  const ordersIndex = createRoute({ getParentRoute: () => orders, path: '/' });
  const order = createRoute({ getParentRoute: () => orders, path: '$id' });
  const items = createRoute({ getParentRoute: () => order, path: 'items/$item' });
  const auth = createRoute({ getParentRoute: () => root, id: '_auth' }); // a layout route
  const login = createRoute({ getParentRoute: () => auth, path: 'login' });
  const docs = createRoute({ getParentRoute: () => root, path: 'docs/$' });
  return root.addChildren([index, orders.addChildren([ordersIndex, order.addChildren([items])]), auth.addChildren([login]), docs]);
}
const router = (basepath) => createRouter({ routeTree: routeTree(), history: createMemoryHistory(), basepath });

test("the matched route's full path, undefined when none matches", () => {
  const template = tanstackRouterTemplate(router());
  for (const [url, want] of [
    ['https://shop.test/', '/'],
    ['https://shop.test/orders', '/orders'],
    ['https://shop.test/orders/', '/orders'],
    ['https://shop.test/orders/42?tab=1#top', '/orders/$id'],
    ['https://shop.test/orders/42/items/7', '/orders/$id/items/$item'],
    ['https://shop.test/login', '/login'],
    ['https://shop.test/docs/guides/setup', '/docs/$'],
    ['https://shop.test/no/such/page', undefined],
  ]) assert.equal(template(url), want, url);
});

test('basepath, hash history and a router made after initTelemetry', () => {
  const underApp = tanstackRouterTemplate(router('/app'));
  assert.equal(underApp('https://shop.test/app/orders/42'), '/app/orders/$id');
  assert.equal(underApp('https://shop.test/app'), '/app');
  assert.equal(underApp('https://shop.test/orders/42'), undefined, 'outside the basepath');

  const hashed = tanstackRouterTemplate(router(), { hash: true });
  assert.equal(hashed('https://shop.test/#/orders/42?tab=1'), '/orders/$id');
  assert.equal(hashed('https://shop.test/index.html'), '/');

  let later;
  const lazy = tanstackRouterTemplate(() => later);
  assert.equal(lazy('https://shop.test/orders/42'), undefined, 'no router yet: the SDK uses the path');
  later = router();
  assert.equal(lazy('https://shop.test/orders/42'), '/orders/$id');
  assert.equal(tanstackRouterTemplate({})('https://shop.test/orders/42'), undefined, 'not a router');
});
