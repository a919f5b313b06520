// Unit tests of one durable call's state machine (spec 8, 8.3 persist counts, 11 fixes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerClass } from './codec';
import { PayloadEncodingError } from './errors';
import { MemoryStore } from './stateStore';
import {
  SpyStore,
  counted,
  digestOf,
  execution,
  failed,
  pending,
  recordingHooks,
  seed,
  slotsOf,
  succeeded,
} from './testSupport';
import { callNotes } from './timelineLog';

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

  it('a result superjson refuses (a "constructor" key) also persists a FAILED slot instead of losing it', async () => {
    const store = new MemoryStore();
    const lookup = counted('lookup', async () => ({ constructor: 'Object' }));
    await assert.rejects(
      execution(store).durableExecute(lookup, [], { reconciler: () => ({ constructor: 'none' }) }),
      PayloadEncodingError,
    );
    assert.equal(slotsOf(store)[0].status, 'FAILED');
    await assert.rejects(
      execution(store).durableExecute(lookup, [], { reconciler: () => ({ constructor: 'none' }) }),
      PayloadEncodingError,
    );
    assert.equal(lookup.calls.length, 1);
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

describe('call boundaries', () => {
  it('a fresh reconciler call passes planned, pending-persisted, returned, outcome-persisted in order', async () => {
    const hooks = recordingHooks();
    await execution(new MemoryStore(), hooks).durableExecute(async function charge() {}, [], {
      reconciler: () => undefined,
    });
    assert.deepEqual(hooks.seen, [
      'call:planned',
      'call:pending-persisted',
      'call:returned',
      'call:outcome-persisted',
    ]);
  });

  it('a replay passes planned then replayed; a mismatch passes cleared; a throw passes threw', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('a', [], 1), succeeded('stale', [], 2)]);
    const hooks = recordingHooks();
    const ctx = execution(store, hooks);
    await ctx.durableExecute(async function a() {});
    await ctx
      .durableExecute(async function b() {
        throw new Error('no');
      })
      .catch(() => undefined);
    assert.deepEqual(hooks.seen, [
      'call:planned',
      'call:replayed',
      'call:planned',
      'call:cleared',
      'call:threw',
      'call:outcome-persisted',
    ]);
  });

  it('tells each call its index, its occurrence among calls of the same id, its plan and its outcome', async () => {
    const calls: Array<{ index: number; occurrence: number; path: string; status?: string }> = [];
    const ctx = execution(new MemoryStore(), {
      boundary(b) {
        if (b.kind === 'call' && b.phase === 'outcome-persisted') {
          calls.push({
            index: b.call.index,
            occurrence: b.call.occurrence,
            path: b.call.plan.path,
            status: b.call.outcome?.status,
          });
        }
      },
    });
    const a = async (_n?: number) => 1;
    const b = async () => 2;
    await ctx.durableExecute(a);
    await ctx.durableExecute(b);
    await ctx.durableExecute(a, [2]);
    assert.deepEqual(calls, [
      { index: 0, occurrence: 0, path: 'execute', status: 'SUCCEEDED' },
      { index: 1, occurrence: 0, path: 'execute', status: 'SUCCEEDED' },
      { index: 2, occurrence: 1, path: 'execute', status: 'SUCCEEDED' },
    ]);
  });

  it('reports each persist through hooks.persisted and keeps the call in the timeline', async () => {
    const store = new MemoryStore();
    const persisted: string[] = [];
    const ctx = execution(store, {
      persisted: (m) => persisted.push(m.op === 'slot' ? `slot:${m.slot.status}` : m.op),
    });
    await ctx.durableExecute(async function charge() {}, [], { reconciler: () => undefined });
    assert.deepEqual(persisted, ['slot:PENDING', 'slot:SUCCEEDED']);
    const notes = store.timeline().flatMap((r) => [...callNotes(r)]);
    assert.deepEqual(
      notes.map((n) => [n.index, n.functionId, n.path, n.status]),
      [[0, 'charge', 'execute', 'SUCCEEDED']],
    );
  });

  it('the args digest the boundary shows is the one persisted', async () => {
    const store = new MemoryStore();
    let seen: string | undefined;
    await execution(store, {
      boundary: (b) => void (b.kind === 'call' && (seen = b.call.argsDigest)),
    }).durableExecute(async function charge(_n: number) {}, [9]);
    assert.equal(seen, digestOf([9]));
    assert.equal(slotsOf(store)[0].argsDigest, seen);
  });
});
