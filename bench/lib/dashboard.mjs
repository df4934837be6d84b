// Issue 7 item 4, dashboard side: the first-load transfer size of the built
// dashboard (dashboard-ui/dist) and the time to an interactive trace view for
// 10 000 and 100 000 spans (bench/dashboard/trace-tti.mjs). Only the dashboard's
// and the server's own build entry points are called; nothing there is changed.
import fs from 'node:fs';
import path from 'node:path';
import { transferSizes } from './sizes.mjs';
import { runCommand } from './run-cmd.mjs';
import { buildServer } from './server-bench.mjs';

// Goals of issue 6: first load ≤ 400 KB gzip (KB = 1 000 B), TTI < 1.5 s for both sizes.
export const DASHBOARD_GOALS = { gzipBytes: 400_000, ttiMs: 1500 };

// Quoted names in `text` that are files of `dist` ("/x.js", "./x.wasm", 'x.css', url(x.png)).
function namedFiles(text, dist) {
  const found = new Set();
  for (const m of text.matchAll(/["'(]\/?(?:\.\/)?([\w.\-/]+\.[a-z0-9]+)["')]/gi)) {
    const rel = path.normalize(m[1]);
    const file = path.join(dist, rel);
    if (!rel.startsWith('..') && fs.existsSync(file) && fs.statSync(file).isFile()) found.add(rel);
  }
  return found;
}

// The files a first load fetches: index.html, every dist file it names, and
// every dist file those name (the JS glue's .wasm, the CSS's fonts), sorted.
export function firstLoadFiles(dist) {
  const files = new Set(['index.html']);
  const queue = ['index.html'];
  while (queue.length) {
    const f = queue.shift();
    if (!/\.(html|js|mjs|css)$/.test(f)) continue;
    for (const named of namedFiles(fs.readFileSync(path.join(dist, f), 'utf8'), dist)) {
      if (!files.has(named)) { files.add(named); queue.push(named); }
    }
  }
  return [...files].sort();
}

// The browser's fetched paths as dist files ("/trace/<id>" is the SPA fallback: index.html).
function fetchedAsFiles(paths, dist) {
  return [...new Set(paths.map((p) => {
    const rel = path.normalize(decodeURIComponent(p).replace(/^\/+/, ''));
    const file = path.join(dist, rel);
    return rel && fs.existsSync(file) && fs.statSync(file).isFile() ? rel : 'index.html';
  }))].sort();
}

export async function cargoTargetDir(root) {
  const meta = JSON.parse(await runCommand('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root, log: () => {} }));
  return meta.target_directory;
}

// Newest modification time (ms) of the files under `paths`.
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

// dist/ is current when its index.html is newer than every input of build.sh
// (wasm-opt -Oz alone takes minutes on this machine, and build.sh always redoes it).
export function distIsCurrent(root) {
  const index = path.join(root, 'dashboard-ui', 'dist', 'index.html');
  if (!fs.existsSync(index)) return false;
  const inputs = ['dashboard-ui/src', 'dashboard-ui/web', 'dashboard-ui/Cargo.toml', 'dashboard-ui/build.sh', 'Cargo.toml', 'Cargo.lock'];
  return fs.statSync(index).mtimeMs > newestMtime(inputs.map((p) => path.join(root, p)));
}

// Builds dist/ (when stale) and the release server, measures; `runs` TTI samples per size.
export async function benchDashboard({ root, runs, log }) {
  const dist = path.join(root, 'dashboard-ui', 'dist');
  const t0 = Date.now();
  const distBuilt = !distIsCurrent(root);
  if (distBuilt) await runCommand('bash', [path.join(root, 'dashboard-ui', 'build.sh')], { cwd: root, log, prefix: '  dashboard build: ' });
  else log('  dashboard build: dist/ is newer than its sources, not rebuilt');
  await buildServer(root, log);
  const buildS = (Date.now() - t0) / 1000;
  const files = firstLoadFiles(dist);
  const size = transferSizes(files.map((f) => path.join(dist, f)));
  const t1 = Date.now();
  const serverBin = path.join(await cargoTargetDir(root), 'release', 'server');
  // Loaded here: it needs the repo's tools (playwright-core in tools/node_modules).
  const { measureTraceTti, TRACE_SIZES } = await import('../dashboard/trace-tti.mjs');
  const tti = await measureTraceTti({ runs, serverBin, dist, log: (l) => log(`  ${l}`) });
  const fetched = fetchedAsFiles(tti.fetchedPaths ?? [], dist);
  return {
    buildS: Math.round(buildS),
    distBuilt,
    measureS: Math.round((Date.now() - t1) / 1000),
    firstLoad: { ...size, files: size.files.map((f, i) => ({ ...f, file: files[i] })) },
    fetchedByBrowser: fetched,
    fetchedMatchesIndex: JSON.stringify(fetched) === JSON.stringify(files),
    tti: tti.sizes,
    traceSizes: TRACE_SIZES,
    runs,
    goals: DASHBOARD_GOALS,
  };
}
