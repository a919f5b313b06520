// The workspace the e2e suites and UI scenarios open: a copy of samples/payments with a launch.json.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies the payments sample into `runDir`/payments (without a ledger or state left by a local
 * run) and adds the launch.json the UI scenarios press F5 with. No type declarations: the
 * extension's TypeScript plugin resolves `durable-run`, as in a user's folder. Its first configuration debugs one order, so that stepping stays
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
