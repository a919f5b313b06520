// Unit tests of payloads through a real journal and a recovery: a durable call's result, an event
// and a memory value are the same live and after the journal is reopened, or refused when they
// are made (the call fails with a persisted PayloadEncodingError; sendEvent and memory.set throw).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Agent } from './agent';
import { runAttempt, type AttemptResult } from './agentRunner';
import type { Boundary, RuntimeHooks } from './boundaries';
import { PayloadEncodingError } from './errors';
import { JournalStore } from './journalStore';
import { CrashSignal, agentOf, counted, crashAt, output } from '../../test/support/runtime';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-payloads-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/**
 * Runs the agent in a fresh state folder and crashes at the first boundary `crash` accepts; then
 * reopens the journal and recovers. Returns both attempts' results (the first one's up to the crash).
 */
async function crashAndRecover(
  agent: Agent,
  crash: (b: Boundary) => boolean,
  hooks: RuntimeHooks = {},
): Promise<{ live: unknown[]; recovered: AttemptResult }> {
  const dir = path.join(root, `state-${++dirs}`);
  const inputs = [{ key: 'k', input: 0 }];
  const live: unknown[] = [];
  const first = JournalStore.open(dir, { agent: agent.name });
  await assert.rejects(
    runAttempt(inputs, {
      agent,
      store: first,
      hooks: crashAt(crash, { ...hooks, output: (o) => live.push(o.output) }),
    }),
    CrashSignal,
  );
  first.close();
  const second = JournalStore.open(dir, { agent: agent.name });
  try {
    return {
      live,
      recovered: await runAttempt(inputs, { agent, store: second, hooks, kind: 'recover' }),
    };
  } finally {
    second.close();
  }
}

describe('a durable call’s result, live and after a recovery', () => {
  it('a Buffer result is a Buffer live and when replayed from the journal (every recovery failed before)', async () => {
    const seen: unknown[] = [];
    const render = counted('render', async () => Buffer.from('%PDF\u0000'));
    const agent = agentOf({
      name: 'invoice',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        const pdf = await ctx.durableExecute(render);
        seen.push(pdf);
        ctx.sendEvent(output(pdf.length));
      },
    });
    const { recovered } = await crashAndRecover(agent, (b) => b.kind === 'action-end');
    assert.equal(recovered.failures.length, 0);
    assert.equal(render.calls.length, 1);
    assert.equal(seen.length, 2);
    for (const pdf of seen) {
      assert.ok(Buffer.isBuffer(pdf));
      assert.equal(pdf.toString('latin1'), '%PDF\u0000');
    }
  });

  it('the result the action gets live is the persisted copy, as the replayed one is', async () => {
    const cache = { user: { name: 'ann', tags: new Set(['a']) } };
    const results: string[] = [];
    const agent = agentOf({
      name: 'profile',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        const got = await ctx.durableExecute(async function lookup() {
          return cache.user;
        });
        results.push(
          `${got === cache.user} ${got.name} ${got.tags instanceof Set} ${[...got.tags]}`,
        );
        got.name = 'changed by the action';
      },
    });
    await crashAndRecover(agent, (b) => b.kind === 'action-end');
    assert.deepEqual(results, ['false ann true a', 'false ann true a']);
    assert.equal(cache.user.name, 'ann', 'the function’s own object is not handed out');
  });

  it('a result of an unregistered class fails the call when it is made; the failure is replayed and the function not run again', async () => {
    class Session {
      token = 't';
    }
    const errors: string[] = [];
    const login = counted('login', async () => new Session());
    const agent = agentOf({
      name: 'auth',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        try {
          await ctx.durableExecute(login);
        } catch (error) {
          assert.ok(error instanceof PayloadEncodingError);
          errors.push(error.message);
        }
      },
    });
    await crashAndRecover(agent, (b) => b.kind === 'action-end');
    assert.equal(login.calls.length, 1);
    assert.equal(errors.length, 2);
    assert.equal(errors[0], errors[1]);
    assert.match(
      errors[0],
      /the result of login is an instance of Session, a class that is not registered/,
    );
  });

  it('a thrown Error subclass that is not registered warns, naming the class and registerClass', async () => {
    class CardDeclined extends Error {
      override name = 'CardDeclined';
    }
    const warnings: string[] = [];
    const agent = agentOf({
      name: 'pay',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        await ctx
          .durableExecute(async function charge() {
            throw new CardDeclined('no funds');
          })
          .catch(() => undefined);
      },
    });
    await runAttempt([{ key: 'k', input: 0 }], {
      agent,
      store: JournalStore.open(path.join(root, `state-${++dirs}`), { agent: agent.name }),
      hooks: { warning: (m) => warnings.push(m) },
    });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^charge threw CardDeclined, an Error subclass that is not registered.*registerClass\(CardDeclined\)/,
    );
  });

  it('an API payload with "constructor" and "__proto__" keys comes back as that data, nothing polluted', async () => {
    const body = '{"constructor":{"name":"Widget"},"__proto__":{"admin":true},"id":7}';
    const results: Array<Record<string, unknown>> = [];
    const agent = agentOf({
      name: 'fetch',
      on: ['InputEvent'],
      run: async (_e, ctx) => {
        results.push(
          await ctx.durableExecute(async function get() {
            return JSON.parse(body) as Record<string, unknown>;
          }),
        );
      },
    });
    await crashAndRecover(agent, (b) => b.kind === 'action-end');
    for (const r of results) {
      assert.equal(JSON.stringify(r), body);
      assert.equal(Object.getPrototypeOf(r), Object.prototype);
      assert.equal((r as { admin?: unknown }).admin, undefined);
    }
    assert.equal(({} as { admin?: unknown }).admin, undefined);
  });
});

describe('events and memory, live and after a recovery', () => {
  it('a Buffer in an event reaches the next action as a Buffer, live and when the sender is reused', async () => {
    const received: unknown[] = [];
    const agent = agentOf(
      {
        name: 'scan',
        on: ['InputEvent'],
        run: (_e, ctx) =>
          ctx.sendEvent({ type: 'Scanned', attributes: { image: Buffer.from([1, 2, 3]) } }),
      },
      {
        name: 'store',
        on: ['Scanned'],
        run: (event, ctx) => {
          received.push((event.attributes as { image: unknown }).image);
          ctx.sendEvent(output('stored'));
        },
      },
    );
    const { recovered } = await crashAndRecover(
      agent,
      (b) => b.kind === 'action-end' && b.exec.action === 'store',
    );
    assert.deepEqual(
      recovered.outputs.map((o) => o.output),
      ['stored'],
    );
    assert.equal(received.length, 2);
    for (const image of received) assert.deepEqual(image, Buffer.from([1, 2, 3]));
  });

  it('memory.set of a Buffer gives a Buffer back, live and after the action is reused', async () => {
    const got: unknown[] = [];
    const agent = agentOf(
      {
        name: 'keep',
        on: ['InputEvent'],
        run: (_e, ctx) => {
          ctx.memory.set('blob', Buffer.from('xyz'));
          ctx.sendEvent({ type: 'Kept', attributes: {} });
        },
      },
      {
        name: 'read',
        on: ['Kept'],
        run: (_e, ctx) => {
          got.push(ctx.memory.get('blob'));
        },
      },
    );
    await crashAndRecover(agent, (b) => b.kind === 'action-end' && b.exec.action === 'read');
    assert.equal(got.length, 2);
    for (const blob of got) assert.deepEqual(blob, Buffer.from('xyz'));
  });

  it('an event or memory value that would not come back equal is refused when it is made', async () => {
    class Cursor {
      at = 1;
    }
    const refusals: string[] = [];
    const agent = agentOf({
      name: 'page',
      on: ['InputEvent'],
      run: (_e, ctx) => {
        for (const make of [
          () => ctx.sendEvent({ type: 'Next', attributes: { cursor: new Cursor() } }),
          () => ctx.memory.set('cursor', new Cursor()),
        ]) {
          try {
            make();
          } catch (error) {
            assert.ok(error instanceof PayloadEncodingError);
            refusals.push(error.message);
          }
        }
      },
    });
    const result = await runAttempt([{ key: 'k', input: 0 }], {
      agent,
      store: JournalStore.open(path.join(root, `state-${++dirs}`), { agent: agent.name }),
    });
    assert.equal(result.failures.length, 0);
    assert.deepEqual(
      refusals.map((m) => m.split(' is ')[0]),
      ['the event "Next".attributes.cursor', 'the memory value at "cursor"'],
    );
  });
});
