// Unit tests of one durable call's state machine (spec 8): persist counts (8.3), the order of operations
// and the reconciler's outcomes. Departures from the reference: referenceFixes.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerClass } from './codec';
import { MemoryStore } from './stateStore';
import {
  SpyStore,
  counted,
  execution,
  failed,
  pending,
  seed,
  slotsOf,
  succeeded,
} from '../../test/support/runtime';

// A crash is simulated by seeding the store with what the crashed attempt would have left.

class ProviderDown extends Error {
  override name = 'ProviderDown';
}
registerClass(ProviderDown);

/** Runs `body` and returns how many persists it made. */
async function persistsDuring(
  store: MemoryStore | SpyStore,
  body: () => Promise<unknown>,
): Promise<number> {
  const before = store.persistCount;
  await body();
  return store.persistCount - before;
}

describe('persist counts per call (spec 8.3)', () => {
  it('a completion-only fresh call persists once: its outcome', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const charge = counted('charge', async (n: number) => n * 2);
    assert.equal(
      await persistsDuring(store, async () =>
        assert.equal(await ctx.durableExecute(charge, [21]), 42),
      ),
      1,
    );
    assert.equal(charge.calls.length, 1);
    assert.deepEqual(slotsOf(store), [succeeded('charge', [21], 42)]);
  });

  it('a completion-only replay persists nothing and does not run the function', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('charge', [21], 42)]);
    const charge = counted('charge', async (n: number) => n * 100);
    const ctx = execution(store);
    assert.equal(
      await persistsDuring(store, async () =>
        assert.equal(await ctx.durableExecute(charge, [21]), 42),
      ),
      0,
    );
    assert.equal(charge.calls.length, 0);
    assert.equal(ctx.cursor, 1);
  });

  it('a completion-only mismatch persists twice, the truncation at once then the outcome (the reference defers the truncation and counts 1)', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('charge', [1], 'old'), succeeded('mail', [], 'stale')]);
    const ctx = execution(store);
    const charge = counted('charge', async (n: number) => `new ${n}`);
    assert.equal(
      await persistsDuring(store, async () =>
        assert.equal(await ctx.durableExecute(charge, [2]), 'new 2'),
      ),
      2,
    );
    assert.deepEqual(slotsOf(store), [succeeded('charge', [2], 'new 2')]);
  });

  it('a reconciler fresh call persists twice, PENDING then the outcome, and does not call the reconciler', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const charge = counted('charge', async () => 'charged');
    const check = counted('check', () => 'reconciled');
    assert.equal(
      await persistsDuring(store, async () =>
        assert.equal(await ctx.durableExecute(charge, [], { reconciler: check }), 'charged'),
      ),
      2,
    );
    assert.equal(charge.calls.length, 1);
    assert.equal(check.calls.length, 0);
    assert.deepEqual(slotsOf(store), [succeeded('charge', [], 'charged')]);
  });

  it('a reconciler terminal replay persists nothing and runs neither the function nor the reconciler', async () => {
    for (const slot of [
      succeeded('charge', [], 'charged'),
      failed('charge', [], new ProviderDown('down')),
    ]) {
      const store = new MemoryStore();
      seed(store, [slot]);
      const charge = counted('charge', async () => 'again');
      const check = counted('check', () => 'reconciled');
      const ctx = execution(store);
      const n = await persistsDuring(store, () =>
        ctx.durableExecute(charge, [], { reconciler: check }).catch(() => 'threw'),
      );
      assert.equal(n, 0);
      assert.equal(charge.calls.length + check.calls.length, 0);
      assert.equal(ctx.cursor, 1);
    }
  });

  it('a matching PENDING slot with a reconciler runs the reconciler, not the function, and persists once', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [])]);
    const charge = counted('charge', async () => 'charged again');
    const check = counted('check', () => 'found it was charged');
    const ctx = execution(store);
    const n = await persistsDuring(store, async () =>
      assert.equal(
        await ctx.durableExecute(charge, [], { reconciler: check }),
        'found it was charged',
      ),
    );
    assert.equal(n, 1);
    assert.equal(charge.calls.length, 0);
    assert.equal(check.calls.length, 1);
    assert.equal(ctx.cursor, 1);
    assert.deepEqual(slotsOf(store), [succeeded('charge', [], 'found it was charged')]);
  });

  it('a PENDING slot whose reconciler throws persists once, FAILED', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [])]);
    const ctx = execution(store);
    const check = () => {
      throw new ProviderDown('reconcile unavailable');
    };
    const n = await persistsDuring(store, () =>
      ctx
        .durableExecute(async function charge() {}, [], { reconciler: check })
        .catch(() => undefined),
    );
    assert.equal(n, 1);
    assert.equal(slotsOf(store)[0].status, 'FAILED');
  });

  it('a reconciler mismatch persists three times: clear, PENDING, outcome', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', ['other args'])]);
    const ctx = execution(store);
    const n = await persistsDuring(store, () =>
      ctx.durableExecute(async function charge(_a: string) {}, ['args'], {
        reconciler: () => undefined,
      }),
    );
    assert.equal(n, 3);
  });

  it('three fresh completion-only calls persist three times', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const step = async (i: number) => i;
    const n = await persistsDuring(store, async () => {
      for (let i = 0; i < 3; i++) await ctx.durableExecute(step, [i]);
    });
    assert.equal(n, 3);
    assert.equal(ctx.cursor, 3);
  });
});

describe('operation order (the reference fake bridge)', () => {
  it('a reconciler call on empty state does peek, append_pending, finalize and leaves a SUCCEEDED slot', async () => {
    const store = new SpyStore();
    const ctx = execution(store);
    store.reset();
    const check = counted('check', () => 0);
    await ctx.durableExecute(
      async function charge(): Promise<number> {
        return 1;
      },
      [],
      { reconciler: check },
    );
    assert.deepEqual(store.ops, ['peek', 'append_pending', 'finalize']);
    assert.equal(check.calls.length, 0);
    assert.equal(slotsOf(store.inner)[0].status, 'SUCCEEDED');
  });

  it('a preloaded PENDING slot does peek, finalize, and saves the reconciler value without calling the function', async () => {
    const store = new SpyStore();
    seed(store, [pending('charge', [])]);
    const ctx = execution(store);
    store.reset();
    const charge = counted('charge', async () => 'live');
    assert.equal(
      await ctx.durableExecute(charge, [], { reconciler: () => 'reconciled' }),
      'reconciled',
    );
    assert.deepEqual(store.ops, ['peek', 'finalize']);
    assert.equal(charge.calls.length, 0);
    assert.deepEqual(slotsOf(store.inner), [succeeded('charge', [], 'reconciled')]);
  });

  it('a mismatch does peek, clear, append_pending, finalize and leaves exactly one slot with the new identity', async () => {
    const store = new SpyStore();
    seed(store, [pending('charge', ['old']), succeeded('mail', [], 'stale')]);
    const ctx = execution(store);
    store.reset();
    await ctx.durableExecute(
      async function charge(_s: string): Promise<string> {
        return 'new';
      },
      ['new'],
      { reconciler: () => 'never' },
    );
    assert.deepEqual(store.ops, ['peek', 'clear', 'append_pending', 'finalize']);
    assert.deepEqual(slotsOf(store.inner), [succeeded('charge', ['new'], 'new')]);
  });

  it('a completion-only fresh call does peek, record', async () => {
    const store = new SpyStore();
    const ctx = execution(store);
    store.reset();
    await ctx.durableExecute(async function charge() {});
    assert.deepEqual(store.ops, ['peek', 'record']);
  });

  it('durableExecuteAsync with a reconciler writes nothing before await, then peek, append_pending, finalize', async () => {
    const store = new SpyStore();
    const ctx = execution(store);
    store.reset();
    const charge = counted('charge', async () => 'ok');
    const deferred = ctx.durableExecuteAsync(charge, [], { reconciler: () => 'r' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(store.ops, []);
    assert.deepEqual(slotsOf(store.inner), []);
    assert.equal(charge.calls.length, 0);
    assert.equal(await deferred, 'ok');
    assert.deepEqual(store.ops, ['peek', 'append_pending', 'finalize']);
  });

  it('durableExecuteAsync reconciles a preloaded PENDING slot on await: peek, finalize', async () => {
    const store = new SpyStore();
    seed(store, [pending('charge', [])]);
    const ctx = execution(store);
    store.reset();
    const charge = counted('charge', async () => 'live');
    assert.equal(
      await ctx.durableExecuteAsync(charge, [], { reconciler: async () => 'reconciled' }),
      'reconciled',
    );
    assert.deepEqual(store.ops, ['peek', 'finalize']);
    assert.equal(charge.calls.length, 0);
  });
});

describe('reconciler outcomes', () => {
  it('a reconciler result is persisted as SUCCEEDED and replayed by the next attempt without calling anything', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [5])]);
    const charge = counted('charge', async (n: number) => `charged ${n}`);
    const check = counted('check', async () => 'settled');
    assert.equal(
      await execution(store).durableExecute(charge, [5], { reconciler: check }),
      'settled',
    );
    assert.equal(
      await execution(store).durableExecute(charge, [5], { reconciler: check }),
      'settled',
    );
    assert.equal(charge.calls.length, 0);
    assert.equal(check.calls.length, 1);
  });

  it('a reconciler failure is persisted as FAILED, re-thrown as the same instance live, and replayed with class and message', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [])]);
    const thrown = new ProviderDown('reconcile unavailable');
    const check = counted('check', () => {
      throw thrown;
    });
    const charge = counted('charge', async () => 'live');
    const ctx = execution(store);
    await assert.rejects(
      ctx.durableExecute(charge, [], { reconciler: check }),
      (error: unknown) => error === thrown,
    );
    assert.equal(ctx.cursor, 1);
    assert.equal(slotsOf(store)[0].status, 'FAILED');
    await assert.rejects(
      execution(store).durableExecute(charge, [], { reconciler: check }),
      (error: unknown) =>
        error instanceof ProviderDown &&
        error !== thrown &&
        error.message === 'reconcile unavailable',
    );
    assert.equal(check.calls.length, 1);
    assert.equal(charge.calls.length, 0);
  });

  it('an async reconciler failure (rejected promise) is persisted as FAILED and re-thrown as the same instance', async () => {
    const store = new MemoryStore();
    seed(store, [pending('charge', [])]);
    const thrown = new ProviderDown('async reconcile unavailable');
    const deferred = execution(store).durableExecuteAsync(async function charge() {}, [], {
      reconciler: async () => Promise.reject(thrown),
    });
    await assert.rejects(
      async () => await deferred,
      (error: unknown) => error === thrown,
    );
    assert.equal(slotsOf(store)[0].status, 'FAILED');
  });

  it('a function failure is persisted as FAILED and re-thrown as the same instance live', async () => {
    for (const reconciler of [undefined, () => 'r']) {
      const store = new MemoryStore();
      const thrown = new ProviderDown('provider down');
      const charge = async (): Promise<string> => {
        throw thrown;
      };
      await assert.rejects(
        execution(store).durableExecute(charge, [], { reconciler }),
        (error: unknown) => error === thrown,
      );
      assert.equal(slotsOf(store)[0].status, 'FAILED');
      assert.equal(slotsOf(store)[0].error?.name, 'ProviderDown');
    }
  });

  it('replay of a failure raises it with its class, name and message, and the function does not run', async () => {
    const store = new MemoryStore();
    seed(store, [failed('charge', [], new ProviderDown('card expired'))]);
    const charge = counted('charge', async () => 'ok');
    await assert.rejects(
      execution(store).durableExecute(charge),
      (error: unknown) =>
        error instanceof ProviderDown &&
        error.name === 'ProviderDown' &&
        error.message === 'card expired',
    );
    assert.equal(charge.calls.length, 0);
  });

  it('a mismatch clears the stale slots and starts a new call, leaving one slot with the new id', async () => {
    const store = new MemoryStore();
    seed(store, [pending('refund', []), succeeded('mail', [], 'stale')]);
    const charge = counted('charge', async () => 20);
    const check = counted('check', () => -1);
    assert.equal(await execution(store).durableExecute(charge, [], { reconciler: check }), 20);
    assert.equal(charge.calls.length, 1);
    assert.equal(check.calls.length, 0);
    assert.deepEqual(slotsOf(store), [succeeded('charge', [], 20)]);
  });

  it('a mixed recovery replays a SUCCEEDED completion-only slot and reconciles a PENDING one, re-running nothing', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('first', [], 11), pending('second', [])]);
    const first = counted('first', async () => 1000);
    const second = counted('second', async () => 2000);
    const check = counted('check', () => 50);
    const ctx = execution(store);
    const total =
      (await ctx.durableExecute(first)) +
      (await ctx.durableExecute(second, [], { reconciler: check }));
    assert.equal(total, 61);
    assert.equal(first.calls.length + second.calls.length, 0);
    assert.equal(check.calls.length, 1);
  });
});
