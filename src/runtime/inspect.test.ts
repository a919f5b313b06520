// Unit tests of the read-only views the CLI and the debugger show: slots, states and attempts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from './codec';
import { attemptViews, decodePayload, slotViews, sortedStates, stateViews } from './inspect';
import { MemoryStore } from './stateStore';
import { failed, pending, seed, succeeded } from '../../test/support/runtime';

describe('slot and state views', () => {
  it('show each slot with its index, status, plain result or error name and message', () => {
    const store = new MemoryStore();
    const id = seed(store, [
      succeeded('a', [], { when: new Date(0) }),
      failed('b', [], new RangeError('too far')),
      pending('c', []),
    ]);
    assert.deepEqual(
      slotViews(store.get(id)!).map(({ argsDigest: _d, ...rest }) => rest),
      [
        {
          index: 0,
          functionId: 'a',
          status: 'SUCCEEDED',
          result: { when: '1970-01-01T00:00:00.000Z' },
        },
        {
          index: 1,
          functionId: 'b',
          status: 'FAILED',
          error: { name: 'RangeError', message: 'too far' },
        },
        { index: 2, functionId: 'c', status: 'PENDING' },
      ],
    );
    assert.deepEqual(
      slotViews(store.get(id)!, 1, 1).map((s) => s.index),
      [1],
    );
  });

  it('sort states by key, input, event index and action', () => {
    const store = new MemoryStore();
    seed(store, [], { key: 'b', seq: 0, eventIndex: 0, action: 'x' });
    seed(store, [], { key: 'a', seq: 1, eventIndex: 0, action: 'x' });
    seed(store, [], { key: 'a', seq: 0, eventIndex: 2, action: 'x' });
    seed(store, [], { key: 'a', seq: 0, eventIndex: 0, action: 'y' });
    seed(store, [], { key: 'a', seq: 0, eventIndex: 0, action: 'x' });
    assert.deepEqual(
      sortedStates(store).map((s) => s.id),
      ['a#0/0/x', 'a#0/0/y', 'a#0/2/x', 'a#1/0/x', 'b#0/0/x'],
    );
    assert.deepEqual(
      stateViews(store).map((s) => [s.id, s.completed, s.slots.length]),
      sortedStates(store).map((s) => [s.id, false, 0]),
    );
  });

  it('decode a payload into its real value, Map and Date included', () => {
    const value = new Map([['at', new Date(5)]]);
    assert.deepEqual(decodePayload(encode(value)), value);
    assert.equal(decodePayload(undefined), undefined);
  });
});

describe('attempt views', () => {
  it('group timeline records by attempt: done, failed, crashed with where, or unfinished', () => {
    const views = attemptViews([
      { op: 'attempt', attempt: 1, kind: 'run', at: 't1' },
      {
        op: 'call',
        attempt: 1,
        id: 's',
        index: 0,
        functionId: 'charge',
        path: 'execute',
        status: 'SUCCEEDED',
        reason: 'r',
      },
      { op: 'crash', attempt: 1, point: 'after-outcome', id: 's', index: 0, functionId: 'charge' },
      { op: 'attempt', attempt: 2, kind: 'recover', at: 't2' },
      {
        op: 'call',
        attempt: 2,
        id: 's',
        index: 0,
        functionId: 'charge',
        path: 'replay',
        status: 'SUCCEEDED',
        reason: 'r',
      },
      { op: 'action', attempt: 2, id: 's', outcome: 'failed', error: 'Error: x' },
      { op: 'end', attempt: 2, outcome: 'failed' },
      { op: 'attempt', attempt: 3, kind: 'recover', at: 't3' },
      { op: 'action', attempt: 3, id: 's', outcome: 'completed' },
      { op: 'end', attempt: 3, outcome: 'done' },
      { op: 'attempt', attempt: 4, kind: 'rewind', at: 't4' },
      {
        op: 'call',
        attempt: 9,
        id: 's',
        index: 0,
        functionId: 'ghost',
        path: 'execute',
        status: 'PENDING',
        reason: 'r',
      },
    ]);
    assert.deepEqual(
      views.map((v) => [
        v.attempt,
        v.kind,
        v.outcome,
        v.calls.map((c) => c.path),
        v.actions.map((a) => a.outcome),
      ]),
      [
        [1, 'run', 'crashed', ['execute'], []],
        [2, 'recover', 'failed', ['replay'], ['failed']],
        [3, 'recover', 'done', [], ['completed']],
        [4, 'rewind', 'unfinished', [], []],
      ],
    );
    assert.deepEqual(views[0].crash, {
      point: 'after-outcome',
      id: 's',
      index: 0,
      functionId: 'charge',
    });
  });
});
