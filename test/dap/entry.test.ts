// Sessions that start and end: stop on entry, a thread per key, the stack of a stopped key, a
// run to its end, terminate and restart — and never a worker process left behind.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  lineOf,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  step,
  untilTop,
  type Session,
} from './support';

describe('starting and ending a session', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('stops on entry at the start of the first action, on the line of its run function', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    const { event, top, frames } = await stopped;
    assert.equal(event.body.reason, 'entry');
    assert.equal(top.source?.path, ORDERS);
    assert.equal(top.line, lineOf(ORDERS, 'run: async (event, ctx)'));
    assert.match(top.name, /checkout · start/);
    assert.equal(frames[1].name, 'action checkout');
    assert.equal(frames[2].name, 'InputEvent key=alice seq=0');
    const threads = (await s.dc.threadsRequest()).body.threads;
    assert.deepEqual(
      threads.map((t) => t.name),
      ['alice'],
    );
  });

  it('shows one thread per key, named after the key, while one of them is stopped', async () => {
    const stopped = nextStop(s);
    const inputs = [...ORDER_INPUTS, { key: 'bob', input: { id: 'o2', cents: 5 } }];
    await launch(s, { program: ORDERS, inputs }, { functions: ['receipt'] });
    const { event } = await stopped;
    const threads = (await s.dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name).sort(), ['alice', 'bob']);
    const other = threads.find((t) => t.id !== event.body.threadId)!;
    // The other key waits before its next boundary (once it gets there), and says which.
    await untilTop(s, other.id, /^held before (checkout · start|\w+ #\d+ · .+)$/);
    const held = (await s.dc.stackTraceRequest({ threadId: other.id })).body.stackFrames;
    assert.equal(held[1].name, 'action checkout');
  });

  it('runs to the end without stopping, prints the output and ends with exit code 0', async () => {
    const exited = s.dc.waitForEvent('exited');
    const terminated = s.dc.waitForEvent('terminated');
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    await terminated;
    assert.ok(
      s.output.some((o) => o.category === 'stdout' && o.text.includes('receipt for ch_o1')),
    );
    assert.equal(s.pids.length, 1);
    await assertNoWorkerLeft(s.pids);
  });

  it('prints the note the client gives at launch first, in this session’s console', async () => {
    const terminated = s.dc.waitForEvent('terminated');
    const note = 'Debugging orders.ts, the agent file in the editor';
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, durableRunNote: note });
    await terminated;
    const consoleLines = s.output.filter((o) => o.category === 'console').map((o) => o.text);
    assert.equal(consoleLines[0], `${note}\n`);
  });

  it('refuses a note that is not a string, naming the attribute', async () => {
    await assert.rejects(
      launch(s, { program: ORDERS, inputs: ORDER_INPUTS, durableRunNote: 3 }),
      /durableRunNote/,
    );
  });

  it('tells the worker process id in the process event', async () => {
    const processEvent = s.dc.waitForEvent('process');
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
    const pid = ((await processEvent) as DebugProtocol.ProcessEvent).body.systemProcessId;
    assert.equal(pid, s.pids[0]);
  });

  it('kills the worker on terminate and ends the session', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
    const terminated = s.dc.waitForEvent('terminated');
    await s.dc.terminateRequest({});
    await terminated;
    await assertNoWorkerLeft(s.pids, 1000);
  });

  it('starts over on restart: a new worker, stopped on entry again, the old one gone', async () => {
    let stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
    await step(s, 'next');
    stopped = nextStop(s);
    await s.dc.restartRequest({});
    const again = await stopped;
    assert.equal(again.event.body.reason, 'entry');
    assert.equal(s.pids.length, 2);
    await assertNoWorkerLeft([s.pids[0]], 1000);
  });
});
