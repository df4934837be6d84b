// Starts the real stack for dashboard tests and the benchmark: our server
// (temp data dir, free ports) and nginx (own prefix and config rendered from
// dashboard-ui/nginx/dashboard.conf.template) serving dist/ and proxying /api.
// Everything listens on 127.0.0.1 and is stopped by stop(), also on failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const ROOT = process.env.ROOT || new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

// playwright-core lives in tools/node_modules (ESM ignores NODE_PATH).
export const { chromium } = createRequire(join(ROOT, 'tools/package.json'))('playwright-core');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(url, what, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try { const r = await fetch(url); if (r.status < 500) return; last = `HTTP ${r.status}`; } catch (e) { last = e.message; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up at ${url}: ${last}`);
}

/** Renders the repo's nginx template into a complete nginx.conf under `dir`. */
export function renderNginxConf(dir, { listen, root, upstream, otelEndpoint = '' }) {
  const server = readFileSync(join(ROOT, 'dashboard-ui/nginx/dashboard.conf.template'), 'utf8')
    .replaceAll('${DASHBOARD_LISTEN}', listen)
    .replaceAll('${DASHBOARD_ROOT}', root)
    .replaceAll('${QUERY_SERVICE_URL}', upstream)
    .replaceAll('${DASHBOARD_OTEL_ENDPOINT}', otelEndpoint);
  writeFileSync(join(dir, 'dashboard.conf'), server);
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
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
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return join(dir, 'nginx.conf');
}

/** `dogfood`: the dashboard traces its API calls to this server's OTLP port. */
export async function startStack({ serverBin = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug/server'), dist = join(ROOT, 'dashboard-ui/dist'), dogfood = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dash-e2e-'));
  const children = [];
  const stop = () => {
    for (const c of children) { try { c.kill('SIGTERM'); } catch {} }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [apiPort, otlpPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const server = spawn(serverBin, ['--data-dir', join(dir, 'data'), '--api-addr', `127.0.0.1:${apiPort}`,
      '--otlp-addr', `127.0.0.1:${otlpPort}`, '--jwt-secret', 'e2e-secret-e2e-secret-e2e-secret'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(server);
    let serverLog = '';
    server.stdout.on('data', (d) => { serverLog += d; });
    server.stderr.on('data', (d) => { serverLog += d; });
    await waitFor(`http://127.0.0.1:${apiPort}/api/v1/health`, `server (log: ${serverLog.slice(-500)})`);

    const conf = renderNginxConf(dir, { listen: `127.0.0.1:${webPort}`, root: dist, upstream: `http://127.0.0.1:${apiPort}`,
      otelEndpoint: dogfood ? `http://127.0.0.1:${otlpPort}` : '' });
    const nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(nginx);
    await waitFor(`http://127.0.0.1:${webPort}/`, 'nginx');
    return {
      dir, stop,
      web: `http://127.0.0.1:${webPort}`,
      api: `http://127.0.0.1:${apiPort}`,
      otlp: `http://127.0.0.1:${otlpPort}`,
      serverLog: () => serverLog,
    };
  } catch (e) {
    stop();
    throw e;
  }
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
