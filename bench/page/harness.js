// The workloads the bench drives, identical for every SDK. The page starts with
// no SDK; `bench.load(sdk, config)` imports /sdk/<sdk>/index.js and starts it, so
// the same page serves as the no-SDK baseline.
const btn = document.getElementById('btn');
let clicks = 0;

// Every WebAssembly.Memory an SDK instantiates, so the bench can add wasm
// memory to the JS heap (usedJSHeapSize does not include it).
const wasmMemories = new Set();
function collectMemories(result) {
  const instance = result instanceof WebAssembly.Instance ? result : result?.instance;
  for (const v of Object.values(instance?.exports ?? {})) if (v instanceof WebAssembly.Memory) wasmMemories.add(v);
  return result;
}
for (const fn of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[fn];
  if (original) WebAssembly[fn] = (...args) => original.apply(WebAssembly, args).then(collectMemories);
}

let handle = null;
let loadedSdk = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NO_SPAN = { setAttribute() { return NO_SPAN; }, end() {} };
const NO_TRACER = { startSpan: () => NO_SPAN };

window.bench = {
  ready: true,
  crossOriginIsolated: self.crossOriginIsolated,
  hasGc: typeof window.gc === 'function',

  async load(sdk, config) {
    const t0 = performance.now();
    if (sdk !== 'none') {
      const mod = await import(`/sdk/${sdk}/index.js`);
      handle = await mod.start(config);
    }
    // The app's own listener comes after telemetry starts, as in an app whose
    // telemetry.ts runs first: zone.js only sees listeners added after it loads.
    btn.addEventListener('click', () => { clicks++; });
    document.getElementById('sdk').textContent = sdk;
    const wallMs = performance.now() - t0;
    loadedSdk = sdk;
    return { wallMs, files: this.files() };
  },

  /** The files fetched from the loaded SDK's directory so far. */
  files() {
    return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith(`/sdk/${loadedSdk}/`));
  },

  async fetchLoop(n, path) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fetch(path);
    return performance.now() - t0;
  },

  async xhrLoop(n, path) {
    const once = () => new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('GET', path);
      x.onloadend = () => (x.status === 204 ? resolve() : reject(new Error(`XHR status ${x.status}`)));
      x.send();
    });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await once();
    return performance.now() - t0;
  },

  clickLoop(n) {
    const before = clicks;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) btn.click();
    const ms = performance.now() - t0;
    if (clicks - before !== n) throw new Error(`listener saw ${clicks - before} of ${n} clicks`);
    return ms;
  },

  // n spans with two attributes each, ended at once, nothing awaited. Without an SDK, the
  // same loop over a tracer that does nothing (the baseline).
  createSpans(n) {
    const tracer = handle ? handle.getTracer('bench', '0.0.0') : NO_TRACER;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan('bench.span');
      span.setAttribute('bench.i', i);
      span.setAttribute('bench.kind', 'heap');
      span.end();
    }
    return performance.now() - t0;
  },

  // Bytes in use: JS heap (after a full GC when `collect`) plus wasm memory.
  memory(collect) {
    if (collect) { window.gc(); window.gc(); }
    let wasm = 0;
    for (const m of wasmMemories) wasm += m.buffer.byteLength;
    return { js: performance.memory.usedJSHeapSize, wasm, wasmMemories: wasmMemories.size };
  },

  flush: () => (handle ? handle.forceFlush() : undefined),
  stats: () => (handle ? handle.stats() : null),
  sleep,

  // Fires n concurrent requests and, as soon as all have answered, leaves the page.
  async burstThenLeave(n, path, nextUrl) {
    await Promise.all(Array.from({ length: n }, () => fetch(path)));
    location.assign(nextUrl);
  },
};
