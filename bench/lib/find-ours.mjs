// Finds our SDK's npm package `otel-wasm` as the repo's npm/ build produces it,
// so the bench picks it up by itself once it exists. In order:
//   1. $OTEL_WASM_PKG: a packed tarball (.tgz) or a package directory;
//   2. the newest otel-wasm-*.tgz in npm/ or npm/dist/ (after running
//      npm/build.sh, the package's documented build command, when `build`);
//   3. npm/ itself when its package.json is named otel-wasm (a `file:` install).
// A tarball is unpacked to build/ours/node_modules/otel-wasm: exactly the files
// a user's `npm install` gets. Returns {packageDir, source, version} or {reason}.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

function newestTarball(dirs) {
  const found = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^otel-wasm-.*\.tgz$/.test(name)) found.push(path.join(dir, name));
    }
  }
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

function readPackage(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

function unpack(tarball, buildDir) {
  const modules = path.join(buildDir, 'ours', 'node_modules');
  const target = path.join(modules, 'otel-wasm');
  fs.rmSync(path.join(buildDir, 'ours'), { recursive: true, force: true });
  fs.mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', modules]);
  fs.renameSync(path.join(modules, 'package'), target);
  return target;
}

function fromTarball(tarball, buildDir) {
  const packageDir = unpack(tarball, buildDir);
  const rel = path.relative(path.join(buildDir, '..', '..'), tarball);
  return { packageDir, source: rel.startsWith('..') ? tarball : rel, version: readPackage(packageDir)?.version };
}

// The directory must be reachable as node_modules/otel-wasm for bare imports.
function fromDirectory(dir, buildDir, source) {
  const modules = path.join(buildDir, 'ours', 'node_modules');
  fs.rmSync(path.join(buildDir, 'ours'), { recursive: true, force: true });
  fs.mkdirSync(modules, { recursive: true });
  fs.symlinkSync(path.resolve(dir), path.join(modules, 'otel-wasm'), 'dir');
  return { packageDir: path.join(modules, 'otel-wasm'), source, version: readPackage(dir)?.version };
}

export async function findOurs({ buildDir, build = true, log = console.log }) {
  const repo = path.resolve(buildDir, '..', '..');
  const npmDir = path.join(repo, 'npm');
  const override = process.env.OTEL_WASM_PKG;
  if (override) {
    if (override.endsWith('.tgz')) return fromTarball(path.resolve(override), buildDir);
    if (readPackage(override)?.name === 'otel-wasm') return fromDirectory(override, buildDir, `$OTEL_WASM_PKG=${override}`);
    return { reason: `$OTEL_WASM_PKG=${override} is neither a .tgz nor an otel-wasm package directory` };
  }
  if (!fs.existsSync(npmDir)) return { reason: 'no npm/ directory in this checkout' };

  const buildScript = path.join(npmDir, 'build.sh');
  if (build && fs.existsSync(buildScript)) {
    log('build: running npm/build.sh (our SDK\'s documented package build)');
    try {
      execFileSync('bash', [buildScript], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (err) {
      return { reason: `npm/build.sh failed (exit ${err.status})` };
    }
  }
  const tarball = newestTarball([npmDir, path.join(npmDir, 'dist')]);
  if (tarball) return fromTarball(tarball, buildDir);
  if (readPackage(npmDir)?.name === 'otel-wasm') return fromDirectory(npmDir, buildDir, 'npm/ (directory)');
  return { reason: 'npm/ has no otel-wasm-*.tgz and no package named otel-wasm' };
}
