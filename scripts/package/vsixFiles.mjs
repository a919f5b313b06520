// The files a VSIX holds, as `vsce ls` lists them from .vscodeignore (what `vsce package` packs),
// sorted, with the platform's esbuild binary named as on Linux and macOS. The list is pinned in
// test/vsix/files.txt; `node scripts/package/vsixFiles.mjs --update` rewrites it after a change
// made on purpose.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SNAPSHOT = join(root, 'test', 'vsix', 'files.txt');

export function vsixFiles(cwd = root) {
  const cli = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [cli, 'ls', '--follow-symlinks'], {
    cwd,
    encoding: 'utf8',
  });
  return out
    .split(/\r?\n/)
    .filter(Boolean)
    .map((f) => (f === 'dist/esbuild/esbuild.exe' ? 'dist/esbuild/esbuild' : f))
    .sort();
}

export function pinnedFiles() {
  return readFileSync(SNAPSHOT, 'utf8').split('\n').filter(Boolean);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = vsixFiles();
  if (process.argv.includes('--update')) {
    writeFileSync(SNAPSHOT, files.join('\n') + '\n');
    console.log(`wrote ${files.length} files to ${SNAPSHOT}`);
  } else console.log(files.join('\n'));
}
