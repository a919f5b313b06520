// Unit tests of one attempt: action-level exactly-once, per-key sequencing, dispatch, recovery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeHooks } from './boundaries';
import { registerClass } from './codec';
import { stateIdOf } from './identity';
import { runAttempt, validateInputs, type AgentInput } from './agentRunner';
import { MemoryStore } from './stateStore';
import {
  CrashSignal,
  STATE_ID,
  agentOf,
  counted,
  crashAt,
  failed,
  output,
  pending,
  seed,
  succeeded,
} from '../../test/support/runtime';

class ProviderDown extends Error {
  override name = 'ProviderDown';
}
registerClass(ProviderDown);

describe('action-level exactly-once', () => {
  it('completed actions are skipped on the next attempt, their outputs re-emitted with replayed: true and memory updates re-applied', async () => {
    const add = counted('add', async (a: number, b: number) => a + b);
    const runs = counted('runs', () => undefined);
    const agent = agentOf({
      name: 'sum',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        runs();
        const input = (event.attributes as { input: number }).input;
        const total = await ctx.durableExecute(add, [ctx.memory.get<number>('total') ?? 0, input]);
        ctx.memory.set('total', total);
        ctx.sendEvent(output(total));
      },
    });
    const store = new MemoryStore();
    const inputs = [
      { key: 'k', input: 1 },
      { key: 'k', input: 2 },
    ];
    await assert.rejects(
      runAttempt(inputs, {
        agent,
        store,
        hooks: crashAt((b) => b.kind === 'action-start' && b.exec.seq === 1),
      }),
      CrashSignal,
    );
    const outputs: unknown[] = [];
    const result = await runAttempt(inputs, {
      agent,
      store,
      kind: 'recover',
      hooks: { output: (o) => outputs.push(o) },
    });
    assert.deepEqual(result.outputs, [
      { key: 'k', seq: 0, output: 1, replayed: true },
      { key: 'k', seq: 1, output: 3, replayed: false },
    ]);
    assert.deepEqual(outputs, result.outputs);
    assert.equal(result.attempt, 2);
    assert.equal(runs.calls.length, 2);
    assert.deepEqual(add.calls, [
      [0, 1],
      [1, 2],
    ]);
  });

  it('an action whose completion was not persisted runs again, its durable calls replayed and the code outside them re-run', async () => {
    const charge = counted('charge', async () => 'receipt');
    const outside = counted('outside', () => undefined);
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        outside();
        ctx.sendEvent(output(await ctx.durableExecute(charge)));
      },
    });
    const store = new MemoryStore();
    const inputs = [{ key: 'k', input: 0 }];
    await assert.rejects(
      runAttempt(inputs, { agent, store, hooks: crashAt((b) => b.kind === 'action-end') }),
      CrashSignal,
    );
    assert.equal(store.get(STATE_ID)!.completed, false);
    const result = await runAttempt(inputs, { agent, store });
    assert.deepEqual(result.outputs, [{ key: 'k', seq: 0, output: 'receipt', replayed: false }]);
    assert.equal(charge.calls.length, 1);
    assert.equal(outside.calls.length, 2);
  });

  it('completed states keep their slots (the reference empties them)', async () => {
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        await ctx.durableExecute(async function one() {
          return 1;
        });
        await ctx.durableExecute(async function two() {
          return 2;
        });
      },
    });
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store });
    const state = store.get(STATE_ID)!;
    assert.equal(state.completed, true);
    assert.deepEqual(
      state.slots.map((s) => [s.functionId, s.status]),
      [
        ['one', 'SUCCEEDED'],
        ['two', 'SUCCEEDED'],
      ],
    );
  });

  it('two triggering events with identical attributes get separate action states', async () => {
    const pong = counted('pong', async (n: number) => n * 10);
    const agent = agentOf(
      {
        name: 'fan',
        on: ['InputEvent'],
        run: async (_e, ctx) => {
          ctx.sendEvent({ type: 'Ping', attributes: { n: 1 } });
          ctx.sendEvent({ type: 'Ping', attributes: { n: 1 } });
        },
      },
      {
        name: 'reply',
        on: ['Ping'],
        run: async (event, ctx) => {
          ctx.sendEvent(
            output(await ctx.durableExecute(pong, [(event.attributes as { n: number }).n])),
          );
        },
      },
    );
    const store = new MemoryStore();
    const inputs = [{ key: 'k', input: 0 }];
    let replies = 0;
    await assert.rejects(
      runAttempt(inputs, {
        agent,
        store,
        hooks: crashAt(
          (b) => b.kind === 'action-start' && b.exec.action === 'reply' && ++replies === 2,
        ),
      }),
      CrashSignal,
    );
    const result = await runAttempt(inputs, { agent, store });
    assert.deepEqual(
      result.outputs.map((o) => [o.output, o.replayed]),
      [
        [10, true],
        [10, false],
      ],
    );
    assert.equal(pong.calls.length, 2);
    const replyStates = [...store.states()].filter((s) => s.action === 'reply');
    assert.deepEqual(
      replyStates.map((s) => [s.id, s.completed]),
      [
        [stateIdOf({ key: 'k', seq: 0, eventIndex: 1, action: 'reply' }), true],
        [stateIdOf({ key: 'k', seq: 0, eventIndex: 2, action: 'reply' }), true],
      ],
    );
  });
});

describe('keys and inputs', () => {
  it('numbers each key’s inputs from 0, per key', async () => {
    const seen: string[] = [];
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: (event, ctx) => {
        seen.push(
          `${ctx.key}#${ctx.seq}=${String((event.attributes as { input: unknown }).input)}`,
        );
      },
    });
    const store = new MemoryStore();
    await runAttempt(
      [
        { key: 'a', input: 'a0' },
        { key: 'b', input: 'b0' },
        { key: 'a', input: 'a1' },
      ],
      { agent, store },
    );
    assert.deepEqual(seen.sort(), ['a#0=a0', 'a#1=a1', 'b#0=b0']);
    assert.deepEqual([...store.states()].map((s) => s.id).sort(), [
      'a#0/0/act',
      'a#1/0/act',
      'b#0/0/act',
    ]);
  });

  it('keys are independent: a failed input stops later inputs of its key only', async () => {
    const seen: string[] = [];
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: (event, ctx) => {
        const input = (event.attributes as { input: string }).input;
        seen.push(input);
        if (input === 'boom') throw new Error('bad input');
        ctx.sendEvent(output(input));
      },
    });
    const result = await runAttempt(
      [
        { key: 'bad', input: 'boom' },
        { key: 'good', input: 'g0' },
        { key: 'bad', input: 'never' },
        { key: 'good', input: 'g1' },
      ],
      { agent, store: new MemoryStore() },
    );
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      ['g0', 'g1'],
    );
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0].key, 'bad');
    assert.equal(result.failures[0].stateId, 'bad#0/0/act');
    assert.ok(!seen.includes('never'));
  });

  it('an attempt stopped by a hook error for one key settles only once the other keys have stopped', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const log: string[] = [];
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        if (ctx.key !== 'slow') return;
        await ctx.durableExecute(async function wait() {
          await gate;
        });
        log.push('slow key done');
      },
    });
    const hooks: RuntimeHooks = {
      boundary(b) {
        if (b.kind === 'action-start' && b.exec.key === 'doomed')
          throw new CrashSignal('hook failed');
      },
    };
    let settled = false;
    const attempt = runAttempt(
      [
        { key: 'slow', input: 0 },
        { key: 'doomed', input: 0 },
      ],
      { agent, store: new MemoryStore(), hooks },
    ).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    open();
    await assert.rejects(attempt, CrashSignal);
    assert.deepEqual(log, ['slow key done']);
  });

  it('refuses inputs that are not an array of { key, input } with a key string', () => {
    assert.throws(() => validateInputs({}), /inputs must be an array/);
    assert.throws(() => validateInputs([1]), /inputs\[0\] must be an object/);
    assert.throws(
      () => validateInputs([{ key: '' }]),
      /inputs\[0\]\.key must be a non-empty string/,
    );
    assert.throws(() => validateInputs([{ key: 'k' }, { input: 1 }]), /inputs\[1\]\.key/);
    const ok: AgentInput[] = [{ key: 'k', input: undefined }];
    assert.equal(validateInputs(ok), ok);
  });
});

describe('event dispatch', () => {
  it('runs every action listening to an event in definition order, chains custom events, and never dispatches OutputEvent', async () => {
    const order: string[] = [];
    const agent = agentOf(
      {
        name: 'first',
        on: ['InputEvent'],
        run: (_e, ctx) => {
          order.push('first');
          ctx.sendEvent({ type: 'Next', attributes: {} });
          ctx.sendEvent(output('from first'));
        },
      },
      { name: 'second', on: ['InputEvent'], run: () => void order.push('second') },
      { name: 'third', on: ['Next'], run: () => void order.push('third') },
    );
    const result = await runAttempt([{ key: 'k', input: 0 }], { agent, store: new MemoryStore() });
    assert.deepEqual(order, ['first', 'second', 'third']);
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      ['from first'],
    );
  });

  it('passes boundaries in order: action-start, calls, action-end, action-completed; a reused action only start and completed', async () => {
    const seen: string[] = [];
    const hooks: RuntimeHooks = {
      boundary: (b) =>
        void seen.push(
          b.kind === 'call'
            ? `call:${b.phase}`
            : `${b.kind}${'reused' in b && b.reused ? ' (reused)' : ''}`,
        ),
    };
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        await ctx.durableExecute(async function one() {});
      },
    });
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks });
    assert.deepEqual(seen, [
      'action-start',
      'call:planned',
      'call:returned',
      'call:outcome-persisted',
      'action-end',
      'action-completed',
    ]);
    seen.length = 0;
    await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks });
    assert.deepEqual(seen, ['action-start (reused)', 'action-completed (reused)']);
  });

  it('keeps a timeline: attempts with their kind, actions completed, reused or failed, and the end', async () => {
    let fail = true;
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: (event) => {
        if (fail && (event.attributes as { key: string }).key === 'b') throw new Error('nope');
      },
    });
    const store = new MemoryStore();
    const inputs = [
      { key: 'a', input: 0 },
      { key: 'b', input: 0 },
    ];
    await runAttempt(inputs, { agent, store });
    fail = false;
    await runAttempt(inputs, { agent, store, kind: 'recover' });
    // Keys run side by side, so the order of action records between keys is not pinned.
    const attempts = store
      .timeline()
      .flatMap((r) =>
        r.op === 'attempt'
          ? [`${r.attempt}:${r.kind}`]
          : r.op === 'end'
            ? [`${r.attempt}:${r.outcome}`]
            : [],
      );
    assert.deepEqual(attempts, ['1:run', '1:failed', '2:recover', '2:done']);
    const actions = store
      .timeline()
      .flatMap((r) => (r.op === 'action' ? [`${r.attempt}:${r.id}:${r.outcome}`] : []));
    assert.deepEqual(actions.sort(), [
      '1:a#0/0/act:completed',
      '1:b#0/0/act:failed',
      '2:a#0/0/act:reused',
      '2:b#0/0/act:completed',
    ]);
    const failure = store.timeline().find((r) => r.op === 'action' && r.outcome === 'failed');
    assert.equal(failure?.op === 'action' && failure.error, 'Error: nope');
  });
});

describe('recovery from a crashed attempt (the reference operator tests)', () => {
  // The input the seeded states were made for (see seed).
  const inputs = [{ key: 'k', input: 1 }];

  function reconcilingAgent(call: () => Promise<number>, check: () => number) {
    return agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        try {
          ctx.sendEvent(
            output(await ctx.durableExecute(call, [], { id: 'pay', reconciler: check })),
          );
        } catch (error) {
          ctx.sendEvent(output(`ERROR:${(error as Error).message}`));
        }
      },
    });
  }

  it('a seeded PENDING slot is reconciled: output 42, the call never runs, the reconciler once, the state completed', async () => {
    const store = new MemoryStore();
    seed(store, [pending('pay', [])]);
    const call = counted('call', async () => 0);
    const check = counted('check', () => 42);
    const result = await runAttempt(inputs, { agent: reconcilingAgent(call, check), store });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      [42],
    );
    assert.equal(call.calls.length, 0);
    assert.equal(check.calls.length, 1);
    assert.equal(store.get(STATE_ID)!.completed, true);
  });

  it('a seeded PENDING slot whose reconciler throws gives the action the error: output "ERROR:reconcile unavailable"', async () => {
    const store = new MemoryStore();
    seed(store, [pending('pay', [])]);
    const check = () => {
      throw new ProviderDown('reconcile unavailable');
    };
    const result = await runAttempt(inputs, {
      agent: reconcilingAgent(async () => 0, check),
      store,
    });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      ['ERROR:reconcile unavailable'],
    );
  });

  it('a seeded PENDING slot of another call id is a mismatch: the real call runs once, output 20', async () => {
    const store = new MemoryStore();
    seed(store, [pending('stale', [])]);
    const call = counted('call', async () => 20);
    const check = counted('check', () => -1);
    const result = await runAttempt(inputs, { agent: reconcilingAgent(call, check), store });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      [20],
    );
    assert.equal(call.calls.length, 1);
    assert.equal(check.calls.length, 0);
  });

  it('a mixed recovery replays slot 0 (SUCCEEDED 11) and reconciles slot 1 (PENDING, 50): output 61, nothing re-run', async () => {
    const store = new MemoryStore();
    seed(store, [succeeded('first', [], 11), pending('second', [])]);
    const first = counted('first', async () => 1);
    const second = counted('second', async () => 2);
    const check = counted('check', () => 50);
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        const a = await ctx.durableExecute(first);
        const b = await ctx.durableExecute(second, [], { reconciler: check });
        ctx.sendEvent(output(a + b));
      },
    });
    const result = await runAttempt(inputs, { agent, store });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      [61],
    );
    assert.equal(first.calls.length + second.calls.length, 0);
    assert.equal(check.calls.length, 1);
  });

  it('an uncaught durable failure fails the action; recovery re-raises the cached failure with class and message without running the call', async () => {
    const charge = counted('charge', async () => {
      throw new ProviderDown('card expired');
    });
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        await ctx.durableExecute(charge);
      },
    });
    const store = new MemoryStore();
    const first = await runAttempt(inputs, { agent, store });
    assert.equal(first.failures.length, 1);
    assert.ok(first.failures[0].error instanceof ProviderDown);
    assert.equal(store.get(STATE_ID)!.completed, false);
    assert.deepEqual(store.get(STATE_ID)!.slots, [failed('charge', [], first.failures[0].error)]);
    const second = await runAttempt(inputs, { agent, store, kind: 'recover' });
    const error = second.failures[0]?.error as Error;
    assert.ok(error instanceof ProviderDown);
    assert.equal(error.message, 'card expired');
    assert.equal(charge.calls.length, 1);
  });

  it('a caught durable failure is replayed into the same catch block on recovery', async () => {
    const charge = counted('charge', async () => {
      throw new ProviderDown('declined');
    });
    const agent = agentOf({
      name: 'act',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        try {
          await ctx.durableExecute(charge);
        } catch (error) {
          ctx.sendEvent(
            output(error instanceof ProviderDown ? `caught ${error.message}` : 'wrong class'),
          );
        }
        await ctx.durableExecute(async function after() {});
      },
    });
    const store = new MemoryStore();
    await assert.rejects(
      runAttempt(inputs, {
        agent,
        store,
        hooks: crashAt((b) => b.kind === 'call' && b.call.functionId === 'after'),
      }),
      CrashSignal,
    );
    const result = await runAttempt(inputs, { agent, store });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      ['caught declined'],
    );
    assert.equal(charge.calls.length, 1);
  });
});
