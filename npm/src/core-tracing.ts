// The tracing-only flavour's lazily loaded chunk (`otel-wasm/tracing`): core.ts over the
// tracing build's glue and .wasm, without the metrics wrapper. Metrics, logs and the RUM
// signals are no-ops there, with one console line each (telemetry.ts).
import initWasm, { init } from './wasm-tracing/sdk_wasm.js';
import type * as Full from './wasm/sdk_wasm.js';
import type { StartCore } from './init.js';
import { start } from './telemetry.js';

export { checkConfig } from './config.js';
export { offTelemetry } from './noop.js';

let loaded: Promise<unknown> | undefined;

/** As core.ts's `boot`, for the tracing build. */
export function boot(wasm: Promise<Response>): Promise<StartCore> {
  loaded ??= initWasm({ module_or_path: wasm }).catch((e) => {
    loaded = undefined;
    throw e;
  });
  const started = loaded.then(
    (): StartCore => (config, release) => start(init as unknown as typeof Full.init, config, release),
  );
  started.catch(() => {}); // initTelemetry handles it, after the config check
  return started;
}
