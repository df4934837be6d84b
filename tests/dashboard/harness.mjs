// What the dashboard's browser tests use: the stack (our server behind nginx serving
// dashboard-ui/dist, from tests/support/servers.mjs), headless Chromium (tests/support/
// browsers.mjs) and the first-run signup.
//
//   const stack = await startStack();   // stack.web, stack.api, stack.otlp, stack.stop()
//   const browser = await launchChromium();
import { toolsChromium } from '../support/browsers.mjs';

export { freePort, renderNginxConf, ROOT, startStack } from '../support/servers.mjs';
export { CHROMIUM_ARGS, launchChromium } from '../support/browsers.mjs';
/** Playwright's `chromium` (tools/node_modules). */
export const chromium = toolsChromium();

/** Fills and sends the dashboard's first-run signup form (the page must be at /signup). */
export async function signUp(page) {
  await page.getByLabel('Name').fill('E2E Admin');
  await page.getByLabel('Organization').fill('E2E Org');
  await page.getByLabel('Email').fill('admin@e2e.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Get started' }).click();
}
