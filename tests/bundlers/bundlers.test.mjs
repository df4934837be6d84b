// The example app built by Vite (scripts/build-example), webpack 5 and esbuild
// (tests/bundlers/build.sh) in headless Chromium, and otel-wasm/web bundled into one classic
// script (IIFE) with setWasmUrl: each build loads the SDK, and a checkout
// click arrives at the receiver as a `checkout` span under its `click`, with the POST as the
// checkout's child; where the build splits the core into a chunk of its own (Vite, webpack), a
// normal load never fetches the no-op's chunk, and a core chunk that answers 404 leaves the app
// running on the no-op handle. Real servers on loopback, nothing mocked.
//   node --test tests/bundlers/     (after scripts/build-example and tests/bundlers/build.sh)
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, ROOT, startServer, stopAll } from '../support/servers.mjs';
import { launchChromium } from '../support/browsers.mjs';

const BUILDS = {
  vite: path.join(ROOT, 'examples/web/frontend/dist'),
  webpack: path.join(ROOT, 'tests/bundlers/out/webpack'),
  esbuild: path.join(ROOT, 'tests/bundlers/out/esbuild'),
};

/** The core's chunk and the no-op's, by URL, in a build that splits them: Vite's `core-*` and
 *  `off-*`, webpack's numbered async chunks (the core's has the wasm-bindgen glue). esbuild by
 *  the README's steps does not split. */
function lazyChunks(bundler, dir) {
  if (bundler === 'vite') return { core: /\/assets\/core-[^/]*\.js$/, off: /\/assets\/off-[^/]*\.js$/ };
  if (bundler !== 'webpack') return undefined;
  const asyncChunks = fs.readdirSync(dir).filter((f) => /^\d+\.main\.js$/.test(f));
  const [core, off] = [true, false].map((glue) => {
    const f = asyncChunks.filter((c) => fs.readFileSync(path.join(dir, c), 'utf8').includes('instantiateStreaming') === glue);
    assert.equal(f.length, 1, `one async chunk ${glue ? 'with' : 'without'} the glue: ${asyncChunks}`);
    return new RegExp(`/${f[0].replace(/\./g, '\\.')}$`);
  });
  return { core, off };
}

let receiver, browser;
before(async () => {
  receiver = await startServer('tests/support/receiver.mjs');
  browser = await launchChromium();
});
after(stopAll);

const spansOf = (received) => received.requests.filter((r) => r.signal === 'traces' && r.status === 200).flatMap((r) => r.spanList);

/** Serves a build with the example's API server, this run's collector in /env.js. */
const serve = (dir, collector) => startServer('examples/web/api/server.mjs', ['--static', dir, '--env', `OTLP_ENDPOINT=${collector}`,
  '--env', 'ENVIRONMENT=bundlers', '--env', 'PARTNER_API=http://127.0.0.1:9', '--env', 'THIRD_PARTY_API=http://127.0.0.1:9']);

/** Loads a build whose SDK cannot run (`block`: URLs that answer 404): the app, which awaits
 *  `initTelemetry` at the top level, runs on the no-op handle. */
async function runsWithTheSdkOff(dir, id, block) {
  const app = await serve(dir, `${receiver.origin}/t/${id}`);
  const context = await browser.newContext();
  try {
    if (block) await context.route(block, (route) => route.fulfill({ status: 404, body: 'removed by a deploy' }));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(app.origin + '/');
    await page.waitForFunction(() => window.__telemetry !== undefined, null, { timeout: 20000 });
    assert.match(await page.evaluate(() => window.__telemetry.stats().disabledReason), /^wasm load failed: /);
    await page.click('#checkout');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('checkout: done'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    app.proc.kill();
  }
}

test('esbuild without the README\'s steps: no .wasm, yet the app renders and runs with the SDK off', () =>
  runsWithTheSdkOff(path.join(ROOT, 'tests/bundlers/out/esbuild-plain'), 'esbuild-plain'));

test('otel-wasm/web bundled into one classic script (IIFE): with setWasmUrl the SDK runs', async () => {
  const collector = `${receiver.origin}/t/iife`;
  const app = await serve(path.join(ROOT, 'tests/bundlers/out/iife'), collector);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(app.origin + '/');
    await page.waitForFunction(() => window.__telemetry !== undefined, null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__telemetry.stats().disabledReason), '', 'the SDK runs');
    // documentLoad is recorded once the page has loaded: flush until it is there.
    let names = [];
    for (let i = 0; i < 50 && !(names.includes('iife.ready') && names.includes('documentLoad')); i++) {
      await page.evaluate(() => window.__telemetry.forceFlush());
      names = spansOf(await getJson(`${collector}/_received`)).map((s) => s.name);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(names.includes('iife.ready') && names.includes('documentLoad'), `spans: ${names}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    app.proc.kill();
  }
});

for (const [bundler, dir] of Object.entries(BUILDS)) {
  const chunks = lazyChunks(bundler, dir);
  test(`${bundler}: the example app loads the SDK and its checkout trace arrives`, async () => {
    const collector = `${receiver.origin}/t/${bundler}`;
    const app = await serve(dir, collector);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors = [];
      const requested = [];
      page.on('request', (r) => requested.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'warning' && m.text().startsWith('otel-wasm') && errors.push(m.text()));
      await page.goto(app.origin + '/');
      await page.waitForFunction(() => window.__telemetry !== undefined, null, { timeout: 20000 });
      assert.equal(await page.evaluate(() => window.__telemetry.stats().disabledReason), '', 'the SDK runs');
      await page.click('#checkout');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('checkout: done'));
      await page.evaluate(() => window.__telemetry.forceFlush());
      const spans = spansOf(await getJson(`${collector}/_received`));
      const checkout = spans.find((s) => s.name === 'checkout');
      assert.ok(checkout, `spans: ${spans.map((s) => s.name)}`);
      assert.equal(spans.find((s) => s.spanId === checkout.parentSpanId)?.name, 'click');
      assert.ok(spans.some((s) => s.parentSpanId === checkout.spanId && s.traceId === checkout.traceId), 'the POST is the checkout\'s child');
      assert.ok(spans.some((s) => s.name === 'documentLoad'));
      assert.deepEqual(errors, []);
      if (chunks) {
        assert.ok(requested.some((u) => chunks.core.test(u)), `the core's chunk: ${requested}`);
        assert.ok(!requested.some((u) => chunks.off.test(u)), 'the no-op\'s chunk is fetched only when the core\'s fails');
      }
    } finally {
      await context.close();
      app.proc.kill();
    }
  });

  if (chunks) {
    test(`${bundler}: a core chunk that does not load: the app awaits the no-op handle and runs`, () =>
      runsWithTheSdkOff(dir, `${bundler}-no-core`, chunks.core));
  }
}
