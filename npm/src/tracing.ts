// Bundler entry of the tracing-only flavour (`otel-wasm/tracing`): as index.ts, with the
// smaller .wasm (document load, fetch, XHR, interactions, manual spans, OTLP protobuf). The
// same API: metrics, emitLog and the RUM options are no-ops with one console line each.
import { createInitTelemetry } from './init.js';

export type * from './config.js';
export type { LogRecordInput, Telemetry, TelemetryStats, UserInput } from './telemetry.js';
export { TelemetryConfigError } from './config-error.js';

let wasmUrl: string | URL | undefined;

/** Where to fetch the .wasm from, if not where the bundler put it. Call before initTelemetry. */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url;
}

/** Starts telemetry once per page; a second call returns the same handle. */
export const initTelemetry = createInitTelemetry(
  () => import('./core-tracing.js'),
  () => wasmUrl ?? new URL('./wasm-tracing/sdk_wasm_bg.wasm', import.meta.url),
);
