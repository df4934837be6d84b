// No-bundler entry of the tracing-only flavour (`otel-wasm/tracing/web`): as web.ts, with the
// tracing build's .wasm next to this file.
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

/** Starts telemetry once per page; a second call returns the same handle. */
export const initTelemetry = createInitTelemetry(
  () => import('./core-tracing.js'),
  () => wasmUrl ?? new URL('./wasm-tracing/sdk_wasm_bg.wasm', import.meta.url),
);
