// Proves the harness end to end in about 20 s: one quick round with tiny counts
// of the no-SDK page and a stand-in `otel-wasm` package, then checks the results
// files. (OpenTelemetry JS is bundled by every run and runs inside the stand-in,
// so its own round adds little coverage for its time.) The stand-in is a mock of our SDK
// (it runs OpenTelemetry JS behind the otel-wasm API and instantiates a
// one-page wasm memory), because the real package may not be built here; it
// exercises the tarball pickup, the ./web entry preference, the .wasm copy and
// the wasm-memory accounting. Figures from this run mean nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));

try {
  // A wasm module that only exports one 64 KiB page of memory.
  const wasm = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x0a, 0x01, 0x06, ...Buffer.from('memory'), 0x02, 0x00]);
  const pkg = path.join(tmp, 'package');
  fs.mkdirSync(pkg);
  fs.writeFileSync(path.join(pkg, 'stub_bg.wasm'), wasm);
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({
    name: 'otel-wasm', version: '0.0.0-smoke', type: 'module', exports: { '.': './index.js', './web': './web.js' },
  }));
  // The bundler entry imports the .wasm as a module, which esbuild cannot bundle:
  // the build must pick ./web instead.
  fs.writeFileSync(path.join(pkg, 'index.js'), "import * as wasm from './stub_bg.wasm';\nexport * from './web.js';\n");
  fs.writeFileSync(path.join(pkg, 'web.js'), `
import { start } from ${JSON.stringify(path.join(BENCH, 'src', 'entry-otel-js.js'))};
export async function initTelemetry(o) {
  await WebAssembly.instantiateStreaming(fetch(new URL('stub_bg.wasm', import.meta.url)));
  const h = await start({ otlpEndpoint: o.otlpEndpoint, batch: o.batch });
  return { ...h, stats: () => ({ stub: true }) };
}
`);
  const tarball = path.join(tmp, 'otel-wasm-0.0.0-smoke.tgz');
  execFileSync('tar', ['-czf', tarball, '-C', tmp, 'package']);

  const out = path.join(tmp, 'results');
  execFileSync('node', [path.join(BENCH, 'bench.mjs'), '--quick', '--reps', '1', '--sdks', 'none,ours', '--out', out, '--machine', 'smoke'], {
    cwd: BENCH, stdio: 'inherit', env: { ...process.env, OTEL_WASM_PKG: tarball },
  });

  const json = fs.readdirSync(out).find((f) => f.endsWith('.json'));
  assert.ok(json && fs.existsSync(path.join(out, json.replace(/\.json$/, '.md'))), 'results .json and .md written');
  const res = JSON.parse(fs.readFileSync(path.join(out, json), 'utf8'));
  assert.equal(res.sdks.ours.status, 'built', `ours: ${res.sdks.ours.reason}`);
  assert.deepEqual(res.sdks.ours.wasm, ['stub_bg.wasm']);
  const { results } = res.rounds[0];
  const r = results.ours;
  for (const phase of ['fetch', 'xhr', 'click']) {
    const e = r.main[phase].export;
    assert.equal(e.delivered, e.expected, `ours ${phase}: delivered ${e.delivered} of ${e.expected}`);
    assert.ok(e.bytesPerSpan > 100, `ours ${phase}: bytes per span counted`);
  }
  assert.equal(r.heap.delivered, r.heap.spans, 'ours: buffered spans all exported at the flush');
  assert.equal(r.navigation.created, res.counts.burst);
  assert.equal(r.navigation.withTraceparent, res.counts.burst, 'every burst request carries a traceparent to match spans by');
  assert.deepEqual([r.navigation.nextPage.sdk, r.navigation.nextPage.done, r.navigation.nextPage.error], ['ours', true, null], 'the next page started the same SDK');
  assert.equal(r.navigation.lost, r.navigation.created - r.navigation.deliveredAfterNextPage);
  assert.deepEqual(res.components, {}, 'quick mode skips the dashboard and the server');
  assert.ok(res.sizes.ours.gzip > 1000, 'ours: transfer size measured');
  assert.equal(r.heap.wasmBytes, 65536, 'the stand-in\'s wasm memory is counted');
  assert.ok(res.sizes.ours.files.some((f) => f.file === 'stub_bg.wasm'), 'the .wasm counts toward transfer size');
  assert.ok(res.figures['fetch.cpu_us'].ours, 'per-round figures computed');
  console.log('bench smoke: ok');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
