// Tests of edits as journal records: each kind applied on load, history kept line for line,
// a hand-made edit that does not fit refused with its line, and requests checked before writing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { attemptViews, editsBeforeAttempts } from './inspect';
import { JournalStore } from './journalStore';
import {
  EditError,
  editStateFolder,
  parseSlotRef,
  planEdit,
  type PythonReencoder,
} from './stateEdit';
import { encodePythonError, encodePythonValue, pythonErrorOf } from './pythonPayload';
import {
  init,
  journalOf,
  lines,
  newDir,
  rejectsOpen,
  slot0done,
  writeJournal,
} from '../../test/support/journal';
import { STATE_ID, succeeded } from '../../test/support/runtime';

function slotsAfterReopen(dir: string): string[] {
  const store = JournalStore.open(dir, { readOnly: true });
  const state = store.get(STATE_ID)!;
  return state.slots
    .map((s) => `${s.functionId} ${s.status}`)
    .concat(`completed ${state.completed}`);
}

describe('edits in the journal', () => {
  it('each slot edit is appended as its own record and applied when the journal is read', async () => {
    const dir = writeJournal();
    const before = fs.readFileSync(journalOf(dir), 'utf8');
    await editStateFolder(dir, { kind: 'pending', id: STATE_ID, index: 0 });
    assert.deepEqual(slotsAfterReopen(dir), [
      'charge PENDING',
      'mail SUCCEEDED',
      'completed false',
    ]);
    await editStateFolder(dir, { kind: 'fail', id: STATE_ID, index: 1, message: 'no mail' });
    await editStateFolder(dir, { kind: 'succeed', id: STATE_ID, index: 0, result: { n: 1 } });
    assert.deepEqual(slotsAfterReopen(dir), ['charge SUCCEEDED', 'mail FAILED', 'completed false']);
    const store = JournalStore.open(dir, { readOnly: true });
    assert.equal(store.get(STATE_ID)!.slots[1].error?.message, 'no mail');
    await editStateFolder(dir, { kind: 'drop', id: STATE_ID, index: 0 });
    assert.deepEqual(slotsAfterReopen(dir), ['completed false']);
    const after = fs.readFileSync(journalOf(dir), 'utf8');
    assert.ok(after.startsWith(before), 'the lines written before the edits are unchanged');
    const edits = lines(journalOf(dir))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { op: string; kind?: string; was?: { slots?: unknown[] } })
      .filter((r) => r.op === 'edit');
    assert.deepEqual(
      edits.map((e) => `${e.kind} ${e.was?.slots?.length}`),
      ['pending 1', 'fail 1', 'succeed 1', 'drop 2'],
    );
  });

  it('not-completed clears the completion and keeps what it was in the record', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir);
    store.persist({ op: 'complete', id: STATE_ID, outputEvents: [], memoryUpdates: [] });
    const { edit } = planEdit(store, { kind: 'not-completed', id: STATE_ID });
    store.persist(edit);
    store.close();
    assert.deepEqual(edit.was.completed, true);
    assert.deepEqual(slotsAfterReopen(dir).at(-1), 'completed false');
  });

  it('a hand-made edit naming a slot the state does not have is refused with its line', () => {
    const dir = writeJournal();
    const bad = { op: 'edit', id: STATE_ID, kind: 'drop', index: 5, at: 'x', was: {}, became: {} };
    fs.appendFileSync(journalOf(dir), JSON.stringify(bad) + '\n');
    const line = lines(journalOf(dir)).filter(Boolean).length;
    rejectsOpen(dir, { readOnly: true }, (e) => {
      assert.equal(e.line, line);
      assert.match(e.message, /names slot 5, and the state has 2 slots/);
    });
  });

  it('requests that do not fit are refused before anything is written', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir, { readOnly: true });
    const refuse = (request: Parameters<typeof planEdit>[1], message: RegExp) =>
      assert.throws(
        () => planEdit(store, request),
        (e: unknown) => e instanceof EditError && message.test(e.message),
      );
    refuse({ kind: 'pending', id: 'nope', index: 0 }, /no action state "nope"/);
    refuse({ kind: 'drop', id: STATE_ID, index: 2 }, /has no slot 2: its slots are 0 to 1/);
    refuse({ kind: 'not-completed', id: STATE_ID }, /is not completed/);
    refuse({ kind: 'fail', id: STATE_ID, index: 0, message: ' ' }, /needs a message/);
    assert.throws(() => parseSlotRef('k#0/0/act'), /is not a slot/);
    assert.deepEqual(parseSlotRef('k#0/0/act#12'), { id: 'k#0/0/act', index: 12 });
  });

  it('a Python result cannot be replaced here: only the Python host pickles', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir);
    const python = encodePythonValue({ pickle: 'gAU=', type: 'builtins.int', repr: '1', json: 1 });
    store.persist({
      op: 'slot',
      id: STATE_ID,
      index: 1,
      slot: { ...succeeded('mail', [], null), result: python },
    });
    assert.throws(
      () => planEdit(store, { kind: 'succeed', id: STATE_ID, index: 1, result: 2 }),
      /holds a Python value \(builtins\.int\)/,
    );
    assert.equal(planEdit(store, { kind: 'pending', id: STATE_ID, index: 1 }).edit.kind, 'pending');
    store.close();
  });

  it("a new error for a Python slot asks the re-encoder for the slot's current exception type", async () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir);
    const raised = { pickle: 'gAU=', type: 'bank.Declined', repr: "Declined('no')" };
    store.persist({
      op: 'slot',
      id: STATE_ID,
      index: 1,
      slot: {
        functionId: 'mail',
        argsDigest: succeeded('mail', [], null).argsDigest,
        status: 'FAILED',
        error: encodePythonError(raised, 'no', undefined),
      },
    });
    store.close();
    const asked: Array<[string, string | undefined]> = [];
    const reencoder: PythonReencoder = {
      value: () => Promise.reject(new Error('not asked for a value')),
      error: (message, type) => {
        asked.push([message, type]);
        return Promise.resolve({ pickle: 'gAV=', type: 'bank.Declined', repr: "Declined('late')" });
      },
    };
    const request = { kind: 'fail' as const, id: STATE_ID, index: 1, message: 'late' };
    const { edit } = await editStateFolder(dir, request, 'test', reencoder);
    assert.deepEqual(asked, [['late', 'bank.Declined']]);
    const error = edit.became.slots?.[0]?.error;
    assert.equal(error?.name, 'Declined');
    assert.equal(error?.message, 'late');
    assert.equal(pythonErrorOf(error)?.pickle, 'gAV=');
  });

  it('an edit is listed after the attempt it followed, or before any attempt', async () => {
    const dir = newDir();
    const store = JournalStore.open(dir, { agent: 'shop' });
    store.persist(init);
    store.persist(slot0done);
    store.close();
    await editStateFolder(dir, { kind: 'pending', id: STATE_ID, index: 0 });
    const timeline = JournalStore.open(dir, { readOnly: true }).timeline();
    assert.deepEqual(
      editsBeforeAttempts(timeline).map((e) => `${e.kind} ${e.change}`),
      ['pending SUCCEEDED → PENDING'],
    );
    const later = writeJournal();
    await editStateFolder(later, { kind: 'drop', id: STATE_ID, index: 1 });
    const records = JournalStore.open(later, { readOnly: true }).timeline();
    assert.deepEqual(editsBeforeAttempts(records), []);
    assert.deepEqual(
      attemptViews(records)[0].edits?.map((e) => `${e.kind} ${e.change}`),
      ['drop dropped 1 slot(s) from #1'],
    );
  });
});
