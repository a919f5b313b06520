// Tests of the timeline in the journal: replayed calls written as runs, in order with the persists
// around them, and read back as every call.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { runAttempt } from './agentRunner';
import type { RuntimeHooks } from './boundaries';
import { replayReason } from './callPlan';
import { attemptViews } from './inspect';
import { JournalStore } from './journalStore';
import {
  callNote,
  init,
  journalOf,
  newDir,
  recordsOf,
  replays,
  slot0done,
  slot1,
  writeJournal,
  shopAgent,
} from '../../test/support/journal';

describe('JournalStore timeline', () => {
  it('writes replayed calls as ranges, in order with the persists and other notes around them', () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    for (const m of [init, slot0done, slot1]) store.persist(m);
    store.note(callNote(0, 'replay'));
    store.note(callNote(1, 'replay'));
    store.persist({ ...slot1, index: 2 });
    store.note(callNote(2, 'replay'));
    store.note({ op: 'crash', attempt: 1, point: 'before-call' });
    // The crash note is written at once, and brings the replayed calls noted before it.
    assert.deepEqual(recordsOf(journalOf(dir)), [
      'init',
      'slot',
      'slot',
      'replays 0-1',
      'slot',
      'replays 2-2',
      'crash',
    ]);
    store.close();
    // Read back, the two parts of the range are one again.
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.timeline(), [
      replays(0, [['f', 3]]),
      { op: 'crash', attempt: 1, point: 'before-call' },
    ]);
    again.close();
  });

  it('writes the note of a call that ran at once, as it goes with a persist', () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.persist(init);
    store.note(callNote(0, 'execute'));
    assert.deepEqual(recordsOf(journalOf(dir)), ['init', 'call']);
    store.close();
  });

  it('writes held-back replayed calls as soon as the event loop turns, and at close', async () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    for (const m of [init, slot0done, slot1]) store.persist(m);
    store.note(callNote(0, 'replay'));
    assert.deepEqual(recordsOf(journalOf(dir)), ['init', 'slot', 'slot']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(recordsOf(journalOf(dir)), ['init', 'slot', 'slot', 'replays 0-0']);
    store.note(callNote(1, 'replay'));
    store.close();
    assert.deepEqual(recordsOf(journalOf(dir)).slice(3), ['replays 0-0', 'replays 1-1']);
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.timeline(), [replays(0, [['f', 2]])]);
    again.close();
  });

  it('a recovery that replays 10k calls adds a few records to the journal, and they read back as every call', async () => {
    const calls = 10_000;
    const agent = shopAgent(async (_e, ctx) => {
      for (let i = 0; i < calls; i++)
        await ctx.durableExecute(i % 2 ? async function even() {} : async function odd() {});
    });
    const dieBeforeComplete: RuntimeHooks = {
      boundary(b) {
        if (b.kind === 'action-end') throw new Error('killed before the completion');
      },
    };
    const dir = newDir();
    const inputs = [{ key: 'k', input: 1 }];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const store = JournalStore.open(dir, { agent: 'shop' });
      await assert.rejects(runAttempt(inputs, { agent, store, hooks: dieBeforeComplete }));
      store.close();
    }
    const records = recordsOf(journalOf(dir));
    // Attempt 1 ran each call (a pending and an outcome persist, and a note); attempts 2 and 3
    // replayed them all, in ranges of at most 4096 calls.
    const replayRecords = records.filter((r) => r.startsWith('replays'));
    assert.ok(
      replayRecords.length >= 4 && replayRecords.length <= 6,
      `expected 2 × 3 range records, got ${replayRecords.length}`,
    );
    assert.equal(records.filter((r) => r === 'call').length, calls);
    const store = JournalStore.open(dir, { agent: 'shop' });
    const attempts = attemptViews(store.timeline());
    store.close();
    // Every attempt's calls are one run of 10k alike calls, whose function ids alternate.
    const alternating = Array.from({ length: calls }, (_, i): [string, number] => [
      i % 2 ? 'even' : 'odd',
      1,
    ]);
    assert.deepEqual(
      attempts.map((a) => a.calls.map((c) => [c.index, c.count, c.path, c.reason])),
      [
        [[0, calls, 'execute', 'no slot at this position yet: the call runs']],
        [[0, calls, 'replay', replayReason('SUCCEEDED')]],
        [[0, calls, 'replay', replayReason('SUCCEEDED')]],
      ],
    );
    for (const a of attempts) assert.deepEqual(a.calls[0].functions, alternating);
  });

  it('reads a journal with a note per replayed call (as written before ranges) as ranges', () => {
    const dir = writeJournal();
    fs.appendFileSync(
      journalOf(dir),
      [callNote(0, 'replay'), callNote(1, 'replay')].map((r) => JSON.stringify(r) + '\n').join(''),
    );
    const store = JournalStore.open(dir, { readOnly: true });
    assert.deepEqual(store.timeline().at(-1), replays(0, [['f', 2]]));
    store.close();
  });
});
