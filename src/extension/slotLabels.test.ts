// Unit tests of how slots, action executions and progress read in the views and status bar.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countStatuses,
  pathLabel,
  payloadPreview,
  payloadText,
  slotDescription,
  slotLabel,
  slotPathLabel,
  slotTooltip,
  stateDescription,
  stateLabel,
  statusBarText,
  worstStatus,
} from './slotLabels';
import { slotRow, stateRow } from './testRows';

describe('slot labels', () => {
  it('names the path a call took in the words of the views', () => {
    assert.equal(pathLabel('execute'), 'executed');
    assert.equal(pathLabel('replay'), 'replayed');
    assert.equal(pathLabel('reconcile'), 'reconciled');
    assert.equal(pathLabel('clear-and-execute'), 'cleared');
    assert.equal(pathLabel(undefined), 'not reached in this attempt');
  });

  it('says a PENDING slot with no path was in flight, a finished one not reached yet', () => {
    assert.equal(slotPathLabel({ status: 'PENDING' }), 'in flight');
    assert.equal(slotPathLabel({ status: 'SUCCEEDED' }), 'not reached yet');
    assert.equal(slotPathLabel({ status: 'FAILED', path: 'replay' }), 'replayed');
  });

  it('shows index, function, status, path and a one-line payload', () => {
    const slot = slotRow({
      index: 1,
      functionId: 'charge',
      path: 'reconcile',
      result: { chargeId: 'ch_1', totalCents: 1500 },
    });
    assert.equal(slotLabel(slot), '#1 charge');
    assert.equal(
      slotDescription(slot),
      'SUCCEEDED · reconciled · {"chargeId":"ch_1","totalCents":1500}',
    );
  });

  it('previews errors, pending slots and long or undefined results', () => {
    const failed = slotRow({
      index: 0,
      functionId: 'f',
      status: 'FAILED',
      error: { name: 'CardDeclined', message: 'no funds' },
    });
    assert.equal(payloadPreview(failed), 'CardDeclined: no funds');
    assert.equal(
      payloadPreview(slotRow({ index: 0, functionId: 'f', status: 'PENDING' })),
      'no outcome persisted',
    );
    assert.equal(
      payloadPreview(slotRow({ index: 0, functionId: 'f', result: undefined })),
      'undefined',
    );
    const long = payloadPreview(
      slotRow({ index: 0, functionId: 'f', result: 'x'.repeat(200) }),
      20,
    );
    assert.equal(long.length, 20);
    assert.ok(long.endsWith('…'));
  });

  it('copies the whole payload as pretty JSON, or the error', () => {
    assert.equal(
      payloadText(slotRow({ index: 0, functionId: 'f', result: { a: [1] } })),
      '{\n  "a": [\n    1\n  ]\n}',
    );
    const failed = slotRow({
      index: 0,
      functionId: 'f',
      status: 'FAILED',
      error: { name: 'E', message: 'm' },
    });
    assert.deepEqual(JSON.parse(payloadText(failed)), { name: 'E', message: 'm' });
    assert.equal(payloadText(slotRow({ index: 0, functionId: 'f', status: 'PENDING' })), '');
  });

  it('explains the slot in its hover, with the reason of its path', () => {
    const slot = slotRow({
      index: 2,
      functionId: 'send_receipt',
      path: 'replay',
      reason: 'the slot holds a SUCCEEDED outcome',
      result: 'ok',
    });
    const text = slotTooltip(slot, stateRow({ key: 'alice', action: 'notify' }));
    assert.match(text, /#2 send\\_receipt/);
    assert.match(text, /\*\*replayed\*\*/);
    assert.match(text, /Action `notify` for key `alice`/);
    assert.match(text, /```json\n"ok"\n```/);
  });
});

describe('state labels', () => {
  it('names the action execution by action, key and input', () => {
    const s = stateRow({
      key: 'bob',
      seq: 1,
      action: 'checkout',
      completed: true,
      slots: [slotRow({ index: 0, functionId: 'f' })],
    });
    assert.equal(stateLabel(s), 'checkout · bob#1');
    assert.equal(stateDescription(s), 'completed · 1 slot');
    assert.equal(
      stateDescription({ ...s, completed: false, eventIndex: 2, slots: [], slotCount: 0 }),
      'not completed · 0 slots · event 2',
    );
  });

  it('says when only the latest slots of a large action are shown', () => {
    const s = stateRow({
      key: 'k',
      action: 'a',
      slots: [slotRow({ index: 99_999, functionId: 'f' })],
    });
    assert.equal(
      stateDescription({ ...s, slotCount: 100_000 }),
      'not completed · 100000 slots (the latest 1 shown)',
    );
  });
});

describe('progress', () => {
  const states = [
    stateRow({
      key: 'a',
      action: 'x',
      slots: [
        slotRow({ index: 0, functionId: 'f' }),
        slotRow({ index: 1, functionId: 'g', status: 'PENDING' }),
        slotRow({ index: 2, functionId: 'h', status: 'FAILED' }),
      ],
    }),
    stateRow({ key: 'b', action: 'x', slots: [slotRow({ index: 0, functionId: 'f' })] }),
  ];

  it('counts slots by status and finds the worst', () => {
    assert.deepEqual(countStatuses(states), { succeeded: 2, failed: 1, pending: 1 });
    assert.equal(worstStatus(['SUCCEEDED', 'PENDING']), 'PENDING');
    assert.equal(worstStatus(['PENDING', 'FAILED', 'SUCCEEDED']), 'FAILED');
    assert.equal(worstStatus([]), undefined);
  });

  it('puts attempt and counts in the status bar, and the crash when there was one', () => {
    const counts = countStatuses(states);
    const running = statusBarText({ attempt: 2, phase: 'running', counts }, 'Debug payments agent');
    // Named as the Call Stack and the Debug Console name the session.
    assert.equal(
      running.text,
      '$(debug-alt) Debug payments agent: attempt 2 $(pass) 2 $(watch) 1 $(error) 1',
    );
    assert.match(running.tooltip, /attempt 2 running/);
    assert.match(running.tooltip, /timeline/);
    const crashed = statusBarText(
      { attempt: 1, phase: 'crashed', crashPoint: 'before-outcome', counts },
      'x',
    );
    assert.match(crashed.text, /\$\(flame\) crashed at before-outcome/);
    assert.match(crashed.tooltip, /Click to recover/);
    assert.match(statusBarText({ attempt: 0, phase: 'starting', counts }, 'x').text, /x: starting/);
  });
});
