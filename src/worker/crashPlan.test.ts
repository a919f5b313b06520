// Which boundary a planned crash strikes at, and the plans a launch or a request may give.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Boundary, CallPhase } from '../runtime/boundaries';
import { crashMatches, parseCrashSpec, validateCrashPlan } from './crashPlan';

function callAt(stateId: string, index: number, functionId: string, phase: CallPhase): Boundary {
  const [key, rest] = stateId.split('#');
  return {
    kind: 'call',
    phase,
    exec: {
      key,
      seq: 0,
      eventIndex: 0,
      action: rest.split('/')[2],
      stateId,
      attempt: 1,
      event: { type: 'InputEvent', attributes: {} },
    },
    call: {
      index,
      occurrence: 0,
      functionId,
      argsDigest: '0'.repeat(16),
      args: { json: [] },
      plan: { path: 'execute', reason: '' },
      hasReconciler: true,
    },
  };
}

describe('crash plans', () => {
  const alice = callAt('alice#0/0/checkout', 1, 'charge', 'returned');
  const bob = callAt('bob#0/0/checkout', 1, 'charge', 'returned');

  it('strikes at the boundary of its point, for any action execution when none is named', () => {
    const plan = parseCrashSpec('before-outcome:charge');
    assert.equal(crashMatches(plan, alice), true);
    assert.equal(crashMatches(plan, bob), true);
    assert.equal(crashMatches(plan, callAt('alice#0/0/checkout', 1, 'charge', 'planned')), false);
  });

  it('strikes only in the action execution it names', () => {
    const plan = validateCrashPlan(
      { point: 'before-outcome', stateId: 'alice#0/0/checkout', call: 1 },
      'injectCrash',
    );
    assert.deepEqual(plan, { point: 'before-outcome', stateId: 'alice#0/0/checkout', index: 1 });
    assert.equal(crashMatches(plan, alice), true);
    assert.equal(crashMatches(plan, bob), false);
  });

  it('refuses a state id that is not a non-empty string, saying where', () => {
    assert.throws(
      () => validateCrashPlan({ point: 'before-call', stateId: 7 }, 'launch.crash'),
      /launch\.crash\.stateId must be the id of an action execution/,
    );
  });
});

describe('a crash aimed at a Python function', () => {
  it('names it by its qualname as well as by its module.qualname id', () => {
    const b = callAt('k#0/0/pay', 0, 'my_agent.charge', 'returned');
    assert.ok(crashMatches(parseCrashSpec('before-outcome:charge'), b));
    assert.ok(crashMatches(parseCrashSpec('before-outcome:my_agent.charge'), b));
    assert.ok(!crashMatches(parseCrashSpec('before-outcome:arge'), b));
    assert.ok(crashMatches({ point: 'before-outcome', functionId: 'charge' }, b));
  });
});
