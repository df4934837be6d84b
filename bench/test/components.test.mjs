// The dashboard's first-load file list and the parsing of the server bench's output.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstLoadFiles, distIsCurrent } from '../lib/dashboard.mjs';
import { parseServerBench } from '../lib/server-bench.mjs';

test('first load: index.html, the files it names, and the files those name', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dist-'));
  try {
    const write = (f, text) => fs.writeFileSync(path.join(dist, f), text);
    write('index.html', '<link rel="stylesheet" href="/style-1.css"><link rel="modulepreload" href="/app-2.js">'
      + '<script type="module">import init from "/app-2.js"; init({ module_or_path: "/app_bg-3.wasm" });</script><a href="https://x.test/y.js">');
    write('app-2.js', "const u = new URL('app_bg-3.wasm', import.meta.url);");
    write('app_bg-3.wasm', '\0asm');
    write('style-1.css', 'body { background: url(bg.png) }');
    write('bg.png', 'png');
    write('SIZES.txt', 'not loaded');
    write('old-0.js', 'not named');
    assert.deepEqual(firstLoadFiles(dist), ['app-2.js', 'app_bg-3.wasm', 'bg.png', 'index.html', 'style-1.css']);
  } finally {
    fs.rmSync(dist, { recursive: true, force: true });
  }
});

const OUTPUT = `bench: 200192 spans in 391 protobuf batches of 512, 4 concurrent senders
ingest: 199680 spans in 3.61 s = 55311 spans/s
ingest (filling to 200192): 512 spans in 0.01 s = 51200 spans/s
database: 85 MB
services (1 h window): p50 11.5 ms, p99 132.0 ms, max 140.2 ms
traces/{id} (11 lookups): p50 0.6 ms, p99 3.3 ms, max 3.3 ms
query_range p99 by minute, one service (rollup path): p50 7.2 ms, p99 8.3 ms, max 8.3 ms
query_range p99 by minute, all services grouped by serviceName (rollup path): p50 172.0 ms, p99 576.0 ms, max 576.0 ms
`;

test('server bench output is parsed into figures', () => {
  const r = parseServerBench(OUTPUT);
  assert.equal(r.spansStored, 200192);
  assert.deepEqual(r.ingest, { spans: 199680, seconds: 3.61, spansPerS: 55311 });
  assert.equal(r.ingestFill.spansPerS, 51200);
  assert.equal(r.databaseMB, 85);
  assert.deepEqual(r.services, { p50: 11.5, p99: 132, max: 140.2 });
  assert.deepEqual(r.traceLookup, { lookups: 11, p50: 0.6, p99: 3.3, max: 3.3 });
  assert.equal(r.queryRange.length, 2);
  assert.equal(r.queryRange[1].label, 'p99 by minute, all services grouped by serviceName (rollup path)');
});

test('server bench output without its figures is an error that shows the output', () => {
  assert.throws(() => parseServerBench('thread main panicked'), /unexpected output:\nthread main panicked/);
});

test('dist/ is rebuilt only when a source is newer than its index.html', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-root-'));
  try {
    const put = (f, mtimeS) => {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), 'x');
      fs.utimesSync(path.join(root, f), mtimeS, mtimeS);
    };
    put('dashboard-ui/src/lib.rs', 1000);
    put('Cargo.lock', 1000);
    assert.equal(distIsCurrent(root), false, 'no dist/ yet');
    put('dashboard-ui/dist/index.html', 2000);
    assert.equal(distIsCurrent(root), true);
    put('dashboard-ui/src/app/trace.rs', 3000);
    assert.equal(distIsCurrent(root), false, 'a newer source');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
