// Unit tests of action-state identity: a state is used only for the event (and action) it was
// made for. Changed inputs are refused before anything runs; an agent whose actions or events
// changed between attempts never gets another event's outcomes, and its moved events find their
// own states again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionDefinition } from './agent';
import { runAttempt, type AgentInput } from './agentRunner';
import { InputsChangedError } from './errors';
import { MemoryStore, type StateStore } from './stateStore';
import {
  CrashSignal,
  agentOf,
  counted,
  crashAt,
  output,
  recordingHooks,
} from '../../test/support/runtime';

/** An agent whose one action charges its input with a reconciler and outputs the receipt. */
function charging() {
  const charges: unknown[] = [];
  const charge = async (amount: unknown) => {
    charges.push(amount);
    return `charged ${String(amount)}`;
  };
  const agent = agentOf({
    name: 'checkout',
    on: ['InputEvent'],
    run: async (event, ctx) => {
      const amount = (event.attributes as { input: unknown }).input;
      const receipt = await ctx.durableExecute(charge, [amount], {
        reconciler: () => `reconciled ${String(amount)}`,
      });
      ctx.sendEvent(output(receipt));
    },
  });
  return { agent, charges };
}

async function refused(
  store: StateStore,
  inputs: AgentInput[],
  agent: ReturnType<typeof charging>['agent'],
): Promise<InputsChangedError> {
  const timeline = store.timeline().length;
  const persists = store.persistCount;
  let caught: unknown;
  await runAttempt(inputs, { agent, store, kind: 'recover' }).catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof InputsChangedError, `expected InputsChangedError, got ${caught}`);
  assert.equal(store.timeline().length, timeline, 'a refused attempt notes nothing');
  assert.equal(store.persistCount, persists, 'a refused attempt persists nothing');
  return caught;
}

describe('changed inputs are refused before anything runs', () => {
  it('another input where a completed action stands: refused, naming the key, the position, was and now, and what to do', async () => {
    const { agent, charges } = charging();
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: 1 }], { agent, store });
    const error = await refused(store, [{ key: 'k', input: 5 }], agent);
    assert.equal(error.key, 'k');
    assert.equal(error.seq, 0);
    assert.match(error.message, /input 1 of key "k" \(seq 0\) was 1 and is now 5/);
    assert.match(error.message, /--fresh/);
    assert.match(error.message, /another state folder/);
    assert.deepEqual(charges, [1]);
  });

  it('an input put before the recorded ones is refused (it would shift every later input onto another’s state)', async () => {
    const { agent, charges } = charging();
    const store = new MemoryStore();
    await runAttempt(
      [
        { key: 'k', input: 1 },
        { key: 'k', input: 2 },
      ],
      { agent, store },
    );
    const error = await refused(
      store,
      [0, 1, 2].map((input) => ({ key: 'k', input })),
      agent,
    );
    assert.match(error.message, /input 1 of key "k" \(seq 0\) was 1 and is now 0/);
    assert.deepEqual(charges, [1, 2]);
  });

  it('the same values with their keys in another order are refused, and the message says so', async () => {
    const { agent } = charging();
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: { id: 1, cents: 5 } }], { agent, store });
    const error = await refused(store, [{ key: 'k', input: { cents: 5, id: 1 } }], agent);
    assert.match(error.message, /keys in another order/);
  });

  it('a changed input of an action that crashed before completing is refused too', async () => {
    const { agent, charges } = charging();
    const store = new MemoryStore();
    await assert.rejects(
      runAttempt([{ key: 'k', input: 1 }], {
        agent,
        store,
        hooks: crashAt((b) => b.kind === 'action-end'),
      }),
      CrashSignal,
    );
    await refused(store, [{ key: 'k', input: 2 }], agent);
    assert.deepEqual(charges, [1]);
  });

  it('inputs added after a key’s last one, and new keys, run; the recorded ones are reused', async () => {
    const { agent, charges } = charging();
    const store = new MemoryStore();
    await runAttempt([{ key: 'k', input: 1 }], { agent, store });
    const result = await runAttempt(
      [
        { key: 'k', input: 1 },
        { key: 'j', input: 7 },
        { key: 'k', input: 2 },
      ],
      { agent, store },
    );
    assert.deepEqual(
      result.outputs
        .map((o) => `${o.key}#${o.seq} ${String(o.output)} replayed=${o.replayed}`)
        .sort(),
      [
        'j#0 charged 7 replayed=false',
        'k#0 charged 1 replayed=true',
        'k#1 charged 2 replayed=false',
      ],
    );
    assert.deepEqual(charges, [1, 7, 2]);
  });

  it('fewer inputs than recorded run as asked (the ones left out are not run)', async () => {
    const { agent, charges } = charging();
    const store = new MemoryStore();
    const two = [1, 2].map((input) => ({ key: 'k', input }));
    await runAttempt(two, { agent, store });
    const result = await runAttempt([{ key: 'k', input: 1 }], { agent, store });
    assert.deepEqual(
      result.outputs.map((o) => o.output),
      ['charged 1'],
    );
    assert.deepEqual(charges, [1, 2]);
  });
});

/** Two jobs fanned out from one input; `work` charges each job once, with a reconciler. */
function jobsAgent(order: 'ab' | 'ba') {
  const ledger: string[] = [];
  const works: string[] = [];
  const emit = (job: string): ActionDefinition => ({
    name: `emit-${job}`,
    on: ['InputEvent'],
    run: (_e, ctx) => ctx.sendEvent({ type: 'Job', attributes: { job } }),
  });
  const charge = async (job: string) => {
    ledger.push(job);
    return `paid ${job}`;
  };
  const emitters = order === 'ab' ? [emit('a'), emit('b')] : [emit('b'), emit('a')];
  const agent = agentOf(...emitters, {
    name: 'work',
    on: ['Job'],
    run: async (event, ctx) => {
      const { job } = event.attributes as { job: string };
      works.push(job);
      const paid = await ctx.durableExecute(charge, [job], {
        reconciler: () => (ledger.includes(job) ? `paid ${job}` : charge(job)),
      });
      ctx.sendEvent(output(paid));
    },
  });
  return { agent, ledger, works };
}

describe('an agent whose actions were reordered between a crash and its recovery', () => {
  it('gives each job its own state back: every job paid once, each output its own', async () => {
    const store = new MemoryStore();
    const inputs = [{ key: 'k', input: 0 }];
    const first = jobsAgent('ab');
    // Job a completes; job b dies with its charge in flight (PENDING persisted).
    await assert.rejects(
      runAttempt(inputs, {
        agent: first.agent,
        store,
        hooks: crashAt(
          (b) =>
            b.kind === 'call' &&
            b.phase === 'pending-persisted' &&
            b.exec.event.attributes.job === 'b',
        ),
      }),
      CrashSignal,
    );
    assert.deepEqual(first.ledger, ['a']);
    const second = jobsAgent('ba');
    second.ledger.push(...first.ledger);
    const warnings = recordingHooks();
    const result = await runAttempt(inputs, { agent: second.agent, store, hooks: warnings });
    assert.deepEqual(
      result.outputs.map((o) => `${String(o.output)} replayed=${o.replayed}`).sort(),
      ['paid a replayed=true', 'paid b replayed=false'],
    );
    // b's PENDING charge went to its reconciler, which found it; a was not run again.
    assert.deepEqual(second.ledger, ['a', 'b']);
    assert.deepEqual(second.works, ['b']);
    assert.equal(result.failures.length, 0);
  });
});

describe('an event that comes at a position where another event’s state stands', () => {
  /** v1: `route` sends Notify ann. v2 adds `greet` before it, which sends Notify bob first. */
  function notifier(version: 1 | 2, withCall: boolean) {
    const sent: string[] = [];
    const notify = counted('notify', async (to: string) => `notified ${to}`);
    const sender = (name: string, to: string): ActionDefinition => ({
      name,
      on: ['InputEvent'],
      run: (_e, ctx) => ctx.sendEvent({ type: 'Notify', attributes: { to } }),
    });
    const senders =
      version === 1 ? [sender('route', 'ann')] : [sender('greet', 'bob'), sender('route', 'ann')];
    const agent = agentOf(...senders, {
      name: 'notify',
      on: ['Notify'],
      run: async (event, ctx) => {
        const { to } = event.attributes as { to: string };
        sent.push(to);
        ctx.sendEvent(output(withCall ? await ctx.durableExecute(notify, [to]) : `plain ${to}`));
      },
    });
    return { agent, sent, notify };
  }
  const inputs = [{ key: 'k', input: 0 }];

  it('never gets that state: one that holds calls is kept for its own event, which finds it, and the new event gets a state of its own', async () => {
    const store = new MemoryStore();
    await runAttempt(inputs, { agent: notifier(1, true).agent, store });
    const v2 = notifier(2, true);
    const hooks = recordingHooks();
    const result = await runAttempt(inputs, { agent: v2.agent, store, hooks });
    assert.deepEqual(
      result.outputs.map((o) => [o.output, o.replayed]),
      [
        ['notified bob', false],
        ['notified ann', true],
      ],
    );
    assert.deepEqual(v2.sent, ['bob']);
    assert.equal(v2.notify.calls.length, 1);
    assert.equal(hooks.warnings.length, 1);
    assert.match(
      hooks.warnings[0],
      /action state k#0\/1\/notify was made for another event .*\(was Notify \{"to":"ann"\}, now Notify \{"to":"bob"\}\).*holds 1 durable call.*new action state k#0\/2\/notify/,
    );
    // The next attempt finds both states again, each for its own event: nothing runs.
    const third = notifier(2, true);
    const again = await runAttempt(inputs, { agent: third.agent, store });
    assert.deepEqual(
      again.outputs.map((o) => [o.output, o.replayed]),
      [
        ['notified bob', true],
        ['notified ann', true],
      ],
    );
    assert.deepEqual(third.sent, []);
  });

  it('one that holds no durable call starts afresh for the new event, with a warning', async () => {
    const store = new MemoryStore();
    await runAttempt(inputs, { agent: notifier(1, false).agent, store });
    const hooks = recordingHooks();
    const v2 = notifier(2, false);
    const result = await runAttempt(inputs, { agent: v2.agent, store, hooks });
    assert.deepEqual(
      result.outputs.map((o) => [o.output, o.replayed]),
      [
        ['plain bob', false],
        ['plain ann', false],
      ],
    );
    assert.match(hooks.warnings[0], /holds no durable call, so it starts afresh/);
    assert.deepEqual(store.get('k#0/1/notify')!.event.json, {
      type: 'Notify',
      attributes: { to: 'bob' },
    });
  });
});
