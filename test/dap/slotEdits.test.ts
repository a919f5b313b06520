// State surgery from the debugger: setVariable on a slot's status in the Variables view and the
// editState request, refused while the attempt runs, allowed once it crashed; the recovery that
// follows takes the paths the edits imply, and the journal keeps each edit as a record.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SlotsResponseBody } from '../../src/adapter/customProtocol';
import { CRASHED_THREAD_ID } from '../../src/adapter/debugState';
import {
  assertNoWorkerLeft,
  childrenOf,
  endSession,
  launch,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  scopeVariables,
  startSession,
  type Session,
} from './support';

const STATE = 'alice#0/0/checkout';

/** Each slot as `functionId STATUS`, or with `paths` as `functionId path` (the latest attempt's). */
async function slotRows(s: Session, paths = false): Promise<string[]> {
  const body = (await s.dc.customRequest('slots')).body as SlotsResponseBody;
  return body.states.flatMap((st) =>
    st.slots.map((r) => `${r.functionId} ${paths ? r.path : r.status}`),
  );
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the request was not refused');
}

describe('slot edits from the debugger', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('are refused while the attempt runs', async () => {
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS }, { functions: ['receipt'] });
    const stop = await nextStop(s);
    const message = await refusal(
      s.dc.customRequest('editState', { stateId: STATE, index: 0, kind: 'pending' }),
    );
    assert.match(message, /an attempt is running and writes this state/);
    const slots = await scopeVariables(s, stop.top.id, 'Slots');
    const row = slots.get('[0]')!;
    const viaVariables = await refusal(
      s.dc.setVariableRequest({
        variablesReference: row.variablesReference,
        name: 'status',
        value: 'PENDING',
      }),
    );
    assert.match(viaVariables, /an attempt is running/);
  });

  it('after a crash, a slot set PENDING in Variables is reconciled and a dropped one executes', async () => {
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      crash: { point: 'before-complete', action: 'checkout' },
    });
    await crashed;
    await assertNoWorkerLeft([s.pids[0]], 10_000);
    // The adapter shows the crashed thread once it has seen the worker die: polled, not timed.
    let frames: DebugProtocol.StackFrame[] = [];
    for (let tries = 0; frames.length === 0 && tries < 400; tries++) {
      frames = (await s.dc.stackTraceRequest({ threadId: CRASHED_THREAD_ID })).body.stackFrames;
      if (frames.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(frames.length > 0, 'the crashed thread shows no frame');
    const slots = await scopeVariables(s, frames[0].id, 'Slots');
    const charge = slots.get('[1]')!;
    assert.match(charge.value, /^charge SUCCEEDED/);
    const fields = await childrenOf(s, charge.variablesReference);
    assert.ok(fields.has('status'));
    const wrong = await refusal(
      s.dc.setVariableRequest({
        variablesReference: charge.variablesReference,
        name: 'functionId',
        value: '"other"',
      }),
    );
    assert.match(wrong, /only a slot's status, result and error can be set/);
    const set = await s.dc.setVariableRequest({
      variablesReference: charge.variablesReference,
      name: 'status',
      value: 'PENDING',
    });
    assert.equal(set.body.value, 'PENDING');
    // VS Code sends setExpression for a variable with an evaluateName: the same edit.
    const expr = await s.dc.customRequest('setExpression', {
      expression: 'slots[2].status',
      value: 'PENDING',
      frameId: frames[0].id,
    });
    assert.equal((expr.body as { value: string }).value, 'PENDING');
    const badExpr = await refusal(
      s.dc.customRequest('setExpression', {
        expression: 'event.attributes',
        value: '1',
        frameId: frames[0].id,
      }),
    );
    assert.match(badExpr, /only slots\[N\]\.status, slots\[N\]\.result and slots\[N\]\.error/);
    const dropped = await s.dc.customRequest('editState', {
      stateId: STATE,
      index: 2,
      kind: 'drop',
    });
    assert.equal((dropped.body as { edit: { kind: string } }).edit.kind, 'drop');
    const bad = await refusal(
      s.dc.customRequest('editState', { stateId: STATE, index: 9, kind: 'drop' }),
    );
    assert.match(bad, /has no slot 9: its slots are 0 to 1/);
    assert.deepEqual(await slotRows(s), ['price SUCCEEDED', 'charge PENDING']);
    const exited = s.dc.waitForEvent('exited');
    await s.dc.customRequest('recover');
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.deepEqual(await slotRows(s, true), [
      'price replay',
      'charge reconcile',
      'receipt execute',
    ]);
  });
});
