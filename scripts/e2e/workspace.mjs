// The workspace the e2e suites and UI scenarios open: a copy of samples/payments with a launch.json.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies the payments sample into `runDir`/payments (without a ledger or state left by a local
 * run), adds the types and tsconfig.json that durableRun.createSample writes, and the launch.json
 * the UI scenarios press F5 with. Its first configuration debugs one order, so that stepping stays
 * on one key and the recovery stops where the crash struck; the second runs all of inputs.jsonl.
 */
export function makeSampleWorkspace(root, runDir, log = console.log) {
  const sample = join(root, 'samples', 'payments');
  const workspace = join(runDir, 'payments');
  if (!existsSync(sample)) {
    log('samples/payments missing: using an empty workspace');
    mkdirSync(workspace);
    return workspace;
  }
  cpSync(sample, workspace, {
    recursive: true,
    filter: (src) => !/[\\/](ledger\.jsonl|\.durable|\.vscode)$/.test(src),
  });
  // What durableRun.createSample adds, so the editor type-checks the agent as a user's would.
  const types = join(root, 'samples', 'durable-run.d.ts');
  if (existsSync(types)) {
    copyFileSync(types, join(workspace, 'durable-run.d.ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        paths: { 'durable-run': ['./durable-run.d.ts'] },
      },
    };
    writeFileSync(join(workspace, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  }
  const firstInput = JSON.parse(readFileSync(join(sample, 'inputs.jsonl'), 'utf8').split('\n')[0]);
  const base = { type: 'durable-agent', request: 'launch', program: '${workspaceFolder}/agent.ts' };
  const launch = {
    version: '0.2.0',
    configurations: [
      { ...base, name: 'Debug payments agent (one order)', inputs: [firstInput] },
      { ...base, name: 'Debug payments agent', inputsFile: '${workspaceFolder}/inputs.jsonl' },
    ],
  };
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'launch.json'), `${JSON.stringify(launch, null, 2)}\n`);
  return workspace;
}
