// The injectCrash request: "crash this call" is planned for the call where the agent is stopped,
// or refused with why; "now" needs a stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallPath } from '../runtime/callPlan';
import type { StoppedMessage } from './attemptState';
import { crashHerePlan, crashRequestPlan, reachableCallPoints } from './crashRequest';

function stoppedAt(
  phase: string,
  { path = 'execute', hasReconciler = true }: { path?: CallPath; hasReconciler?: boolean } = {},
): StoppedMessage {
  return {
    type: 'stopped',
    reason: 'step',
    description: 'Paused',
    boundary: {
      kind: 'call',
      phase: phase as never,
      exec: {
        key: 'alice',
        seq: 0,
        eventIndex: 0,
        action: 'checkout',
        stateId: 'alice#0/0/checkout',
        attempt: 1,
        event: { json: {} },
      },
      call: {
        index: 1,
        occurrence: 0,
        functionId: 'charge',
        argsDigest: '0'.repeat(16),
        args: { json: [] },
        plan: { path, reason: '' },
        hasReconciler,
      },
      ordinal: 3,
    },
  };
}

describe('crashing the call where the agent is stopped', () => {
  it('targets that call of that action execution only', () => {
    assert.deepEqual(crashHerePlan(stoppedAt('planned'), 'before-outcome'), {
      point: 'before-outcome',
      stateId: 'alice#0/0/checkout',
      index: 1,
    });
  });

  it('refuses a point the call has passed, and says which points are still to come', () => {
    assert.equal(
      crashHerePlan(stoppedAt('returned'), 'after-pending'),
      'call #1 (charge) of alice#0/0/checkout is past after-pending (it is at before-outcome): pick a point still to come for it (after-outcome), or crash now',
    );
  });

  it('refuses the point where the call stands now, offering a crash now or the points to come', () => {
    assert.equal(
      crashHerePlan(stoppedAt('planned'), 'before-call'),
      'call #1 (charge) of alice#0/0/checkout is stopped at its before-call point now: crash now to kill the process here, or pick a point still to come for it (after-pending, before-outcome, after-outcome)',
    );
  });

  it('refuses after-pending for a call without a reconciler, and any point of a replayed call', () => {
    assert.match(
      crashHerePlan(stoppedAt('planned', { hasReconciler: false }), 'after-pending') as string,
      /has no reconciler, so no PENDING slot is persisted/,
    );
    assert.match(
      crashHerePlan(stoppedAt('planned', { path: 'replay' }), 'after-outcome') as string,
      /is replayed from its slot/,
    );
  });

  it('refuses when not stopped at a call, and for the action’s own point', () => {
    assert.match(
      crashHerePlan(undefined, 'before-outcome') as string,
      /not stopped at a durable call/,
    );
    assert.match(
      crashHerePlan(stoppedAt('planned'), 'before-complete') as string,
      /a point of the action, not of a call/,
    );
  });

  it('checks the whole request: a bad point, "here" with "now", and "now" without a stop', () => {
    assert.match(
      crashRequestPlan({ point: 'soon' as never }, undefined) as string,
      /point must be one of/,
    );
    assert.match(
      crashRequestPlan(
        { point: 'before-outcome', here: true, now: true },
        stoppedAt('planned'),
      ) as string,
      /cannot go together/,
    );
    assert.match(
      crashRequestPlan({ point: 'before-call', now: true }, undefined) as string,
      /pause first/,
    );
    assert.deepEqual(
      crashRequestPlan({ point: 'before-outcome', here: true }, stoppedAt('planned')),
      {
        crash: { point: 'before-outcome', stateId: 'alice#0/0/checkout', index: 1 },
        now: false,
      },
    );
  });

  it('lists the points still to come for a call, by phase, path and reconciler', () => {
    assert.deepEqual(reachableCallPoints('planned', 'execute', true), [
      'after-pending',
      'before-outcome',
      'after-outcome',
    ]);
    assert.deepEqual(reachableCallPoints('planned', 'execute', false), [
      'before-outcome',
      'after-outcome',
    ]);
    assert.deepEqual(reachableCallPoints('pending-persisted', 'reconcile', true), [
      'before-outcome',
      'after-outcome',
    ]);
    assert.deepEqual(reachableCallPoints('returned', 'execute', true), ['after-outcome']);
    assert.deepEqual(reachableCallPoints('outcome-persisted', 'execute', true), []);
    assert.deepEqual(reachableCallPoints('planned', 'replay', true), []);
  });
});
