// Crashes are real process kills; recovery is a new worker over the same journal. After a crash
// at each crash point, the recovery takes the path the persisted slots call for, call by call.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SlotsResponseBody, TimelineResponseBody } from '../../src/adapter/customProtocol';
import {
  assertNoWorkerLeft,
  DRIFTING,
  endSession,
  launch,
  lineOf,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  scopeVariables,
  startSession,
  step,
  waitForEventWhere,
  type Session,
} from './support';

async function slotRows(
  s: Session,
): Promise<Array<{ functionId: string; status: string; path?: string; reason?: string }>> {
  const body = (await s.dc.customRequest('slots')).body as SlotsResponseBody;
  return body.states.flatMap((st) => st.slots);
}

async function crashThenRecover(
  s: Session,
  crash: Record<string, unknown>,
): Promise<{ before: string[]; after: string[] }> {
  const crashed = s.dc.waitForEvent('durableRun.crash');
  await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, crash });
  const event = await crashed;
  assert.equal(event.body.point, crash.point);
  await assertNoWorkerLeft([s.pids[0]], 2000);
  const before = (await slotRows(s)).map((r) => `${r.functionId} ${r.status}`);
  const exited = s.dc.waitForEvent('exited');
  await s.dc.customRequest('recover');
  assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  const after = (await slotRows(s)).map((r) => `${r.functionId} ${r.path}`);
  return { before, after };
}

describe('crash and recover', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('after a crash before the call, replays what finished and executes the call', async () => {
    const { before, after } = await crashThenRecover(s, { point: 'before-call', call: 'charge' });
    assert.deepEqual(before, ['price SUCCEEDED']);
    assert.deepEqual(after, ['price replay', 'charge execute', 'receipt execute']);
  });

  it('after a crash with PENDING persisted, reconciles the call', async () => {
    const { before, after } = await crashThenRecover(s, { point: 'after-pending', call: 'charge' });
    assert.deepEqual(before, ['price SUCCEEDED', 'charge PENDING']);
    assert.deepEqual(after, ['price replay', 'charge reconcile', 'receipt execute']);
  });

  it('after a crash before the outcome was persisted, reconciles the call', async () => {
    const { before, after } = await crashThenRecover(s, { point: 'before-outcome', call: 1 });
    assert.deepEqual(before, ['price SUCCEEDED', 'charge PENDING']);
    assert.deepEqual(after, ['price replay', 'charge reconcile', 'receipt execute']);
  });

  it('after a crash after the outcome was persisted, replays the call', async () => {
    const { before, after } = await crashThenRecover(s, { point: 'after-outcome', call: 'charge' });
    assert.deepEqual(before, ['price SUCCEEDED', 'charge SUCCEEDED']);
    assert.deepEqual(after, ['price replay', 'charge replay', 'receipt execute']);
  });

  it('after a crash before the action completed, replays every call', async () => {
    const { before, after } = await crashThenRecover(s, {
      point: 'before-complete',
      action: 'checkout',
    });
    assert.deepEqual(before, ['price SUCCEEDED', 'charge SUCCEEDED', 'receipt SUCCEEDED']);
    assert.deepEqual(after, ['price replay', 'charge replay', 'receipt replay']);
  });

  it('tells the crash in the output and in a durableRun.crash event', async () => {
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    const event = await crashed;
    assert.deepEqual(
      { ...event.body },
      {
        attempt: 1,
        point: 'before-outcome',
        stateId: 'alice#0/0/checkout',
        action: 'checkout',
        index: 1,
        functionId: 'charge',
      },
    );
    assert.ok(
      s.output.some((o) =>
        /CRASH at before-outcome in alice#0\/0\/checkout call #1 \(charge\)/.test(o.text),
      ),
    );
  });

  it('lets the developer step through the recovery and see why each call takes its path', async () => {
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS, crash: { point: 'before-outcome', call: 'charge' } },
      { functions: ['charge'] },
    );
    const first = await nextStop(s);
    // The crashed attempt stops as a thread of its own, waiting for its recovery.
    const waiting = waitForEventWhere(s, 'stopped', (b) => b.reason === 'crash');
    await s.dc.continueRequest({ threadId: first.event.body.threadId! });
    await crashed;
    await waiting;
    const stopped = nextStop(s);
    await s.dc.customRequest('recover');
    const { top, event } = await stopped;
    assert.equal(top.name, 'charge #1 · plan decided (reconcile)');
    const call = await scopeVariables(s, top.id, 'Call');
    assert.equal(call.get('plan')?.value, '"reconcile"');
    assert.match(call.get('reason')?.value ?? '', /PENDING/);
    const attempt = await scopeVariables(s, top.id, 'Attempt');
    assert.equal(attempt.get('attempt')?.value, '2');
    assert.equal(attempt.get('kind')?.value, '"recover"');
    assert.equal(attempt.get('crashesSoFar')?.value, '1');
    const next = await step(s, 'next', event.body.threadId);
    assert.equal(next.top.name, 'receipt #2 · plan decided (execute)');
  });

  it('stops before a reconciler runs with the reconcile filter', async () => {
    await launch(
      s,
      {
        program: ORDERS,
        inputs: ORDER_INPUTS,
        crash: { point: 'after-pending', call: 'charge' },
        autoRecover: true,
      },
      { exceptions: ['reconcile'] },
    );
    const { event, top } = await nextStop(s);
    assert.equal(event.body.reason, 'exception');
    assert.equal(top.name, 'charge #1 · plan decided (reconcile)');
  });

  it('clears the slots and re-executes a call whose args changed, stopping there with the nonDeterminism filter', async () => {
    const stopped = nextStop(s);
    await launch(
      s,
      {
        program: DRIFTING,
        inputs: [{ key: 'k', input: 0 }],
        crash: { point: 'after-outcome', call: 'step' },
        autoRecover: true,
      },
      { exceptions: ['nonDeterminism'] },
    );
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.equal(top.name, 'step #0 · plan decided (clear-and-execute)');
    const exited = s.dc.waitForEvent('exited');
    await s.dc.continueRequest({ threadId: event.body.threadId! });
    await exited;
    const rows = await slotRows(s);
    assert.deepEqual(
      rows.map((r) => `${r.functionId} ${r.path}`),
      ['step clear-and-execute', 'finish execute'],
    );
  });

  it('recovers at once with autoRecover, announcing the end and start of attempts', async () => {
    const attempts: string[] = [];
    s.dc.on('durableRun.attempt', (e: DebugProtocol.Event) =>
      attempts.push(
        `${e.body.attempt} ${e.body.phase}${e.body.outcome ? ` ${e.body.outcome}` : ''}`,
      ),
    );
    const exited = s.dc.waitForEvent('exited');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-call', call: 'receipt' },
      autoRecover: true,
    });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.deepEqual(attempts, ['1 start', '1 end crashed', '2 start', '2 end done']);
    assert.equal(s.pids.length, 2);
  });

  it('crashes now where the agent is stopped, on the injectCrash request', async () => {
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS }, { functions: ['charge'] });
    const stop = await nextStop(s);
    await step(s, 'stepIn', stop.event.body.threadId);
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await s.dc.customRequest('injectCrash', { point: 'after-pending', now: true });
    assert.equal((await crashed).body.point, 'now');
    await assertNoWorkerLeft([s.pids[0]], 2000);
    const rows = await slotRows(s);
    assert.deepEqual(
      rows.map((r) => `${r.functionId} ${r.status}`),
      ['price SUCCEEDED', 'charge PENDING'],
    );
  });

  it('crashes at the next matching point when injectCrash is not "now"', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
    await s.dc.customRequest('injectCrash', { point: 'before-outcome', call: 'receipt' });
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await s.dc.continueRequest({ threadId: 1 });
    const event = await crashed;
    assert.equal(event.body.functionId, 'receipt');
  });

  it('arms a crash "here", at a later point of the stopped call, striking in that key only', async () => {
    const inputs = [...ORDER_INPUTS, { key: 'bob', input: { id: 'o2', cents: 200 } }];
    await launch(s, { program: ORDERS, inputs }, { functions: ['charge'] });
    const stop = await nextStop(s);
    const [top] = stop.frames;
    assert.match(top.name, /charge/);
    const stoppedKey = (await s.dc.threadsRequest()).body.threads.find(
      (t) => t.id === stop.event.body.threadId,
    )!.name;
    await assert.rejects(
      s.dc.customRequest('injectCrash', { point: 'before-call', here: true }),
      /is stopped at its before-call point now: crash now to kill the process here, or pick a point still to come for it \(after-pending, before-outcome, after-outcome\)/,
    );
    await s.dc.customRequest('injectCrash', { point: 'before-outcome', here: true });
    // The other key's charge goes on to its own before-outcome: only this key's strikes.
    await s.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await s.dc.continueRequest({ threadId: stop.event.body.threadId! });
    const event = await crashed;
    assert.equal(event.body.point, 'before-outcome');
    assert.equal(event.body.functionId, 'charge');
    assert.equal(event.body.stateId, `${stoppedKey}#0/0/checkout`);
  });

  it('refuses a crash now while the agent is not stopped, and an unknown crash point', async () => {
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await assert.rejects(
      s.dc.customRequest('injectCrash', { point: 'whenever' }),
      /point must be one of/,
    );
  });

  it('restarts an action frame: crash now, recover, and stop at the start of this action', async () => {
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS }, { functions: ['receipt'] });
    const { frames, event } = await nextStop(s);
    assert.equal(frames[1].canRestart, true);
    const crashed = s.dc.waitForEvent('durableRun.crash');
    const stopped = nextStop(s);
    await s.dc.restartFrameRequest({ frameId: frames[1].id });
    await crashed;
    const again = await stopped;
    assert.equal(again.top.name, 'checkout · start');
    assert.equal(again.event.body.threadId, event.body.threadId);
    const next = await step(s, 'next', event.body.threadId);
    assert.equal(next.top.name, 'price #0 · plan decided (replay)');
  });

  it('answers the timeline from the journal after a crash, with call sites', async () => {
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', call: 'receipt' },
    });
    await crashed;
    const body = (await s.dc.customRequest('timeline')).body as TimelineResponseBody;
    assert.equal(body.attempts.length, 1);
    assert.equal(body.attempts[0].outcome, 'crashed');
    assert.equal(body.attempts[0].crash?.functionId, 'receipt');
    assert.deepEqual(
      body.attempts[0].calls.map((c) => c.functionId),
      ['price', 'charge'],
    );
    assert.equal(body.callSites['charge#0'].line, lineOf(ORDERS, 'durableExecute(charge'));
    const slots = (await s.dc.customRequest('slots')).body as SlotsResponseBody;
    assert.equal(slots.states[0].slots[1].callSite?.line, lineOf(ORDERS, 'durableExecute(charge'));
  });

  it('sends throttled slotsChanged events while slots are persisted', async () => {
    const changed = waitForEventWhere(
      s,
      'durableRun.slotsChanged',
      (b) => b.stateId === 'alice#0/0/checkout',
    );
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS });
    await changed;
  });

  it('shows a crashed attempt as a stopped thread at the line the crash struck, and Continue recovers', async () => {
    const waiting = waitForEventWhere(s, 'stopped', (b) => b.reason === 'crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    const stop = (await waiting) as DebugProtocol.StoppedEvent;
    assert.equal(stop.body.allThreadsStopped, true);
    assert.match(stop.body.description ?? '', /^Crashed at before-outcome: Recover or Continue/);
    const threads = (await s.dc.threadsRequest()).body.threads;
    assert.deepEqual(
      threads.map((t) => t.name),
      ['attempt 1 crashed'],
    );
    const [top] = (await s.dc.stackTraceRequest({ threadId: stop.body.threadId! })).body
      .stackFrames;
    assert.equal(top.name, 'CRASH at before-outcome · charge #1');
    assert.equal(top.line, lineOf(ORDERS, 'durableExecute(charge'));
    // Nothing runs: a step is refused, Continue starts the recovery.
    await assert.rejects(
      s.dc.nextRequest({ threadId: stop.body.threadId! }),
      /Continue or Recover/,
    );
    const exited = s.dc.waitForEvent('exited');
    const continued = await s.dc.continueRequest({ threadId: stop.body.threadId! });
    assert.equal(continued.body.allThreadsContinued, true);
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.ok(
      s.events.some((e) => e.event === 'durableRun.attempt' && e.body.attempt === 2),
      'no recovery attempt',
    );
  });

  it('takes the crashed thread away, continued and exited, when the session stops unrecovered', async () => {
    const waiting = waitForEventWhere(s, 'stopped', (b) => b.reason === 'crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    const crashed = ((await waiting) as DebugProtocol.StoppedEvent).body.threadId!;
    const terminated = s.dc.waitForEvent('terminated');
    await s.dc.terminateRequest({});
    await terminated;
    // A client that focused the crashed thread must not keep it, stopped, into its next session.
    const after = s.events.slice(s.events.findIndex((e) => e.body?.reason === 'crash') + 1);
    const order = after
      .filter((e) => e.body?.threadId === crashed || e.event === 'terminated')
      .map((e) => `${e.event}${e.body?.reason ? `:${e.body.reason}` : ''}`);
    assert.deepEqual(order, ['continued', 'thread:exited', 'terminated']);
  });
});
