// Runs the e2e suites in desktop VS Code via @vscode/test-electron (needs VS Code or its download).
import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDriver, root } from './buildDriver.mjs';
import { makeSampleWorkspace } from './workspace.mjs';

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const { driverDir } = await buildDriver({ vsix: false });

const runDir = mkdtempSync(join(tmpdir(), 'durable-e2e-electron-'));
const workspace = makeSampleWorkspace(root, runDir);

// Without it the driver's activation stays idle and test-electron calls its run() instead.
delete process.env.DURABLE_E2E_RESULTS;
let exitCode = 1;
try {
  exitCode = await runTests({
    // Without a path, test-electron downloads VS Code: impossible where only npm is reachable.
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: [root, driverDir],
    extensionTestsPath: join(driverDir, 'dist', 'driver.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${join(runDir, 'user-data')}`,
    ],
  });
} catch (err) {
  console.error(`[e2e] VS Code tests failed: ${err?.message ?? err}`);
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
process.exit(exitCode ? 1 : 0);
