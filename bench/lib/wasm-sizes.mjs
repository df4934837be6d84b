// Where a wasm's code bytes go, by Rust module: reads the code section and the `name` section
// of a build that kept its names (e.g. `CARGO_PROFILE_WASM_RELEASE_STRIP=false
// scripts/cargo-wasm-size DIR -p sdk-wasm`, then wasm-bindgen and `wasm-opt -Oz -g`) and sums
// each function body's bytes under its module path (`sdk_wasm::web::pipeline`, `core::fmt`, …;
// trait impls count for the implementing type's module). Raw bytes: gzip shrinks each part
// roughly alike.
//   node bench/lib/wasm-sizes.mjs FILE.wasm [DEPTH=3] [TOP=40]
import fs from 'node:fs';
import { WasmReader } from '../../scripts/lib/wasm-reader.mjs';

const [file, depthArg = '3', topArg = '40'] = process.argv.slice(2);
const buf = fs.readFileSync(file);
const r = new WasmReader(buf);

let imported = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
const sections = {};
while (r.pos < buf.length) {
  const id = r.byte();
  const size = r.uleb();
  const end = r.pos + size;
  if (id === 2) {
    for (let n = r.uleb(); n > 0; n--) {
      r.str();
      r.str();
      const kind = r.byte();
      if (kind === 0) { imported++; r.uleb(); }
      else if (kind === 1) { r.pos++; const f = r.uleb(); r.uleb(); if (f & 1) r.uleb(); }
      else if (kind === 2) { const f = r.uleb(); r.uleb(); if (f & 1) r.uleb(); }
      else if (kind === 3) { r.pos += 2; }
    }
  } else if (id === 10) {
    for (let n = r.uleb(); n > 0; n--) {
      const len = r.uleb();
      bodies.push(len);
      r.pos += len;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const name = r.str();
    if (name === 'name') {
      while (r.pos < end) {
        const sub = r.byte();
        const subSize = r.uleb();
        const subEnd = r.pos + subSize;
        if (sub === 1) for (let n = r.uleb(); n > 0; n--) { const idx = r.uleb(); names.set(idx, r.str()); }
        r.pos = subEnd;
      }
    }
    sections[`custom ${name}`] = size;
  }
  sections[id] = (sections[id] ?? 0) + size;
  r.pos = end;
}

const depth = Number(depthArg);
function moduleOf(name) {
  let n = name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]+\]/g, '');
  // wasm-bindgen's exported entry points, with what was inlined into them.
  if (/ (externref|multivalue) shim/.test(n)) return `(export) ${n.split(' ')[0]}`;
  // `<a::B as c::D>::f` → a::B; `<a::B>::f` → a::B; generics dropped.
  const impl = n.match(/^<([^ <>]+)(?:<.*?>)?(?: as [^>]+)?>/);
  if (impl) n = impl[1];
  n = n.replace(/<.*$/, '').replace(/\{\{closure\}\}/g, '');
  const parts = n.split('::').filter(Boolean);
  // Drop a trailing function / type name.
  const mod = parts.length > 1 ? parts.slice(0, -1) : parts;
  return mod.slice(0, depth).join('::') || '(unnamed)';
}

const byModule = new Map();
let total = 0;
bodies.forEach((len, i) => {
  const name = names.get(imported + i) ?? '(no name)';
  const m = moduleOf(name);
  byModule.set(m, (byModule.get(m) ?? 0) + len);
  total += len;
});
console.log(`${file}: code ${total} B in ${bodies.length} functions (${imported} imports), data ${dataBytes} B, named ${names.size}`);
for (const [m, b] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${String(b).padStart(8)} ${((100 * b) / total).toFixed(1).padStart(5)}%  ${m}`);
}
