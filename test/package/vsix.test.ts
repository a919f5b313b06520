// Every platform's VSIX, as npm run package:all wrote it (dist/vsix/): its manifest names its
// target, its esbuild binary is an executable for that operating system and CPU (read from the
// binary's own header: ELF, Mach-O or PE), it holds exactly the pinned files, and it stays within
// the 6 MB budget. Run by npm run test:package, after the packages are built.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import yauzl from 'yauzl';
import { binaryName, TARGETS, vsixName, type TargetInfo } from '../../scripts/package/targets.mjs';
import { pinnedFiles, root } from '../../scripts/package/vsixFiles.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const MAX_BYTES = 6 * 1024 * 1024;

interface Entry {
  name: string;
  mode: number;
  data: Buffer;
}

function readZip(file: string): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Entry>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
            entries.set(entry.fileName, {
              name: entry.fileName,
              mode,
              data: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The operating system and CPU an executable is built for, from its header. */
export function executableKind(bin: Buffer): { os: string; cpu: string } | undefined {
  if (bin.readUInt32BE(0) === 0x7f454c46) {
    const machine = bin.readUInt16LE(18);
    const cpu = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm' }[machine];
    // 64-bit CPUs need a 64-bit ELF (class 2), ARMv7 a 32-bit one (class 1).
    const bits = bin[4] === 2 ? 64 : 32;
    if (!cpu || (cpu === 'arm') !== (bits === 32)) return undefined;
    return { os: 'linux', cpu };
  }
  if (bin.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = { 0x01000007: 'x64', 0x0100000c: 'arm64' }[bin.readUInt32LE(4)];
    return cpu ? { os: 'macos', cpu } : undefined;
  }
  if (bin.toString('latin1', 0, 2) === 'MZ') {
    const pe = bin.readUInt32LE(0x3c);
    if (bin.toString('latin1', pe, pe + 4) !== 'PE\0\0') return undefined;
    const cpu = { 0x8664: 'x64', 0xaa64: 'arm64' }[bin.readUInt16LE(pe + 4)];
    return cpu ? { os: 'windows', cpu } : undefined;
  }
  return undefined;
}

describe('the VSIX of each marketplace platform', () => {
  for (const [target, info] of Object.entries(TARGETS) as [string, TargetInfo][]) {
    it(`${target}: names its target, carries its platform's esbuild and the pinned files, ≤ 6 MB`, async () => {
      const file = path.join(root, 'dist', 'vsix', vsixName(pkg.name, pkg.version, target));
      assert.ok(fs.existsSync(file), `${file} is missing: run npm run package:all`);
      const size = fs.statSync(file).size;
      assert.ok(size <= MAX_BYTES, `${path.basename(file)} is ${size} bytes, over 6 MB`);
      const entries = await readZip(file);
      const manifest = entries.get('extension.vsixmanifest')!.data.toString('utf8');
      assert.match(manifest, new RegExp(`<Identity [^>]*TargetPlatform="${target}"`));

      const binary = entries.get(`extension/dist/esbuild/${binaryName(target)}`);
      assert.ok(binary, `no esbuild binary for ${target}`);
      assert.deepEqual(executableKind(binary.data), { os: info.os, cpu: info.cpu });
      if (info.os !== 'windows') assert.ok(binary.mode & 0o100, 'the binary is not executable');

      const files = [...entries.keys()]
        .filter((n) => n.startsWith('extension/'))
        .map((n) => n.slice('extension/'.length))
        .map((n) => (n === 'dist/esbuild/esbuild.exe' ? 'dist/esbuild/esbuild' : n))
        // vsce renames these three when it packs them.
        .map(
          (n) =>
            ({
              'readme.md': 'README.md',
              'changelog.md': 'CHANGELOG.md',
              'LICENSE.txt': 'LICENSE',
            })[n] ?? n,
        )
        .sort();
      assert.deepEqual(files, pinnedFiles());
    });
  }
});
