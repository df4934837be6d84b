// SigNoz's dashboard format check: signoz-dashboard.schema.json (derived from SigNoz
// v0.39's TypeScript types) applied by a small validator for the keywords it uses
// (type, enum, required, properties, items, additionalProperties, $ref, allOf).
// `node tests/dashboard/signoz-format.mjs file.json…` checks files; the e2e imports
// checkSignozDashboard. Widgets listed in `strict` must carry every required field.

import { readFileSync } from 'node:fs';

const schema = JSON.parse(readFileSync(new URL('./signoz-dashboard.schema.json', import.meta.url), 'utf8'));
const defs = schema.definitions;

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function check(v, s, path, out) {
  if (typeof s === 'string') s = defs[s];
  if (s.$ref) return check(v, defs[s.$ref], path, out);
  for (const base of s.allOf || []) check(v, base, path, out);
  if (s.enum && !s.enum.includes(v)) { out.push(`${path}: ${JSON.stringify(v)} is not one of ${s.enum.join(', ')}`); return out; }
  if (s.type) {
    const types = [].concat(s.type);
    if (!types.includes(typeOf(v))) { out.push(`${path}: expected ${types.join('|')}, got ${typeOf(v)}`); return out; }
  }
  if (typeOf(v) === 'object') {
    for (const k of s.required || []) if (!(k in v)) out.push(`${path}: missing ${k}`);
    for (const [k, sub] of Object.entries(s.properties || {})) if (k in v) check(v[k], sub, `${path}.${k}`, out);
    if (s.additionalProperties) for (const [k, x] of Object.entries(v)) check(x, s.additionalProperties, `${path}.${k}`, out);
  }
  if (typeOf(v) === 'array' && s.items) v.forEach((x, i) => check(x, s.items, `${path}[${i}]`, out));
  return out;
}

/** Problems found in dashboard `data` (empty when it passes). */
export function checkSignozDashboard(data, { strict = [] } = {}) {
  const out = check(data, 'Dashboard', 'data', []);
  for (const [i, w] of (data.widgets || []).entries()) {
    if (strict.includes(w.id)) check(w, 'Widget', `data.widgets[${i}]`, out);
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    const problems = checkSignozDashboard(JSON.parse(readFileSync(f, 'utf8')));
    console.log(`${f}: ${problems.length ? problems.join('; ') : 'ok'}`);
    bad += problems.length;
  }
  process.exit(bad ? 1 : 0);
}
