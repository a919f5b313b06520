// Points the bundled esbuild API at the esbuild binary shipped beside this bundle. Imported first
// by the worker: esbuild reads these variables while its module loads, and the synchronous API
// would otherwise start a worker thread that looks for an esbuild package this bundle does not
// have. The VSIX ships its platform's binary in dist/esbuild/ (scripts/package.mjs); the npm
// package ships none and depends on `esbuild` instead, which finds its own binary, installed by
// npm for the user's platform (scripts/packNpm.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';

const shipped = path.join(
  __dirname,
  'esbuild',
  process.platform === 'win32' ? 'esbuild.exe' : 'esbuild',
);
if (fs.existsSync(shipped)) process.env.ESBUILD_BINARY_PATH ??= shipped;
process.env.ESBUILD_WORKER_THREADS = '0';
