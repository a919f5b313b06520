// Tests of the journal under storage faults and concurrent readers: a failed write or flush is
// never taken for a persist and stops every later write; a fresh start that cannot write keeps
// the old journal; a reader opening the file at any instant of a write sees a prefix of it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { StateMutation } from './actionState';
import { encode } from './codec';
import { JournalWriteError } from './journalErrors';
import { DISK_IO, JournalStore, type JournalIo } from './journalStore';
import {
  init,
  journalOf,
  newDir,
  slot0,
  slot0done,
  slot1,
  writeJournal,
} from '../../test/support/journal';
import { STATE_ID, pending, succeeded } from '../../test/support/runtime';

/** The disk, until the n-th write or flush from now fails with `code` (a write after half its bytes). */
function failingIo(op: 'write' | 'sync', code: string, after = 0): JournalIo & { calls: number } {
  let left = after;
  let failNext = false;
  const fail = () => Object.assign(new Error(`${code}: injected`), { code });
  return {
    calls: 0,
    write(fd, buffer, offset, length) {
      this.calls++;
      if (failNext) throw fail();
      if (op === 'write' && left-- === 0) {
        failNext = true;
        return DISK_IO.write(fd, buffer, offset, Math.floor(length / 2));
      }
      return DISK_IO.write(fd, buffer, offset, length);
    },
    sync(fd) {
      this.calls++;
      if (op === 'sync' && left-- === 0) throw fail();
      DISK_IO.sync(fd);
    },
  };
}

function refusedWith(code: string, file: string, doing: string) {
  return (error: unknown) => {
    assert.ok(
      error instanceof JournalWriteError,
      `expected a JournalWriteError, got ${String(error)}`,
    );
    assert.equal(error.code, code);
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`cannot ${doing} ${file}: `), error.message);
    assert.match(error.message, new RegExp(`\\(${code}\\)\\. The attempt stopped here`));
    return true;
  };
}

describe('JournalStore write and flush failures', () => {
  it('a short write then ENOSPC: the persist throws, every later write throws the same, and nothing more reaches the file', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    // The store's first write from here is the next persist.
    const store = JournalStore.open(dir, { agent: 'shop', io: failingIo('write', 'ENOSPC') });
    const next: StateMutation = { op: 'slot', id: STATE_ID, index: 2, slot: pending('ship', []) };
    assert.throws(() => store.persist(next), refusedWith('ENOSPC', file, 'write to'));
    assert.equal(store.get(STATE_ID)!.slots.length, 2, 'the failed persist is not applied');
    assert.equal(store.persistCount, 0);
    const bytes = fs.readFileSync(file);
    assert.throws(() => store.persist(next), refusedWith('ENOSPC', file, 'write to'));
    assert.throws(
      () => store.note({ op: 'end', attempt: 1, outcome: 'done' }),
      refusedWith('ENOSPC', file, 'write to'),
    );
    assert.deepEqual(fs.readFileSync(file), bytes, 'a refused write added nothing');
    store.close();
    // Half a line at the end: a torn write, tolerated; the failed persist is not there.
    const again = JournalStore.open(dir, { agent: 'shop' });
    assert.equal(again.warnings.length, 1);
    assert.match(again.warnings[0], /the last line is incomplete/);
    assert.equal(again.get(STATE_ID)!.slots.length, 2);
    again.persist(next);
    again.close();
    assert.equal(JournalStore.open(dir, { readOnly: true }).get(STATE_ID)!.slots.length, 3);
  });

  for (const code of ['EIO', 'EROFS', 'ENOSPC']) {
    it(`a flush that fails with ${code}: the persist throws and is not applied, though its bytes may be in the file`, () => {
      const dir = writeJournal();
      const file = journalOf(dir);
      const store = JournalStore.open(dir, { agent: 'shop', io: failingIo('sync', code) });
      const outcome: StateMutation = {
        op: 'slot',
        id: STATE_ID,
        index: 1,
        slot: succeeded('mail', [], 'sent again'),
      };
      assert.throws(() => store.persist(outcome), refusedWith(code, file, 'flush (fsync)'));
      assert.deepEqual(store.get(STATE_ID)!.slots[1], slot1.slot, 'not applied in memory');
      assert.throws(() => store.persist(outcome), refusedWith(code, file, 'flush (fsync)'));
      store.close();
      // The bytes were written before the flush failed: a recovery trusts what the file holds.
      const reopened = JournalStore.open(dir, { readOnly: true });
      assert.deepEqual(reopened.warnings, []);
      assert.deepEqual(reopened.get(STATE_ID)!.slots[1], outcome.slot);
    });
  }

  it('a fresh start that cannot write its new journal leaves the old one as it was, and no temp file', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    const before = fs.readFileSync(file);
    assert.throws(
      () => JournalStore.open(dir, { agent: 'shop', fresh: true, io: failingIo('sync', 'EIO') }),
      refusedWith('EIO', file, 'create'),
    );
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(file)]);
  });

  it('a fresh start over an unreadable journal keeps it aside, byte for byte, under its second name', () => {
    const dir = writeJournal();
    const file = journalOf(dir);
    fs.appendFileSync(file, 'not json\n{"op":"end","attempt":1,"outcome":"done"}\n');
    const before = fs.readFileSync(file);
    const store = JournalStore.open(dir, { agent: 'shop', fresh: true });
    store.close();
    const aside = fs.readdirSync(dir).filter((n) => n.startsWith('journal.unreadable-'));
    assert.equal(aside.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(dir, aside[0])), before);
    assert.equal([...JournalStore.open(dir, { readOnly: true }).states()].length, 0);
  });
});

describe('JournalStore read while it is written', () => {
  it('a reader that opens the journal at any byte of its writing sees a prefix of it, torn at worst', () => {
    // A journal with a repaired torn line in it, a replay run, and a completion.
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.note({ op: 'inputs', inputs: [{ key: 'k', input: 1 }] });
    for (const m of [init, slot0]) store.persist(m);
    store.close();
    fs.appendFileSync(journalOf(dir), '{"op":"slot","id":"k#0/0/act","in');
    const again = JournalStore.open(dir, { agent: 'shop' });
    for (const m of [slot0done, slot1]) again.persist(m);
    again.note({
      op: 'call',
      attempt: 2,
      id: STATE_ID,
      index: 0,
      functionId: 'charge',
      path: 'replay',
      status: 'SUCCEEDED',
      reason: 'r',
    });
    again.persist({
      op: 'complete',
      id: STATE_ID,
      outputEvents: [encode({ type: 'OutputEvent', attributes: { output: 'done' } })],
      memoryUpdates: [],
    });
    again.close();
    const full = fs.readFileSync(journalOf(dir));
    const final = JournalStore.open(dir, { readOnly: true });
    const finalSlots = final.get(STATE_ID)!.slots;

    const reader = newDir();
    fs.mkdirSync(reader);
    let opened = 0;
    for (let cut = full.indexOf(10) + 1; cut <= full.length; cut++) {
      fs.writeFileSync(journalOf(reader), full.subarray(0, cut));
      const seen = JournalStore.open(reader, { readOnly: true });
      const state = seen.get(STATE_ID);
      const slots = state?.slots ?? [];
      // Each slot seen is the final one, or an earlier status of the same call.
      slots.forEach((slot, i) => {
        assert.equal(slot.functionId, finalSlots[i].functionId, `cut at byte ${cut}`);
        if (slot.status !== 'PENDING') assert.deepEqual(slot, finalSlots[i], `cut at byte ${cut}`);
      });
      if (state?.completed) assert.equal(cut >= full.lastIndexOf('"complete"'), true);
      opened++;
    }
    assert.equal(opened, full.length - full.indexOf(10));
  });
});
