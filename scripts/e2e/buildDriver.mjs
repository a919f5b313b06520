// Bundles the e2e driver extension with every test/e2e/suite/*.test.ts, and packages it as a VSIX.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourceDir = join(root, 'test', 'e2e', 'driver');
const suiteDir = join(root, 'test', 'e2e', 'suite');
// Staged under .e2e/ (ignored by git, lint and prettier) rather than beside the sources.
export const driverDir = join(root, '.e2e', 'driver');

export function suiteFiles() {
  return readdirSync(suiteDir, { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(suiteDir, f));
}

export async function buildDriver({ vsix = true } = {}) {
  rmSync(driverDir, { recursive: true, force: true });
  mkdirSync(driverDir, { recursive: true });
  for (const file of ['package.json', 'README.md', '.vscodeignore']) {
    copyFileSync(join(sourceDir, file), join(driverDir, file));
  }
  const suites = suiteFiles();
  // Requires inside functions keep each suite unevaluated until mocha's globals exist.
  const entry = [
    `const { createDriver } = require('./src/driver.ts');`,
    `module.exports = createDriver([`,
    ...suites.map(
      (f) => `  [${JSON.stringify(relative(root, f))}, () => require(${JSON.stringify(f)})],`,
    ),
    `]);`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: sourceDir, sourcefile: 'driver-entry.js', loader: 'js' },
    outfile: join(driverDir, 'dist', 'driver.js'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    // Mocha's parallel mode resolves worker files at run time; the driver never uses it.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  console.log(`[e2e] driver bundled with ${suites.length} suite file(s)`);
  if (!vsix) return { driverDir };
  const out = join(root, '.e2e', 'durable-run-e2e-driver.vsix');
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const args = ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository'];
  execFileSync(vsce, [...args, '--out', out], {
    cwd: driverDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  console.log(`[e2e] driver packaged: ${relative(root, out)}`);
  return { driverDir, vsixPath: out };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await buildDriver();
