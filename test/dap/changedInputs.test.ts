// A launch that recovers ("fresh": false) with inputs other than those its state folder was made
// for is refused, as the CLI refuses it: the worker they share checks the inputs before it runs
// or records anything. Inputs added after the recorded ones are accepted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  tempDir,
  type Session,
} from './support';

/** Launches and waits until the session ends by itself; returns its exit code. */
async function runToEnd(s: Session, args: Record<string, unknown>): Promise<number> {
  const exited = s.dc.waitForEvent('exited');
  const terminated = s.dc.waitForEvent('terminated');
  await launch(s, args);
  const code = ((await exited) as DebugProtocol.ExitedEvent).body.exitCode;
  await terminated;
  return code;
}

describe('recovering a state folder with changed inputs', () => {
  let stateDir: string;
  let s: Session;
  beforeEach(async () => {
    stateDir = path.join(tempDir(), '.durable');
    const first = await startSession();
    assert.equal(await runToEnd(first, { program: ORDERS, inputs: ORDER_INPUTS, stateDir }), 0);
    await endSession(first);
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
    await assertNoWorkerLeft(s.pids);
  });

  it('is refused at launch, naming the key, the input and what to do; the journal is left as it was', async () => {
    const journal = path.join(stateDir, 'journal.jsonl');
    const before = fs.readFileSync(journal, 'utf8');
    const changed = [{ key: 'alice', input: { id: 'o1', cents: 999 } }];
    let message = '';
    try {
      await launch(s, { program: ORDERS, inputs: changed, stateDir, fresh: false });
      assert.fail('the launch succeeded');
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(
      message,
      /input 1 of key "alice" \(seq 0\) was \{"id":"o1","cents":100\} and is now \{"id":"o1","cents":999\}/,
    );
    assert.match(message, /"fresh": true/);
    assert.equal(fs.readFileSync(journal, 'utf8'), before);
  });

  it('accepts inputs added after the recorded ones', async () => {
    const more = [...ORDER_INPUTS, { key: 'alice', input: { id: 'o2', cents: 200 } }];
    assert.equal(await runToEnd(s, { program: ORDERS, inputs: more, stateDir, fresh: false }), 0);
  });
});
