// Unit tests of action state and its mutations (spec 5.1, ActionStateTest), and of MemoryStore.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMutation, isTerminal, slotMatches, type ActionState, type Slot } from './actionState';
import { encode } from './codec';
import { DurableStateError } from './errors';
import { MemoryStore } from './stateStore';
import { IDENTITY, STATE_ID, failed, pending, succeeded } from '../../test/support/runtime';

function stateWith(slots: Slot[]): Map<string, ActionState> {
  const states = new Map<string, ActionState>();
  applyMutation(states, {
    op: 'init',
    id: STATE_ID,
    ...IDENTITY,
    event: encode({ type: 'E', attributes: {} }),
  });
  slots.forEach((slot, index) => applyMutation(states, { op: 'slot', id: STATE_ID, index, slot }));
  return states;
}

const five = [0, 1, 2, 3, 4].map((i) => succeeded(`f${i}`, [i], i));

describe('applyMutation', () => {
  it('init creates an empty, not completed state carrying the identity and event', () => {
    const state = stateWith([]).get(STATE_ID)!;
    assert.deepEqual(state.slots, []);
    assert.equal(state.completed, false);
    assert.deepEqual(state.outputEvents, []);
    assert.deepEqual(state.memoryUpdates, []);
    assert.equal(state.key, IDENTITY.key);
    assert.equal(state.action, IDENTITY.action);
    assert.deepEqual(state.event, encode({ type: 'E', attributes: {} }));
  });

  it('a slot at the end of the list is appended', () => {
    const states = stateWith([succeeded('a', [], 1)]);
    applyMutation(states, { op: 'slot', id: STATE_ID, index: 1, slot: pending('b', []) });
    assert.deepEqual(
      states.get(STATE_ID)!.slots.map((s) => s.functionId),
      ['a', 'b'],
    );
  });

  it('a slot at an existing index replaces it, terminal to pending and pending to terminal', () => {
    const states = stateWith([succeeded('a', [], 1)]);
    applyMutation(states, { op: 'slot', id: STATE_ID, index: 0, slot: pending('a', []) });
    assert.equal(states.get(STATE_ID)!.slots[0].status, 'PENDING');
    applyMutation(states, {
      op: 'slot',
      id: STATE_ID,
      index: 0,
      slot: failed('a', [], new Error('x')),
    });
    assert.equal(states.get(STATE_ID)!.slots.length, 1);
    assert.equal(states.get(STATE_ID)!.slots[0].status, 'FAILED');
  });

  it('a slot beyond the end or at a negative index is a DurableStateError', () => {
    const states = stateWith([succeeded('a', [], 1)]);
    assert.throws(
      () => applyMutation(states, { op: 'slot', id: STATE_ID, index: 2, slot: pending('c', []) }),
      DurableStateError,
    );
    assert.throws(
      () => applyMutation(states, { op: 'slot', id: STATE_ID, index: -1, slot: pending('c', []) }),
      DurableStateError,
    );
    assert.equal(states.get(STATE_ID)!.slots.length, 1);
  });

  it('a mutation of a state never initialised is a DurableStateError naming it', () => {
    assert.throws(
      () => applyMutation(new Map(), { op: 'truncate', id: 'nobody#0/0/x', from: 0 }),
      (error: unknown) =>
        error instanceof DurableStateError && error.message.includes('nobody#0/0/x'),
    );
  });

  it('truncate from 2 keeps the first 2 slots', () => {
    const states = stateWith(five);
    applyMutation(states, { op: 'truncate', id: STATE_ID, from: 2 });
    assert.deepEqual(
      states.get(STATE_ID)!.slots.map((s) => s.functionId),
      ['f0', 'f1'],
    );
  });

  it('truncate from -1 or from 10 (out of range) does nothing', () => {
    const states = stateWith(five);
    applyMutation(states, { op: 'truncate', id: STATE_ID, from: -1 });
    applyMutation(states, { op: 'truncate', id: STATE_ID, from: 10 });
    assert.equal(states.get(STATE_ID)!.slots.length, 5);
  });

  it('truncate from 0 clears every slot', () => {
    const states = stateWith(five);
    applyMutation(states, { op: 'truncate', id: STATE_ID, from: 0 });
    assert.deepEqual(states.get(STATE_ID)!.slots, []);
  });

  it('complete sets the flag, the output events and memory updates, and keeps the slots (the reference empties them)', () => {
    const states = stateWith(five.slice(0, 2));
    const outputEvents = [encode({ type: 'OutputEvent', attributes: { output: 3 } })];
    const memoryUpdates = [{ path: 'total', value: encode(3) }];
    applyMutation(states, { op: 'complete', id: STATE_ID, outputEvents, memoryUpdates });
    const state = states.get(STATE_ID)!;
    assert.equal(state.completed, true);
    assert.deepEqual(state.outputEvents, outputEvents);
    assert.deepEqual(state.memoryUpdates, memoryUpdates);
    assert.deepEqual(
      state.slots.map((s) => s.functionId),
      ['f0', 'f1'],
    );
  });

  it('init over an existing id starts that state again from empty', () => {
    const states = stateWith(five);
    applyMutation(states, {
      op: 'init',
      id: STATE_ID,
      ...IDENTITY,
      event: encode({ type: 'E', attributes: {} }),
    });
    assert.deepEqual(states.get(STATE_ID)!.slots, []);
  });
});

describe('slots', () => {
  it('match when both function id and args digest are equal', () => {
    const slot = succeeded('charge', [1], 'ok');
    assert.equal(slotMatches(slot, 'charge', slot.argsDigest), true);
    assert.equal(slotMatches(slot, 'refund', slot.argsDigest), false);
    assert.equal(slotMatches(slot, 'charge', succeeded('charge', [2], 'ok').argsDigest), false);
  });

  it('are terminal when SUCCEEDED or FAILED, not when PENDING', () => {
    assert.equal(isTerminal(succeeded('a', [], 1)), true);
    assert.equal(isTerminal(failed('a', [], new Error('x'))), true);
    assert.equal(isTerminal(pending('a', [])), false);
  });
});

describe('MemoryStore', () => {
  it('counts each persist, and not a mutation it refused', () => {
    const store = new MemoryStore();
    store.persist({ op: 'init', id: STATE_ID, ...IDENTITY, event: encode(null) });
    store.persist({ op: 'slot', id: STATE_ID, index: 0, slot: pending('a', []) });
    assert.equal(store.persistCount, 2);
    assert.throws(
      () => store.persist({ op: 'slot', id: STATE_ID, index: 5, slot: pending('a', []) }),
      DurableStateError,
    );
    assert.equal(store.persistCount, 2);
  });

  it('keeps timeline notes apart from persists', () => {
    const store = new MemoryStore();
    store.note({ op: 'attempt', attempt: 1, kind: 'run', at: 'now' });
    assert.equal(store.persistCount, 0);
    assert.deepEqual(store.timeline(), [{ op: 'attempt', attempt: 1, kind: 'run', at: 'now' }]);
    assert.deepEqual([...store.states()], []);
  });
});
