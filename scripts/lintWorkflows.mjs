// Checks the GitHub Actions workflows (.github/workflows/) with actionlint: syntax, expressions,
// action inputs, job dependencies. They cannot run on the project's own machines, so this is what
// keeps them valid (npm run lint:workflows, run by .ci/run). actionlint is built once from the Go
// module proxy at a pinned version and cached; Go must be installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = 'v1.7.12';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(
  process.env.DURABLE_RUN_TOOLS_CACHE ?? join(os.homedir(), '.cache', 'durable-run-tools'),
  `actionlint-${VERSION}`,
);
const binary = join(cache, process.platform === 'win32' ? 'actionlint.exe' : 'actionlint');

if (!existsSync(binary)) {
  mkdirSync(cache, { recursive: true });
  console.log(`building actionlint ${VERSION} with go install (once; cached in ${cache})`);
  try {
    execFileSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${VERSION}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: cache },
    });
  } catch (error) {
    const missing = error.code === 'ENOENT';
    console.error(
      missing
        ? 'lint:workflows needs Go to build actionlint: install Go (https://go.dev/doc/install, or apt-get install golang-go), then run it again'
        : `go install of actionlint ${VERSION} failed`,
    );
    process.exit(2);
  }
}
const workflows = readdirSync(join(root, '.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join('.github', 'workflows', f));
try {
  execFileSync(binary, ['-color', ...workflows], { cwd: root, stdio: 'inherit' });
} catch {
  process.exit(1);
}
console.log(`${workflows.length} workflows checked by actionlint ${VERSION}: no problems`);
