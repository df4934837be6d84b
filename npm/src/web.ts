// No-bundler entry for `<script type="module">`: imports nothing by bare name and fetches
// the .wasm next to this file (or from `setWasmUrl`, e.g. a CDN) with streaming compilation.
import initWasm, * as core from './wasm/sdk_wasm.js';
import { createInitTelemetry, wasmLoader } from './telemetry.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats, UserInput } from './telemetry.js';
export { TelemetryConfigError } from './config.js';

let wasmUrl: string | URL = new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url);

/** Where to fetch the .wasm from, if not next to this file. Call before initTelemetry. */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url;
}

/** Starts telemetry once per page; a second call returns the same handle. */
export const initTelemetry = createInitTelemetry(wasmLoader((url) => initWasm({ module_or_path: url }), core, () => wasmUrl));
