// Where a wasm's code bytes go, by Rust module: reads the code section and the `name` section
// of a build that kept its names (e.g. `CARGO_PROFILE_WASM_RELEASE_STRIP=false
// scripts/cargo-wasm-size DIR -p sdk-wasm`, then wasm-bindgen and `wasm-opt -Oz -g`) and sums
// each function body's bytes under its module path (`sdk_wasm::web::pipeline`, `core::fmt`, …;
// trait impls count for the implementing type's module). Raw bytes: gzip shrinks each part
// roughly alike.
//   node bench/lib/wasm-sizes.mjs FILE.wasm [DEPTH=3] [TOP=40]
import fs from 'node:fs';

const [file, depthArg = '3', topArg = '40'] = process.argv.slice(2);
const buf = fs.readFileSync(file);
let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do {
    b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
};
const str = () => {
  const n = leb();
  const s = buf.toString('utf8', pos, pos + n);
  pos += n;
  return s;
};

let imported = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
const sections = {};
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  const end = pos + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      str();
      str();
      const kind = buf[pos++];
      if (kind === 0) { imported++; leb(); }
      else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const len = leb();
      bodies.push(len);
      pos += len;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const name = str();
    if (name === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = leb();
        const subEnd = pos + subSize;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, str()); }
        pos = subEnd;
      }
    }
    sections[`custom ${name}`] = size;
  }
  sections[id] = (sections[id] ?? 0) + size;
  pos = end;
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
