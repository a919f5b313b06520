// Builds one bundle per entry point with esbuild, and puts beside them the esbuild binary
// that the worker uses to compile agents (the extension ships it instead of node_modules). The
// TypeScript server plugin goes to typescript-plugin/ with the agent API's declarations: the
// package the extension depends on, which tsserver loads from the extension's node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, chmodSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

const entries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/adapter/debugAdapter.ts', out: 'debugAdapter' },
  { in: 'src/worker/worker.ts', out: 'worker' },
  { in: 'src/cli/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/typescriptPlugin/index.ts', outfile: 'typescript-plugin/index.js' },
].filter((e) => existsSync(e.in));

function copyEsbuildBinary() {
  const platformPackage = `@esbuild/${process.platform}-${process.arch}`;
  const binName = process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild';
  const source = join(dirname(require.resolve(`${platformPackage}/package.json`)), binName);
  const target = join('dist', 'esbuild', process.platform === 'win32' ? 'esbuild.exe' : 'esbuild');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  chmodSync(target, 0o755);
}

if (!watch) rmSync('dist', { recursive: true, force: true });
const contexts = await Promise.all(
  entries.map((entry) =>
    esbuild.context({
      entryPoints: [entry.in],
      outfile: entry.outfile ?? `dist/${entry.out}.js`,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      external: ['vscode'],
      sourcemap: production || entry.outfile ? false : 'linked',
      minify: production,
      banner: entry.banner ? { js: entry.banner } : undefined,
      logLevel: 'warning',
      // The worker bundles esbuild's API and points it at the shipped binary (see worker.ts).
      logOverride: { 'require-resolve-not-external': 'silent' },
    }),
  ),
);
copyEsbuildBinary();
copyFileSync('samples/durable-run.d.ts', 'typescript-plugin/durable-run.d.ts');
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
