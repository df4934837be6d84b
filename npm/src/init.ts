// initTelemetry: the part of the package on the page's critical path. It installs the
// instrumentations' hooks at once (until the core starts they record into a bounded buffer, at
// each call's time, and give requests their trace headers by the core's CORS rule), then checks
// the config and loads the wasm core without blocking, in chunks of their own (streaming
// compilation). The core replays the buffer when it starts. It never breaks the page: where the
// core cannot run (no window, no WebAssembly, a CSP without 'wasm-unsafe-eval', a .wasm or core
// chunk that fails to load) the hooks are removed and it resolves to a no-op handle.
import type { TelemetryConfig } from './config.js';
import { TelemetryConfigError } from './config-error.js';
import type { Telemetry } from './telemetry.js';
import { abandon, originalFetch, preinstall } from './wasm/snippets/sdk-wasm/src/instrument/web/shim.js';

/** Starts the core from the config (the core checks what `checkConfig` leaves); `release`
 *  forgets the page's SDK (it failed or shut down). */
export type StartCore = (config: TelemetryConfig, release: () => void) => Telemetry;
/** A flavour's core chunk (core.ts, core-tracing.ts): the JS-only config checks, the core once
 *  its wasm is instantiated (once; a failed load is tried again by a later call), and the no-op
 *  handle. One module graph: a chunk of its own for the no-op handle would make the bundler
 *  split what the two share into a third, one more request before the core starts. */
export interface CoreModule {
  checkConfig(config: TelemetryConfig): void;
  boot(wasm: Promise<Response>): Promise<StartCore>;
  offTelemetry(reason: string, quiet?: boolean): Telemetry;
}

/** Starts the .wasm download with the page's own fetch (not the instrumented one), at once:
 *  it goes in parallel with the core's chunk. */
const fetchWasm = (url: string | URL): Promise<Response> => originalFetch().call(globalThis, url);

// One SDK per page, also when two copies of this package (e.g. `.` and `/web`) are loaded.
const SINGLETON = Symbol.for('otel-wasm.telemetry');
type Global = { [SINGLETON]?: Promise<Telemetry> };

/** Spans the hooks keep before the core starts (their events: twice that); later ones are not
 *  traced until it does. */
const EARLY_SPANS = 1024;

const SSR = 'no window (server-side rendering)';

/** Why the core cannot run here, or '' if it can. */
function unavailable(): string {
  if (typeof window === 'undefined' && !('WorkerGlobalScope' in globalThis)) return SSR;
  if (typeof WebAssembly !== 'object') return 'WebAssembly unavailable';
  return '';
}

/** The hooks the config asks for, read as the core reads `instrumentations` (each on unless
 *  it or its entry is false or `{ enabled: false }`); the config is checked later (a bad one removes them). */
function installHooks(config: TelemetryConfig): void {
  if (typeof window === 'undefined') return;
  const c: Record<string, any> = Object(config); // not an object: the check rejects it
  const i: Record<string, any> = Object(c.instrumentations);
  const on = (v: any) => c.instrumentations !== false && v !== false && !(v && v.enabled === false);
  const ui = i.userInteraction;
  const sampler: unknown = c.sampler;
  preinstall({
    fetch: on(i.fetch),
    xhr: on(i.xhr),
    documentLoad: on(i.documentLoad),
    navigation: on(i.navigation),
    eventNames: on(ui) ? [].concat((ui && ui.eventNames) || 'click') : [],
    cors: c.propagateTraceHeaderCorsUrls,
    ignore: c.ignoreUrls,
    // Ratio samplers decide in the core: early spans are sampled.
    sampled: !/always_off$/.test(String(sampler)),
    max: EARLY_SPANS,
  });
}

/** Builds `initTelemetry` for one way of loading the core: `load` imports its chunk, `wasmUrl`
 *  says where its .wasm is. */
export function createInitTelemetry(
  load: () => Promise<CoreModule>,
  wasmUrl: () => string | URL,
): (config: TelemetryConfig) => Promise<Telemetry> {
  return function initTelemetry(config: TelemetryConfig): Promise<Telemetry> {
    const g = globalThis as Global;
    const running = g[SINGLETON];
    if (running) return running;
    const off = unavailable();
    try {
      if (!off) installHooks(config);
    } catch (_) {
      abandon(); // a config that throws when read (a getter, a Proxy): the check rejects it
    }
    let started: Promise<Telemetry> | undefined;
    const release = () => {
      if (started && g[SINGLETON] === started) delete g[SINGLETON];
    };
    started = (async () => {
      let core: CoreModule | undefined;
      let startCore: StartCore;
      try {
        // The .wasm downloads while the chunk loads.
        const wasm = off ? undefined : fetchWasm(wasmUrl());
        core = await load();
        core.checkConfig(config); // names the bad field
        // Server-side rendering is expected: no console line for it.
        if (off) return core.offTelemetry(off, off === SSR);
        startCore = await core.boot(wasm!);
      } catch (e) {
        abandon();
        release();
        if (e instanceof TelemetryConfigError) throw e;
        // A CSP without 'wasm-unsafe-eval', a blocked or missing .wasm or core chunk: the app runs on.
        return (core ?? (await import('./off.js'))).offTelemetry(`wasm load failed: ${(e as Error)?.message ?? e}`);
      }
      try {
        return startCore(config, release);
      } finally {
        abandon(); // hooks the core did not take over
      }
    })();
    // Where the core cannot run, each call answers on its own (nothing to share).
    if (!off) g[SINGLETON] = started;
    started.catch(release); // a failed start (a bad endpoint) may be retried
    return started;
  };
}
