// wasm-bindgen's glue imports each JS snippet as a namespace (`import * as import5 from
// "./snippets/…/shim.js"`) to hand it to the wasm. Bundlers then build that namespace object
// in the snippet's own chunk: for the instrumentations' shim that is the loader, on the page's
// critical path (esbuild adds its `__export` helper chunk too, ≈ 250 B gzip). This rewrites
// the glue to import by name the functions the wasm takes from the snippet (its import section
// says which) and build that object in the glue.
//   node scripts/named-snippet-imports.mjs DIR   (DIR holds sdk_wasm_bg.wasm and sdk_wasm.js)
import fs from 'node:fs';
import path from 'node:path';

const NAMESPACE_IMPORT = /^import \* as (import\d+) from "([^"]+)";?$/;
const INSTANCE_KEY = /^\s*"([^"]+)": (import\d+),$/;

// `./snippets/sdk-wasm-<hash>/src/x.js` and `../wasm/snippets/sdk-wasm/src/x.js` → `src/x.js`
const snippetPath = (p) => p.replace(/^.*\/snippets\/[^/]+\//, '');

{
  const dir = process.argv[2];
  const glue = path.join(dir, 'sdk_wasm.js');
  const wasm = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'sdk_wasm_bg.wasm')));
  const wanted = new Map(); // snippet path → the names the wasm imports from it
  for (const i of WebAssembly.Module.imports(wasm)) {
    const key = snippetPath(i.module);
    if (key !== i.module) wanted.set(key, [...(wanted.get(key) ?? []), i.name]);
  }
  const modules = new Map(); // snippet path → the object's name
  const aliases = new Map(); // wasm-bindgen's importN → the object's name
  const out = [];
  for (const line of fs.readFileSync(glue, 'utf8').split('\n')) {
    const m = NAMESPACE_IMPORT.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const [, local, from] = m;
    if (!modules.has(from)) {
      const obj = `snippet${modules.size}`;
      modules.set(from, obj);
      const names = wanted.get(snippetPath(from));
      if (!names) throw new Error(`${glue}: the wasm imports nothing from ${from}`);
      out.push(`import { ${names.map((n) => `${n} as ${obj}_${n}`).join(', ')} } from "${from}";`);
      out.push(`const ${obj} = { ${names.map((n) => `${n}: ${obj}_${n}`).join(', ')} };`);
    }
    aliases.set(local, modules.get(from));
  }
  // wasm-bindgen imports a snippet once per function it takes from it, and names it once per
  // function in the object it instantiates the wasm with (`"path": importN`, duplicate keys):
  // one key per snippet, given its object.
  const keyed = new Set();
  const text = out
    .filter((line) => {
      const m = INSTANCE_KEY.exec(line);
      if (!m || !aliases.has(m[2])) return true;
      if (keyed.has(m[1])) return false;
      keyed.add(m[1]);
      return true;
    })
    .join('\n')
    .replace(/(?<![\w$])import\d+(?![\w$])/g, (local) => aliases.get(local) ?? local);
  fs.writeFileSync(glue, text);
}
