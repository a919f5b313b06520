// Unit tests of the boundaries a durable call reports to its hooks, and the persists it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from './stateStore';
import {
  digestOf,
  execution,
  recordingHooks,
  seed,
  slotsOf,
  succeeded,
} from '../../test/support/runtime';
import { callNotes } from './timelineLog';

// A crash is simulated by seeding the store with what the crashed attempt would have left.

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
