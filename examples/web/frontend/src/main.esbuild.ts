// The app's entry when built with esbuild instead of Vite (tests/bundlers): esbuild does not
// follow `new URL(..., import.meta.url)`, so the .wasm is imported with esbuild's `file`
// loader (`--loader:.wasm=file`) and its URL handed to otel-wasm before initTelemetry runs.
import wasmUrl from 'otel-wasm/wasm';
import { setWasmUrl } from 'otel-wasm';

setWasmUrl(new URL(wasmUrl, import.meta.url));
await import('./main');
