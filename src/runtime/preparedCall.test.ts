// Unit tests of calls identified where the agent runs (a Python agent's host): the runtime keeps
// their function id and digest as given, stores their outcomes with the codec they bring, and
// hands a replay back through that codec, on the same paths as any durable call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Encoded, EncodedError } from './codec';
import type { OutcomeCodec } from './durableCall';
import { MemoryStore } from './stateStore';
import { execution, slotsOf } from '../../test/support/runtime';

/** A codec that marks what it encoded, so a test can tell it was used. */
const marking: OutcomeCodec = {
  encodeResult: (value) => ({ json: { marked: value } }),
  encodeError: (error): EncodedError => ({ name: 'Marked', message: String(error) }),
  decodeResult: (result: Encoded) => ({ replayed: result.json }),
  decodeError: (error: EncodedError) => new Error(`replayed ${error.message}`),
};

function prepared(run: () => Promise<unknown>, reconciler?: () => Promise<unknown>) {
  return {
    functionId: 'my_agent.charge',
    argsDigest: '0123456789abcdef',
    encodedArgs: { json: ['shown'] },
    run,
    reconciler,
    codec: marking,
  };
}

describe('a prepared call', () => {
  it('keeps the given id and digest and stores its result with its own codec', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const live = await ctx.executePrepared(prepared(async () => 5));
    assert.deepEqual(live, { replayed: { marked: 5 } });
    const [slot] = slotsOf(store);
    assert.equal(slot.functionId, 'my_agent.charge');
    assert.equal(slot.argsDigest, '0123456789abcdef');
    assert.deepEqual(slot.result, { json: { marked: 5 } });
  });

  it('replays a stored outcome through its codec without running again', async () => {
    const store = new MemoryStore();
    await execution(store).executePrepared(prepared(async () => 5));
    let ran = 0;
    const again = await execution(store).executePrepared(prepared(async () => ++ran));
    assert.equal(ran, 0);
    assert.deepEqual(again, { replayed: { marked: 5 } });
  });

  it('stores a failure with its codec and replays it as the codec rebuilds it', async () => {
    const store = new MemoryStore();
    const fails = prepared(async () => Promise.reject(new Error('declined')));
    await assert.rejects(execution(store).executePrepared(fails), /declined/);
    assert.equal(slotsOf(store)[0].error?.name, 'Marked');
    await assert.rejects(execution(store).executePrepared(fails), /replayed Error: declined/);
  });

  it('with a reconciler, a PENDING slot is reconciled instead of run', async () => {
    const store = new MemoryStore();
    let ran = 0;
    const call = prepared(
      async () => ++ran,
      async () => 'found',
    );
    store.persist({
      op: 'slot',
      id: execution(store).exec.stateId,
      index: 0,
      slot: { functionId: call.functionId, argsDigest: call.argsDigest, status: 'PENDING' },
    });
    assert.deepEqual(await execution(store).executePrepared(call), {
      replayed: { marked: 'found' },
    });
    assert.equal(ran, 0);
  });
});
