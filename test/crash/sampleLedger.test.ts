// The payments sample keeps its promise run after run: each charge is made once, under the id its
// price named (new on every run and kept in the journal), so a later run's reconciler never takes
// an earlier run's charge for its own, and a charge that never happened is made on recovery.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PAYMENTS, eventsOf, runCli, tempDir } from './cliHarness';

const AGENT = path.join(PAYMENTS, 'agent.ts');
const INPUTS = path.join(PAYMENTS, 'inputs.jsonl');

interface Charge {
  chargeId: string;
  orderId: string;
}

describe('the payments sample, run after run', () => {
  it('charges each order once per run: a recovery reconciles with its own charge, never an earlier run’s', async () => {
    const dir = tempDir();
    const ledger = path.join(dir, 'ledger.jsonl');
    const env = { PAYMENTS_LEDGER: ledger };
    const state = ['--state', path.join(dir, 'state'), '--json'];
    const charges = (): Charge[] =>
      fs
        .readFileSync(ledger, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const outputIds = (r: Awaited<ReturnType<typeof runCli>>) =>
      eventsOf(r, 'output').map((e) => (e.output as { chargeId: string }).chargeId);

    const first = await runCli(['run', AGENT, '--inputs', INPUTS, '--fresh', ...state], { env });
    assert.equal(first.code, 0, first.stderr);
    const firstIds = outputIds(first);
    assert.equal(charges().length, 2);

    // The second run dies with the first charge PENDING, before the card was charged.
    const crashed = await runCli(
      ['run', AGENT, '--inputs', INPUTS, '--fresh', '--crash', 'after-pending:charge#0', ...state],
      { env },
    );
    assert.equal(crashed.code, 3, crashed.stderr);
    const recovered = await runCli(['recover', AGENT, ...state], { env });
    assert.equal(recovered.code, 0, recovered.stderr);
    const reconciled = eventsOf(recovered, 'call').filter((e) => e.path === 'reconcile');
    assert.equal(reconciled.length, 1, 'one charge was reconciled');

    const secondIds = [...outputIds(crashed), ...outputIds(recovered)];
    assert.equal(secondIds.length, 2, 'both orders have their output in the second run');
    for (const id of secondIds) assert.ok(!firstIds.includes(id), `${id} is the first run's`);
    const all = charges();
    assert.deepEqual(
      all.map((c) => c.orderId).sort(),
      ['order-1', 'order-1', 'order-2', 'order-2'],
      'each order charged once in each run',
    );
    assert.equal(
      new Set(all.map((c) => c.chargeId)).size,
      all.length,
      'a charge id was charged twice',
    );
    for (const id of secondIds)
      assert.ok(
        all.some((c) => c.chargeId === id),
        `${id} was never charged`,
      );
  });
});
