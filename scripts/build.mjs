// Builds one bundle per entry point with esbuild, and puts beside them the esbuild binary
// that the worker uses to compile agents (the extension ships it instead of node_modules; each
// platform's VSIX gets its own from scripts/package.mjs). The TypeScript server plugin goes to
// typescript-plugin/ with the agent API's declarations: the package the extension depends on,
// which tsserver loads from the extension's node_modules.
// `--production`: minified, no source maps (what the VSIX ships). `--outdir DIR`: elsewhere than
// dist/. `--npm`: the bundles of the durable-run npm package (scripts/packNpm.mjs; not minified):
// the CLI, the worker and the agent API, with esbuild left to the package's dependency (no binary
// copied).
import * as esbuild from 'esbuild';
import { copyFileSync, chmodSync, cpSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { esbuildBinary } from './package/esbuildBinary.mjs';
import { binaryName, hostTarget } from './package/targets.mjs';
import { sharedExternals } from './build/sharedExternals.mjs';

const argv = process.argv.slice(2);
const watch = argv.includes('--watch');
const production = argv.includes('--production');
const npm = argv.includes('--npm');
const outdirAt = argv.indexOf('--outdir');
const outdir = outdirAt === -1 ? 'dist' : argv[outdirAt + 1];

const entries = (
  npm
    ? [
        { in: 'src/cli/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
        { in: 'src/worker/worker.ts', out: 'worker' },
        { in: 'src/runtime/api.ts', out: 'index' },
      ]
    : [
        { in: 'src/extension/extension.ts', out: 'extension' },
        { in: 'src/adapter/debugAdapter.ts', out: 'debugAdapter' },
        { in: 'src/worker/worker.ts', out: 'worker' },
        { in: 'src/cli/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
        { in: 'src/typescriptPlugin/index.ts', outfile: 'typescript-plugin/index.js' },
      ]
).filter((e) => existsSync(e.in));

/** This machine's esbuild binary, found as scripts/package.mjs finds every platform's. */
function copyEsbuildBinary() {
  const target = join(outdir, 'esbuild', binaryName(hostTarget()));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(esbuildBinary(hostTarget()), target);
  chmodSync(target, 0o755);
}

/**
 * The Python agent host beside the worker bundle, where the worker looks first (a copied dist/,
 * the npm package); the VSIX ships python/ at its root instead (.vscodeignore).
 */
function copyPythonHost() {
  cpSync('python/durable_run_host', join(outdir, 'python', 'durable_run_host'), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__') && !source.endsWith('.pyc'),
  });
}

if (!watch) rmSync(outdir, { recursive: true, force: true });
const contexts = await Promise.all(
  entries.map((entry) =>
    esbuild.context({
      entryPoints: [entry.in],
      outfile: entry.outfile ?? join(outdir, `${entry.out}.js`),
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      external: npm ? ['vscode', 'esbuild'] : ['vscode'],
      sourcemap: production || entry.outfile ? false : 'linked',
      // The npm package stays readable: its users see its lines in their stack traces.
      minify: production && !npm,
      banner: entry.banner ? { js: entry.banner } : undefined,
      logLevel: 'warning',
      // The worker bundles esbuild's API and points it at the shipped binary (see worker.ts).
      logOverride: { 'require-resolve-not-external': 'silent' },
      // One namespace object per external module and bundle (what activation pays for most).
      plugins: [sharedExternals()],
    }),
  ),
);
if (!npm) {
  copyEsbuildBinary();
  copyFileSync('samples/durable-run.d.ts', 'typescript-plugin/durable-run.d.ts');
}
copyPythonHost();
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
