// Crash tests: the built CLI crashes a real worker process (SIGKILL) at each crash point of
// calls with and without a reconciler, then recovers. For every call the recovery's --json call
// events must show the documented path and status, and the fixture agent's external ledger must
// show each reconciled side effect exactly once. The one expected repeat is documented
// best-effort replay: a completion-only call (no reconciler) that crashed at before-outcome ran,
// but its outcome was never saved, so recovery runs it again.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  FIXTURES,
  callPaths,
  eventsOf,
  ledgerCounts,
  runCli,
  slotSummary,
  slotsOf,
  tempDir,
  writeInputs,
  runCrashing,
  recoverJson,
} from './cliHarness';

const AGENT = path.join(FIXTURES, 'ledgerAgent.ts');

interface Case {
  crash: string;
  /** The input's order (decline: the charge fails deterministically). */
  decline?: boolean;
  /** The crash event, or undefined when the point never comes (the run completes). */
  at?: { action: string; index?: number; functionId?: string };
  /** Slots persisted when the worker died. */
  slotsAfterCrash: string[];
  /** Side effects in the ledger when the worker died. */
  ledgerAfterCrash: Record<string, number>;
  /** The recovery's call events: `key action#index functionId path status`. */
  recovery: string[];
  ledgerAfterRecovery: Record<string, number>;
}

const ORDER = 'a#0/0/order';
const SHIP = 'a#0/1/ship';
const ONCE = { 'charge:o1': 1, 'email:o1': 1, 'label:o1': 1 };

const CASES: Case[] = [
  {
    crash: 'before-call:charge',
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`],
    ledgerAfterCrash: {},
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge execute SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'after-pending:charge',
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge PENDING`],
    ledgerAfterCrash: {},
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge reconcile SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'before-outcome:charge',
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge PENDING`],
    ledgerAfterCrash: { 'charge:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge reconcile SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'after-outcome:charge',
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge SUCCEEDED`],
    ledgerAfterCrash: { 'charge:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'before-call:email',
    at: { action: 'order', index: 2, functionId: 'email' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge SUCCEEDED`],
    ledgerAfterCrash: { 'charge:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    // Best-effort replay (spec 8.1, 9.4): the email was sent, its outcome never saved, and
    // without a reconciler nothing can tell, so recovery sends it again.
    crash: 'before-outcome:email',
    at: { action: 'order', index: 2, functionId: 'email' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge SUCCEEDED`],
    ledgerAfterCrash: { 'charge:o1': 1, 'email:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: { 'charge:o1': 1, 'email:o1': 2, 'label:o1': 1 },
  },
  {
    crash: 'after-outcome:email',
    at: { action: 'order', index: 2, functionId: 'email' },
    slotsAfterCrash: [
      `${ORDER} #0 quote SUCCEEDED`,
      `${ORDER} #1 charge SUCCEEDED`,
      `${ORDER} #2 email SUCCEEDED`,
    ],
    ledgerAfterCrash: { 'charge:o1': 1, 'email:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email replay SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'before-complete:order',
    at: { action: 'order' },
    slotsAfterCrash: [
      `${ORDER} #0 quote SUCCEEDED`,
      `${ORDER} #1 charge SUCCEEDED`,
      `${ORDER} #2 email SUCCEEDED`,
    ],
    ledgerAfterCrash: { 'charge:o1': 1, 'email:o1': 1 },
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email replay SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: ONCE,
  },
  {
    // The order action completed before the crash: it is reused (not run, no call events).
    crash: 'before-outcome:label',
    at: { action: 'ship', index: 0, functionId: 'label' },
    slotsAfterCrash: [
      `${ORDER} #0 quote SUCCEEDED`,
      `${ORDER} #1 charge SUCCEEDED`,
      `${ORDER} #2 email SUCCEEDED`,
      `${SHIP} #0 label PENDING`,
    ],
    ledgerAfterCrash: ONCE,
    recovery: ['a ship#0 label reconcile SUCCEEDED'],
    ledgerAfterRecovery: ONCE,
  },
  {
    crash: 'before-complete:ship',
    at: { action: 'ship' },
    slotsAfterCrash: [
      `${ORDER} #0 quote SUCCEEDED`,
      `${ORDER} #1 charge SUCCEEDED`,
      `${ORDER} #2 email SUCCEEDED`,
      `${SHIP} #0 label SUCCEEDED`,
    ],
    ledgerAfterCrash: ONCE,
    recovery: ['a ship#0 label replay SUCCEEDED'],
    ledgerAfterRecovery: ONCE,
  },
  {
    // A failed call's outcome is saved like a result: recovery replays the failure.
    crash: 'after-outcome:charge',
    decline: true,
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge FAILED`],
    ledgerAfterCrash: {},
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay FAILED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: { 'email:o1': 1, 'label:o1': 1 },
  },
  {
    // The charge threw but the failure was not saved: the reconciler finds no charge, tries
    // again, and that failure is what gets saved.
    crash: 'before-outcome:charge',
    decline: true,
    at: { action: 'order', index: 1, functionId: 'charge' },
    slotsAfterCrash: [`${ORDER} #0 quote SUCCEEDED`, `${ORDER} #1 charge PENDING`],
    ledgerAfterCrash: {},
    recovery: [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge reconcile FAILED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ],
    ledgerAfterRecovery: { 'email:o1': 1, 'label:o1': 1 },
  },
];

function setup(decline = false) {
  const dir = tempDir();
  const ledger = path.join(dir, 'ledger.jsonl');
  const inputs = writeInputs(dir, [{ key: 'a', input: { id: 'o1', cents: 500, decline } }]);
  return { dir, ledger, inputs, state: path.join(dir, 'state'), env: { CRASH_LEDGER: ledger } };
}

describe('a crash at each crash point, then recovery', () => {
  const expectedOutput: Record<string, unknown> = {};

  before(async () => {
    for (const decline of [false, true]) {
      const s = setup(decline);
      const clean = await runCli(
        ['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'],
        {
          env: s.env,
        },
      );
      assert.equal(clean.code, 0, clean.stderr);
      expectedOutput[String(decline)] = eventsOf(clean, 'output').map((e) => e.output);
    }
    assert.deepEqual(expectedOutput.false, [{ id: 'o1', charged: 'charge', label: 'label' }]);
    assert.deepEqual(expectedOutput.true, [{ id: 'o1', charged: 'declined', label: 'label' }]);
  });

  for (const c of CASES) {
    const title = `${c.crash}${c.decline ? ' (a declined charge)' : ''}`;
    it(`${title}: recovery takes the documented path for every call and the ledger shows ${JSON.stringify(c.ledgerAfterRecovery)}`, async () => {
      const s = setup(c.decline);
      const run = await runCli(
        [
          'run',
          AGENT,
          '--inputs',
          s.inputs,
          '--state',
          s.state,
          '--fresh',
          '--crash',
          c.crash,
          '--json',
        ],
        { env: s.env },
      );
      assert.equal(run.code, 3, `the run must stop at the crash\n${run.stderr}`);
      const [crash] = eventsOf(run, 'crash');
      assert.deepEqual(crash, { event: 'crash', point: c.crash.split(':')[0], ...c.at });
      assert.equal(eventsOf(run, 'done').length, 0);
      assert.deepEqual(slotSummary(await slotsOf(s.state)), c.slotsAfterCrash);
      assert.deepEqual(ledgerCounts(s.ledger), c.ledgerAfterCrash);

      const recovered = await recoverJson(AGENT, s);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(callPaths(recovered), c.recovery);
      assert.deepEqual(ledgerCounts(s.ledger), c.ledgerAfterRecovery);
      assert.deepEqual(
        eventsOf(recovered, 'output').map((e) => e.output),
        expectedOutput[String(Boolean(c.decline))],
      );
      const finalSlots = await slotsOf(s.state);
      assert.ok(finalSlots.every((st) => st.completed));
      assert.ok(finalSlots.every((st) => st.slots.every((slot) => slot.status !== 'PENDING')));
    });
  }

  it('after-pending on a completion-only call never strikes (no PENDING is persisted), so the run completes', async () => {
    const s = setup();
    const run = await runCrashing(AGENT, s, 'after-pending:email');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(eventsOf(run, 'crash'), []);
    assert.deepEqual(ledgerCounts(s.ledger), ONCE);
  });
});
