// The `slots` body the views refresh from: a limit keeps the latest slots of each action, and the
// counts stay those of all its slots, so a 100k-slot action costs a page per refresh.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionState, Slot } from '../runtime/actionState';
import { replayReason } from '../runtime/callPlan';
import { encode } from '../runtime/codec';
import type { TimelineRecord } from '../runtime/stateStore';
import { summarizeState } from '../worker/stateSummary';
import type { StateSource } from './stateSource';
import { slotsBody } from './viewData';

function stateWith(slots: Slot[]): ActionState {
  return {
    id: 'k#0/0/act',
    key: 'k',
    seq: 0,
    eventIndex: 0,
    action: 'act',
    event: encode({ type: 'InputEvent', attributes: {} }),
    slots,
    completed: false,
    outputEvents: [],
    memoryUpdates: [],
  };
}

function sourceOf(
  state: ActionState,
  timeline: TimelineRecord[] = [],
): StateSource & { asked: number } {
  const source = {
    asked: 0,
    states: async () => [summarizeState(state)],
    state: async () => undefined,
    slots: async (_id: string, start: number, count: number) => {
      source.asked += count;
      return state.slots.slice(start, start + count);
    },
    timeline: async () => timeline,
  };
  return source;
}

const slot = (i: number, status: Slot['status']): Slot => ({
  functionId: i % 2 === 0 ? 'even' : 'odd',
  argsDigest: String(i).padStart(16, '0'),
  status,
  ...(status === 'SUCCEEDED' ? { result: encode(i) } : {}),
});

describe('the slots body for the views', () => {
  const slots = Array.from({ length: 5000 }, (_, i) =>
    slot(i, i === 4999 ? 'PENDING' : 'SUCCEEDED'),
  );

  it('keeps only the latest slots of an action when given a limit, with their own indexes', async () => {
    const body = await slotsBody(sourceOf(stateWith(slots)), { limit: 3 }, () => undefined);
    const [state] = body.states;
    assert.deepEqual(
      state.slots.map((s) => [s.index, s.status]),
      [
        [4997, 'SUCCEEDED'],
        [4998, 'SUCCEEDED'],
        [4999, 'PENDING'],
      ],
    );
  });

  it('counts every slot of the action by status, not only the ones it returns', async () => {
    const body = await slotsBody(sourceOf(stateWith(slots)), { limit: 3 }, () => undefined);
    assert.equal(body.states[0].slotCount, 5000);
    assert.deepEqual(body.states[0].statusCounts, { PENDING: 1, SUCCEEDED: 4999, FAILED: 0 });
  });

  it('returns every slot without a limit', async () => {
    const body = await slotsBody(sourceOf(stateWith(slots)), {}, () => undefined);
    assert.equal(body.states[0].slots.length, 5000);
  });

  it('gives each slot of the page the path of the last attempt that reached it, replay ranges included', async () => {
    const id = 'k#0/0/act';
    const ran = (attempt: number, index: number): TimelineRecord => ({
      op: 'call',
      attempt,
      id,
      index,
      functionId: index % 2 === 0 ? 'even' : 'odd',
      path: 'execute',
      status: 'SUCCEEDED',
      reason: 'no slot at this position yet: the call runs',
    });
    const timeline: TimelineRecord[] = [
      ...Array.from({ length: 4999 }, (_, i) => ran(1, i)),
      {
        op: 'calls',
        path: 'replay',
        attempt: 2,
        id,
        from: 0,
        count: 4998,
        status: 'SUCCEEDED',
        functions: Array.from({ length: 4998 }, (_, i): [string, number] => [
          i % 2 === 0 ? 'even' : 'odd',
          1,
        ]),
      },
    ];
    const body = await slotsBody(
      sourceOf(stateWith(slots), timeline),
      { limit: 3 },
      () => undefined,
    );
    assert.deepEqual(
      body.states[0].slots.map((s) => [s.index, s.path, s.reason]),
      [
        [4997, 'replay', replayReason('SUCCEEDED')],
        // Attempt 2 has not reached this call yet: the path is still attempt 1's.
        [4998, 'execute', 'no slot at this position yet: the call runs'],
        [4999, undefined, undefined],
      ],
    );
  });
});
