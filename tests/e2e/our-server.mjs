// Starts the project's own server binary (OTLP receiver + SigNoz query API) on free loopback
// ports with a temporary data directory, registers the first user and returns a small client:
//   const s = await startOurServer();  s.otlp  s.get(path)  s.post(path, body)  s.stop()
// The binary: $SERVER_BIN, else $CARGO_TARGET_DIR/debug/server, else target/debug/server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './servers.mjs';

export const SERVER_BIN = process.env.SERVER_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'debug/server');

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

export async function startOurServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'otel-wasm-server-'));
  const [api, otlp] = [await freePort(), await freePort()];
  const proc = spawn(SERVER_BIN, ['--data-dir', path.join(dir, 'data'), '--api-addr', `127.0.0.1:${api}`,
    '--otlp-addr', `127.0.0.1:${otlp}`, '--jwt-secret', 'e2e-secret-e2e-secret-e2e-secret-0'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = () => { proc.kill(); rmSync(dir, { recursive: true, force: true }); };
  const base = `http://127.0.0.1:${api}`;
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${base}/api/v1/health`)).ok) break; } catch { /* not up yet */ }
      if (i > 300 || proc.exitCode !== null) throw new Error(`server ${SERVER_BIN} did not come up`);
      await new Promise((r) => setTimeout(r, 100));
    }
    let token = null;
    const call = async (method, p, body) => {
      const r = await fetch(base + p, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
      return JSON.parse(text);
    };
    const user = { email: 'test@example.com', password: 'password123' };
    await call('POST', '/api/v1/register', { name: 'test', orgname: 'test', ...user });
    const login = await call('POST', '/api/v1/login', user);
    token = login.accessJwt ?? login.data?.accessJwt;
    return { otlp: `http://127.0.0.1:${otlp}`, api: base, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** Nanoseconds since the epoch as a string, `ms` milliseconds from now (query windows). */
export const nsFromNow = (ms) => (BigInt(Date.now() + ms) * 1000000n).toString();
