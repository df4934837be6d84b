#!/usr/bin/env node
// `wasm-opt -Oz -ocimfs 10 --strip-debug --strip-producers` with the dashboard's features on many modules
// in one process: binaryen's wasm-opt is itself WebAssembly run by node, and starting it costs
// about a second and a half per call, which for the ~100 small modules of a split build is most
// of the build.
//   node scripts/wasm-opt-many.mjs IN_DIR OUT_DIR NAME...   (NAME.wasm in IN_DIR → OUT_DIR)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const entry = createRequire(join(root, 'tools/package.json')).resolve('binaryen');
const { default: binaryen } = await import(pathToFileURL(entry).href);

const [inDir, outDir, ...names] = process.argv.slice(2);
const F = binaryen.Features;
// As build.sh's wasm-opt flags: what the main module is optimised with.
const features = F.MVP | F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals |
  F.ReferenceTypes | F.Multivalue;
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setOneCallerInlineMaxSize(10); // -ocimfs 10
binaryen.setDebugInfo(false);
for (const name of names) {
  const module = binaryen.readBinary(readFileSync(join(inDir, `${name}.wasm`)));
  module.setFeatures(features);
  module.optimize();
  // --strip-producers: the producers section says which compilers built it, nothing the page needs.
  module.removeCustomSection?.('producers');
  writeFileSync(join(outDir, `${name}.wasm`), module.emitBinary());
  module.dispose();
}
