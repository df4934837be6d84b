// The servers of the JS tests and the bench, all on 127.0.0.1 and free ports:
//   startServer(script, args)  a Node script that prints its port on stdout's first line
//                              (the receiver, the example API, fixtures); stopAll() ends them
//   startOurServer()           the project's server binary with a temporary data directory,
//                              plus a small logged-in API client
//   startStack()               that server behind a real nginx serving dashboard-ui/dist
// Child processes are also killed when the test process exits.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = process.env.ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The server binary: $SERVER_BIN, else $CARGO_TARGET_DIR/debug/server, else target/debug/server. */
export const SERVER_BIN = process.env.SERVER_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'debug/server');

const started = [];
process.on('exit', () => {
  for (const p of started) if (p.pid) p.kill();
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (returned) or the time is up (throws `what`). */
export async function waitFor(what, fn, { timeoutMs = 10000, intervalMs = 50 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Waits until `url` answers below 500; throws `what` with the last error otherwise. */
export async function waitForHttp(url, what, { timeoutMs = 30_000, proc } = {}) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
      last = `HTTP ${r.status}`;
    } catch (e) { last = e.message; }
    await sleep(100);
  }
  throw new Error(`${what} did not come up at ${url}: ${last}`);
}

export async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

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

/** Registers something for stopAll() (a browser, say): `kill` is called, newest first. */
export function onStopAll(kill) {
  started.push({ kill });
}

export async function stopAll() {
  for (const p of started.splice(0).reverse()) {
    try {
      await p.kill();
    } catch { /* already gone */ }
  }
}

/** Nanoseconds since the epoch as a string, `ms` milliseconds from now (query windows). */
export const nsFromNow = (ms) => (BigInt(Date.now() + ms) * 1000000n).toString();

/** The server binary on free ports with a data directory under `dir` (a new temporary one
 *  unless given). With `register`, the first user signs up and the client is logged in.
 *  `bin`: another server binary (the bench's release build).
 *  Returns { dir, api, otlp, get(path), post(path, body), log(), stop() }. */
export async function startOurServer({ dir, register = true, bin = SERVER_BIN } = {}) {
  const ownDir = !dir;
  dir ??= mkdtempSync(path.join(tmpdir(), 'otel-wasm-server-'));
  const [apiPort, otlpPort] = [await freePort(), await freePort()];
  const proc = spawn(bin, ['--data-dir', path.join(dir, 'data'), '--api-addr', `127.0.0.1:${apiPort}`,
    '--otlp-addr', `127.0.0.1:${otlpPort}`, '--jwt-secret', 'e2e-secret-e2e-secret-e2e-secret-0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const stop = () => {
    proc.kill();
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  const api = `http://127.0.0.1:${apiPort}`;
  try {
    await waitForHttp(`${api}/api/v1/health`, `server ${bin}`, { proc }).catch((e) => {
      throw new Error(`${e.message}\n${log.slice(-2000)}`);
    });
    let token = null;
    const call = async (method, p, body) => {
      const r = await fetch(api + p, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
      return JSON.parse(text);
    };
    if (register) {
      const user = { email: 'test@example.com', password: 'password123' };
      await call('POST', '/api/v1/register', { name: 'test', orgname: 'test', ...user });
      const login = await call('POST', '/api/v1/login', user);
      token = login.accessJwt ?? login.data?.accessJwt;
    }
    return { dir, api, otlp: `http://127.0.0.1:${otlpPort}`, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), log: () => log, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** Renders the repo's nginx template into a complete nginx.conf under `dir`. */
export function renderNginxConf(dir, { listen, root, upstream, otelEndpoint = '' }) {
  const server = readFileSync(path.join(ROOT, 'dashboard-ui/nginx/dashboard.conf.template'), 'utf8')
    .replaceAll('${DASHBOARD_LISTEN}', listen)
    .replaceAll('${DASHBOARD_ROOT}', root)
    .replaceAll('${QUERY_SERVICE_URL}', upstream)
    .replaceAll('${DASHBOARD_OTEL_ENDPOINT}', otelEndpoint);
  writeFileSync(path.join(dir, 'dashboard.conf'), server);
  for (const d of ['logs', 'tmp']) mkdirSync(path.join(dir, d), { recursive: true });
  const conf = `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/logs/access.log;
  # Request bodies (an imported dashboard is ~100 KB) stay in memory: the workers cannot
  # write temp files into this root-owned 0700 prefix.
  client_body_buffer_size 4m;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/dashboard.conf;
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  return path.join(dir, 'nginx.conf');
}

/** Our server (no user yet: the dashboard's first run signs up) behind nginx serving `dist`
 *  and proxying /api. `dogfood`: the dashboard traces its API calls to this server's OTLP port.
 *  Returns { dir, web, api, otlp, serverLog(), stop() }. */
export async function startStack({ dist = path.join(ROOT, 'dashboard-ui/dist'), dogfood = false, serverBin = SERVER_BIN } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dash-e2e-'));
  let server, nginx;
  const stop = () => {
    try { nginx?.kill('SIGTERM'); } catch { /* gone */ }
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startOurServer({ dir, register: false, bin: serverBin });
    const webPort = await freePort();
    const conf = renderNginxConf(dir, { listen: `127.0.0.1:${webPort}`, root: dist, upstream: server.api,
      otelEndpoint: dogfood ? server.otlp : '' });
    nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    started.push(nginx);
    const web = `http://127.0.0.1:${webPort}`;
    await waitForHttp(`${web}/`, 'nginx', { proc: nginx });
    return { dir, stop, web, api: server.api, otlp: server.otlp, serverLog: server.log };
  } catch (e) {
    stop();
    throw e;
  }
}
