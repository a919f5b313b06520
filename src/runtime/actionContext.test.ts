// Unit tests of the action context: validation, lazy durableExecuteAsync, call ordering, limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PayloadEncodingError } from './errors';
import { MemoryStore } from './stateStore';
import { counted, execution, pending, seed, slotsOf, succeeded } from '../../test/support/runtime';

/** Resolves after every pending promise job and I/O callback has had its turn. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('reconciler validation', () => {
  const charge = async (_amount?: number) => 1;

  it('a reconciler that is not a function is a TypeError "reconciler must be a function"', async () => {
    const ctx = execution(new MemoryStore());
    for (const reconciler of ['check', 42, {}]) {
      await assert.rejects(ctx.durableExecute(charge, [], { reconciler: reconciler as never }), {
        name: 'TypeError',
        message: 'reconciler must be a function',
      });
    }
  });

  it('a reconciler that takes arguments is a TypeError "reconciler must be a function that takes no arguments"', async () => {
    const ctx = execution(new MemoryStore());
    const takesOne = (id: string) => id;
    await assert.rejects(ctx.durableExecute(charge, [], { reconciler: takesOne as never }), {
      name: 'TypeError',
      message: 'reconciler must be a function that takes no arguments',
    });
    assert.throws(
      () => ctx.durableExecuteAsync(charge, [], { reconciler: takesOne as never }),
      /takes no arguments/,
    );
  });

  it('a zero-argument function and a bound zero-argument method are accepted as reconcilers', async () => {
    class Ledger {
      constructor(readonly entry: number) {}
      lookup(): number {
        return this.entry;
      }
    }
    const ledger = new Ledger(7);
    const store = new MemoryStore();
    const ctx = execution(store);
    assert.equal(await ctx.durableExecute(charge, [], { reconciler: () => 0 }), 1);
    assert.equal(
      await ctx.durableExecute(charge, [2], { reconciler: ledger.lookup.bind(ledger) }),
      1,
    );
    assert.equal(slotsOf(store).length, 2);
  });

  it('an undefined reconciler means the completion-only path', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const before = store.persistCount;
    await ctx.durableExecute(charge, [], { reconciler: undefined });
    assert.equal(store.persistCount - before, 1);
  });

  it('reconciler: null means no reconciler: the completion-only path, one persist, as undefined does', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const before = store.persistCount;
    assert.equal(await ctx.durableExecute(charge, [], { reconciler: null }), 1);
    assert.equal(await ctx.durableExecuteAsync(charge, [2], { reconciler: null }), 1);
    assert.equal(store.persistCount - before, 2);
  });

  it('the reconciler is never passed to the function: it gets exactly the args', async () => {
    const ctx = execution(new MemoryStore());
    let received: unknown[] | undefined;
    await ctx.durableExecute(
      async function record(...args: unknown[]) {
        received = args;
      },
      [1, 'two'],
      { id: 'record', reconciler: () => undefined },
    );
    assert.deepEqual(received, [1, 'two']);
  });
});

describe('argument validation', () => {
  it('refuses a first argument that is not a function', async () => {
    const ctx = execution(new MemoryStore());
    await assert.rejects(
      ctx.durableExecute('charge' as never),
      /the first argument must be the function to run, got string/,
    );
  });

  it('refuses args that are not an array, naming the function', async () => {
    const ctx = execution(new MemoryStore());
    await assert.rejects(
      ctx.durableExecute(async function charge(_n: number) {}, 5 as never),
      /the second argument must be the array of arguments for charge, got number/,
    );
  });

  it('refuses options that are not an object', async () => {
    const ctx = execution(new MemoryStore());
    await assert.rejects(
      ctx.durableExecute(async function charge() {}, [], 'id' as never),
      /options object \{ id\?, reconciler\? \}/,
    );
  });

  it('a refused call persists nothing and leaves the cursor where it was', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const before = store.persistCount;
    await assert.rejects(ctx.durableExecute(async () => 1));
    assert.equal(store.persistCount, before);
    assert.equal(ctx.cursor, 0);
  });
});

describe('durableExecuteAsync', () => {
  it('writes nothing and runs nothing before it is awaited', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const before = store.persistCount;
    const charge = counted('charge', async () => 'done');
    const deferred = ctx.durableExecuteAsync(charge);
    assert.equal(deferred.functionId, 'charge');
    await settle();
    assert.equal(charge.calls.length, 0);
    assert.equal(store.persistCount, before);
    assert.equal(await deferred, 'done');
    assert.equal(charge.calls.length, 1);
  });

  it('never runs and is never recorded when it is not awaited, and the next awaited call takes its slot', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const forgotten = counted('forgotten', async () => 'x');
    ctx.durableExecuteAsync(forgotten);
    const used = async () => 'y';
    assert.equal(await ctx.durableExecuteAsync(used), 'y');
    await settle();
    assert.equal(forgotten.calls.length, 0);
    assert.deepEqual(slotsOf(store), [succeeded('used', [], 'y')]);
  });

  it('args that cannot be stored make the awaited call reject, not the call that made it: it is lazy', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const charge = counted('charge', async (_f: unknown) => 'done');
    const deferred = ctx.durableExecuteAsync(charge, [() => 1]);
    assert.equal(deferred.functionId, 'charge');
    await assert.rejects(
      Promise.resolve(deferred),
      (error: unknown) =>
        error instanceof PayloadEncodingError &&
        /^the args of charge\.0 is a function/.test(error.message),
    );
    assert.equal(charge.calls.length, 0);
    assert.deepEqual(slotsOf(store), []);
  });

  it('awaited twice, runs once and gives the same result', async () => {
    const ctx = execution(new MemoryStore());
    const charge = counted('charge', async () => ({ id: 1 }));
    const deferred = ctx.durableExecuteAsync(charge);
    const [a, b] = [await deferred, await deferred];
    assert.equal(charge.calls.length, 1);
    assert.equal(a, b);
  });

  it('replays a persisted outcome on await without running the function', async () => {
    const store = new MemoryStore();
    await execution(store).durableExecuteAsync(async function charge() {
      return 5;
    });
    const again = counted('charge', async () => 6);
    assert.equal(await execution(store).durableExecuteAsync(again), 5);
    assert.equal(again.calls.length, 0);
  });
});

describe('ordering of concurrent calls', () => {
  /** A function that logs its start and end and finishes only when the test opens its gate. */
  function gated(name: string, log: string[]) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const fn = {
      async [name]() {
        log.push(`${name} start`);
        await gate;
        log.push(`${name} end`);
        return name;
      },
    }[name];
    return { fn, open };
  }

  it('Promise.all of two durableExecuteAsync calls runs them one after another, in order, and replays them the same way', async () => {
    const store = new MemoryStore();
    const log: string[] = [];
    const a = gated('a', log);
    const b = gated('b', log);
    const ctx = execution(store);
    const all = Promise.all([ctx.durableExecuteAsync(a.fn), ctx.durableExecuteAsync(b.fn)]);
    await settle();
    assert.deepEqual(log, ['a start']);
    b.open();
    await settle();
    assert.deepEqual(log, ['a start']);
    a.open();
    assert.deepEqual(await all, ['a', 'b']);
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end']);
    assert.deepEqual(
      slotsOf(store).map((s) => s.functionId),
      ['a', 'b'],
    );
    const replay = execution(store);
    const a2 = counted('a', async () => 'A');
    const b2 = counted('b', async () => 'B');
    assert.deepEqual(
      await Promise.all([replay.durableExecuteAsync(a2), replay.durableExecuteAsync(b2)]),
      ['a', 'b'],
    );
    assert.equal(a2.calls.length + b2.calls.length, 0);
  });

  it('Promise.all of two durableExecute calls also runs them one after another, in call order', async () => {
    const store = new MemoryStore();
    const log: string[] = [];
    const a = gated('a', log);
    const b = gated('b', log);
    const ctx = execution(store);
    b.open();
    const all = Promise.all([ctx.durableExecute(a.fn), ctx.durableExecute(b.fn)]);
    await settle();
    assert.deepEqual(log, ['a start']);
    a.open();
    await all;
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end']);
  });

  it('durableExecuteAsync calls take slots in the order they are awaited, not created', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const first = ctx.durableExecuteAsync(async function created1() {});
    const second = ctx.durableExecuteAsync(async function created2() {});
    await second;
    await first;
    assert.deepEqual(
      slotsOf(store).map((s) => s.functionId),
      ['created2', 'created1'],
    );
  });

  it('a failing call does not stop the next queued one', async () => {
    const ctx = execution(new MemoryStore());
    const results = await Promise.allSettled([
      ctx.durableExecute(async function fails() {
        throw new Error('no');
      }),
      ctx.durableExecute(async function works() {
        return 'yes';
      }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'fulfilled'],
    );
  });
});

describe('what a durable function may not do', () => {
  const refused = (api: string) => (error: unknown) =>
    error instanceof Error &&
    error.message.startsWith(`${api} cannot be used inside a durable call`);

  it('ctx.sendEvent inside a durable function throws a clear error', async () => {
    const ctx = execution(new MemoryStore());
    await assert.rejects(
      ctx.durableExecute(async function leak() {
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: 1 } });
      }),
      refused('ctx.sendEvent'),
    );
    assert.deepEqual(ctx.sentEvents, []);
  });

  it('ctx.memory.set inside a durable function or a reconciler throws a clear error', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    await assert.rejects(
      ctx.durableExecute(async function leak() {
        ctx.memory.set('x', 1);
      }),
      refused('ctx.memory.set'),
    );
    const store2 = new MemoryStore();
    seed(store2, [pending('charge', [])]);
    const ctx2 = execution(store2);
    await assert.rejects(
      ctx2.durableExecute(async function charge() {}, [], {
        reconciler: () => {
          ctx2.memory.set('x', 1);
        },
      }),
      refused('ctx.memory.set'),
    );
    assert.deepEqual(ctx.memoryUpdates, []);
    assert.equal(ctx.memory.get('x'), undefined);
  });

  it('a nested durable call inside a durable function throws a clear error', async () => {
    const ctx = execution(new MemoryStore());
    await assert.rejects(
      ctx.durableExecute(async function outer() {
        return ctx.durableExecute(async function inner() {});
      }),
      refused('ctx.durableExecute'),
    );
  });

  it('code the durable function awaits (a helper, after awaits of its own) is inside it too, and refused', async () => {
    const ctx = execution(new MemoryStore());
    const helper = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ctx.sendEvent({ type: 'Leak', attributes: {} });
    };
    await assert.rejects(
      ctx.durableExecute(async function charge() {
        await Promise.resolve();
        await helper();
      }),
      refused('ctx.sendEvent'),
    );
    assert.deepEqual(ctx.sentEvents, []);
  });

  it('the action’s own code may use memory and events while one of its calls is in flight', async () => {
    const ctx = execution(new MemoryStore());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = ctx.durableExecute(async function charge() {
      await gate;
      return 'charged';
    });
    // The call has started (its function is waiting on the gate): the action goes on meanwhile.
    await settle();
    ctx.memory.set('status', 'charging');
    ctx.sendEvent({ type: 'Progress', attributes: { step: 'charging' } });
    const deferred = ctx.durableExecuteAsync(async function mail() {
      return 'mailed';
    });
    release();
    assert.equal(await inFlight, 'charged');
    assert.equal(await deferred, 'mailed');
    assert.equal(ctx.memory.get('status'), 'charging');
    assert.equal(ctx.sentEvents.length, 1);
  });

  it('events and memory work again once the call has returned', async () => {
    const ctx = execution(new MemoryStore());
    await ctx.durableExecute(async function charge() {
      return 1;
    });
    ctx.sendEvent({ type: 'Charged', attributes: {} });
    ctx.memory.set('charged', true);
    assert.equal(ctx.sentEvents.length, 1);
    assert.equal(ctx.memory.get('charged'), true);
  });
});

describe('memory and events', () => {
  it('memory.set records an encoded update and memory.get returns a fresh copy', () => {
    const ctx = execution(new MemoryStore());
    ctx.memory.set('cart', { items: [1] });
    const copy = ctx.memory.get<{ items: number[] }>('cart')!;
    copy.items.push(2);
    assert.deepEqual(ctx.memory.get('cart'), { items: [1] });
    assert.equal(ctx.memoryUpdates.length, 1);
    assert.equal(ctx.memoryUpdates[0].path, 'cart');
  });

  it('memory.set refuses an empty path and a value that cannot be stored, naming the path', () => {
    const ctx = execution(new MemoryStore());
    assert.throws(() => ctx.memory.set('', 1), TypeError);
    assert.throws(
      () => ctx.memory.set('handler', () => 1),
      (error: unknown) =>
        error instanceof PayloadEncodingError && error.message.includes('"handler"'),
    );
  });

  it('sendEvent refuses an event without a type or attributes, and attributes that cannot be stored', () => {
    const ctx = execution(new MemoryStore());
    assert.throws(
      () => ctx.sendEvent({ attributes: {} } as never),
      /an event is \{ type: string, attributes: object \}/,
    );
    assert.throws(
      () => ctx.sendEvent({ type: 'E' } as never),
      /event "E" needs an "attributes" object/,
    );
    assert.throws(
      () => ctx.sendEvent({ type: 'E', attributes: { f: () => 1 } }),
      PayloadEncodingError,
    );
    assert.deepEqual(ctx.sentEvents, []);
  });

  it('exposes the key, input sequence number and attempt of the execution', () => {
    const ctx = execution(new MemoryStore());
    assert.equal(ctx.key, 'k');
    assert.equal(ctx.seq, 0);
    assert.equal(ctx.attempt, 1);
  });
});
