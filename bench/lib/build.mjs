// Bundles each SDK entry (src/entry-<sdk>.js) with esbuild, minified, into
// build/sdk/<sdk>/index.js, and writes build/manifest.json saying which SDKs
// are available. Our SDK is bundled only when its npm package can be found
// (lib/find-ours.mjs); otherwise it is reported as "not built".
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { findOurs } from './find-ours.mjs';

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(BENCH, 'build');

// esbuild has no WebAssembly ESM integration, so the package's bundler entry
// (`.`, which imports the .wasm as a module) cannot run in a plain page; its
// `./web` entry fetches the .wasm by URL and is what a page without a wasm-aware
// bundler loads. Prefer it when the package has one.
const preferWebEntry = {
  name: 'otel-wasm-web-entry',
  setup(b) {
    b.onResolve({ filter: /^otel-wasm$/ }, async (args) => {
      const r = await b.resolve('otel-wasm/web', { kind: args.kind, resolveDir: args.resolveDir });
      return r.errors.length ? undefined : { path: r.path };
    });
  },
};

// The output files the page loads before its own code runs: the entry chunk and the chunks it
// imports statically (lazy chunks are left out).
function criticalPath(metafile, entry) {
  const loaded = new Set();
  const visit = (file) => {
    if (loaded.has(file) || !metafile.outputs[file]) return;
    loaded.add(file);
    for (const i of metafile.outputs[file].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  // esbuild marks dynamically imported chunks as entry points too: start from ours only.
  for (const [file, out] of Object.entries(metafile.outputs)) if (out.entryPoint && path.resolve(out.entryPoint) === entry) visit(file);
  return loaded;
}

// Minified bytes per npm package on the critical path, largest first.
function contributors(metafile, entry) {
  const byPkg = {};
  for (const file of criticalPath(metafile, entry)) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file].inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const pkg = m ? m[1] : 'bench src';
      byPkg[pkg] = (byPkg[pkg] ?? 0) + bytesInOutput;
    }
  }
  return Object.entries(byPkg).sort((a, b) => b[1] - a[1]).map(([pkg, bytes]) => ({ pkg, bytes }));
}

// The .wasm files the bundled package code names (e.g. wasm-bindgen's web glue
// fetches `new URL('<name>_bg.wasm', import.meta.url)`). After bundling,
// import.meta.url is the bundle's URL, so each file is copied to the path it is
// named by, relative to the bundle. Falls back to every .wasm in the package.
function copyWasm(metafile, packageDir, toDir) {
  const real = fs.realpathSync(packageDir);
  const copies = new Map(); // path relative to the bundle -> source file
  for (const input of Object.keys(metafile.inputs)) {
    const abs = path.resolve(input);
    if (!fs.existsSync(abs)) continue; // esbuild's virtual inputs, e.g. "(disabled):fs"
    const file = fs.realpathSync(abs);
    if (!file.startsWith(real + path.sep)) continue;
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/['"`]([^'"`\s]+\.wasm)['"`]/g)) {
      const wasm = path.resolve(path.dirname(file), m[1]);
      const rel = path.normalize(m[1]);
      if (fs.existsSync(wasm) && !rel.startsWith('..') && !path.isAbsolute(rel)) copies.set(rel, wasm);
    }
  }
  if (copies.size === 0) {
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'node_modules') walk(p);
        else if (e.isFile() && e.name.endsWith('.wasm')) copies.set(e.name, p);
      }
    };
    walk(real);
  }
  for (const [rel, from] of copies) {
    fs.mkdirSync(path.dirname(path.join(toDir, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(toDir, rel));
  }
  return [...copies.keys()].sort();
}

async function bundle(sdk, { nodePaths = [], plugins = [] } = {}) {
  const outdir = path.join(BUILD, 'sdk', sdk);
  fs.rmSync(outdir, { recursive: true, force: true });
  const entry = path.join(BENCH, 'src', `entry-${sdk}.js`);
  const result = await esbuild.build({
    entryPoints: { index: entry },
    outdir,
    // Dynamic imports become chunks fetched only when called, as Vite and webpack do in
    // our users' builds (e.g. otel-wasm's `register()` loading @opentelemetry/api when no
    // api is passed). Transfer size counts the files the page actually fetched.
    splitting: true,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    metafile: true,
    logLevel: 'warning',
    nodePaths: [...nodePaths, path.join(BENCH, 'node_modules')],
    plugins,
  });
  const critical = [...criticalPath(result.metafile, entry)].map((f) => path.basename(f)).sort();
  return { outdir, metafile: result.metafile, contributors: contributors(result.metafile, entry), critical };
}

// The SDK's own loader: what a page that only imports `initTelemetry` must download and
// evaluate before its code runs (entry chunk + static chunks, gzip -9 file by file), bundled
// as the page bundles it but without the bench's own code.
async function loaderGzip(nodePaths, plugins) {
  const outdir = path.join(BUILD, 'loader');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    stdin: { contents: "export { initTelemetry } from 'otel-wasm';", resolveDir: BENCH, sourcefile: 'loader.js' },
    outdir,
    splitting: true,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    metafile: true,
    logLevel: 'error',
    nodePaths: [...nodePaths, path.join(BENCH, 'node_modules')],
    plugins,
  });
  const files = [...criticalPath(result.metafile, path.resolve(BENCH, 'loader.js'))];
  return files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
}

// The tracing-only flavour (`otel-wasm/tracing/web`), sized without running it: bundled like
// the loader, then the files a page fetches by the time `initTelemetry` resolves (the entry,
// its static chunks, the core chunk it imports and that chunk's static imports; not the
// no-op or @opentelemetry/api chunks, fetched only when the core cannot run or on
// `register()`) plus the .wasm the glue names. gzip -9 file by file, as the bench's size rows.
async function tracingSizes(nodePaths, packageDir) {
  const outdir = path.join(BUILD, 'tracing');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    stdin: { contents: "export { initTelemetry } from 'otel-wasm/tracing/web';", resolveDir: BENCH, sourcefile: 'tracing.js' },
    outdir, splitting: true, bundle: true, minify: true, format: 'esm', target: 'es2020', platform: 'browser',
    metafile: true, logLevel: 'error', nodePaths: [...nodePaths, path.join(BENCH, 'node_modules')],
  });
  const outs = result.metafile.outputs;
  const loader = criticalPath(result.metafile, path.resolve(BENCH, 'tracing.js'));
  const fetched = new Set(loader);
  const visit = (file, dynamic) => {
    if (fetched.has(file) && !dynamic) return;
    fetched.add(file);
    for (const i of outs[file].imports) {
      const core = Object.keys(outs[i.path]?.inputs ?? {}).some((f) => /\/core-tracing\.js$/.test(f));
      if (i.kind === 'import-statement' || (i.kind === 'dynamic-import' && core)) visit(i.path, false);
    }
  };
  for (const f of loader) visit(f, true);
  const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
  const files = [...fetched].filter((f) => outs[f]).map((f) => ({ file: path.basename(f), gzip: gz(f) }));
  const wasm = path.join(packageDir, 'dist/wasm-tracing/sdk_wasm_bg.wasm');
  if (!fs.existsSync(wasm)) return undefined; // a package without the tracing flavour
  files.push({ file: 'wasm-tracing/sdk_wasm_bg.wasm', raw: fs.statSync(wasm).size, gzip: gz(wasm) });
  return { loader: [...loader].reduce((n, f) => n + gz(f), 0), gzip: files.reduce((n, f) => n + f.gzip, 0), files };
}

export async function build({ buildOurs = true, log = console.log } = {}) {
  fs.mkdirSync(BUILD, { recursive: true });
  const manifest = { esbuild: esbuild.version, sdks: {} };

  const otel = await bundle('otel-js');
  manifest.sdks['otel-js'] = { status: 'built', contributors: otel.contributors, critical: otel.critical };

  const ours = await findOurs({ buildDir: BUILD, build: buildOurs, log });
  if (!ours.packageDir) {
    manifest.sdks.ours = { status: 'not built', reason: ours.reason };
  } else {
    try {
      const b = await bundle('ours', { nodePaths: [path.dirname(ours.packageDir)], plugins: [preferWebEntry] });
      const wasm = copyWasm(b.metafile, ours.packageDir, b.outdir);
      const loader = await loaderGzip([path.dirname(ours.packageDir)], [preferWebEntry]);
      const tracing = await tracingSizes([path.dirname(ours.packageDir)], ours.packageDir).catch(() => undefined);
      manifest.sdks.ours = { status: 'built', source: ours.source, version: ours.version, wasm, contributors: b.contributors, critical: b.critical, loaderGzip: loader, tracing };
    } catch (err) {
      manifest.sdks.ours = { status: 'not built', reason: `bundling otel-wasm failed: ${err.message.split('\n')[0]}` };
    }
  }
  fs.writeFileSync(path.join(BUILD, 'manifest.json'), JSON.stringify(manifest, null, 2));
  for (const [sdk, m] of Object.entries(manifest.sdks)) log(`build: ${sdk}: ${m.status}${m.reason ? ` (${m.reason})` : ''}`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build({ buildOurs: !process.argv.includes('--no-build-ours') });
}
