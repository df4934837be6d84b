// No-bundler entry for `<script type="module">`: imports nothing by bare name and fetches
// the .wasm next to this file (or from `setWasmUrl`, e.g. a CDN) with streaming compilation.
// The core is a dynamic import, off the page's critical path.
import { createInitTelemetry } from './init.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats, UserInput } from './telemetry.js';
export { TelemetryConfigError } from './config-error.js';

// Resolved when initTelemetry runs, not at import: a bundle without `import.meta.url` (an IIFE)
// then gets the no-op handle instead of failing to load.
let wasmUrl: string | URL | undefined;

/** Where to fetch the .wasm from, if not next to this file. Call before initTelemetry. */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url;
}

/** Starts telemetry once per page; a second call returns the same handle. The instrumentations'
 *  hooks are in place when it returns; the promise resolves when the core runs. */
export const initTelemetry = createInitTelemetry(
  () => import('./core.js'),
  () => wasmUrl ?? new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url),
);
