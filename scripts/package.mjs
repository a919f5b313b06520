// Packages the extension with vsce. `node scripts/package.mjs`: the VSIX of this machine's
// platform, dist/durable-run-debugger.vsix (npm run package; the e2e tests install it). `--all`:
// one VSIX per marketplace target in dist/vsix/ (npm run package:all; the release publishes
// those). `--target T`: the named targets. The bundles are built once; each VSIX differs only
// by the esbuild binary in dist/esbuild/, its platform's (scripts/package/esbuildBinary.mjs).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildBinary } from './package/esbuildBinary.mjs';
import { binaryName, hostTarget, TARGETS, vsixName } from './package/targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const MAX_BYTES = 6 * 1024 * 1024;

function parseTargets(argv) {
  if (argv.includes('--all')) return Object.keys(TARGETS);
  const named = argv.flatMap((a, i) => (argv[i - 1] === '--target' ? [a] : []));
  for (const t of named)
    if (!TARGETS[t])
      throw new Error(`unknown target ${t}; one of ${Object.keys(TARGETS).join(', ')}`);
  return named;
}

/** Puts `target`'s esbuild binary in dist/esbuild/, alone. */
function placeBinary(target) {
  const dir = join(root, 'dist', 'esbuild');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const placed = join(dir, binaryName(target));
  copyFileSync(esbuildBinary(target), placed);
  chmodSync(placed, 0o755);
}

function vsce(target, out) {
  const cli = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(
    process.execPath,
    [
      cli,
      'package',
      '--target',
      target,
      // The one dependency is the TypeScript server plugin (a file: package, linked by npm):
      // tsserver loads it from the extension's node_modules; .vscodeignore keeps its three files.
      '--follow-symlinks',
      // The README's relative links and images become absolute against the repository, so the
      // marketplace page shows them; `#1` in a frame name is not a GitHub issue.
      '--no-gitHubIssueLinking',
      '--out',
      out,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const size = statSync(out).size;
  console.log(`${out.slice(root.length + 1)}  ${target}  ${(size / 1024 / 1024).toFixed(2)} MB`);
  if (size > MAX_BYTES) throw new Error(`${out} is ${size} bytes, over the 6 MB budget`);
}

const argv = process.argv.slice(2);
const targets = parseTargets(argv);
const host = hostTarget();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], {
  cwd: root,
  stdio: 'inherit',
});
try {
  if (targets.length === 0) {
    placeBinary(host);
    vsce(host, join(root, 'dist', `${pkg.name}.vsix`));
  } else {
    const outDir = join(root, 'dist', 'vsix');
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const target of targets) {
      placeBinary(target);
      vsce(target, join(outDir, vsixName(pkg.name, pkg.version, target)));
    }
  }
} finally {
  // dist/ stays runnable here (tests, the CLI): this machine's binary goes back in place.
  placeBinary(host);
}
