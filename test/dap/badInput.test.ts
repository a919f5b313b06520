// Launches that cannot work fail with a clear message and leave no process behind; an agent
// that throws is reported and ends the session with exit code 1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  tempDir,
  TYPES,
  type Session,
} from './support';

async function launchError(s: Session, args: Record<string, unknown>): Promise<string> {
  try {
    await launch(s, args);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the launch succeeded');
}

describe('bad launch input', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
    await assertNoWorkerLeft(s.pids);
  });

  it('refuses a launch without a program', async () => {
    assert.match(await launchError(s, { inputs: ORDER_INPUTS }), /"program" is missing/);
  });

  it('refuses a program that does not exist', async () => {
    assert.match(
      await launchError(s, { program: '/nowhere/agent.ts', inputs: ORDER_INPUTS }),
      /does not exist/,
    );
  });

  it('refuses a program that is not an agent file of a language it runs', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'agent.rb');
    fs.writeFileSync(file, 'puts 1');
    assert.match(
      await launchError(s, { program: file, inputs: ORDER_INPUTS }),
      /is not a TypeScript, JavaScript or Python file \(\.ts, .*\.py\)/,
    );
  });

  it('refuses an agent that does not compile, naming its file and line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.ts');
    fs.writeFileSync(
      file,
      "import { defineAgent } from 'durable-run';\n\nconst x = ;\nexport default defineAgent(x);\n",
    );
    const message = await launchError(s, { program: file, inputs: ORDER_INPUTS });
    assert.match(message, /does not compile/);
    assert.ok(message.includes(`broken.ts:3:`), message);
    assert.equal(s.pids.length, 0, 'no worker was announced');
  });

  it('refuses inputs that are not { key, input } objects, naming the bad one', async () => {
    const message = await launchError(s, {
      program: ORDERS,
      inputs: [{ key: 'a', input: 1 }, { input: 2 }],
    });
    assert.match(message, /inputs\[1\]\.key/);
  });

  it('refuses an inputs file with a bad line, naming the line', async () => {
    const file = path.join(tempDir(), 'inputs.jsonl');
    fs.writeFileSync(file, '{"key":"a","input":1}\n{"key":"b", oops}\n');
    const message = await launchError(s, { program: ORDERS, inputsFile: file });
    assert.ok(message.includes(`${file}:2`), message);
  });

  it('refuses a state folder that cannot be written', async () => {
    const blocker = path.join(tempDir(), 'file');
    fs.writeFileSync(blocker, 'not a folder');
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir: path.join(blocker, 'state'),
    });
    assert.match(message, /"stateDir": cannot write/);
  });

  it('refuses an unknown crash point, listing the known ones', async () => {
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'sometime' },
    });
    assert.match(
      message,
      /before-call, after-pending, before-outcome, after-outcome, before-complete/,
    );
  });

  it('refuses a planned crash at an action the agent does not have, naming its actions', async () => {
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', action: 'nosuch' },
    });
    assert.match(
      message,
      /the crash names action "nosuch", which agent "orders" does not have \(its actions: checkout\); it could never strike/,
    );
  });

  it('warns when a planned crash names a function id no call in the agent has, listing the ids', async () => {
    const exited = s.dc.waitForEvent('exited');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', call: 'nosuchfn' },
    });
    await exited;
    const warning = s.output.find((o) => o.text.includes('"nosuchfn"'));
    assert.ok(warning, s.output.map((o) => o.text).join(''));
    assert.match(warning.text, /function ids seen: price, charge, receipt/);
  });

  it('refuses at once a state folder the file system will not create', async (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir: '/proc/1/durable',
    });
    assert.match(
      message,
      /"stateDir": cannot write the state folder \/proc\/1\/durable: the file system does not let a folder be made in \/proc\/1; choose another stateDir/,
    );
  });

  it('refuses a runtimeExecutable that cannot be started', async () => {
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      runtimeExecutable: 'no-such-node-binary',
    });
    assert.match(message, /cannot start the agent's process with no-such-node-binary/);
  });

  it('reports an action that throws on stderr and ends with exit code 1 when its filter is off', async () => {
    const exited = s.dc.waitForEvent('exited');
    const terminated = s.dc.waitForEvent('terminated');
    await launch(s, { program: TYPES, inputs: [{ key: 'k', input: 'throw' }] });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 1);
    await terminated;
    const err = s.output
      .filter((o) => o.category === 'stderr')
      .map((o) => o.text)
      .join('');
    assert.match(err, /action inspect \(k#0\) failed: Error: the action failed on purpose/);
    assert.ok(err.includes('types.ts:'), 'the stack is on the agent source');
  });

  it('stops on an action that throws when the agentError filter is on', async () => {
    const stopped = nextStop(s);
    await launch(
      s,
      { program: TYPES, inputs: [{ key: 'k', input: 'throw' }] },
      { exceptions: ['agentError'] },
    );
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.match(top.name, /inspect · threw/);
    const info = await s.dc.exceptionInfoRequest({ threadId: event.body.threadId! });
    // Titled with the error's class, as JavaScript debuggers do (not the filter's id).
    assert.equal(info.body.exceptionId, 'Error');
    assert.match(info.body.details?.stackTrace ?? '', /the action failed on purpose/);
  });
});
