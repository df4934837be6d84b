#!/usr/bin/env node
// Checks the READMEs and docs/: every file path they name exists, and they name no issue
// numbers. A path is a `code span` or a Markdown link target that looks like a file: a bare
// file name with a source extension (some file of the repository must have that name), or a
// path with a `/`, relative to the document's folder, its src/ or tests/, or the repository
// root, or the tail of a repository path; it may end in `:LINE`, `:A-B` or `#anchor`. A
// git-ignored path (a build output) counts as existing. URLs, MIME types, globs, placeholders
// (`<x>`, `{a,b}`, `…`), command lines, folders whose first folder is not one here and lines
// about the SigNoz repository are not checked.
//   node scripts/check-docs.mjs        (exit 1 with one line per problem)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXT = /\.(rs|mjs|js|ts|tsx|md|sh|toml|json|html|css|yml|yaml|conf|template|lock)$/;
const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const files = git('ls-files', '--cached', '--others', '--exclude-standard').filter((f) => !f.includes('node_modules/'));
const basenames = new Set(files.map((f) => path.basename(f)));
const docs = files.filter((f) => f.endsWith('README.md') || /^docs\/[^/]+\.md$/.test(f));
const exists = (p) => existsSync(path.join(ROOT, p));
const isDir = (p) => exists(p) && statSync(path.join(ROOT, p)).isDirectory();
const ignored = (p) => { try { return git('check-ignore', '--no-index', p, p + '/').length > 0; } catch { return false; } };
// Names that are not files of this repository: packages, package exports, other projects' files,
// files a build tool writes.
const NOT_FILES = new Set(['zone.js', 'prometheus.yml', 'main.js', './web', './data', '__wasm_split.js']);

/** The candidate path in `token`, or null when it is not meant as a file of the repository. */
function asPath(token) {
  let t = token.trim();
  if (NOT_FILES.has(t)) return null;
  if (!t || /\s/.test(t) || /^[a-z]+:\/\//i.test(t) || /^(application|text|image|font)\//.test(t)) return null;
  if (/[*<>{}…$|'"=()[\],?&]/.test(t) || /^[-@~.]/.test(t) && !/^\.\.?\//.test(t)) return null;
  t = t.replace(/#.*$/, '').replace(/:\d+(-\d+)?$/, '').replace(/\/$/, '');
  if (t.startsWith('/') || !/^[\w./-]+$/.test(t)) return null;
  if (!t.includes('/')) return EXT.test(t) ? t : null;
  if (t.split('/').slice(1).some((seg) => /^[A-Z]/.test(seg))) return null; // `loadEventStart/End`
  return t;
}

/** Where `p`, named in a document in `dir`, may be: beside it, at the root, in its src/ or tests/. */
function resolves(p, dir) {
  if (!p.includes('/')) return basenames.has(p);
  const bases = [dir, '.', path.join(dir, 'src'), path.join(dir, 'tests')];
  const inRepo = bases.map((b) => path.normalize(path.join(b, p)));
  if (inRepo.some(exists) || inRepo.some(ignored)) return true; // ignored: a build output
  if (files.some((f) => f.endsWith('/' + p) || f.includes('/' + p + '/'))) return true;
  // A folder whose first folder is not one here belongs to another project (`promql/…`).
  const first = p.split('/')[0];
  return !EXT.test(p) && !(first === '..' || bases.some((b) => isDir(path.join(b, first))));
}

const problems = [];
for (const doc of docs) {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const dir = path.dirname(doc);
  const lines = text.split('\n');
  let fenced = false;
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith('```')) { fenced = !fenced; return; }
    if (fenced) return;
    const where = `${doc}:${i + 1}`;
    if (/\bissues? #?\d+\b/i.test(line)) problems.push(`${where}: names an issue number`);
    const tokens = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1])
      .concat([...line.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]));
    for (const token of tokens) {
      const p = asPath(token);
      if (p && !/SigNoz('s)? (v0\.39 )?repository|upstream/i.test(line) && !resolves(p, dir)) {
        problems.push(`${where}: \`${token}\` does not exist`);
      }
    }
  });
}
for (const p of problems) console.log(p);
console.log(`check-docs: ${docs.length} documents, ${problems.length} problem(s)`);
process.exitCode = problems.length ? 1 : 0;
