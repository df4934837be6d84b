// Code split by route, end to end through nginx and our server: signing up fetches the `auth`
// module; opening /services signed in downloads the main module only (no lazily loaded page
// module or shared chunk), and navigating to
// another page fetches that page's module and chunks, which nginx serves as hashed,
// year-long-cached application/wasm, and the page renders.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { browserAppTraces, post } from './seed.mjs';

const TIMEOUT = 20_000;
const t0 = Date.now();
const log = (m) => console.log(`[split ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const fail = (m) => { throw new Error(m); };

let stack, browser;

async function main() {
  const index = readFileSync(join(ROOT, 'dashboard-ui/dist/index.html'), 'utf8');
  const mainWasm = index.match(/\/(dashboard_bg-[0-9a-f]{12}\.wasm)/)?.[1] ?? fail('index.html names no main wasm');
  stack = await startStack();
  await post(`${stack.otlp}/v1/traces`, browserAppTraces());

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wasm = []; // [url path, response]
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) wasm.push([path.slice(1), r]);
  });
  const see = (text) => page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });
  const fetchedSince = (n) => wasm.slice(n).map(([p]) => p);

  // First visit: signup (the `auth` module), then Services.
  await page.goto(`${stack.web}/`);
  await page.waitForURL(/\/signup/);
  await page.getByLabel('Name').fill('Split Admin');
  await page.getByLabel('Organization').fill('Split Org');
  await page.getByLabel('Email').fill('admin@split.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Get started' }).click();
  await page.waitForURL(/\/services/);
  await see('shop-api');
  const signup = fetchedSince(0);
  if (signup[0] !== mainWasm || !signup.some((p) => p.startsWith('auth-'))) {
    fail(`signup fetched ${JSON.stringify(signup)}, want ${mainWasm} and auth-*.wasm`);
  }
  log(`ok: signup fetched ${signup.filter((p) => !p.startsWith('shared-')).join(', ')} + shared chunks`);

  // Signed in, /services opened afresh (new browser context, same session): only the main
  // module is downloaded.
  const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 }, storageState: await page.context().storageState() });
  const direct = await fresh.newPage();
  direct.setDefaultTimeout(TIMEOUT);
  direct.on('pageerror', (e) => errors.push(e.message));
  const directWasm = [];
  direct.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) directWasm.push(path.slice(1));
  });
  await direct.goto(`${stack.web}/services`);
  await direct.getByText('shop-api', { exact: false }).first().waitFor({ state: 'visible' });
  await direct.waitForLoadState('networkidle');
  if (directWasm.length !== 1 || directWasm[0] !== mainWasm) fail(`/services downloaded ${JSON.stringify(directWasm)}, want only ${mainWasm}`);
  await fresh.close();
  log(`ok: /services loads only ${mainWasm}`);

  // Navigation through the shell's links: each page fetches its own module on first visit.
  for (const [link, url, module, text] of [
    ['Traces explorer', /\/traces-explorer/, 'explorer', 'Run query'],
    ['Dashboards', /\/dashboards/, 'dashboards', 'New dashboard'],
    ['Alerts', /\/alerts/, 'alerts', 'New alert rule'],
  ]) {
    const before = wasm.length;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
    await page.waitForURL(url);
    await see(text);
    await page.waitForLoadState('networkidle');
    const got = fetchedSince(before);
    if (!got.some((p) => p.startsWith(`${module}-`))) fail(`${link}: fetched ${JSON.stringify(got)}, no ${module}-*.wasm`);
    for (const [p, r] of wasm.slice(before)) {
      const type = r.headers()['content-type'], cache = r.headers()['cache-control'] || '';
      if (r.status() !== 200 || type !== 'application/wasm' || !cache.includes('immutable')) {
        fail(`${p}: status ${r.status()}, content-type ${type}, cache-control ${cache}`);
      }
    }
    log(`ok: ${link} fetched ${got.length} module(s) (${got.filter((p) => !p.startsWith('shared-')).join(', ')} + shared chunks)`);
  }

  // Back to a visited page: nothing is downloaded again.
  const before = wasm.length;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traces explorer', exact: true }).click();
  await see('Run query');
  await page.waitForLoadState('networkidle');
  if (wasm.length !== before) fail(`revisit fetched ${JSON.stringify(fetchedSince(before))}`);

  // A lazily loaded page opened directly (reload) renders too.
  await page.goto(`${stack.web}/dashboards`);
  await see('New dashboard');
  log('ok: revisit fetches nothing, direct load of /dashboards renders');

  if (errors.length) fail(`page errors: ${errors.join(' | ')}`);
}

main()
  .then(() => 0, (e) => {
    console.error(`[split] FAILED: ${e.stack || e}`);
    return 1;
  })
  .then(async (code) => {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
    process.exit(code);
  });
