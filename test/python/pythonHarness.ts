// What the Python agent tests share: the project's Python environment (made once by
// scripts/python/prepare.mjs, which npm test runs first), the agents under agents/, and the
// built CLI run with that interpreter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preparePython } from '../../scripts/python/prepare.mjs';
import { runCli, tempDir, writeInputs, type CliResult } from '../crash/cliHarness';

export const PY_AGENTS = path.join(__dirname, 'agents');

/** The test agent of the state-surgery tests. */
export const LEDGER_AGENT = path.join(PY_AGENTS, 'ledger_agent.py');

/**
 * Why a test that takes the interpreter npm test hands over (and never makes one) cannot run
 * here, or false: its `skip` option.
 */
export function handedPythonMissing(agent: string): string | false {
  return !fs.existsSync(agent) || !process.env.DURABLE_RUN_TEST_PYTHON
    ? 'needs the Python agent host and DURABLE_RUN_TEST_PYTHON (npm test sets it)'
    : false;
}

let python: string | undefined;

/** The venv's interpreter: npm test hands it over in DURABLE_RUN_TEST_PYTHON, else made here. */
export function testPython(): string {
  python ??= process.env.DURABLE_RUN_TEST_PYTHON || preparePython({ quiet: true });
  return python;
}

/** A state folder, an inputs file and a ledger for one scenario. */
export function pythonScenario(inputs: Array<{ key: string; input: unknown }>) {
  const dir = tempDir('durable-run-py-');
  return {
    dir,
    inputs: writeInputs(dir, inputs),
    state: path.join(dir, 'state'),
    ledger: path.join(dir, 'ledger.jsonl'),
  };
}

export type PyScenario = ReturnType<typeof pythonScenario>;

/** `durable-run COMMAND AGENT ... --python VENV --json` with the scenario's ledger. */
export function runPython(
  command: 'run' | 'recover',
  agent: string,
  s: PyScenario,
  extra: string[] = [],
): Promise<CliResult> {
  const args = [command, agent, '--state', s.state, '--python', testPython(), '--json', ...extra];
  if (command === 'run') args.push('--inputs', s.inputs);
  return runCli(args, { env: { LEDGER: s.ledger }, timeoutMs: 90_000 });
}
