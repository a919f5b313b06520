// Unit tests of an action that returns while one of its durable calls is still in flight (a
// forgotten `await`): the action waits for the call, whose outcome is persisted before the
// action's completion, and a warning names the call and the user's line. A recovery then reuses
// the completed action: the call is not lost and does not run twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceLocation } from './boundaries';
import { runAttempt } from './agentRunner';
import type { StateMutation } from './actionState';
import { MemoryStore } from './stateStore';
import { agentOf, counted, output } from '../../test/support/runtime';

const SITE: SourceLocation = { file: '/agents/shop.ts', line: 12, column: 9 };

/** Hooks that record warnings and persists, and "capture" every call at SITE (lazily). */
function watching() {
  const warnings: string[] = [];
  const persisted: string[] = [];
  return {
    warnings,
    persisted,
    hooks: {
      warning: (message: string) => warnings.push(message),
      persisted: (m: StateMutation) =>
        persisted.push(m.op === 'slot' ? `slot ${m.slot.functionId} ${m.slot.status}` : m.op),
      traceCallSite: () => () => SITE,
    },
  };
}

/** A charge that finishes a few turns of the event loop after it starts. */
function slowCharge(fail = false) {
  return counted('charge', async (amount: number) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw new RangeError(`declined ${amount}`);
    return `charged ${amount}`;
  });
}

describe('an action that returns while a durable call is in flight', () => {
  it('waits for the call: its outcome is persisted before the action completes, and a warning names the call and its line', async () => {
    const charge = slowCharge();
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        void ctx.durableExecute(charge, [5], { reconciler: () => 'reconciled' });
        ctx.sendEvent(output('sent'));
      },
    });
    const store = new MemoryStore();
    const w = watching();
    const result = await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks: w.hooks });
    assert.deepEqual(w.persisted, [
      'init',
      'slot charge PENDING',
      'slot charge SUCCEEDED',
      'complete',
    ]);
    assert.equal(result.failures.length, 0);
    assert.equal(w.warnings.length, 1);
    assert.match(
      w.warnings[0],
      /^action "checkout" \(k#0\/0\/checkout\) returned while its durable call charge at \/agents\/shop\.ts:12:9 was still in flight \(a missing "await"\?\): the action waited for it before completing, and its outcome \(SUCCEEDED\) was persisted/,
    );
  });

  it('a recovery reuses the completed action: the call is neither lost nor run again', async () => {
    const charge = slowCharge();
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        void ctx.durableExecute(charge, [5]);
        ctx.sendEvent(output('sent'));
      },
    });
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store });
    const again = await runAttempt([{ key: 'k', input: 0 }], { agent, store, kind: 'recover' });
    assert.deepEqual(
      again.outputs.map((o) => [o.output, o.replayed]),
      [['sent', true]],
    );
    assert.equal(charge.calls.length, 1);
    assert.equal(store.get('k#0/0/checkout')!.slots[0].status, 'SUCCEEDED');
  });

  it('a call that fails unawaited: its failure is persisted and the warning says so (it was silent before)', async () => {
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        void ctx.durableExecute(slowCharge(true), [5]);
      },
    });
    const store = new MemoryStore();
    const w = watching();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks: w.hooks });
    assert.deepEqual(w.persisted, ['init', 'slot charge FAILED', 'complete']);
    assert.match(
      w.warnings[0],
      /it failed \(RangeError: declined 5\), and that failure was persisted/,
    );
  });

  it('calls made while it waits (a then-chain of an unawaited call) are waited for too', async () => {
    const charge = slowCharge();
    const mail = counted('mail', async () => 'mailed');
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        void ctx.durableExecute(charge, [5]).then(() => ctx.durableExecute(mail));
      },
    });
    const store = new MemoryStore();
    const w = watching();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks: w.hooks });
    assert.deepEqual(w.persisted, [
      'init',
      'slot charge SUCCEEDED',
      'slot mail SUCCEEDED',
      'complete',
    ]);
    assert.equal(w.warnings.length, 2);
  });

  it('an action that throws waits for its calls in flight too, before it fails', async () => {
    const charge = slowCharge();
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        void ctx.durableExecute(charge, [5]);
        throw new Error('validation failed');
      },
    });
    const store = new MemoryStore();
    const w = watching();
    const result = await runAttempt([{ key: 'k', input: 0 }], { agent, store, hooks: w.hooks });
    assert.deepEqual(w.persisted, ['init', 'slot charge SUCCEEDED']);
    assert.equal(result.failures[0].stateId, 'k#0/0/checkout');
  });

  it('an awaited call gives no warning', async () => {
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        ctx.sendEvent(output(await ctx.durableExecute(slowCharge(), [5])));
      },
    });
    const w = watching();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store: new MemoryStore(), hooks: w.hooks });
    assert.deepEqual(w.warnings, []);
  });

  it('a durableExecuteAsync never awaited does not run, and a warning says so', async () => {
    const charge = slowCharge();
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        ctx.durableExecuteAsync(charge, [5]);
      },
    });
    const w = watching();
    await runAttempt([{ key: 'k', input: 0 }], { agent, store: new MemoryStore(), hooks: w.hooks });
    assert.deepEqual(w.persisted, ['init', 'complete']);
    assert.equal(charge.calls.length, 0);
    assert.match(
      w.warnings[0],
      /returned without awaiting durableExecuteAsync\(charge\) at \/agents\/shop\.ts:12:9: it did not run and nothing was recorded/,
    );
  });

  it('ctx used after the action completed is refused with a clear error, not lost silently', async () => {
    let late: Promise<unknown> | undefined;
    const errors: string[] = [];
    const agent = agentOf({
      name: 'checkout',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        late = new Promise((resolve) =>
          setTimeout(() => {
            for (const use of [
              () => ctx.sendEvent(output('late')),
              () => ctx.memory.set('late', 1),
            ]) {
              try {
                use();
              } catch (error) {
                errors.push((error as Error).message);
              }
            }
            resolve(
              ctx.durableExecute(slowCharge(), [1]).catch((e: Error) => errors.push(e.message)),
            );
          }, 20),
        );
      },
    });
    const store = new MemoryStore();
    const result = await runAttempt([{ key: 'k', input: 0 }], { agent, store });
    await late;
    assert.deepEqual(result.outputs, []);
    assert.equal(errors.length, 3);
    for (const message of errors)
      assert.match(message, /was used after action "checkout" \(k#0\/0\/checkout\) had finished/);
    assert.equal(store.get('k#0/0/checkout')!.slots.length, 0);
  });
});
