// Runs the side-by-side bench in headless Chromium: the same page with no SDK
// (baseline), OpenTelemetry JS and our SDK, alternated within each round with
// the order rotated per round, then writes results/<date>-<machine>.{json,md}.
// With --with dashboard,server (the default of a full run) it then builds and
// measures the dashboard and the server through their own entry points.
//   node bench.mjs [--reps 5] [--sdks none,otel-js,ours] [--quick] [--no-build-ours]
//                  [--with dashboard,server|none] [--server-spans N] [--nav-collector-delay-ms N]
//                  [--out results] [--machine name]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS as TEST_CHROMIUM_ARGS, launchChromium } from '../tests/support/browsers.mjs';
import { build } from './lib/build.mjs';
import { startPageServer, startReceiver, delta } from './lib/servers.mjs';
import { transferSizes } from './lib/sizes.mjs';
import { summarise } from './lib/stats.mjs';
import { navigationDelivery } from './lib/navigation.mjs';
import { FIGURES, renderMarkdown } from './lib/report.mjs';
import { benchDashboard } from './lib/dashboard.mjs';
import { benchServer, SERVER_BENCH_SPANS } from './lib/server-bench.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const COMPONENTS = ['dashboard', 'server'];

function parseArgs(argv) {
  const opts = { reps: 5, sdks: ['none', 'otel-js', 'ours'], quick: false, buildOurs: true, out: path.join(BENCH, 'results'), machine: null, with: null, serverSpans: SERVER_BENCH_SPANS, navDelayMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--reps') opts.reps = Number(value());
    else if (a === '--sdks') opts.sdks = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--quick') opts.quick = true;
    else if (a === '--no-build-ours') opts.buildOurs = false;
    else if (a === '--out') opts.out = path.resolve(value());
    else if (a === '--machine') opts.machine = value();
    else if (a === '--with') opts.with = value().split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
    else if (a === '--server-spans') opts.serverSpans = Number(value());
    else if (a === '--nav-collector-delay-ms') opts.navDelayMs = Number(value());
    else throw new Error(`unknown option ${a} (see bench/README.md)`);
  }
  if (!Number.isInteger(opts.reps) || opts.reps < 1) throw new Error('--reps must be a positive integer');
  const unknown = opts.sdks.filter((s) => !['none', 'otel-js', 'ours'].includes(s));
  if (unknown.length) throw new Error(`--sdks: unknown SDK ${unknown.join(', ')} (known: none, otel-js, ours)`);
  // The dashboard and server parts take minutes (release builds): on by default
  // in a full run, off in --quick unless asked for.
  opts.with ??= opts.quick ? [] : [...COMPONENTS];
  const unknownPart = opts.with.filter((c) => !COMPONENTS.includes(c));
  if (unknownPart.length) throw new Error(`--with: unknown part ${unknownPart.join(', ')} (known: dashboard, server, none)`);
  if (!Number.isInteger(opts.navDelayMs) || opts.navDelayMs < 0) throw new Error('--nav-collector-delay-ms must be an integer ≥ 0');
  if (!Number.isInteger(opts.serverSpans) || opts.serverSpans < 512) throw new Error('--server-spans must be an integer ≥ 512');
  return opts;
}

// Workload sizes from issue 7; --quick shrinks them to prove the harness works.
const FULL = { fetches: 2000, xhrs: 1000, clicks: 5000, manualSpans: 5000, heapSpans: 5000, burst: 200, wireFetches: 200, warmup: 20 };
const QUICK = { fetches: 40, xhrs: 20, clicks: 200, manualSpans: 200, heapSpans: 200, burst: 20, wireFetches: 20, warmup: 5 };

// Encodings each SDK can export; the first is used in the main session, the
// others get a short session of their own for bytes per span.
const ENCODINGS = { 'otel-js': ['json'], ours: ['protobuf', 'json'] };
// OTel JS's fetch/XHR spans end ~300 ms after the response (they wait for the
// resource-timing entry), so every phase waits this long before flushing.
const SETTLE_MS = 700;
const EVAL_LIMIT_MS = 180_000;
// Where the navigation session goes: a page that starts the same SDK again.
const NEXT_PAGE = '/next.html';

// The tests' Chromium flags, plus precise memory figures and a callable gc() for the heap phase.
const CHROMIUM_ARGS = [...TEST_CHROMIUM_ARGS, '--no-first-run', '--enable-precise-memory-info', '--js-flags=--expose-gc'];

// Which workload a received span belongs to, from its URL attribute or name.
function classify(span) {
  for (const s of span.strings) {
    if (s.includes('/api/fetch')) return 'fetch';
    if (s.includes('/api/xhr')) return 'xhr';
    if (s.includes('/api/burst')) return 'burst';
  }
  if (span.name === 'bench.span') return 'bench.span';
  if (span.name === 'click' || span.strings.includes('click')) return 'click';
  return 'other';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls until `done()`, or until `quietOf()` has not changed for `quietMs`.
async function pollUntil(done, { quietOf, quietMs = 1000, maxMs = 15000 }) {
  const t0 = Date.now();
  let last;
  let lastChange = Date.now();
  for (;;) {
    if (done()) return;
    const q = quietOf();
    if (q !== last) { last = q; lastChange = Date.now(); }
    if (Date.now() - lastChange >= quietMs || Date.now() - t0 >= maxMs) return;
    await sleep(50);
  }
}

// Polls until `category` reaches `expected` spans, or stops growing for `quietMs`.
function waitForSpans(receiver, before, category, expected, { quietMs = 1000, maxMs = 15000 } = {}) {
  const n = () => (receiver.snapshot().byCategory[category] ?? 0) - (before.byCategory[category] ?? 0);
  return pollUntil(() => n() >= expected, { quietOf: n, quietMs, maxMs });
}

class Bench {
  constructor(opts, counts) {
    this.opts = opts;
    this.n = counts;
  }

  async start() {
    this.receiver = await startReceiver({ classify, keep: ['burst'] });
    this.pages = await startPageServer({
      roots: { '/': path.join(BENCH, 'page'), '/sdk/': path.join(BENCH, 'build', 'sdk') },
      apiPaths: ['/api/fetch', '/api/xhr', '/api/burst'],
      // The next page's exports carry its full URL as Referer, so the receiver
      // can tell them from the leaving page's (whose Referer is the origin only).
      headers: { [NEXT_PAGE]: { 'Referrer-Policy': 'unsafe-url' } },
    });
    this.browser = await launchChromium({ chromium, args: CHROMIUM_ARGS });
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    await this.pages?.close();
    await this.receiver?.close();
  }

  // A fresh browser context (no cache, no code cache) with the bench page open.
  async openPage() {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e.message ?? e)));
    await page.goto(`${this.pages.origin}/index.html`);
    await page.waitForFunction(() => window.bench?.ready === true);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const cpu = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(metrics.map((m) => [m.name, m.value])).ThreadTime;
    };
    // page.evaluate has no time limit of its own: an SDK that breaks fetch must not hang the run.
    const ev = (fn, arg) => {
      let timer;
      const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`page step took over ${EVAL_LIMIT_MS / 1000} s`)), EVAL_LIMIT_MS); });
      return Promise.race([page.evaluate(fn, arg), limit]).finally(() => clearTimeout(timer));
    };
    return { context, page, ev, cpu, errors };
  }

  config(sdk, { batch, encoding } = {}) {
    return { otlpEndpoint: this.receiver.origin, batch, encoding: sdk === 'ours' ? encoding : undefined };
  }

  // Times `fn` in the page: wall ms as measured by the page, main-thread CPU ms from CDP.
  async timed(s, fn, ...args) {
    const c0 = await s.cpu();
    const wallMs = await s.ev(fn, args);
    const c1 = await s.cpu();
    return { wallMs, cpuMs: (c1 - c0) * 1000, from: c0, to: c1 };
  }

  // Flushes after the settle time and returns what the receiver got since `before`.
  async exported(s, before, category, expected) {
    await sleep(SETTLE_MS);
    await s.ev(() => window.bench.flush());
    await waitForSpans(this.receiver, before, category, expected);
    const d = delta(before, this.receiver.snapshot());
    const spans = d.byCategory[category] ?? 0;
    const wireBytes = d.bodyBytes + d.headBytes;
    return {
      expected, delivered: spans, lost: expected - spans, spansTotal: d.spans, posts: d.tracePosts, preflights: d.preflights,
      bodyBytes: d.bodyBytes, wireBytes, bytesPerSpan: d.spans ? wireBytes / d.spans : null,
      encodings: d.encodings, contentEncodings: d.contentEncodings, errors: d.errors,
    };
  }

  // Opens a fresh page, loads `sdk` with the given batch/encoding settings (timed),
  // runs `fn(s, init, config)` and closes the page, also when `fn` fails.
  async session(sdk, { batch, encoding = ENCODINGS[sdk]?.[0] } = {}, fn) {
    const s = await this.openPage();
    try {
      const c0 = await s.cpu();
      const config = this.config(sdk, { batch, encoding });
      const load = await s.ev(([sdkName, cfg]) => window.bench.load(sdkName, cfg), [sdk, config]);
      const cpuMs = ((await s.cpu()) - c0) * 1000;
      // The files the SDK loaded, read once the timeline has them all: a fetch's resource
      // entry (the .wasm's) is added in a task after its body completed, which may come after
      // init resolved.
      const files = await s.ev(() => new Promise((r) => setTimeout(r, 200)).then(() => window.bench.files()));
      const init = { wallMs: load.wallMs, cpuMs, files: [...new Set([...load.files, ...files])] };
      const r = await fn(s, init, config);
      r.pageErrors = s.errors;
      return r;
    } finally {
      await s.context.close();
    }
  }

  // Load, per-request and per-click costs, export efficiency and click-burst loss.
  mainSession(sdk) {
    const n = this.n;
    const withSdk = sdk !== 'none';
    return this.session(sdk, {}, async (s, init) => {
      const r = { init };
      await sleep(300);
      const mem = await s.ev(() => window.bench.memory(true));
      r.heapAfterInit = mem.js + mem.wasm;

      const loops = [
        ['fetch', n.fetches, (a) => window.bench.fetchLoop(a[0], a[1]), '/api/fetch'],
        ['xhr', n.xhrs, (a) => window.bench.xhrLoop(a[0], a[1]), '/api/xhr'],
      ];
      for (const [kind, count, fn, apiPath] of loops) {
        const before = this.receiver.snapshot();
        const apiBefore = { ...this.pages.api[apiPath] };
        await s.ev(fn, [n.warmup, apiPath]);
        const t = await this.timed(s, fn, count, apiPath);
        r[kind] = { wallUs: (t.wallMs * 1000) / count, cpuUs: (t.cpuMs * 1000) / count };
        r[kind].withTraceparent = this.pages.api[apiPath].withTraceparent - apiBefore.withTraceparent;
        if (withSdk) r[kind].export = await this.exported(s, before, kind, count + n.warmup);
      }

      const before = this.receiver.snapshot();
      await s.ev((k) => window.bench.clickLoop(k), n.warmup);
      const t = await this.timed(s, (a) => window.bench.clickLoop(a[0]), n.clicks);
      r.click = { wallUs: (t.wallMs * 1000) / n.clicks, cpuUs: (t.cpuMs * 1000) / n.clicks };
      if (withSdk) r.click.export = await this.exported(s, before, 'click', n.clicks + n.warmup);

      // Manual spans through @opentelemetry/api's Tracer, with the SDK's default batching.
      const beforeManual = this.receiver.snapshot();
      await s.ev((k) => window.bench.createSpans(k), n.warmup);
      const tm = await this.timed(s, (a) => window.bench.createSpans(a[0]), n.manualSpans);
      // Until the SDK has sent them all, too: an SDK that exports from a later task (OTel JS
      // sends a full batch once the previous one is answered) does part of the work after the
      // loop, outside the first window.
      const tf = await this.timed(s, () => window.bench.flush());
      r.manual = {
        wallUs: (tm.wallMs * 1000) / n.manualSpans, cpuUs: (tm.cpuMs * 1000) / n.manualSpans,
        flushedCpuUs: ((tf.to - tm.from) * 1e6) / n.manualSpans,
      };
      if (withSdk) r.manual.export = await this.exported(s, beforeManual, 'bench.span', n.manualSpans + n.warmup);
      if (withSdk) r.stats = await s.ev(() => window.bench.stats());
      return r;
    });
  }

  // JS heap + wasm memory retained by spans buffered in the SDK: a queue big
  // enough for all of them and no export until the flush at the end.
  heapSession(sdk) {
    const n = this.n;
    const batch = { maxQueueSize: n.heapSpans * 2, maxExportBatchSize: n.heapSpans * 2, scheduledDelayMillis: 3_600_000 };
    return this.session(sdk, { batch }, async (s) => {
      await sleep(300);
      const m0 = await s.ev(() => window.bench.memory(true));
      const before = this.receiver.snapshot();
      const createMs = await s.ev((k) => window.bench.createSpans(k), n.heapSpans);
      const raw = await s.ev(() => window.bench.memory(false));
      const kept = await s.ev(() => window.bench.memory(true));
      const total = (m) => m.js + m.wasm;
      await s.ev(() => window.bench.flush());
      await waitForSpans(this.receiver, before, 'bench.span', n.heapSpans);
      const d = delta(before, this.receiver.snapshot());
      return {
        spans: n.heapSpans, createMs,
        rawBytesPerSpan: (total(raw) - total(m0)) / n.heapSpans,
        retainedBytesPerSpan: (total(kept) - total(m0)) / n.heapSpans,
        retainedJsBytesPerSpan: (kept.js - m0.js) / n.heapSpans,
        wasmGrowthBytes: kept.wasm - m0.wasm, wasmBytes: kept.wasm, wasmMemories: kept.wasmMemories,
        delivered: d.byCategory['bench.span'] ?? 0,
        bytesPerSpan: d.spans ? (d.bodyBytes + d.headBytes) / d.spans : null,
      };
    });
  }

  // A burst of concurrent requests, then the page navigates away the moment the
  // last response is in, to a page of the same app that starts the same SDK with
  // the same config (as a real app's next page does): how many of the request
  // spans reach the collector from the leaving page alone, and once the next page
  // has started and flushed. --nav-collector-delay-ms puts the collector farther
  // away for this session, so more is still in flight (or queued) at page hide.
  navigationSession(sdk) {
    return this.session(sdk, {}, async (s, _init, config) => {
      await sleep(300);
      this.receiver.setReplyDelay(this.opts.navDelayMs);
      try {
        return await this.navigationBurst(s, sdk, config);
      } finally {
        this.receiver.setReplyDelay(0);
      }
    });
  }

  // The burst, the navigation and the count (see navigationSession).
  async navigationBurst(s, sdk, config) {
    const n = this.n;
    const before = this.receiver.snapshot();
    const api = this.pages.api['/api/burst'];
    const apiBefore = { requests: api.requests, traceparents: api.traceparents.length };
    const next = `${NEXT_PAGE}?${new URLSearchParams({ sdk, config: JSON.stringify(config) })}`;
    await s.ev(([k, p, url]) => { window.bench.burstThenLeave(k, p, url); }, [n.burst, '/api/burst', next]);
    await s.page.waitForURL(`**${NEXT_PAGE}?**`, { timeout: 60000 });
    await s.page.waitForFunction(() => window.nextPage?.done === true, null, { timeout: 60000 });
    const nextPage = await s.page.evaluate(() => window.nextPage);
    const count = () => navigationDelivery({
      created: api.requests - apiBefore.requests,
      traceparents: api.traceparents.slice(apiBefore.traceparents),
      kept: this.receiver.snapshot().kept.slice(before.kept.length),
      nextPath: NEXT_PAGE,
    });
    await pollUntil(() => count().lost === 0, { quietOf: () => this.receiver.snapshot().kept.length, quietMs: 2000 + this.opts.navDelayMs });
    return { ...count(), nextPage };
  }

  // Bytes per fetch span in an encoding other than the SDK's first.
  wireSession(sdk, encoding) {
    const n = this.n;
    return this.session(sdk, { encoding }, async (s) => {
      const before = this.receiver.snapshot();
      await s.ev(([k, p]) => window.bench.fetchLoop(k, p), [n.wireFetches, '/api/fetch']);
      return this.exported(s, before, 'fetch', n.wireFetches);
    });
  }

  async sdkRound(sdk) {
    const r = { main: await this.mainSession(sdk) };
    if (sdk !== 'none') {
      r.heap = await this.heapSession(sdk);
      r.navigation = await this.navigationSession(sdk);
      r.wire = {};
      for (const enc of ENCODINGS[sdk].slice(1)) r.wire[enc] = await this.wireSession(sdk, enc);
    }
    return r;
  }

  // One round; an SDK that fails is reported in `failed` and left out from then on.
  async round(sdks, failed, log) {
    const out = {};
    for (const sdk of sdks) {
      if (failed[sdk]) continue;
      const t0 = Date.now();
      try {
        out[sdk] = await this.sdkRound(sdk);
        log(`  ${sdk}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (err) {
        if (sdk === 'none') throw err;
        failed[sdk] = String(err.message ?? err).split('\n')[0];
        log(`  ${sdk}: FAILED: ${failed[sdk]}`);
      }
    }
    return out;
  }
}

// Per-round figures for one SDK; times are paired differences to the no-SDK
// run of the same round.
function roundFigures(sdk, r, base) {
  const f = {};
  const m = r.main;
  const b = base?.main;
  const minus = (x, y) => (b ? x - y : null);
  f['init.cpu_ms'] = minus(m.init.cpuMs, b?.init.cpuMs);
  f['init.wall_ms'] = minus(m.init.wallMs, b?.init.wallMs);
  f['heap.after_init_kib'] = b ? (m.heapAfterInit - b.heapAfterInit) / 1024 : null;
  for (const k of ['fetch', 'xhr', 'click', 'manual']) {
    f[`${k}.cpu_us`] = minus(m[k].cpuUs, b?.[k].cpuUs);
    f[`${k}.wall_us`] = minus(m[k].wallUs, b?.[k].wallUs);
  }
  f['manual.flushed_cpu_us'] = minus(m.manual.flushedCpuUs, b?.manual.flushedCpuUs);
  const { delivered, expected } = m.manual.export ?? {};
  f['manual.delivered_cpu_us'] = delivered && b ? (f['manual.flushed_cpu_us'] * expected) / delivered : null;
  const enc = ENCODINGS[sdk][0];
  f[`wire.fetch_bytes_per_span.${enc}`] = m.fetch.export.bytesPerSpan;
  f[`wire.xhr_bytes_per_span.${enc}`] = m.xhr.export.bytesPerSpan;
  f[`wire.click_bytes_per_span.${enc}`] = m.click.export.bytesPerSpan;
  for (const [e, w] of Object.entries(r.wire)) f[`wire.fetch_bytes_per_span.${e}`] = w.bytesPerSpan;
  f[`wire.manual_bytes_per_span.${enc}`] = r.heap.bytesPerSpan;
  f['loss.click_burst'] = m.click.export.lost;
  f['loss.navigation_leaving_page'] = r.navigation.lostLeavingPageAlone;
  f['loss.navigation'] = r.navigation.lost;
  f['loss.navigation_duplicates'] = r.navigation.duplicates;
  f['memory.retained_bytes_per_span'] = r.heap.retainedBytesPerSpan;
  f['memory.raw_bytes_per_span'] = r.heap.rawBytesPerSpan;
  return f;
}

function machineInfo(browserVersion) {
  return {
    hostname: os.hostname(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(), loadavg: os.loadavg().map((x) => +x.toFixed(2)), node: process.version, chromium: browserVersion,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const counts = opts.quick ? QUICK : FULL;
  const log = (...a) => console.log(...a);
  const startedAt = new Date();

  const manifest = await build({ buildOurs: opts.buildOurs && opts.sdks.includes('ours'), log });
  const status = Object.fromEntries(opts.sdks.filter((s) => s !== 'none').map((s) => [s, manifest.sdks[s] ?? { status: 'not built' }]));
  const sdks = opts.sdks.filter((s) => s === 'none' || status[s].status === 'built');
  if (!sdks.includes('none')) throw new Error('--sdks must include none: every figure is paired with the no-SDK baseline');

  const bench = new Bench(opts, counts);
  const rounds = [];
  const failed = {};
  let browserVersion;
  try {
    await bench.start();
    browserVersion = bench.browser.version();
    for (let i = 0; i < opts.reps; i++) {
      const order = sdks.map((_, j) => sdks[(i + j) % sdks.length]);
      log(`round ${i + 1}/${opts.reps}: ${order.join(' → ')}`);
      rounds.push({ order, results: await bench.round(order, failed, log) });
    }
  } finally {
    await bench.stop();
  }

  // Issue 7 item 4: the dashboard and the server, after the browser rounds so
  // their release builds never overlap a timed SDK workload.
  const components = {};
  const parts = { dashboard: () => benchDashboard({ root: ROOT, runs: opts.reps, log }), server: () => benchServer({ root: ROOT, spans: opts.serverSpans, log }) };
  for (const c of opts.with) {
    const t0 = Date.now();
    log(`${c}: building and measuring`);
    try {
      components[c] = { status: 'measured', ...(await parts[c]()) };
    } catch (err) {
      components[c] = { status: 'failed', reason: String(err.message ?? err).split('\n')[0] };
    }
    log(`  ${c}: ${components[c].status} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }

  for (const [sdk, reason] of Object.entries(failed)) {
    status[sdk] = { ...status[sdk], status: 'failed', reason };
    for (const r of rounds) delete r.results[sdk];
  }
  const measured = sdks.filter((s) => s !== 'none' && !failed[s]);

  // Sizes: the files the page loaded from /sdk/<name>/ for that SDK.
  const sizes = {};
  for (const sdk of measured) {
    const files = rounds[0].results[sdk].main.init.files.map((p) => path.join(BENCH, 'build', p));
    sizes[sdk] = transferSizes(files);
    // What the page downloads and evaluates before its own code runs (lazy chunks and the .wasm
    // come after): ours measured on a bundle of `initTelemetry` alone (lib/build.mjs); for
    // OpenTelemetry JS every file it loads is static, so its whole SDK.
    const critical = new Set(manifest.sdks[sdk]?.critical ?? []);
    sizes[sdk].loader = manifest.sdks[sdk]?.loaderGzip ?? transferSizes(files.filter((f) => critical.has(path.basename(f)))).gzip;
    // Our tracing-only flavour, sized from its own bundle (lib/build.mjs), not run.
    sizes[sdk].tracing_gzip = manifest.sdks[sdk]?.tracing?.gzip;
  }

  const figures = {};
  for (const key of Object.keys(FIGURES)) figures[key] = {};
  const perRound = rounds.map(({ results }) => Object.fromEntries(
    measured.map((sdk) => [sdk, roundFigures(sdk, results[sdk], results.none)]),
  ));
  for (const sdk of measured) {
    for (const key of Object.keys(FIGURES)) {
      if (key.startsWith('size.')) {
        const v = sizes[sdk][key.slice(5)];
        figures[key][sdk] = { median: v, min: v, max: v, n: 1 };
      } else {
        figures[key][sdk] = summarise(perRound.map((pr) => pr[sdk][key]));
      }
    }
  }
  // Which workloads produced spans at all, per SDK: an overhead or loss figure
  // for a workload the SDK does not instrument is not a like-for-like comparison.
  const instrumented = Object.fromEntries(measured.map((sdk) => [sdk, Object.fromEntries(['fetch', 'xhr', 'click'].map(
    (k) => [k, rounds.some((r) => r.results[sdk].main[k].export.delivered > 0)],
  ))]));
  const baseline = {};
  for (const k of ['fetch', 'xhr', 'click', 'manual']) {
    baseline[`${k}.cpu_us`] = summarise(rounds.map((r) => r.results.none.main[k].cpuUs));
    baseline[`${k}.wall_us`] = summarise(rounds.map((r) => r.results.none.main[k].wallUs));
  }
  baseline['init.cpu_ms'] = summarise(rounds.map((r) => r.results.none.main.init.cpuMs));
  baseline['heap.kib'] = summarise(rounds.map((r) => r.results.none.main.heapAfterInit / 1024));

  const pkg = JSON.parse(fs.readFileSync(path.join(BENCH, 'package.json'), 'utf8'));
  const result = {
    generated: new Date().toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 1000),
    command: `bench/run.sh ${process.argv.slice(2).join(' ')}`.trim(),
    quick: opts.quick, reps: opts.reps, counts, settleMs: SETTLE_MS, encodings: ENCODINGS, navCollectorDelayMs: opts.navDelayMs,
    machine: machineInfo(browserVersion), chromiumArgs: CHROMIUM_ARGS,
    versions: { ...pkg.devDependencies, otelWasm: status.ours?.version ?? null },
    sdks: status, sizes, instrumented, baseline, figures, rounds,
    // Issue 7 item 4 (absolute figures, no OTel JS counterpart); absent parts were not asked for.
    components,
  };

  const stamp = startedAt.toISOString().slice(0, 16).replace(/[:T]/g, (c) => (c === 'T' ? '-' : ''));
  const machine = opts.machine ?? `${os.hostname()}-${os.cpus().length}cpu`;
  const base = path.join(opts.out, `${stamp}-${machine}${opts.quick ? '-quick' : ''}`);
  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(`${base}.json`, JSON.stringify(result, null, 1) + '\n');
  fs.writeFileSync(`${base}.md`, renderMarkdown(result));
  log(`wrote ${path.relative(process.cwd(), base)}.{json,md} (${result.durationS} s)`);

  const problems = [];
  for (const { results } of rounds) {
    for (const [sdk, r] of Object.entries(results)) {
      for (const e of [...r.main.pageErrors, ...(r.heap?.pageErrors ?? []), ...(r.navigation?.pageErrors ?? []), ...Object.values(r.wire ?? {}).flatMap((w) => w.pageErrors)]) problems.push(`${sdk}: page error: ${e}`);
      for (const k of ['fetch', 'xhr', 'click']) for (const e of r.main[k].export?.errors ?? []) problems.push(`${sdk}: receiver rejected an export: ${e}`);
      if (r.navigation?.nextPage.error) problems.push(`${sdk}: the next page could not start the SDK: ${r.navigation.nextPage.error}`);
    }
  }
  for (const [sdk, reason] of Object.entries(failed)) problems.push(`${sdk}: failed: ${reason}`);
  for (const [c, r] of Object.entries(components)) if (r.status === 'failed') problems.push(`${c}: failed: ${r.reason}`);
  if (problems.length) {
    console.error([...new Set(problems)].join('\n'));
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(1);
});
