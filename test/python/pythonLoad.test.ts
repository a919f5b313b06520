// A Python agent that cannot start, or whose process is killed: clear errors (exit 2, file and
// line) for a bad agent file or interpreter, and no Python process left behind when the CLI is
// SIGKILLed while a durable function runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  eventsOf,
  isAlive,
  readLedger,
  runCli,
  slotsOf,
  tempDir,
  waitFor,
  writeAgent,
  writeInputs,
} from '../crash/cliHarness';
import { PY_AGENTS, pythonScenario, runPython, testPython } from './pythonHarness';

const HEADER = `from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent
from flink_agents.api.runner_context import RunnerContext
`;

const AGENT_CLASS = (name: string) => `
class ${name}(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def go(event: Event, ctx: RunnerContext) -> None:
        pass
`;

function runFile(file: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const dir = path.dirname(file);
  const inputs = writeInputs(dir, [{ key: 'k', input: 1 }]);
  const args = ['run', file, '--inputs', inputs, '--state', path.join(dir, 'st'), '--json'];
  return runCli([...args, ...extra], { env, timeoutMs: 90_000 });
}

describe('a Python agent that cannot start says why', () => {
  it('a syntax error names the file and line and exits 2', async () => {
    const file = writeAgent(tempDir(), 'broken.py', `${HEADER}\ndef oops(:\n    pass\n`);
    const result = await runFile(file, ['--python', testPython()]);
    assert.equal(result.code, 2);
    const [error] = eventsOf(result, 'error');
    assert.equal(error.kind, 'compile');
    assert.equal(error.file, file);
    assert.equal(error.line, 6);
  });

  it('two Agent subclasses without a name are listed, and file.py:Name picks one', async () => {
    const file = writeAgent(
      tempDir(),
      'two.py',
      HEADER + AGENT_CLASS('First') + AGENT_CLASS('Second'),
    );
    const result = await runFile(file, ['--python', testPython()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /2 Agent subclasses \(First, Second\)/);
    assert.match(result.stderr, /two\.py:ClassName/);
    const picked = await runFile(`${file}:Second`, ['--python', testPython()]);
    assert.equal(picked.code, 0, picked.stderr);
  });

  it('a file without an Agent subclass says what a Python agent file must define', async () => {
    const file = writeAgent(tempDir(), 'none.py', HEADER);
    const result = await runFile(file, ['--python', testPython()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /defines no Agent subclass/);
  });

  it('an interpreter without Flink Agents is told what to install, with no traceback', async () => {
    // A venv made without packages stands for a user's plain Python.
    const bare = tempDir();
    const venv = path.join(bare, 'venv');
    assert.equal(spawnSync(testPython(), ['-m', 'venv', '--without-pip', venv]).status, 0);
    const python = path.join(venv, 'bin', 'python');
    const file = writeAgent(bare, 'agent.py', HEADER + AGENT_CLASS('A'));
    const result = await runFile(file, ['--python', python]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot import flink_agents/);
    assert.match(result.stderr, /pip install/);
    assert.doesNotMatch(result.stderr, /Traceback/);
  });

  it('an interpreter that does not exist is an exit 2 naming it and DURABLE_RUN_PYTHON', async () => {
    const file = writeAgent(tempDir(), 'agent.py', HEADER + AGENT_CLASS('A'));
    const result = await runFile(file, [], { DURABLE_RUN_PYTHON: '/nowhere/python9' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/nowhere\/python9 \(from DURABLE_RUN_PYTHON\) does not run/);
  });
});

describe('a Python host that dies under its agent', () => {
  it('ends the attempt like a crash: exit 1, and nothing is persisted for the call it was running', async () => {
    const s = pythonScenario([{ key: 'k', input: { case: 'die' } }]);
    const agent = path.join(PY_AGENTS, 'reference_agent.py');
    const run = await runPython('run', agent, s);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /the Python agent host ended unexpectedly \(exit code 3\)/);
    const [state] = await slotsOf(s.state);
    assert.equal(state.slots.length, 0);
    assert.equal(readLedger(s.ledger).length, 1);
  });
});

describe('a CLI SIGKILLed while a Python durable function runs', () => {
  it('takes the Python host with it, and leaves the state folder for a recovery', async () => {
    const s = pythonScenario([{ key: 'k', input: { case: 'slow' } }]);
    const agent = path.join(PY_AGENTS, 'reference_agent.py');
    let cliPid = 0;
    const args = ['run', agent, '--inputs', s.inputs, '--state', s.state, '--json'];
    const running = runCli([...args, '--python', testPython()], {
      env: { LEDGER: s.ledger },
      timeoutMs: 90_000,
      onSpawn: (child) => (cliPid = child.pid!),
    });
    assert.ok(await waitFor(() => readLedger(s.ledger).length > 0, 30_000), 'the call started');
    const hostPid = Number(readLedger(s.ledger)[0].detail);
    assert.ok(isAlive(hostPid));
    process.kill(cliPid, 'SIGKILL');
    const result = await running;
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(await waitFor(() => !isAlive(hostPid)), 'the Python host outlived the CLI');
    assert.ok(fs.existsSync(path.join(s.state)));
  });
});
