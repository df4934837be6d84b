// End-to-end: real nginx serving dashboard-ui/dist and proxying /api to our
// server (temp data dir, free ports), filled with browser-app-shaped OTLP
// data plus one 10 000-span trace. Signs up (first run), opens every page,
// asserts on visible text and saves a screenshot per page under
// tests/artifacts/dashboard/.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT, CHROMIUM_ARGS, chromium } from './harness.mjs';
import { browserAppTraces, bigTrace, logs, post, rum, XSS } from './seed.mjs';

const shots = join(ROOT, 'tests/artifacts/dashboard');
mkdirSync(shots, { recursive: true });
const TIMEOUT = 15_000;

let stack, dogStack, browser, step = 0;
const t0 = Date.now();
const log = (m) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function main() {
  stack = await startStack();
  log(`server ${stack.api}, nginx ${stack.web}`);
  await post(`${stack.otlp}/v1/traces`, browserAppTraces());
  const big = bigTrace(10_000);
  for (const p of big.payloads) await post(`${stack.otlp}/v1/traces`, p);
  await post(`${stack.otlp}/v1/logs`, logs());
  const rumData = rum();
  await post(`${stack.otlp}/v1/traces`, rumData.traces);
  await post(`${stack.otlp}/v1/logs`, rumData.logs);
  await post(`${stack.otlp}/v1/metrics`, rumData.metrics);
  log('seeded');

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: false });
    log(`ok: ${name}`);
  };
  const see = (text) => page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });

  // First run: the app sends us to signup (version.setupCompleted = false).
  await page.goto(`${stack.web}/`);
  await page.waitForURL(/\/(signup|login)/);
  if (page.url().includes('/login')) await page.waitForURL(/\/signup/);
  await see('Create the admin account');
  await shot('signup');
  await signUp(page);

  // Services.
  await page.waitForURL(/\/services/);
  await see('shop-api');
  await see('payments');
  await page.getByLabel('Search services').fill('pay');
  await page.getByRole('cell', { name: 'shop-api' }).waitFor({ state: 'detached' });
  await see('payments');
  await shot('services');

  // Service detail.
  await page.goto(`${stack.web}/services/shop-api?range=1h`);
  await see('Top operations');
  await see('POST /api/cart');
  await page.locator('figure.chart svg').first().waitFor();
  await see('Latency');
  await shot('service-detail');

  // Traces explorer: span list, filters, per-trace view; the URL keeps it all.
  await page.goto(`${stack.web}/traces?range=1h&svc=shop-api&status=error`);
  await see('POST /api/checkout');
  const url = page.url();
  await page.reload();
  await see('POST /api/checkout');
  if (page.url() !== url) throw new Error(`URL state lost on reload: ${url} → ${page.url()}`);
  await shot('traces-spans');
  await page.getByRole('tab', { name: 'Traces' }).click();
  await page.waitForURL(/view=traces/);
  await page.locator('table.data tbody tr').first().waitFor();
  await shot('traces-grouped');

  // Trace detail, 10 000 spans: virtualised rows, keyboard, search.
  await page.goto(`${stack.web}/trace/${big.traceId}?range=1h`);
  await page.locator('.wf-scroll[data-ready]').waitFor();
  await see('10000');
  const rows = await page.locator('.wf-row').count();
  if (rows > 300) throw new Error(`${rows} waterfall rows in the DOM for 10 000 spans`);
  await page.locator('.wf-scroll').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.span-panel').waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type('step 49');
  await page.keyboard.press('Enter');
  await page.locator('.span-panel h2', { hasText: 'step 49' }).waitFor();
  // Flame graph: a click on a box (one delegated handler) selects its span and marks it.
  await page.locator('.fl-box rect').first().click();
  await page.locator('.span-panel h2', { hasText: 'nightly batch' }).waitFor();
  await page.locator('.fl-selected').waitFor();
  await shot('trace-10k');

  // A span whose attribute holds HTML: shown as text, never executed.
  await page.goto(`${stack.web}/traces?range=1h&svc=shop-web&op=click`);
  await page.locator('table.data tbody tr a').first().waitFor();
  const hrefs = await Promise.all((await page.locator('table.data tbody tr a').all()).map((l) => l.getAttribute('href')));
  let found = false;
  for (const href of hrefs) {
    await page.goto(`${stack.web}${href}`);
    await page.locator('.wf-scroll[data-ready]').waitFor();
    await page.locator('.wf-row').first().click();
    await page.locator('.span-panel').waitFor();
    if (await page.getByText(XSS).count()) { found = true; break; }
  }
  if (!found) throw new Error('span with the HTML attribute not found');
  if (await page.evaluate(() => window.__xss !== undefined)) throw new Error('injected attribute executed');
  await shot('trace-xss-as-text');

  // Logs.
  await page.goto(`${stack.web}/logs?range=1h`);
  await see('payment failed for order');
  await page.getByLabel('Severity').selectOption('ERROR');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/sev=ERROR/);
  await see('payment failed for order');
  await shot('logs');

  // Exceptions list and detail.
  await page.goto(`${stack.web}/exceptions?range=1h`);
  await see('PaymentDeclined');
  await shot('exceptions');
  await page.getByRole('link', { name: 'PaymentDeclined' }).first().click();
  await see('card declined by issuer');
  await see('at charge (payments.rs:42)');
  await shot('exception-detail');

  // Service map.
  await page.goto(`${stack.web}/service-map?range=1h`);
  await page.locator('svg.service-map').waitFor();
  await see('payments');
  await shot('service-map');

  // Dashboards: create, add a panel, see it render, delete the panel.
  await page.goto(`${stack.web}/dashboards?range=1h`);
  await see('Dashboards');
  await page.getByLabel('New dashboard').fill('E2E board');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: 'E2E board' }).click();
  await see('No panels yet');
  await page.getByRole('button', { name: '+ Add panel' }).click();
  await page.getByLabel('Title').fill('Calls per service');
  await page.getByLabel('Group by').fill('serviceName');
  await page.getByRole('button', { name: 'Save panel' }).click();
  await see('Calls per service');
  await page.locator('.panel figure.chart').first().waitFor();
  await shot('dashboard');

  // Alerts: create, disable, delete a threshold rule.
  await page.goto(`${stack.web}/alerts?range=1h`);
  await page.getByRole('button', { name: '+ New alert rule' }).click();
  await page.getByLabel('Name').fill('E2E slow checkout');
  await page.getByLabel('Service').fill('shop-api');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await see('E2E slow checkout');
  await page.getByLabel('Enabled').first().click();
  await page.getByText('off', { exact: true }).first().waitFor();
  await shot('alerts');

  // Browser (RUM).
  await page.goto(`${stack.web}/browser?range=1h`);
  await see('Page loads by route');
  await see('http://shop.local/checkout');
  await see('/assets/');
  // Web vitals: overall p75 per vital in its rating colour, shares; then by route.
  const vital = (name) => page.locator('.vital').filter({ has: page.getByText(name, { exact: true }) });
  await vital('LCP').locator('.vital-p75.rating-needs-improvement').getByText('3.1 s').waitFor();
  await vital('LCP').getByText('good 60%').waitFor();
  await vital('LCP').getByText('poor 20%').waitFor();
  await vital('CLS').locator('.vital-p75.rating-good').getByText('0.020').waitFor();
  await vital('INP').locator('.vital-p75.rating-poor').getByText('640 ms').waitFor();
  const routeRow = (route, name) => page.locator('tr').filter({ has: page.getByRole('cell', { name: route, exact: true }) })
    .filter({ has: page.getByRole('cell', { name, exact: true }) });
  await routeRow('/checkout', 'LCP').getByText('50%').first().waitFor();
  await routeRow('/', 'LCP').getByText('100%').waitFor();
  // Top errors: message, count, last seen, trace link of the traced one.
  const errRow = page.locator('tr').filter({ hasText: "Cannot read properties of undefined (reading 'price')" });
  await errRow.getByRole('cell', { name: '3', exact: true }).waitFor();
  await errRow.getByRole('link', { name: rumData.clickTrace.slice(0, 12) }).waitFor();
  await page.locator('tr').filter({ hasText: 'cart is not defined' }).getByRole('cell', { name: '1', exact: true }).waitFor();
  // Sessions and route changes.
  await page.locator('.stat').getByText('3', { exact: true }).waitFor();
  await page.locator('tr').filter({ has: page.getByRole('cell', { name: '/cart', exact: true }) }).getByRole('cell', { name: '3', exact: true }).waitFor();
  await shot('browser');
  await errRow.getByRole('link').click();
  await page.waitForURL(new RegExp(`/trace/${rumData.clickTrace}`));
  await see('click');
  await page.goto(`${stack.web}/browser?range=1h`);
  await see('Web vitals (p75)');

  // Themes: explicit dark.
  await page.getByLabel('Theme').selectOption('dark');
  await shot('browser-dark');

  // Dogfood: a second stack serving the `dogfood` build, its nginx turning the switch on; the dashboard's own API calls
  // arrive at that server as spans of service otel-wasm-dashboard, and each call carried a
  // traceparent.
  dogStack = await startStack({ dogfood: true, dist: join(ROOT, 'dashboard-ui/dist-dogfood') });
  const dog = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  dog.setDefaultTimeout(TIMEOUT);
  dog.on('pageerror', (e) => pageErrors.push(e.message));
  const traced = [];
  dog.on('request', (r) => { if (r.url().includes('/api/')) traced.push(r.headers()['traceparent'] || ''); });
  await dog.goto(`${dogStack.web}/`);
  await dog.waitForURL(/\/signup/);
  await signUp(dog);
  await dog.waitForURL(/\/services/);
  const deadline = Date.now() + 30_000;
  for (;;) {
    await dog.goto(`${dogStack.web}/services?range=15m`); // leaving the page flushes the SDK
    const found = await dog.getByText('otel-wasm-dashboard').first().waitFor({ timeout: 2000 }).then(() => true, () => false);
    if (found) break;
    if (Date.now() > deadline) throw new Error('no spans of service otel-wasm-dashboard arrived');
  }
  if (!traced.length || traced.some((t) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(t))) {
    throw new Error(`API calls without a traceparent: ${JSON.stringify(traced.slice(0, 5))}`);
  }
  log(`dogfood: ${traced.length} traced API calls, service otel-wasm-dashboard listed`);
  await dog.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-dogfood-services.png`) });

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
  log('all pages passed');
}

/** Fills and sends the first-run signup form. */
async function signUp(page) {
  await page.getByLabel('Name').fill('E2E Admin');
  await page.getByLabel('Organization').fill('E2E Org');
  await page.getByLabel('Email').fill('admin@e2e.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Get started' }).click();
}

main()
  .then(() => 0, (e) => {
    console.error(`[e2e] FAILED at step ${step + 1}: ${e.stack || e}`);
    if (stack) console.error(`[e2e] server log tail:\n${stack.serverLog().slice(-3000)}`);
    return 1;
  })
  .then(async (code) => {
    if (browser) await browser.close().catch(() => {});
    if (stack) stack.stop();
    if (dogStack) dogStack.stop();
    process.exit(code);
  });
