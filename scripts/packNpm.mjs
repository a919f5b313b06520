// Packs the durable-run npm package (npm run pack:npm): the agent API with its types, the
// runtime and the CLI, built from the same sources as the extension (scripts/build.mjs --npm).
// Agent projects install it for types (`npm i -D durable-run`) and run agents headless with
// `npx durable-run run agent.ts ...`. Its only dependency is esbuild, at the version the bundles
// are built with, so npm installs the user's platform binary. Writes dist/durable-run-VERSION.tgz.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESBUILD_VERSION } from './package/esbuildBinary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extension = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(root, 'dist', 'npm', 'durable-run');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
execFileSync(
  process.execPath,
  [join(root, 'scripts', 'build.mjs'), '--production', '--npm', '--outdir', join(stage, 'dist')],
  { cwd: root, stdio: 'inherit' },
);
// The hand-written declarations, checked against src/runtime/api.ts by durableRunTypes.test.ts.
copyFileSync(join(root, 'samples', 'durable-run.d.ts'), join(stage, 'index.d.ts'));
copyFileSync(join(root, 'npm', 'README.md'), join(stage, 'README.md'));
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
const manifest = {
  name: 'durable-run',
  version: extension.version,
  description:
    'Durable agents in TypeScript: defineAgent and its types, the durable runtime, and the durable-run CLI that runs, crashes and recovers agents headless.',
  license: extension.license,
  keywords: ['durable execution', 'agents', 'crash recovery', 'flink agents', 'replay', 'cli'],
  bin: { 'durable-run': 'dist/cli.js' },
  main: 'dist/index.js',
  types: 'index.d.ts',
  files: ['dist/', 'index.d.ts'],
  engines: { node: '>=18' },
  dependencies: { esbuild: ESBUILD_VERSION },
};
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
const out = execFileSync(
  process.platform === 'win32' ? 'npm.cmd' : 'npm',
  ['pack', '--json', '--pack-destination', join(root, 'dist')],
  { cwd: stage, encoding: 'utf8', shell: process.platform === 'win32' },
);
const [{ filename, entryCount }] = JSON.parse(out);
const tarball = join(root, 'dist', filename);
const size = statSync(tarball).size;
console.log(`dist/${filename}  ${entryCount} files  ${(size / 1024).toFixed(0)} KB`);
