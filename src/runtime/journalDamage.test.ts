// Tests of damaged and foreign journal files: each is tolerated and reported (a torn write) or
// refused with its file and line, and left exactly as it was.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import type { StateMutation } from './actionState';
import { JOURNAL_FILE, JOURNAL_VERSION, JournalStore } from './journalStore';
import {
  journalOf,
  lines,
  newDir,
  rejectsOpen,
  replays,
  writeJournal,
} from '../../test/support/journal';
import type { TimelineRecord } from './stateStore';
import { STATE_ID, pending, succeeded } from '../../test/support/runtime';

describe('JournalStore torn and corrupt files', () => {
  it('tolerates a torn last line, reports it in warnings, and leaves the file byte for byte unchanged', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    fs.appendFileSync(file, '{"op":"slot","id":"k#0/0/act","ind');
    const before = fs.readFileSync(file);
    const store = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(fs.readFileSync(file), before);
    assert.equal(store.warnings.length, 1);
    assert.match(
      store.warnings[0],
      new RegExp(`${JOURNAL_FILE}:${lines(file).length}: the last line is incomplete`),
    );
    assert.equal(store.get(STATE_ID)!.slots.length, 2);
    store.close();
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('after appending past a torn line, the journal reopens cleanly, again and again', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    fs.appendFileSync(file, '{"op":"slot","id":"k#0/0/act","ind');
    const first = JournalStore.open(dir, { agent: 'shop' });
    first.persist({ op: 'truncate', id: STATE_ID, from: 1 });
    first.close();
    const second = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(second.warnings, []);
    assert.equal(second.get(STATE_ID)!.slots.length, 1);
    second.persist({ op: 'slot', id: STATE_ID, index: 1, slot: pending('refund', []) });
    second.close();
    fs.appendFileSync(file, '{"op":"no');
    const third = JournalStore.open(dir, { agent: 'shop' });
    assert.equal(third.warnings.length, 1);
    third.persist({ op: 'slot', id: STATE_ID, index: 1, slot: succeeded('refund', [], 1) });
    third.close();
    const fourth = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(fourth.warnings, []);
    assert.deepEqual(
      fourth.get(STATE_ID)!.slots.map((s) => [s.functionId, s.status]),
      [
        ['charge', 'SUCCEEDED'],
        ['refund', 'SUCCEEDED'],
      ],
    );
    fourth.close();
  });

  it('a whole record whose newline was never written stays unpersisted once the next write marks it torn', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    // The write died after the record's last byte and before its newline: it never finished.
    fs.appendFileSync(file, JSON.stringify({ op: 'truncate', id: STATE_ID, from: 0 }));
    const first = JournalStore.open(dir, { agent: 'shop' });
    assert.equal(first.warnings.length, 1);
    first.note({ op: 'end', attempt: 1, outcome: 'done' });
    first.close();
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.warnings, []);
    assert.equal(again.get(STATE_ID)!.slots.length, 2);
    again.close();
  });

  it('finds torn markers among records whose payloads say "torn"', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const store = JournalStore.open(dir, { agent: 'shop' });
    const torn = (index: number): StateMutation => ({
      op: 'slot',
      id: STATE_ID,
      index,
      slot: succeeded('tear', [], { torn: 'torn' }),
    });
    store.persist(torn(2));
    store.close();
    fs.appendFileSync(file, '{"op":"slot","torn');
    const repaired = JournalStore.open(dir, { agent: 'shop' });
    repaired.persist(torn(3));
    repaired.close();
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.deepEqual(again.warnings, []);
    assert.equal(again.get(STATE_ID)!.slots.length, 4);
    again.close();
  });

  it('a corrupt middle line is a StateFileError naming file and line, and the file is untouched', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const text = lines(file);
    text[3] = 'garbage that is not JSON';
    fs.writeFileSync(file, text.join('\n'));
    const before = fs.readFileSync(file);
    rejectsOpen(dir, { agent: 'shop' }, (e) => {
      assert.equal(e.file, file);
      assert.equal(e.line, 4);
      assert.ok(e.message.startsWith(`${file}:4:`));
      assert.match(e.message, /not valid JSON/);
    });
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('a middle line that is JSON but not a record, or a record of unknown type, is a StateFileError naming the line', () => {
    for (const [bad, why] of [
      ['[1,2]', /not a journal record/],
      ['{"op":"teleport"}', /unknown record type "teleport"/],
    ] as const) {
      const dir = writeJournal();
      const file = journalOf(dir);
      const text = lines(file);
      text[2] = bad;
      fs.writeFileSync(file, text.join('\n'));
      rejectsOpen(dir, {}, (e) => {
        assert.equal(e.line, 3);
        assert.match(e.message, why);
      });
    }
  });

  it('a record that does not fit the states before it is a StateFileError naming the line', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    fs.appendFileSync(
      file,
      JSON.stringify({ op: 'slot', id: STATE_ID, index: 7, slot: pending('x', []) }) + '\n',
    );
    rejectsOpen(dir, {}, (e) => {
      assert.equal(e.line, lines(file).length - 1);
      assert.match(e.message, /out of range/);
    });
  });

  it('a run of calls that is malformed or reaches past its slots is a StateFileError naming the line, and the file is kept', () => {
    const cases: Array<[TimelineRecord | Record<string, unknown>, RegExp]> = [
      // writeJournal leaves two slots: a range of three cannot have been replayed.
      [replays(0, [['f', 3]]), /covers calls 0 to 2 of .*, which has 2 slots/],
      // A huge count would make every reader of the timeline loop.
      [
        { ...replays(0, [['f', 2]]), count: 1e15 },
        /counts 1000000000000000 calls but its functions add up to 2/,
      ],
      [{ ...replays(0, [['f', 1]]), status: 'PENDING' }, /only SUCCEEDED or FAILED/],
      [{ ...replays(0, [['f', 1]]), path: 'teleport' }, /has path "teleport"; a path is one of/],
      [{ ...replays(0, [['f', 1]]), path: 'execute' }, /path execute needs its "reason"/],
      [{ ...replays(0, [['f', 1]]), functions: [['f']] }, /\[functionId, count\] pairs/],
      [{ ...replays(0, [['f', 1]]), id: 'nobody' }, /nobody, which has no action state/],
    ];
    for (const [record, message] of cases) {
      const dir = writeJournal();
      const file = journalOf(dir);
      fs.appendFileSync(file, JSON.stringify(record) + '\n');
      const before = fs.readFileSync(file);
      rejectsOpen(dir, {}, (e) => {
        assert.equal(e.line, lines(file).length - 1);
        assert.match(e.message, message);
      });
      assert.deepEqual(fs.readFileSync(file), before);
    }
  });

  it('a journal of an unknown format version is refused, naming both versions', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const text = lines(file);
    text[0] = JSON.stringify({ ...JSON.parse(text[0]), version: 99 });
    fs.writeFileSync(file, text.join('\n'));
    rejectsOpen(dir, {}, (e) => {
      assert.equal(e.line, 1);
      assert.match(e.message, /format version 99/);
      assert.match(e.message, new RegExp(`reads version ${JOURNAL_VERSION}`));
    });
  });

  it('a file that is not a journal is refused', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(journalOf(dir), '{"hello":"world"}\n');
    rejectsOpen(dir, {}, (e) => assert.match(e.message, /not a durable-run journal/));
  });

  it('a journal of another agent is refused, and read without an agent name', () => {
    const dir = writeJournal();
    rejectsOpen(dir, { agent: 'bank' }, (e) =>
      assert.match(e.message, /holds the journal of agent "shop", and this agent is "bank"/),
    );
    const any = JournalStore.open(dir, {});
    assert.equal(any.get(STATE_ID)!.slots.length, 2);
    any.close();
  });

  it('an empty file is refused and left in place', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(journalOf(dir), '');
    rejectsOpen(dir, { agent: 'shop' }, (e) => {
      assert.equal(e.line, 1);
      assert.match(e.message, /empty \(0 bytes\)/);
    });
    assert.equal(fs.statSync(journalOf(dir)).size, 0);
  });

  it('a directory where the journal file should be is refused', () => {
    const dir = newDir();
    fs.mkdirSync(journalOf(dir), { recursive: true });
    rejectsOpen(dir, { agent: 'shop' }, (e) =>
      assert.match(e.message, /a directory stands where the journal file should be/),
    );
  });

  it('a named pipe where the journal should be is refused at once, not waited on', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [journalOf(dir)]);
    rejectsOpen(dir, {}, (e) =>
      assert.match(e.message, /not a regular file \(a pipe, socket or device\)/),
    );
    assert.ok(fs.statSync(journalOf(dir)).isFIFO());
  });

  it('a journal that is a symbolic link is refused and its target left untouched', () => {
    const target = journalOf(writeJournal());
    const before = fs.readFileSync(target);
    const dir = newDir();
    fs.mkdirSync(dir);
    fs.symlinkSync(target, journalOf(dir));
    rejectsOpen(dir, { agent: 'shop' }, (e) => assert.match(e.message, /symbolic link/));
    rejectsOpen(dir, { readOnly: true }, (e) => assert.match(e.message, /symbolic link/));
    assert.deepEqual(fs.readFileSync(target), before);
  });
});
