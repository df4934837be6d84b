// Bundler entry (Vite, webpack, Rollup, esbuild): the wasm is referenced with
// `new URL(..., import.meta.url)`, which bundlers copy into the build and rewrite.
import initWasm, * as core from './wasm/sdk_wasm.js';
import { createInitTelemetry } from './telemetry.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats } from './telemetry.js';
export { TelemetryConfigError } from './config.js';

let loaded: Promise<typeof core> | undefined;

/** Starts telemetry once per page; a second call returns the same handle. */
export const initTelemetry = createInitTelemetry(
  () => (loaded ??= initWasm({ module_or_path: new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url) }).then(() => core)),
);
