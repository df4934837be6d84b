#!/usr/bin/env node
// `wasm-opt -Oz -ocimfs 10 --strip-debug --strip-producers` with the dashboard's features on many
// modules, then their functions in lib/function-order.mjs's order (all lazy modules −5.3 % gzip),
// in one process: binaryen's wasm-opt is itself WebAssembly run by node, and starting it costs
// about a second and a half per call, which for the ~100 small modules of a split build is most
// of the build.
//   node scripts/wasm-opt-many.mjs IN_DIR OUT_DIR NAME...   (NAME.wasm in IN_DIR → OUT_DIR)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeBodies, similarityOrder } from './lib/function-order.mjs';

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
/** The optimised module with its functions in lib/function-order.mjs's order (re-added in that
 *  order: exports and tables refer to them by name). In process, so no second optimisation is
 *  needed, as wasm-opt-ordered.mjs needs for the CLI. */
function ordered(module) {
  const first = module.emitBinary();
  const defined = [];
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (!info.module) defined.push(info);
  }
  for (const i of similarityOrder(codeBodies(Buffer.from(first)))) {
    const f = defined[i];
    module.removeFunction(f.name);
    module.addFunction(f.name, f.params, f.results, f.vars, f.body);
  }
  return module.validate() ? module.emitBinary() : first;
}

for (const name of names) {
  const module = binaryen.readBinary(readFileSync(join(inDir, `${name}.wasm`)));
  module.setFeatures(features);
  module.optimize();
  // The producers section says which compilers built it, nothing the page needs.
  module.runPasses(['strip-producers']);
  writeFileSync(join(outDir, `${name}.wasm`), ordered(module));
  module.dispose();
}
