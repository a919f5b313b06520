// The thread model (all-stop), as a table of sessions with two and three keys: for each request,
// with each key stopped, held or running, what moves, what stops and which events say so.
//   - Any stop (entry, breakpoint, step end, exception filter, pause) holds every other key at
//     its next boundary; `stopped` says allThreadsStopped.
//   - A held key's boundary is checked (breakpoints, its own step) only when it is released.
//   - Continue, on any thread, releases every key (`continued`, allThreadsContinued: true); the
//     other keys' steps stay under way.
//   - Next / Step In / Step Out on thread T move only key T (`continued` for T alone); a step is
//     kept per key until it ends, even when another key stops first.
//   - Pause stops the key it names when that key is held, else the first key at a boundary.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  BUSY,
  endSession,
  eventsSince,
  GATED,
  launch,
  lineOf,
  mark,
  nextStop,
  ORDERS,
  startSession,
  step,
  tempDir,
  threadOfKey,
  topOf,
  untilThreadOf,
  untilTop,
  waitForEventWhere,
  type Session,
} from './support';

const ALICE = { key: 'alice', input: { id: 'o1', cents: 100 } };
const BOB = { key: 'bob', input: { id: 'o2', cents: 7 } };
const CAROL = { key: 'carol', input: { id: 'o3', cents: 3 } };

type Continued = DebugProtocol.ContinuedEvent;

/** What a key's worker-side state is, as the journal shows it: its slots' statuses. */
async function slotsOf(s: Session, key: string): Promise<string[]> {
  const body = (await s.dc.customRequest('slots', {})).body as {
    states: Array<{ key: string; slots: Array<{ functionId: string; status: string }> }>;
  };
  return body.states
    .filter((st) => st.key === key)
    .flatMap((st) => st.slots.map((sl) => `${sl.functionId} ${sl.status}`));
}

function outputsOf(s: Session, key: string): string[] {
  return s.output.filter((o) => o.text.startsWith(`output ${key}#`)).map((o) => o.text);
}

describe('the thread model: one key stopped, the others held', () => {
  let s: Session;
  let alice: number;
  let bob: number;
  beforeEach(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: [ALICE, BOB], stopOnEntry: true });
    const entry = await stopped;
    alice = await threadOfKey(s, 'alice');
    // Bob reaches his first boundary after alice's stop: wait until he is shown held there.
    bob = await untilThreadOf(s, 'bob');
    assert.equal(entry.event.body.threadId, alice);
    assert.equal(entry.event.body.allThreadsStopped, true);
    await untilTop(s, bob, /^held before checkout · start$/);
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('next on the held key moves that key, and only it (alice stays at her entry stop)', async () => {
    const since = mark(s);
    const { event, top } = await step(s, 'next', bob);
    assert.equal(event.body.threadId, bob);
    assert.equal(event.body.reason, 'step');
    assert.equal(event.body.allThreadsStopped, true);
    assert.equal(top.name, 'price #0 · plan decided (execute)');
    assert.equal(await topOf(s, alice), 'checkout · start');
    assert.deepEqual(await slotsOf(s, 'alice'), []);
    const continued = eventsSince(s, since, 'continued') as Continued[];
    assert.deepEqual(
      continued.map((e) => [e.body.threadId, e.body.allThreadsContinued]),
      [[bob, false]],
    );
  });

  it('next on the stopped key moves only it: the held key stays held where it was', async () => {
    const since = mark(s);
    const { event, top } = await step(s, 'next', alice);
    assert.equal(event.body.threadId, alice);
    assert.equal(top.name, 'price #0 · plan decided (execute)');
    assert.equal(await topOf(s, bob), 'held before checkout · start');
    const continued = eventsSince(s, since, 'continued') as Continued[];
    assert.deepEqual(
      continued.map((e) => [e.body.threadId, e.body.allThreadsContinued]),
      [[alice, false]],
    );
  });

  it('step in on the held key stops it at the boundary it was held before', async () => {
    const { event, top } = await step(s, 'stepIn', bob);
    assert.equal(event.body.threadId, bob);
    assert.equal(top.name, 'checkout · start');
    assert.equal(await topOf(s, alice), 'checkout · start');
  });

  it('step out on the stopped key runs its action to the end while the other key stays held', async () => {
    const { event, top } = await step(s, 'stepOut', alice);
    assert.equal(event.body.threadId, alice);
    assert.equal(top.name, 'checkout · returned (completion not persisted)');
    assert.deepEqual(await slotsOf(s, 'alice'), [
      'price SUCCEEDED',
      'charge SUCCEEDED',
      'receipt SUCCEEDED',
    ]);
    assert.deepEqual(await slotsOf(s, 'bob'), []);
    assert.equal(await topOf(s, bob), 'held before checkout · start');
  });

  it('stepping one key many times never lets the other finish in the background', async () => {
    for (let i = 0; i < 9; i++) await step(s, 'stepIn', alice);
    assert.deepEqual(outputsOf(s, 'bob'), []);
    assert.deepEqual(await slotsOf(s, 'bob'), []);
    assert.equal(await topOf(s, bob), 'held before checkout · start');
  });

  it('continue on the held key releases every key, says so, and both run to the end', async () => {
    const since = mark(s);
    const exited = s.dc.waitForEvent('exited');
    const response = await s.dc.continueRequest({ threadId: bob });
    assert.equal(response.body.allThreadsContinued, true);
    await exited;
    const continued = eventsSince(s, since, 'continued') as Continued[];
    assert.deepEqual(
      continued.map((e) => [e.body.threadId, e.body.allThreadsContinued]),
      [[bob, true]],
    );
    assert.equal(outputsOf(s, 'alice').length, 1);
    assert.equal(outputsOf(s, 'bob').length, 1);
  });

  it('refuses a step on a thread that is not a key of this attempt', async () => {
    await assert.rejects(s.dc.nextRequest({ threadId: 999 }), /no thread 999/);
  });
});

describe('the thread model: three keys', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('a step on one of three keys moves it alone; the two others stay where they are', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: [ALICE, BOB, CAROL], stopOnEntry: true });
    const entry = await stopped;
    const bob = await untilThreadOf(s, 'bob');
    const carol = await untilThreadOf(s, 'carol');
    await untilTop(s, bob, /^held before checkout · start$/);
    await untilTop(s, carol, /^held before checkout · start$/);
    for (const expected of [
      'price #0 · plan decided (execute)',
      'charge #1 · plan decided (execute)',
      'receipt #2 · plan decided (execute)',
    ]) {
      const { event, top } = await step(s, 'next', carol);
      assert.equal(event.body.threadId, carol);
      assert.equal(top.name, expected);
    }
    assert.equal(await topOf(s, entry.event.body.threadId!), 'checkout · start');
    assert.equal(await topOf(s, bob), 'held before checkout · start');
    assert.deepEqual(await slotsOf(s, 'bob'), []);
    assert.deepEqual(await slotsOf(s, 'alice'), []);
  });

  it('refuses to step back a held key, and answers exceptionInfo for the thread it names', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: [ALICE, BOB], stopOnEntry: true });
    await stopped;
    const bob = await untilThreadOf(s, 'bob');
    await untilTop(s, bob, /^held before/);
    await assert.rejects(
      s.dc.stepBackRequest({ threadId: bob }),
      /bob is held before its next boundary, not stopped: step it first/,
    );
    await assert.rejects(
      s.dc.exceptionInfoRequest({ threadId: bob }),
      /this thread is not stopped on an exception/,
    );
  });
});

describe('the thread model: breakpoints with several keys', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('stops every key at a breakpoint on its line, one at a time, and never runs past it', async () => {
    const line = lineOf(ORDERS, 'durableExecute(charge');
    let stopped = nextStop(s);
    await launch(
      s,
      { program: ORDERS, inputs: [ALICE, BOB, CAROL] },
      { lines: [{ file: ORDERS, line }] },
    );
    const keys: string[] = [];
    const threads = new Map<number, string>();
    for (let i = 0; i < 3; i++) {
      const { event, frames } = await stopped;
      assert.equal(event.body.reason, 'breakpoint');
      assert.equal(event.body.allThreadsStopped, true);
      assert.equal(frames[0].line, line);
      const key = /key=(\w+)/.exec(frames[2].name)![1];
      keys.push(key);
      threads.set(event.body.threadId!, key);
      // The keys not stopped yet have not charged: they wait before the charge or earlier.
      for (const other of ['alice', 'bob', 'carol'].filter((k) => !keys.includes(k)))
        assert.ok(!(await slotsOf(s, other)).includes('charge SUCCEEDED'), `${other} charged`);
      // Step the stopped key through its charge: the others stay where they are.
      await step(s, 'stepIn', event.body.threadId!);
      const last = i === 2;
      stopped = last ? stopped : nextStop(s);
      const exited = last ? s.dc.waitForEvent('exited') : undefined;
      await s.dc.continueRequest({ threadId: event.body.threadId! });
      await exited;
    }
    assert.deepEqual([...keys].sort(), ['alice', 'bob', 'carol']);
  });

  it('a step on one key stops only that key; the held keys are checked against their breakpoints when continued', async () => {
    const line = lineOf(ORDERS, 'durableExecute(charge');
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: [ALICE, BOB] }, { lines: [{ file: ORDERS, line }] });
    const first = await stopped;
    const t1 = first.event.body.threadId!;
    const phases: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { event, top } = await step(s, 'stepIn', t1);
      assert.equal(event.body.threadId, t1, 'a step stopped another key');
      phases.push(top.name);
    }
    assert.deepEqual(phases, [
      'charge #1 · PENDING persisted (execute)',
      'charge #1 · function returned (execute)',
      'charge #1 · outcome persisted (execute)',
    ]);
    const second = await step(s, 'continue', t1);
    assert.notEqual(second.event.body.threadId, t1);
    assert.equal(second.event.body.reason, 'breakpoint');
    assert.equal(second.top.line, line);
  });
});

describe('the thread model: a step under way is kept per key', () => {
  let s: Session;
  let gates: string;
  beforeEach(async () => {
    s = await startSession();
    gates = tempDir('durable-gates-');
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('keeps a key’s step when another key stops first, and ends it when that key is continued', async () => {
    const gateLine = lineOf(GATED, 'durableExecute(waitForGate');
    const lastLine = lineOf(GATED, 'durableExecute(last');
    const stopped = nextStop(s);
    await launch(
      s,
      {
        program: GATED,
        inputs: [
          { key: 'k1', input: 1 },
          { key: 'k2', input: 2 },
        ],
        env: { GATE_DIR: gates },
      },
      {
        lines: [
          { file: GATED, line: gateLine, condition: "key === 'k1'" },
          { file: GATED, line: lastLine, condition: "key === 'k2'" },
        ],
      },
    );
    const first = await stopped;
    const k1 = first.event.body.threadId!;
    assert.equal(first.top.name, 'waitForGate #1 · plan decided (execute)');
    // k2's gate is open: only k1 waits in waitForGate.
    fs.writeFileSync(path.join(gates, 'k2'), '');
    // Step over the waiting call: k1's step is under way while its gate is shut.
    await s.dc.nextRequest({ threadId: k1 });
    const k2 = await untilThreadOf(s, 'k2');
    // Continue (named on k2) releases every key; k1's step stays under way.
    const k2Stop = nextStop(s);
    await s.dc.continueRequest({ threadId: k2 });
    const second = await k2Stop;
    assert.equal(second.event.body.threadId, k2, 'k2 stops at its breakpoint');
    assert.equal(second.top.name, 'last #2 · plan decided (execute)');
    // k1 finishes its waiting call now, and is held at its next boundary: its step is pending.
    fs.writeFileSync(path.join(gates, 'k1'), '');
    await untilTop(s, k1, /^held before waitForGate #1 · function returned/);
    // Continue k2: k1's held boundaries are checked against its step, which ends at the next call.
    const k1Stop = nextStop(s);
    await s.dc.continueRequest({ threadId: k2 });
    const third = await k1Stop;
    assert.equal(third.event.body.threadId, k1);
    assert.equal(third.event.body.reason, 'step');
    assert.equal(third.top.name, 'last #2 · plan decided (execute)');
    // And k1 can be stepped on from there.
    const fourth = await step(s, 'next', k1);
    assert.equal(fourth.top.name, 'work · returned (completion not persisted)');
  });

  it('stops a held key when the stepped key finishes its work, so nothing waits for ever', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: [ALICE, BOB], stopOnEntry: true });
    await stopped;
    const alice = await threadOfKey(s, 'alice');
    await step(s, 'stepOut', alice);
    // From the action's end: past its completion, alice has nothing more to do.
    const since = mark(s);
    const { event, top } = await step(s, 'next', alice);
    const bob = await threadOfKey(s, 'bob');
    assert.equal(event.body.threadId, bob);
    assert.equal(event.body.reason, 'step');
    assert.match(event.body.description ?? '', /alice finished/);
    assert.equal(top.name, 'checkout · start');
    const exits = eventsSince(s, since, 'thread').filter((e) => e.body.reason === 'exited');
    assert.deepEqual(
      exits.map((e) => e.body.threadId),
      [alice],
    );
    assert.deepEqual(
      (await s.dc.threadsRequest()).body.threads.map((t) => t.name),
      ['bob'],
    );
  });
});

describe('the thread model: pause', () => {
  it('pauses two busy keys: the first at a boundary stops, the other is held', async () => {
    const s = await startSession();
    try {
      await launch(s, {
        program: BUSY,
        inputs: [
          { key: 'a', input: 0 },
          { key: 'b', input: 0 },
        ],
      });
      await waitForEventWhere(s, 'durableRun.slotsChanged', () => true);
      const stopped = nextStop(s);
      await s.dc.pauseRequest({ threadId: 1 });
      const { event, top } = await stopped;
      assert.equal(event.body.reason, 'pause');
      assert.equal(event.body.allThreadsStopped, true);
      assert.match(top.name, /^tick #\d+/);
      const other = await untilThreadOf(
        s,
        event.body.threadId === (await untilThreadOf(s, 'a')) ? 'b' : 'a',
      );
      await untilTop(s, other, /^held before tick #\d+/);
    } finally {
      await endSession(s);
    }
  });

  it('pausing a held key stops it where it is held', async () => {
    const s = await startSession();
    try {
      const stopped = nextStop(s);
      await launch(s, { program: ORDERS, inputs: [ALICE, BOB], stopOnEntry: true });
      await stopped;
      const bob = await untilThreadOf(s, 'bob');
      await untilTop(s, bob, /^held before checkout · start$/);
      const paused = nextStop(s);
      await s.dc.pauseRequest({ threadId: bob });
      const { event, top } = await paused;
      assert.equal(event.body.threadId, bob);
      assert.equal(event.body.reason, 'pause');
      assert.equal(top.name, 'checkout · start');
      // Both are stopped now, each where it was.
      assert.equal(await topOf(s, await threadOfKey(s, 'alice')), 'checkout · start');
    } finally {
      await endSession(s);
    }
  });
});
