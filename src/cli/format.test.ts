// The CLI's timeline table: a call a row, and a long run of alike calls one row.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayReason } from '../runtime/callPlan';
import { attemptViews } from '../runtime/inspect';
import { TimelineLog } from '../runtime/timelineLog';
import { slotsTable, timelineTable } from './format';

describe('timelineTable', () => {
  it('prints a long run of replayed calls as one row with its span, functions and count', () => {
    const log = new TimelineLog();
    log.add({ op: 'attempt', attempt: 2, kind: 'recover', at: '2026-01-01T00:00:00.000Z' });
    for (let index = 0; index < 100_000; index++)
      log.add({
        op: 'call',
        attempt: 2,
        id: 'k#0/0/act',
        index,
        functionId: index < 10 ? 'lookup' : 'step',
        path: 'replay',
        status: 'SUCCEEDED',
        reason: replayReason('SUCCEEDED'),
      });
    log.add({
      op: 'call',
      attempt: 2,
      id: 'k#0/0/act',
      index: 100_000,
      functionId: 'charge',
      path: 'reconcile',
      status: 'SUCCEEDED',
      reason: 'pending',
    });
    const lines = timelineTable(attemptViews(log.records)).split('\n');
    assert.equal(lines.length, 4);
    assert.match(
      lines[2],
      /k#0\/0\/act +0-99999 +lookup, step \(100000 calls\) +replay +SUCCEEDED/,
    );
    assert.match(lines[3], /k#0\/0\/act +100000 +charge +reconcile +SUCCEEDED/);
  });
});

describe('slotsTable', () => {
  it('shows a Python result by its type, readable form and pickle size, never its pickle', () => {
    const text = slotsTable([
      {
        id: 'k#0/0/act',
        key: 'k',
        seq: 0,
        eventIndex: 0,
        action: 'act',
        completed: false,
        slots: [
          {
            index: 0,
            functionId: 'shop.check',
            argsDigest: 'ab',
            status: 'SUCCEEDED',
            result: {
              $python: { pickle: 'gAWVCgAAAAAAAAA=', type: 'builtins.dict', repr: "{'a': 1}" },
            },
          },
        ],
      },
    ]);
    assert.match(text, /builtins\.dict "\{'a': 1\}" \(11 bytes pickled\)/);
    assert.doesNotMatch(text, /gAWV/);
  });
});

describe('timelineTable and edits', () => {
  it('prints edits made before any attempt first', () => {
    const text = timelineTable(
      [],
      [{ at: 't', id: 'k#0/0/act', kind: 'drop', index: 0, change: 'dropped 1 slot(s) from #0' }],
    );
    assert.equal(
      text,
      'edited before any attempt (t): k#0/0/act #0 drop: dropped 1 slot(s) from #0\nno attempts yet',
    );
  });
});
