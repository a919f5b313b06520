// Tests of the journal file store over real temp folders: durability, torn/corrupt files, opens.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { StateMutation } from './actionState';
import { defineAgent } from './agent';
import { runAttempt } from './agentRunner';
import type { RuntimeHooks } from './boundaries';
import { replayReason } from './callPlan';
import { encode } from './codec';
import { StateFileError } from './errors';
import { attemptViews } from './inspect';
import { JOURNAL_FILE, JOURNAL_FORMAT, JOURNAL_VERSION, JournalStore } from './journalStore';
import type { TimelineRecord } from './stateStore';
import { IDENTITY, STATE_ID, counted, pending, succeeded } from './testSupport';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-journal-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A new, not yet existing state folder. */
const newDir = () => path.join(root, `state-${++dirs}`);
const journalOf = (dir: string) => path.join(dir, JOURNAL_FILE);

const init: StateMutation = {
  op: 'init',
  id: STATE_ID,
  ...IDENTITY,
  event: encode({ type: 'InputEvent', attributes: { key: 'k', input: 1 } }),
};
const slot0: StateMutation = { op: 'slot', id: STATE_ID, index: 0, slot: pending('charge', [1]) };
const slot0done: StateMutation = {
  op: 'slot',
  id: STATE_ID,
  index: 0,
  slot: succeeded('charge', [1], { receipt: new Date(0) }),
};
const slot1: StateMutation = {
  op: 'slot',
  id: STATE_ID,
  index: 1,
  slot: succeeded('mail', [], null),
};

function callNote(index: number, path: 'replay' | 'execute'): TimelineRecord {
  const status = 'SUCCEEDED' as const;
  return {
    op: 'call',
    attempt: 1,
    id: STATE_ID,
    index,
    functionId: 'f',
    path,
    status,
    reason: 'r',
  };
}

/** A run of calls replayed in attempt 1 of STATE_ID, as the store keeps it. */
function replays(from: number, functions: Array<[string, number]>): TimelineRecord {
  const count = functions.reduce((sum, [, n]) => sum + n, 0);
  return {
    op: 'calls',
    attempt: 1,
    id: STATE_ID,
    from,
    count,
    path: 'replay',
    status: 'SUCCEEDED',
    functions,
  };
}

/** The records of a journal after its header, as `op` (`replays FIRST-LAST` for a run of replays). */
function recordsOf(file: string): string[] {
  return lines(file)
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l);
      return r.op === 'calls' ? `replays ${r.from}-${r.from + r.count - 1}` : r.op;
    });
}

/** A journal of agent "shop" holding one state with two slots, and a timeline; closed. */
function writeJournal(dir = newDir()): string {
  const store = JournalStore.open(dir, { agent: 'shop' });
  store.note({ op: 'attempt', attempt: 1, kind: 'run', at: '2026-01-01T00:00:00.000Z' });
  for (const m of [init, slot0, slot0done, slot1]) store.persist(m);
  store.close();
  return dir;
}

function rejectsOpen(
  dir: string,
  options: Parameters<typeof JournalStore.open>[1],
  check: (e: StateFileError) => void,
): void {
  assert.throws(
    () => JournalStore.open(dir, options),
    (error: unknown) => {
      assert.ok(error instanceof StateFileError, `expected a StateFileError, got ${String(error)}`);
      check(error);
      return true;
    },
  );
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n');
}

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
    const agent = defineAgent({
      name: 'shop',
      actions: [
        {
          name: 'act',
          on: ['InputEvent'],
          run: async (_e, ctx) => {
            for (let i = 0; i < calls; i++)
              await ctx.durableExecute(i % 2 ? async function even() {} : async function odd() {});
          },
        },
      ],
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

  it('an action whose completion is over 64 MiB fails, saying so, and is not marked completed', async () => {
    const agent = defineAgent({
      name: 'shop',
      actions: [
        {
          name: 'act',
          on: ['InputEvent'],
          run: async (_e, ctx) => {
            ctx.sendEvent({
              type: 'OutputEvent',
              attributes: { output: 'x'.repeat(65 * 2 ** 20) },
            });
          },
        },
      ],
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

  it('replays null and undefined results as themselves after a reopen', async () => {
    const nothing = counted('nothing', async () => null as unknown);
    const absent = counted('absent', async () => undefined as unknown);
    const seen: unknown[] = [];
    const agent = defineAgent({
      name: 'shop',
      actions: [
        {
          name: 'act',
          on: ['InputEvent'],
          run: async (_e, ctx) => {
            seen.push(await ctx.durableExecute(nothing), await ctx.durableExecute(absent));
            throw new Error('fail so that the next attempt runs the action again');
          },
        },
      ],
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
      assert.match(e.message, /belongs to agent "shop", not "bank"/),
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

  it('fresh keeps a journal of another agent aside instead of deleting it', () => {
    const dir = writeJournal();
    const store = JournalStore.open(dir, { agent: 'bank', fresh: true });
    store.close();
    assert.equal(fs.readdirSync(dir).filter((name) => name.includes('unreadable')).length, 1);
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
