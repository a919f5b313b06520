// Tests of the journal file store over real temp folders: what persists and reads back, and the
// fresh and read-only opens. Damaged files: journalDamage.test.ts; the timeline: journalTimeline.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runAttempt } from './agentRunner';
import { encode } from './codec';
import { StateFileError } from './errors';
import { JOURNAL_FILE, JOURNAL_FORMAT, JOURNAL_VERSION, JournalStore } from './journalStore';
import {
  init,
  journalOf,
  lines,
  newDir,
  rejectsOpen,
  slot0,
  slot0done,
  slot1,
  writeJournal,
  shopAgent,
} from '../../test/support/journal';
import { STATE_ID, counted, pending } from '../../test/support/runtime';

describe('JournalStore round trip', () => {
  it('a reopened journal has the same states and timeline', () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.note({ op: 'attempt', attempt: 1, kind: 'run', at: '2026-01-01T00:00:00.000Z' });
    for (const m of [init, slot0, slot0done, slot1]) store.persist(m);
    store.persist({
      op: 'complete',
      id: STATE_ID,
      outputEvents: [encode({ type: 'OutputEvent', attributes: { output: 1n } })],
      memoryUpdates: [{ path: 'p', value: encode(new Map([[1, 2]])) }],
    });
    store.note({ op: 'end', attempt: 1, outcome: 'done' });
    const states = structuredClone([...store.states()]);
    const timeline = structuredClone(store.timeline());
    store.close();
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(
      JSON.parse(JSON.stringify([...again.states()])),
      JSON.parse(JSON.stringify(states)),
    );
    assert.deepEqual(again.timeline(), timeline);
    assert.deepEqual(again.warnings, []);
    assert.equal(again.persistCount, 0);
    again.close();
  });

  it('creates the state folder and a journal whose first line is its header', () => {
    const dir = path.join(newDir(), 'nested', 'deeper');
    JournalStore.open(dir, { agent: 'shop' }).close();
    const header = JSON.parse(lines(journalOf(dir))[0]);
    assert.equal(header.format, JOURNAL_FORMAT);
    assert.equal(header.version, JOURNAL_VERSION);
    assert.equal(header.agent, 'shop');
  });

  it('each persist is on disk, as a complete line, before persist() returns', () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    for (const m of [init, slot0, slot0done]) {
      store.persist(m);
      const text = fs.readFileSync(journalOf(dir), 'utf8');
      assert.ok(text.endsWith('\n'));
      assert.deepEqual(
        JSON.parse(text.trimEnd().split('\n').at(-1)!),
        JSON.parse(JSON.stringify(m)),
      );
    }
    assert.equal(store.persistCount, 3);
    store.close();
  });

  it('refuses a mutation the state cannot take before writing it, so the journal stays readable', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir, { agent: 'shop' });
    const before = fs.readFileSync(journalOf(dir));
    assert.throws(
      () => store.persist({ op: 'slot', id: STATE_ID, index: 9, slot: pending('x', []) }),
      /out of range/,
    );
    assert.throws(
      () => store.persist({ op: 'truncate', id: 'nobody', from: 0 }),
      /never initialised/,
    );
    assert.deepEqual(fs.readFileSync(journalOf(dir)), before);
    assert.equal(store.persistCount, 0);
    store.close();
    JournalStore.open(dir, { agent: 'shop' }).close();
  });

  it('a temp file left by a crash while creating the journal does not block creating it', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, `.${JOURNAL_FILE}.${process.pid}.tmp`),
      '{"format":"durable-run-jou',
    );
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.persist(init);
    store.close();
    assert.deepEqual(fs.readdirSync(dir), [JOURNAL_FILE]);
  });

  it('timeline notes survive a reopen without counting as persists', () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.note({
      op: 'crash',
      attempt: 1,
      point: 'before-outcome',
      id: STATE_ID,
      index: 0,
      functionId: 'charge',
    });
    assert.equal(store.persistCount, 0);
    store.close();
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.timeline(), [
      {
        op: 'crash',
        attempt: 1,
        point: 'before-outcome',
        id: STATE_ID,
        index: 0,
        functionId: 'charge',
      },
    ]);
    again.close();
  });

  it('an action whose completion is over 64 MiB fails, saying so, and is not marked completed', async () => {
    const agent = shopAgent(async (_e, ctx) => {
      ctx.sendEvent({
        type: 'OutputEvent',
        attributes: { output: 'x'.repeat(65 * 2 ** 20) },
      });
    });
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    const result = await runAttempt([{ key: 'k', input: 1 }], { agent, store });
    store.close();
    assert.equal(result.failures.length, 1);
    const error = result.failures[0].error as Error;
    assert.equal(error.name, 'PayloadTooLargeError');
    assert.match(
      error.message,
      /^the completion of k#0\/0\/act \(its output events and memory updates\) encodes to 65\.0 MiB, over the 64\.0 MiB/,
    );
    assert.ok(fs.statSync(journalOf(dir)).size < 2 ** 16);
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.equal(again.get('k#0/0/act')?.completed, false);
    again.close();
  });

  it('replays null and undefined results as themselves after a reopen', async () => {
    const nothing = counted('nothing', async () => null as unknown);
    const absent = counted('absent', async () => undefined as unknown);
    const seen: unknown[] = [];
    const agent = shopAgent(async (_e, ctx) => {
      seen.push(await ctx.durableExecute(nothing), await ctx.durableExecute(absent));
      throw new Error('fail so that the next attempt runs the action again');
    });
    const dir = newDir();
    const inputs = [{ key: 'k', input: 0 }];
    const first = JournalStore.open(dir, { agent: 'shop' });
    await runAttempt(inputs, { agent, store: first });
    first.close();
    const second = JournalStore.open(dir, { agent: 'shop' });
    await runAttempt(inputs, { agent, store: second });
    second.close();
    assert.deepEqual(seen, [null, undefined, null, undefined]);
    assert.equal(nothing.calls.length + absent.calls.length, 2);
  });
});

describe('JournalStore fresh and read-only opens', () => {
  it('fresh removes a valid journal and starts empty', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir, { agent: 'shop', fresh: true });
    assert.deepEqual([...store.states()], []);
    assert.deepEqual(store.timeline(), []);
    assert.deepEqual(store.warnings, []);
    store.close();
    assert.deepEqual(fs.readdirSync(dir), [JOURNAL_FILE]);
    assert.equal(lines(journalOf(dir)).length, 2);
  });

  it('fresh keeps an unreadable journal aside, renamed and byte for byte, and says where', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const text = lines(file);
    text[2] = 'not json';
    fs.writeFileSync(file, text.join('\n'));
    const before = fs.readFileSync(file);
    const store = JournalStore.open(dir, { agent: 'shop', fresh: true });
    assert.deepEqual([...store.states()], []);
    const aside = fs.readdirSync(dir).filter((name) => name !== JOURNAL_FILE);
    assert.equal(aside.length, 1);
    assert.match(aside[0], /^journal\.unreadable-.*\.jsonl$/);
    assert.deepEqual(fs.readFileSync(path.join(dir, aside[0])), before);
    assert.equal(store.warnings.length, 1);
    assert.ok(store.warnings[0].includes(path.join(dir, aside[0])));
    store.persist(init);
    store.close();
    JournalStore.open(dir, { agent: 'shop' }).close();
  });

  it('fresh refuses a journal of another agent, readable as it is, and leaves it in place', () => {
    const dir = writeJournal();
    const before = fs.readFileSync(journalOf(dir));
    assert.throws(
      () => JournalStore.open(dir, { agent: 'bank', fresh: true }),
      (e: StateFileError) => e.remedy === 'own-state' && /agent "shop"/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(dir), [JOURNAL_FILE]);
    assert.deepEqual(fs.readFileSync(journalOf(dir)), before);
  });

  it('fresh keeps one copy of an unreadable journal, however often the same bytes are set aside', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const text = lines(file);
    text[2] = 'not json';
    const damaged = text.join('\n');
    const warnings: string[] = [];
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(file, damaged);
      const store = JournalStore.open(dir, { agent: 'shop', fresh: true });
      warnings.push(...store.warnings);
      store.close();
    }
    const aside = fs.readdirSync(dir).filter((name) => name.includes('unreadable'));
    assert.equal(aside.length, 1, aside.join(', '));
    assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), damaged);
    assert.match(warnings[2], /is already kept, byte for byte, as .*journal\.unreadable-/);
  });

  it('fresh over a journal with a torn last line starts a journal that reopens cleanly', () => {
    const dir = writeJournal();
    fs.appendFileSync(journalOf(dir), '{"op":"sl');
    const store = JournalStore.open(dir, { agent: 'shop', fresh: true });
    store.persist(init);
    store.persist(slot0);
    store.close();
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(again.get(STATE_ID)!.slots, [slot0.op === 'slot' && slot0.slot]);
    again.close();
  });

  it('a read-only open of a missing journal is a clear error and creates nothing', () => {
    const dir = newDir();
    rejectsOpen(dir, { readOnly: true }, (e) => {
      assert.equal(e.file, journalOf(dir));
      assert.match(e.message, /no journal at .*: nothing has run with this stateDir yet/);
    });
    assert.equal(fs.existsSync(dir), false);
  });

  it('a read-only open reads any agent’s journal, tolerates a torn line, and refuses to write', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    fs.appendFileSync(file, '{"op":"to');
    const before = fs.readFileSync(file);
    const store = JournalStore.open(dir, { agent: 'other', readOnly: true });
    assert.equal(store.get(STATE_ID)!.slots.length, 2);
    assert.equal(store.warnings.length, 1);
    assert.throws(
      () => store.persist(slot1),
      (e: unknown) => e instanceof StateFileError && /read-only/.test(e.message),
    );
    store.close();
    assert.deepEqual(fs.readFileSync(file), before);
  });
});
