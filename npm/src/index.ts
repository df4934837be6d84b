// Bundler entry (Vite, webpack 5, Rollup): the wasm is referenced with
// `new URL(..., import.meta.url)`, which these bundlers copy into the build and rewrite.
// esbuild does not follow that reference: import 'otel-wasm/wasm' with its `file` loader and
// pass the URL to setWasmUrl (README, "esbuild"). The core is a dynamic import: a chunk of its
// own, off the page's critical path.
import { createInitTelemetry } from './init.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats, UserInput } from './telemetry.js';
export { TelemetryConfigError } from './config-error.js';

let wasmUrl: string | URL | undefined;

/** Where to fetch the .wasm from, if not where the bundler put it. Call before initTelemetry. */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url;
}

/** Starts telemetry once per page; a second call returns the same handle. The instrumentations'
 *  hooks are in place when it returns; the promise resolves when the core runs. */
export const initTelemetry = createInitTelemetry(
  () => import('./core.js'),
  () => wasmUrl ?? new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url),
);
