// The lazily loaded chunk: the wasm-bindgen glue, the wasm's instantiation (compiled while it
// streams in) and the handle over it.
import initWasm, { init } from './wasm/sdk_wasm.js';
import type { StartCore } from './init.js';
import { ObservableRegistry, WasmMeterProvider } from './metrics.js';
import { start } from './telemetry.js';

export { checkConfig } from './config.js';
export { offTelemetry } from './noop.js';

let loaded: Promise<unknown> | undefined;

/** Instantiates the wasm from `wasm` (the loader started fetching it in parallel with this
 *  chunk) once; a failed load is forgotten, so a later call tries again. */
export function boot(wasm: Promise<Response>): Promise<StartCore> {
  loaded ??= initWasm({ module_or_path: wasm }).catch((e) => {
    loaded = undefined;
    throw e;
  });
  const started = loaded.then((): StartCore => (config, release) => start(init, config, release, { metrics: { ObservableRegistry, WasmMeterProvider } }));
  started.catch(() => {}); // initTelemetry handles it, after the config check
  return started;
}
