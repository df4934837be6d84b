// wasm-bindgen's glue turns every string the wasm hands to JS into a JS string with
// `TextDecoder.decode`, which costs 150–300 ns even for the few ASCII bytes of a property name:
// every `Reflect.get` the core makes (resource-timing fields, options, config keys) names its
// key that way, several per span. This rewrites its `getStringFromWasm0` so that short ASCII
// strings are read byte by byte and kept by address: the same bytes at the same address (a
// string literal in the wasm's data) give back the same JS string after a compare of its
// bytes, ≈ 40 ns. Longer or non-ASCII strings still go through the decoder.
//   node scripts/short-string-cache.mjs DIR   (DIR holds sdk_wasm.js)
import fs from 'node:fs';
import path from 'node:path';

const ORIGINAL = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`;

// At most 1 024 addresses are kept (heap strings come and go; the cache starts over).
const CACHED = `const shortStrings = new Map();
function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getUint8ArrayMemory0();
    if (len <= 32) {
        const c = shortStrings.get(ptr);
        let i = 0;
        if (c !== undefined && c.length === len) {
            while (i < len && c.charCodeAt(i) === mem[ptr + i]) i++;
            if (i === len) return c;
        }
        let s = '';
        for (i = 0; i < len && mem[ptr + i] < 128; i++) s += String.fromCharCode(mem[ptr + i]);
        if (i === len) {
            if (shortStrings.size >= 1024) shortStrings.clear();
            shortStrings.set(ptr, s);
            return s;
        }
    }
    return decodeText(mem.subarray(ptr, ptr + len));
}`;

const glue = path.join(process.argv[2], 'sdk_wasm.js');
const src = fs.readFileSync(glue, 'utf8');
if (!src.includes(ORIGINAL)) throw new Error(`short-string-cache: ${glue} has no getStringFromWasm0 as wasm-bindgen writes it`);
fs.writeFileSync(glue, src.replace(ORIGINAL, CACHED));
