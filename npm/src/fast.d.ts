// Types of the requests' fast path (sdk-wasm/src/instrument/web/fast.js), which the package
// ships next to the shim at dist/wasm/snippets/sdk-wasm/src/instrument/web/ (npm/build.sh copies
// this file next to it) and hands to the core's `init`.
export function fastPath(callbacks: object, sampled: boolean | undefined): { callbacks: object; drain: () => void };
