// Gets the esbuild binary for a marketplace target at the esbuild version the worker bundles (the
// lockfile's): from node_modules when npm installed that platform's package there, else from the
// registry with `npm pack` (npm checks its integrity), cached per version. Never placed by hand.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { binaryInPackage, TARGETS } from './targets.mjs';

const require = createRequire(import.meta.url);

/** The esbuild version whose API the bundles carry; each binary must be exactly it. */
export const ESBUILD_VERSION = require('esbuild/package.json').version;

export const CACHE = process.env.DURABLE_RUN_ESBUILD_CACHE
  ? process.env.DURABLE_RUN_ESBUILD_CACHE
  : join(os.homedir(), '.cache', 'durable-run-esbuild');

/** The content of one file in a .tgz (ustar, as npm packs), or undefined. */
export function fileInTarball(tgz, wanted) {
  const tar = gunzipSync(readFileSync(tgz));
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from, length) =>
      header.toString('utf8', from, from + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    if (name === wanted) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function installed(pkg) {
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
    return version === ESBUILD_VERSION ? dirname(manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The path of the esbuild binary for `target`, fetching its package once if need be. */
export function esbuildBinary(target) {
  const pkg = TARGETS[target].esbuild;
  const inside = binaryInPackage(target);
  const local = installed(pkg);
  if (local && existsSync(join(local, inside))) return join(local, inside);
  const dir = join(CACHE, ESBUILD_VERSION, pkg.replace('/', '+'));
  const binary = join(dir, inside.split('/').pop());
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  console.log(`fetching ${pkg}@${ESBUILD_VERSION} for ${target}`);
  const out = execFileSync(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['pack', `${pkg}@${ESBUILD_VERSION}`, '--json', '--pack-destination', dir],
    { encoding: 'utf8', shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [{ filename }] = JSON.parse(out);
  const bytes = fileInTarball(join(dir, filename), `package/${inside}`);
  if (!bytes) throw new Error(`${pkg}@${ESBUILD_VERSION} has no ${inside}`);
  // Written aside and renamed: an interrupted fetch leaves no half binary in the cache.
  writeFileSync(`${binary}.part`, bytes);
  chmodSync(`${binary}.part`, 0o755);
  renameSync(`${binary}.part`, binary);
  return binary;
}
