// The browsers of the JS tests and the bench, headless:
//   launchChromium()      Debian's Chromium through Playwright (playwright-core from
//                         tools/node_modules, or the caller's own `chromium`)
//   openBrowser(kind)     Chromium ('chrome') or Firefox through W3C WebDriver (chromedriver,
//                         geckodriver), a minimal client with no npm dependency, for the tests
//                         that need what Playwright cannot give here: the same test in Chromium
//                         AND Firefox (Debian's firefox-esr speaks WebDriver, not Playwright's
//                         patched protocol), trusted input events (web vitals only count real
//                         input), and page reloads.
//
//   const browser = await launchChromium();         // a Playwright Browser
//   const b = await openBrowser('chrome' | 'firefox');
//   await b.get(url); await b.click('#button'); const v = await b.eval('return document.title');
//   await b.quit();
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, onStopAll, ROOT } from './servers.mjs';

export const BROWSERS = (process.env.RUM_BROWSERS ?? 'chrome,firefox').split(',').filter(Boolean);
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The flags every Chromium here runs with: no sandbox (containers), no GPU, no QUIC, no
 *  background traffic that would show up in network counts. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Playwright's `chromium` from tools/node_modules (ESM ignores NODE_PATH). */
export const toolsChromium = () => createRequire(path.join(ROOT, 'tools/package.json'))('playwright-core').chromium;

/** Headless Chromium through Playwright; closed by stopAll() too. `chromium`: another
 *  playwright-core's launcher (the bench pins its own); `args`: replaces CHROMIUM_ARGS. */
export async function launchChromium({ chromium = toolsChromium(), args = CHROMIUM_ARGS } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  onStopAll(() => browser.close().catch(() => {}));
  return browser;
}

async function waitUntilUp(base, proc, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`driver exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok && (await r.json()).value?.ready !== false) return;
    } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(`driver at ${base} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function capabilities(kind) {
  if (kind === 'chrome') {
    return { browserName: 'chrome', 'goog:chromeOptions': { binary: CHROMIUM, args: [...CHROMIUM_ARGS, '--window-size=1280,900'] } };
  }
  if (kind === 'firefox') {
    return { browserName: 'firefox', 'moz:firefoxOptions': { args: ['-headless', '-width=1280', '-height=900'] } };
  }
  throw new Error(`unknown browser ${kind}`);
}

/** Starts the driver and a browser session. The caller must `quit()` (also on failure). */
export async function openBrowser(kind) {
  const port = await freePort();
  const proc = kind === 'chrome'
    ? spawn(process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver', [`--port=${port}`], { stdio: 'ignore' })
    : spawn(process.env.GECKODRIVER ?? 'geckodriver', ['--port', String(port), '--host', '127.0.0.1', '--websocket-port', String(await freePort())], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const kill = () => { try { proc.kill(); } catch { /* gone */ } };
  process.once('exit', kill);
  try {
    await waitUntilUp(base, proc);
    const created = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities(kind) } });
    return new Browser(kind, base, created.sessionId, kill);
  } catch (e) {
    kill();
    throw e;
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${v.error ?? res.status}: ${v.message ?? ''}`.trim());
  }
  return json.value;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

class Browser {
  constructor(kind, base, sessionId, kill) {
    this.kind = kind;
    this.base = base;
    this.session = `/session/${sessionId}`;
    this.kill = kill;
  }

  cmd(method, path, body) {
    return call(this.base, method, this.session + path, body);
  }

  /** Navigates and waits for the load event (WebDriver's default page-load strategy). */
  get(url) { return this.cmd('POST', '/url', { url }); }

  refresh() { return this.cmd('POST', '/refresh', {}); }

  /** Runs `script` (a function body; `arguments` are `args`) and returns its value. */
  eval(script, ...args) { return this.cmd('POST', '/execute/sync', { script, args }); }

  /** Like eval, but awaits a returned Promise (the script is wrapped in an async function). */
  evalAsync(script, ...args) {
    const wrapped = `const done = arguments[arguments.length - 1];
      (async (...a) => { ${script} })(...Array.from(arguments).slice(0, -1))
        .then((v) => done({ ok: v }), (e) => done({ err: String(e && e.stack || e) }));`;
    return this.cmd('POST', '/execute/async', { script: wrapped, args }).then((r) => {
      if (r && 'err' in r) throw new Error(`page script failed: ${r.err}`);
      return r?.ok;
    });
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  /** A trusted click (real pointer input through the driver), in the element's centre. */
  async click(css) {
    const id = await this.find(css);
    await this.cmd('POST', '/actions', {
      actions: [{
        type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', duration: 0, origin: { [ELEMENT]: id }, x: 0, y: 0 },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerUp', button: 0 },
        ],
      }],
    });
    await this.cmd('DELETE', '/actions');
  }

  /** Trusted key presses (`text` typed into the focused element). */
  async type(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kbd', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** Opens `url` in a new tab and switches to it, hiding the previous tab (pagehide and
   *  visibilitychange fire there as when a user switches away). Returns the old handle. */
  async newTab(url) {
    const old = await this.cmd('GET', '/window');
    const { handle } = await this.cmd('POST', '/window/new', { type: 'tab' });
    await this.cmd('POST', '/window', { handle });
    if (url) await this.get(url);
    return old;
  }

  async quit() {
    try {
      await this.cmd('DELETE', '');
    } catch { /* the browser may already be gone */ }
    this.kill();
  }
}
