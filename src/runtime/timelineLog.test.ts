// Tests of the timeline as stores keep it: calls folded into runs, and expanded again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayReason } from './callPlan';
import type { TimelineRecord } from './stateStore';
import { callNotes, runProblem, TimelineLog, type CallNote, type CallRun } from './timelineLog';

function call(
  id: string,
  index: number,
  functionId: string,
  extra: Partial<CallNote> = {},
): CallNote {
  return {
    op: 'call',
    attempt: 2,
    id,
    index,
    functionId,
    path: 'replay',
    status: 'SUCCEEDED',
    reason: replayReason('SUCCEEDED'),
    ...extra,
  };
}

const expand = (records: readonly TimelineRecord[]) => records.flatMap((r) => [...callNotes(r)]);

describe('TimelineLog', () => {
  it('folds the replayed calls of an action execution into one run, function ids run-length encoded', () => {
    const log = new TimelineLog();
    const notes = [call('A', 0, 'f'), call('A', 1, 'f'), call('A', 2, 'g'), call('A', 3, 'f')];
    for (const n of notes) log.add(n);
    assert.deepEqual(log.records, [
      {
        op: 'calls',
        attempt: 2,
        id: 'A',
        from: 0,
        count: 4,
        path: 'replay',
        status: 'SUCCEEDED',
        functions: [
          ['f', 2],
          ['g', 1],
          ['f', 1],
        ],
      },
    ]);
    assert.deepEqual(expand(log.records), notes);
    assert.equal(log.calls, 4);
  });

  it('keeps one run per action execution when keys replay side by side', () => {
    const log = new TimelineLog();
    const notes = [call('A', 0, 'f'), call('B', 0, 'f'), call('A', 1, 'f'), call('B', 1, 'g')];
    for (const n of notes) log.add(n);
    assert.deepEqual(
      log.records.map((r) => (r.op === 'calls' ? [r.id, r.from, r.count] : r.op)),
      [
        ['A', 0, 2],
        ['B', 0, 2],
      ],
    );
    // Expanded per action execution, the calls come in the order they were made.
    const byId = (id: string) => expand(log.records).filter((c) => c.id === id);
    assert.deepEqual(byId('A'), [notes[0], notes[2]]);
    assert.deepEqual(byId('B'), [notes[1], notes[3]]);
  });

  it('starts a new run at a change of path or status, and in a new attempt', () => {
    const log = new TimelineLog();
    const ran = call('A', 2, 'f', { path: 'execute', reason: 'no slot' });
    const notes: TimelineRecord[] = [
      call('A', 0, 'f'),
      call('A', 1, 'f', { status: 'FAILED', reason: replayReason('FAILED') }),
      ran,
      call('A', 3, 'f'),
      { op: 'attempt', attempt: 3, kind: 'recover', at: '2026-01-01T00:00:00.000Z' },
      call('A', 0, 'f', { attempt: 3 }),
    ];
    for (const n of notes) log.add(n);
    assert.deepEqual(
      log.records.map((r) =>
        r.op === 'calls' ? `${r.from}+${r.count} ${r.path} ${r.status}` : r.op,
      ),
      [
        '0+1 replay SUCCEEDED',
        '1+1 replay FAILED',
        '2+1 execute SUCCEEDED',
        '3+1 replay SUCCEEDED',
        'attempt',
        '0+1 replay SUCCEEDED',
      ],
    );
    assert.deepEqual(
      log.records.flatMap((r): TimelineRecord[] => (r.op === 'attempt' ? [r] : [...callNotes(r)])),
      notes,
    );
  });

  it('folds calls that ran alike, keeping their reason, and only while the reason is the same', () => {
    const log = new TimelineLog();
    const ran = (index: number, reason: string) =>
      call('A', index, 'f', { path: 'execute', reason });
    for (const n of [ran(0, 'no slot'), ran(1, 'no slot'), ran(2, 'the code changed')]) log.add(n);
    assert.deepEqual(
      log.records.map((r) => (r.op === 'calls' ? [r.from, r.count, r.reason] : r.op)),
      [
        [0, 2, 'no slot'],
        [2, 1, 'the code changed'],
      ],
    );
  });

  it('joins a run read back in parts, and does not change the parts it was given', () => {
    const log = new TimelineLog();
    const first: CallRun = {
      op: 'calls',
      attempt: 2,
      id: 'A',
      from: 0,
      count: 2,
      path: 'replay',
      status: 'SUCCEEDED',
      functions: [['f', 2]],
    };
    const second: CallRun = { ...first, from: 2, count: 1, functions: [['f', 1]] };
    log.add(first);
    log.add(second);
    assert.deepEqual(log.records, [{ ...first, count: 3, functions: [['f', 3]] }]);
    assert.deepEqual(first.functions, [['f', 2]]);
    assert.equal(first.count, 2);
  });
});

describe('callNotes', () => {
  const range: CallRun = {
    op: 'calls',
    attempt: 2,
    id: 'A',
    from: 10,
    count: 100_000,
    path: 'replay',
    status: 'SUCCEEDED',
    functions: [
      ['f', 50_000],
      ['g', 50_000],
    ],
  };

  it('yields only the calls of a window, with the function id each had', () => {
    const window = [...callNotes(range, 50_008, 50_012)];
    assert.deepEqual(
      window.map((c) => `${c.index} ${c.functionId}`),
      ['50008 f', '50009 f', '50010 g', '50011 g'],
    );
  });

  it('yields a call note only when its index is in the window', () => {
    const note = call('A', 5, 'f');
    assert.deepEqual([...callNotes(note, 0, 6)], [note]);
    assert.deepEqual([...callNotes(note, 6, 10)], []);
  });

  it('yields nothing for records that are not calls', () => {
    assert.deepEqual([...callNotes({ op: 'end', attempt: 1, outcome: 'done' })], []);
  });
});

describe('runProblem', () => {
  const range: CallRun = {
    op: 'calls',
    attempt: 2,
    id: 'A',
    from: 1,
    count: 2,
    path: 'replay',
    status: 'FAILED',
    functions: [['f', 2]],
  };

  it('accepts a range within the slots of its action execution', () => {
    assert.equal(runProblem(range, 3), undefined);
  });

  it('names what is wrong with a range this program could not have written', () => {
    assert.match(runProblem(range, 2)!, /covers calls 1 to 2 of A, which has 2 slots/);
    assert.match(runProblem(range, undefined)!, /A, which has no action state/);
    assert.match(runProblem({ ...range, from: -1 }, 3)!, /whole numbers/);
    assert.match(runProblem({ ...range, count: 1.5 }, 3)!, /whole numbers/);
    assert.match(runProblem({ ...range, functions: [['f', 3]] }, 9)!, /add up to 3/);
  });
});
