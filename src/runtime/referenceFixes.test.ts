// Unit tests of a durable call where it departs from the reference on purpose (spec section 11).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PayloadEncodingError } from './errors';
import { MemoryStore } from './stateStore';
import {
  counted,
  execution,
  pending,
  recordingHooks,
  seed,
  slotsOf,
  succeeded,
} from '../../test/support/runtime';

// A crash is simulated by seeding the store with what the crashed attempt would have left.

describe('fixes of the reference defects (spec 11)', () => {
  it('a matching PENDING slot with no reconciler re-runs the call and warns through hooks.warning, never returning a silent undefined', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [3])]);
    const hooks = recordingHooks();
    const charge = counted('charge', async (n: number) => n + 1);
    assert.equal(await execution(store, hooks).durableExecute(charge, [3]), 4);
    assert.equal(charge.calls.length, 1);
    assert.equal(hooks.warnings.length, 1);
    assert.match(hooks.warnings[0], /charge: found a PENDING slot but the call has no reconciler/);
    assert.deepEqual(slotsOf(store), [succeeded('charge', [3], 4)]);
  });

  it('null and undefined results replay as themselves', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const nothing = async () => null;
    const absent = async () => undefined;
    assert.equal(await ctx.durableExecute(nothing), null);
    assert.equal(await ctx.durableExecute(absent), undefined);
    const replay = execution(store);
    const nothing2 = counted('nothing', async () => 'ran');
    const absent2 = counted('absent', async () => 'ran');
    assert.equal(await replay.durableExecute(nothing2), null);
    assert.equal(await replay.durableExecute(absent2), undefined);
    assert.equal(nothing2.calls.length + absent2.calls.length, 0);
  });

  it('a mismatch truncation is persisted at once, before the function runs', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('old', [], 1), succeeded('older', [], 2)]);
    let slotsWhileRunning: number | undefined;
    await execution(store).durableExecute(async function fresh() {
      slotsWhileRunning = slotsOf(store).length;
    });
    assert.equal(slotsWhileRunning, 0);
  });

  it('a result that cannot be encoded is a PayloadEncodingError naming the path, its FAILED slot is persisted, and replay does not run the side effect again', async () => {
    for (const bad of [{ cb: () => 1 }, { tag: Symbol('t') }]) {
      const store = new MemoryStore();
      const makeHandle = counted('makeHandle', async () => bad);
      await assert.rejects(
        execution(store).durableExecute(makeHandle),
        (error: unknown) =>
          error instanceof PayloadEncodingError &&
          /the result of makeHandle\.(cb|tag)/.test(error.message),
      );
      assert.equal(slotsOf(store).length, 1);
      assert.equal(slotsOf(store)[0].status, 'FAILED');
      await assert.rejects(execution(store).durableExecute(makeHandle), PayloadEncodingError);
      assert.equal(makeHandle.calls.length, 1);
    }
  });

  it('a result of an unregistered class also persists a FAILED slot instead of losing it', async () => {
    class Handle {
      fd = 3;
    }
    const store = new MemoryStore();
    const open = counted('open', async () => new Handle());
    await assert.rejects(
      execution(store).durableExecute(open, [], { reconciler: () => new Handle() }),
      /the result of open is an instance of Handle, a class that is not registered/,
    );
    assert.equal(slotsOf(store)[0].status, 'FAILED');
    await assert.rejects(
      execution(store).durableExecute(open, [], { reconciler: () => new Handle() }),
      PayloadEncodingError,
    );
    assert.equal(open.calls.length, 1);
  });

  it('a later call after an unencodable result takes the next slot, not the failed one', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    await ctx
      .durableExecute(async function makeHandle() {
        return () => 1;
      })
      .catch(() => undefined);
    await ctx.durableExecute(async function next() {
      return 'n';
    });
    assert.deepEqual(
      slotsOf(store).map((s) => [s.functionId, s.status]),
      [
        ['makeHandle', 'FAILED'],
        ['next', 'SUCCEEDED'],
      ],
    );
  });

  it('args that cannot be encoded are refused before anything runs or is persisted', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const before = store.persistCount;
    const charge = counted('charge', async (_cb: unknown) => 1);
    await assert.rejects(
      ctx.durableExecute(charge, [() => 1]),
      (error: unknown) =>
        error instanceof PayloadEncodingError && error.message.includes('the args of charge.0'),
    );
    assert.equal(charge.calls.length, 0);
    assert.equal(store.persistCount, before);
  });
});
