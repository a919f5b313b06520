// Time travel: stepBack and reverseContinue re-run the current action from its start in a new
// worker over the same journal (completed calls replay) and stop at the earlier boundary.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  scopeVariables,
  startSession,
  step,
  type Session,
} from './support';

describe('time travel', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('steps back from a call to the one before it, which now replays', async () => {
    await step(s, 'next');
    await step(s, 'next');
    const at = await step(s, 'next');
    assert.equal(at.top.name, 'receipt #2 · plan decided (execute)');
    const back = await step(s, 'stepBack');
    assert.equal(back.top.name, 'charge #1 · replayed (replay)');
    assert.equal(s.pids.length, 2);
    await assertNoWorkerLeft([s.pids[0]], 1000);
    const attempt = await scopeVariables(s, back.top.id, 'Attempt');
    assert.equal(attempt.get('kind')?.value, '"rewind"');
    const again = await step(s, 'next');
    assert.equal(again.top.name, 'receipt #2 · plan decided (execute)');
  });

  it('steps back from inside a call to its plan, reconciling a call left PENDING', async () => {
    await step(s, 'next');
    await step(s, 'next');
    await step(s, 'stepIn');
    const inside = await step(s, 'stepIn');
    assert.equal(inside.top.name, 'charge #1 · function returned (execute)');
    const back = await step(s, 'stepBack');
    assert.equal(back.top.name, 'charge #1 · plan decided (reconcile)');
  });

  it('goes back to the start of the action on reverseContinue, keeping breakpoints afterwards', async () => {
    await step(s, 'next');
    await step(s, 'next');
    const back = await step(s, 'reverseContinue');
    assert.equal(back.top.name, 'checkout · start');
    const next = await step(s, 'next');
    assert.equal(next.top.name, 'price #0 · plan decided (replay)');
  });

  it('refuses to step back from the first boundary of an action', async () => {
    await assert.rejects(s.dc.stepBackRequest({ threadId: 1 }), /nothing earlier/);
  });
});
