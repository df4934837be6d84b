// Starts Node servers that print their port on stdout's first line, and Chromium, for the
// e2e tests; everything listens on 127.0.0.1 and is stopped by stopAll().
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = process.env.ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = [];
// Also when the test process ends abruptly: servers are child processes and must not outlive it.
process.on('exit', () => {
  for (const p of started) if (p.pid) p.kill();
});

/** Runs `node script ...args` (script relative to the repo root, or to `cwd`); resolves
 *  { port, origin, proc } once stdout matches `ready`, whose first group is the port (by
 *  default: a first line holding just the port). */
export function startServer(script, args = [], { host = '127.0.0.1', cwd = ROOT, env = {}, ready = /^(\d+)\s*$/m, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.resolve(cwd, script), ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1', ...env } });
    started.push(proc);
    const timer = setTimeout(() => reject(new Error(`${script} did not report its port within ${timeoutMs} ms`)), timeoutMs);
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[1]);
        resolve({ port, origin: `http://${host}:${port}`, proc });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before reporting its port`));
    });
  });
}

/** Headless Chromium from Debian, as every browser test here runs it. */
export async function launchChromium() {
  const require = createRequire(path.join(ROOT, 'tools/'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  started.push({ kill: () => browser.close().catch(() => {}) });
  return browser;
}

export async function stopAll() {
  for (const p of started.splice(0).reverse()) {
    try {
      await p.kill();
    } catch { /* already gone */ }
  }
}

export async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

/** Polls `fn` until it returns a truthy value (returned) or the time is up (throws `what`). */
export async function waitFor(what, fn, { timeoutMs = 10000, intervalMs = 50 } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
