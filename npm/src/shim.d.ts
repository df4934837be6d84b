// Types of the instrumentations' JS shim (sdk-wasm/src/instrument/web/shim.js), which the
// package ships at dist/wasm/snippets/sdk-wasm/src/instrument/web/ (npm/build.sh copies this
// file next to it). The loader and the wasm glue import the same module: one set of hooks.
export interface EarlyOptions {
  fetch: boolean;
  xhr: boolean;
  documentLoad: boolean;
  navigation: boolean;
  eventNames: string[];
  cors: unknown;
  ignore: unknown;
  sampled: boolean;
  max: number;
}
export function preinstall(opts: EarlyOptions): void;
export function abandon(): void;
export function originalFetch(): (input: string | URL) => Promise<Response>;
export function loadNow(): void;
