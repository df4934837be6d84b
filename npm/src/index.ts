// Bundler entry (Vite, webpack 5, Rollup): the wasm is referenced with
// `new URL(..., import.meta.url)`, which these bundlers copy into the build and rewrite.
// esbuild does not follow that reference: import 'otel-wasm/wasm' with its `file` loader and
// pass the URL to setWasmUrl (README, "esbuild").
import initWasm, * as core from './wasm/sdk_wasm.js';
import { createInitTelemetry, wasmLoader } from './telemetry.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats, UserInput } from './telemetry.js';
export { TelemetryConfigError } from './config.js';

let wasmUrl: string | URL | undefined;

/** Where to fetch the .wasm from, if not where the bundler put it. Call before initTelemetry. */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url;
}

/** Starts telemetry once per page; a second call returns the same handle. */
export const initTelemetry = createInitTelemetry(
  wasmLoader((url) => initWasm({ module_or_path: url }), core, () => wasmUrl ?? new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url)),
);
