// The marketplace's platforms, and for each the registry package that holds the esbuild binary
// built for it. The worker compiles agents with that binary (src/worker/esbuildEnv.ts), so each
// platform's VSIX carries its own. Alpine's use Linux's: esbuild's binaries are static.
export const TARGETS = {
  'win32-x64': { esbuild: '@esbuild/win32-x64', os: 'windows', cpu: 'x64' },
  'win32-arm64': { esbuild: '@esbuild/win32-arm64', os: 'windows', cpu: 'arm64' },
  'linux-x64': { esbuild: '@esbuild/linux-x64', os: 'linux', cpu: 'x64' },
  'linux-arm64': { esbuild: '@esbuild/linux-arm64', os: 'linux', cpu: 'arm64' },
  'linux-armhf': { esbuild: '@esbuild/linux-arm', os: 'linux', cpu: 'arm' },
  'darwin-x64': { esbuild: '@esbuild/darwin-x64', os: 'macos', cpu: 'x64' },
  'darwin-arm64': { esbuild: '@esbuild/darwin-arm64', os: 'macos', cpu: 'arm64' },
  'alpine-x64': { esbuild: '@esbuild/linux-x64', os: 'linux', cpu: 'x64' },
  'alpine-arm64': { esbuild: '@esbuild/linux-arm64', os: 'linux', cpu: 'arm64' },
};

/** Where the binary sits in its package, and its name in the VSIX (dist/esbuild/...). */
export function binaryName(target) {
  return TARGETS[target].os === 'windows' ? 'esbuild.exe' : 'esbuild';
}
export function binaryInPackage(target) {
  return TARGETS[target].os === 'windows' ? 'esbuild.exe' : 'bin/esbuild';
}

/** The marketplace target of the machine this runs on. */
export function hostTarget() {
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  // musl (Alpine) has no glibc version in Node's report.
  const musl =
    process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  const target = `${musl ? 'alpine' : process.platform}-${arch}`;
  if (!TARGETS[target]) throw new Error(`the marketplace has no target for ${target}`);
  return target;
}

/** The VSIX of one target, as npm run package:all names it. */
export function vsixName(name, version, target) {
  return `${name}-${target}-${version}.vsix`;
}
