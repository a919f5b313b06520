// Python slot edits from the debugger: after a crash, setVariable on a Python slot's result has the
// Python host pickle the new value (the launch's interpreter), the Variables view shows it, and
// the recovery replays it to the Python agent. Skipped, saying why, without the project's Python.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CRASHED_THREAD_ID } from '../../src/adapter/debugState';
import {
  childrenOf,
  endSession,
  launch,
  scopeVariables,
  startSession,
  type Session,
} from '../dap/support';
import { tempDir } from '../crash/cliHarness';
import { handedPythonMissing, LEDGER_AGENT } from './pythonHarness';

const AGENT = LEDGER_AGENT;
const PYTHON = process.env.DURABLE_RUN_TEST_PYTHON ?? '';
const skip = handedPythonMissing(AGENT);

describe('Python slot edits from the debugger', { skip }, () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('a Python result set in Variables is pickled by the host and replayed to the agent', async () => {
    const dir = tempDir('durable-run-py-dap-');
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, {
      program: AGENT,
      python: PYTHON,
      stateDir: path.join(dir, 'state'),
      env: { LEDGER: path.join(dir, 'ledger.jsonl') },
      inputs: [{ key: 'acct1', input: { variant: 'sync_rec', account: 'a1', amount: 5 } }],
      crash: { point: 'before-complete', action: 'pay_sync_rec' },
    });
    await crashed;
    let frames: DebugProtocol.StackFrame[] = [];
    for (let tries = 0; frames.length === 0 && tries < 800; tries++) {
      frames = (await s.dc.stackTraceRequest({ threadId: CRASHED_THREAD_ID })).body.stackFrames;
      if (frames.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(frames.length > 0, 'the crashed thread shows no frame');
    const slots = await scopeVariables(s, frames[0].id, 'Slots');
    const charge = slots.get('[0]')!;
    assert.ok(charge, `no slot [0] among ${[...slots.keys()].join(', ')}`);
    assert.ok((await childrenOf(s, charge.variablesReference)).has('result'));
    const set = await s.dc.setVariableRequest({
      variablesReference: charge.variablesReference,
      name: 'result',
      value: '{"account":"a1","charged":99}',
    });
    assert.equal(set.body.value, '{"account":"a1","charged":99}');
    const exited = s.dc.waitForEvent('exited');
    await s.dc.customRequest('recover');
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    const journal = fs.readFileSync(path.join(dir, 'state', 'journal.jsonl'), 'utf8');
    const outputs = journal
      .split('\n')
      .filter((l) => l.includes('"op":"complete"') && l.includes('"id":"acct1#0/0/pay_sync_rec"'))
      .map((l) => JSON.stringify((JSON.parse(l) as { outputEvents: unknown[] }).outputEvents));
    assert.equal(outputs.length, 1);
    assert.match(outputs[0], /"charged":99/);
  });
});
