// Unit tests of the path a durable call takes from the slot at its cursor (spec 8.1, 8.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCall } from './callPlan';
import { digestOf, failed, pending, succeeded } from '../../test/support/runtime';

const D = digestOf([1]);

describe('planCall', () => {
  it('executes when there is no slot at the cursor, with or without a reconciler', () => {
    assert.equal(planCall(undefined, 'charge', D, false).path, 'execute');
    assert.equal(planCall(undefined, 'charge', D, true).path, 'execute');
  });

  it('replays a matching SUCCEEDED or FAILED slot, with or without a reconciler', () => {
    for (const hasReconciler of [false, true]) {
      assert.equal(
        planCall(succeeded('charge', [1], 5), 'charge', D, hasReconciler).path,
        'replay',
      );
      assert.equal(
        planCall(failed('charge', [1], new Error('no')), 'charge', D, hasReconciler).path,
        'replay',
      );
    }
  });

  it('reconciles a matching PENDING slot when the call has a reconciler', () => {
    const plan = planCall(pending('charge', [1]), 'charge', D, true);
    assert.equal(plan.path, 'reconcile');
    assert.equal(plan.warning, undefined);
  });

  it('executes again, with a warning, a matching PENDING slot when the call has no reconciler', () => {
    const plan = planCall(pending('charge', [1]), 'charge', D, false);
    assert.equal(plan.path, 'execute');
    assert.match(plan.warning ?? '', /charge: found a PENDING slot but the call has no reconciler/);
  });

  it('clears and executes when the function id differs, whatever the slot status', () => {
    for (const slot of [
      succeeded('refund', [1], 5),
      failed('refund', [1], 'x'),
      pending('refund', [1]),
    ]) {
      const plan = planCall(slot, 'charge', D, true);
      assert.equal(plan.path, 'clear-and-execute');
      assert.match(plan.reason, /refund/);
    }
  });

  it('clears and executes when only the args digest differs', () => {
    assert.equal(
      planCall(succeeded('charge', [2], 5), 'charge', D, false).path,
      'clear-and-execute',
    );
  });
});
