// Renames the wasm's import modules, its imports from its own glue and its exports to short
// names (a, b, …), in the .wasm and in the wasm-bindgen glue beside it. wasm-bindgen names each
// import after its function plus a 16-hex-digit hash (`__wbg_then_656f253a5dd7d8ea`) and each
// snippet module after a hashed directory, written in both files: random digits gzip cannot
// shrink. The snippets' own functions (`now`, `install`), the `memory` export and the
// `__cb_*` exports (the JS shims call them, found by name: sdk-wasm's `web::js::callbacks`)
// keep their names. Every name is checked to occur in the glue as expected, so a
// wasm-bindgen that writes its glue differently fails the build instead of breaking it.
//   node scripts/minify-wasm-names.mjs DIR   (DIR holds sdk_wasm_bg.wasm and sdk_wasm.js)
import fs from 'node:fs';
import path from 'node:path';
import { encodeName, encodeUleb, WasmReader } from './lib/wasm-reader.mjs';

const dir = process.argv[2];
const wasmFile = path.join(dir, 'sdk_wasm_bg.wasm');
const glueFile = path.join(dir, 'sdk_wasm.js');
const GLUE_MODULE = './sdk_wasm_bg.js';
const keepExport = (name) => name === 'memory' || name.startsWith('__cb_');

const buf = fs.readFileSync(wasmFile);
const r = new WasmReader(buf);

// a … z, A … Z, then two characters, skipping what is not a plain identifier.
const RESERVED = new Set(['do', 'if', 'in']);
function* shortNames() {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = first + '0123456789_$';
  for (const c of first) yield c;
  for (const c of first) for (const d of rest) if (!RESERVED.has(c + d)) yield c + d;
  throw new Error('minify-wasm-names: more than 3 000 names');
}

const moduleNames = new Map(); // old → new
const importNames = new Map();
const exportNames = new Map();
const names = shortNames();
const modules = shortNames();
const parts = [buf.subarray(0, 8)];
while (r.pos < buf.length) {
  const id = r.byte();
  const size = r.uleb();
  const start = r.pos;
  const end = start + size;
  if (id !== 2 && id !== 7) {
    parts.push(buf.subarray(start - 1 - encodeUleb(size).length, end));
    r.pos = end;
    continue;
  }
  const count = r.uleb();
  const body = [encodeUleb(count)];
  for (let i = 0; i < count; i++) {
    if (id === 2) {
      const module = r.str();
      let name = r.str();
      if (module === GLUE_MODULE) {
        if (!importNames.has(name)) importNames.set(name, names.next().value);
        name = importNames.get(name);
      }
      if (!moduleNames.has(module)) moduleNames.set(module, modules.next().value);
      body.push(encodeName(moduleNames.get(module)), encodeName(name));
    } else {
      let name = r.str();
      if (!keepExport(name)) {
        exportNames.set(name, names.next().value);
        name = exportNames.get(name);
      }
      body.push(encodeName(name));
    }
    // The rest of the entry (its kind and type) as it is.
    const descStart = r.pos;
    const kind = r.byte();
    if (id === 7) r.uleb(); // export: an index
    else if (kind === 0) r.uleb(); // function: a type index
    else if (kind === 1) {
      r.pos++; // table: element type, then limits
      const flags = r.byte();
      r.uleb();
      if (flags & 1) r.uleb();
    } else if (kind === 2) {
      const flags = r.byte(); // memory: limits
      r.uleb();
      if (flags & 1) r.uleb();
    } else if (kind === 3) r.pos += 2; // global: value type, mutability
    else if (kind === 4) {
      r.pos++; // tag: attribute, type index
      r.uleb();
    } else throw new Error(`minify-wasm-names: unknown import kind ${kind}`);
    body.push(buf.subarray(descStart, r.pos));
  }
  if (r.pos !== end) throw new Error(`minify-wasm-names: section ${id} not read to its end`);
  const content = Buffer.concat(body);
  parts.push(Buffer.from([id]), encodeUleb(content.length), content);
}

let glue = fs.readFileSync(glueFile, 'utf8');
const replace = (pattern, to, what) => {
  let n = 0;
  glue = glue.replace(pattern, () => (n++, to));
  if (!n) throw new Error(`minify-wasm-names: ${what} not found in ${glueFile}`);
};
const escape = (s) => s.replace(/\$/g, '\\$');
// Modules are the keys of the object the glue instantiates the wasm with: `"module": importN`.
for (const [from, to] of moduleNames) replace(new RegExp(`"${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": `, 'g'), `"${to}": `, `module ${from}`);
// Imports are the keys of the glue's import object: `name: function(` (or `name: value`).
for (const [from, to] of importNames) replace(new RegExp(`(?<![\\w$])${escape(from)}(?=: )`, 'g'), to, `import ${from}`);
// Exports are read as `wasm.name`.
for (const [from, to] of exportNames) {
  const pattern = new RegExp(`(?<![\\w$])wasm\\.${escape(from)}(?![\\w$])`, 'g');
  if (pattern.test(glue)) replace(pattern, `wasm.${to}`, `export ${from}`);
}
fs.writeFileSync(wasmFile, Buffer.concat(parts));
fs.writeFileSync(glueFile, glue);
