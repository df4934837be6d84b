// The lazily loaded chunk: the wasm-bindgen glue, the wasm (fetched with the page's own fetch,
// not the instrumented one, and compiled while streaming) and the handle over it.
import initWasm, * as core from './wasm/sdk_wasm.js';
import { originalFetch } from './wasm/snippets/sdk-wasm/src/instrument/web/shim.js';
import type { StartCore } from './init.js';
import { start } from './telemetry.js';

let loaded: Promise<unknown> | undefined;

/** Loads the wasm from `url` once; a failed load is forgotten, so a later call tries again. */
export async function boot(url: string | URL): Promise<StartCore> {
  loaded ??= initWasm({ module_or_path: originalFetch().call(globalThis, url) as Promise<Response> }).catch((e) => {
    loaded = undefined;
    throw e;
  });
  await loaded;
  return (config, coreConfig, release) => start(core, config, coreConfig, release);
}
