// Points the bundled esbuild API at the binary shipped beside this bundle. Imported first by the
// worker: esbuild reads these variables while its module loads, and the synchronous API would
// otherwise start a worker thread that looks for an esbuild package this bundle does not have.
import * as path from 'node:path';

process.env.ESBUILD_BINARY_PATH ??= path.join(
  __dirname,
  'esbuild',
  process.platform === 'win32' ? 'esbuild.exe' : 'esbuild',
);
process.env.ESBUILD_WORKER_THREADS = '0';
