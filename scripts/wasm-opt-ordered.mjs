#!/usr/bin/env node
// wasm-opt, with the module's functions then in the order of lib/function-order.mjs (similar
// bodies side by side: the SDK's .wasm −2.8 % gzip, the dashboard's main module −5 %). The order
// needs the optimised bodies, so wasm-opt runs twice. The first run (names kept) shows the
// bodies; the second optimises the input again with each function named after its place in the
// chosen order and ends with `--reorder-functions-by-name`. Optimisation does not look at names,
// so the second run's code is the first run's, reordered (checked: same function count). One
// run and a reorder of its output would not do: reading wasm-opt's output back costs ≈ 0.1 KB.
//   node scripts/wasm-opt-ordered.mjs IN OUT WASM_OPT_FLAGS...   (flags as for wasm-opt, e.g. -Oz)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codeBodies, similarityOrder } from './lib/function-order.mjs';
import { encodeName, encodeUleb, WasmReader } from './lib/wasm-reader.mjs';

const [input, output, ...flags] = process.argv.slice(2);
if (!output || !flags.length) {
  console.error('usage: wasm-opt-ordered.mjs IN OUT WASM_OPT_FLAGS...');
  process.exit(2);
}

const section = (id, payload) => Buffer.concat([Buffer.from([id]), encodeUleb(payload.length), payload]);

/** Sections as [id, payload start, payload end], and the count of imported functions. */
function sections(buf) {
  const r = new WasmReader(buf);
  const out = [];
  let importedFunctions = 0;
  while (r.pos < buf.length) {
    const id = r.byte();
    const size = r.uleb();
    const start = r.pos;
    out.push([id, start, start + size]);
    if (id === 2) {
      for (let n = r.uleb(); n > 0; n--) {
        r.str();
        r.str();
        const kind = r.byte();
        // The import's description: a type index, a table, a memory or a global.
        if (kind === 0) (importedFunctions++, r.uleb());
        else if (kind === 1) { r.byte(); const f = r.uleb(); r.uleb(); if (f & 1) r.uleb(); }
        else if (kind === 2) { const f = r.uleb(); r.uleb(); if (f & 1) r.uleb(); }
        else if (kind === 3) { r.byte(); r.byte(); }
        else throw new Error(`wasm-opt-ordered: import kind ${kind}`);
      }
    }
    r.pos = start + size;
  }
  return { list: out, importedFunctions };
}

/** A custom section's name (null for other sections). */
function customName(buf, [id, start]) {
  if (id !== 0) return null;
  const r = new WasmReader(buf);
  r.pos = start;
  return r.str();
}

/** The module with its name section replaced by one naming function i `name(i)`. */
function withNames(buf, count, name) {
  const { list } = sections(buf);
  const parts = [buf.subarray(0, 8)];
  for (const s of list) {
    if (customName(buf, s) === 'name') continue;
    parts.push(buf.subarray(s[1] - 1 - encodeUleb(s[2] - s[1]).length, s[2]));
  }
  const entries = [encodeUleb(count)];
  for (let i = 0; i < count; i++) entries.push(encodeUleb(i), encodeName(name(i)));
  const functionNames = Buffer.concat(entries);
  parts.push(section(0, Buffer.concat([encodeName('name'), Buffer.from([1]), encodeUleb(functionNames.length), functionNames])));
  return Buffer.concat(parts);
}

/** Function names by index (the name section's first subsection). */
function functionNames(buf) {
  const names = new Map();
  for (const s of sections(buf).list) {
    if (customName(buf, s) !== 'name') continue;
    const r = new WasmReader(buf);
    r.pos = s[1];
    r.str();
    while (r.pos < s[2]) {
      const sub = r.byte();
      const end = r.uleb() + r.pos;
      if (sub === 1) for (let n = r.uleb(); n > 0; n--) names.set(r.uleb(), r.str());
      r.pos = end;
    }
  }
  return names;
}

const wasmOpt = (args) => execFileSync('wasm-opt', args, { stdio: ['ignore', 'inherit', 'inherit'] });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-opt-ordered-'));
try {
  const inBuf = fs.readFileSync(input);
  const { importedFunctions } = sections(inBuf);
  const functionCount = importedFunctions + codeBodies(inBuf).length;
  // First run: every function named after its index in the input, names kept.
  const named = path.join(tmp, 'named.wasm');
  const seen = path.join(tmp, 'seen.wasm');
  fs.writeFileSync(named, withNames(inBuf, functionCount, (i) => `f${i}`));
  wasmOpt([named, ...flags.filter((f) => f !== '--strip-debug'), '-g', '-o', seen]);
  const seenBuf = fs.readFileSync(seen);
  const seenImports = sections(seenBuf).importedFunctions;
  const seenNames = functionNames(seenBuf);
  const codes = codeBodies(seenBuf);
  // Place in the chosen order, by input index. Functions the optimiser removed sort last; the
  // few it creates have no input name and keep the numeric names it gives them (first).
  const rank = new Map();
  similarityOrder(codes).forEach((f, place) => {
    const m = /^f(\d+)$/.exec(seenNames.get(seenImports + f) || '');
    if (m) rank.set(Number(m[1]), place);
  });
  const width = String(functionCount).length;
  const placeName = (i) => (rank.has(i) ? `o${String(rank.get(i)).padStart(width, '0')}` : `z${i}`);
  const ordered = path.join(tmp, 'ordered.wasm');
  fs.writeFileSync(ordered, withNames(inBuf, functionCount, placeName));
  wasmOpt([ordered, ...flags, '--reorder-functions-by-name', '-o', output]);
  const outCount = codeBodies(fs.readFileSync(output)).length;
  if (outCount !== codes.length) {
    throw new Error(`wasm-opt-ordered: the second run kept ${outCount} functions, the first ${codes.length}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
