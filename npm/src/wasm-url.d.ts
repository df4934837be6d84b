// Types of `otel-wasm/wasm`, the .wasm file itself, for bundlers that do not follow
// `new URL(..., import.meta.url)` (esbuild with `--loader:.wasm=file`): its URL.
declare const wasmUrl: string;
export default wasmUrl;
