// Crash tests beyond one crash point: several keys in flight when the worker dies, several
// crashes in a row, an agent changed between attempts (clear-and-execute), and a PENDING slot
// met by a call that lost its reconciler (runs again, with a warning). All through the built CLI.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  FIXTURES,
  callPaths,
  eventsOf,
  jsonLines,
  ledgerCounts,
  runCli,
  slotSummary,
  slotsOf,
  tempDir,
  writeInputs,
  type SlotLine,
  runCrashing,
  recoverJson,
} from './cliHarness';

const AGENT = path.join(FIXTURES, 'ledgerAgent.ts');

function setup(keys = ['a']) {
  const dir = tempDir();
  const ledger = path.join(dir, 'ledger.jsonl');
  const inputs = writeInputs(
    dir,
    keys.map((key, i) => ({ key, input: { id: `o${i + 1}`, cents: 100 * (i + 1) } })),
  );
  return { dir, ledger, inputs, state: path.join(dir, 'state'), env: { CRASH_LEDGER: ledger } };
}

/** Slots with their payloads, for comparing a recovered journal with a crash-free one. */
function fullSlots(states: SlotLine[]): string[] {
  return states.flatMap((s) =>
    s.slots.map(
      (slot) =>
        `${s.id} completed=${s.completed} #${slot.index} ${slot.functionId} ${slot.argsDigest} ${slot.status} ${JSON.stringify(slot.result ?? slot.error ?? null)}`,
    ),
  );
}

async function crashFree(keys: string[]): Promise<{ slots: string[]; outputs: unknown[] }> {
  const s = setup(keys);
  const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
    env: s.env,
  });
  assert.equal(run.code, 0, run.stderr);
  return { slots: fullSlots(await slotsOf(s.state)), outputs: eventsOf(run, 'output') };
}

describe('recovery scenarios through the CLI', () => {
  it("a crash in one key loses none of the other keys' persisted slots, and recovery replays them", async () => {
    const keys = ['a', 'b', 'c'];
    const s = setup(keys);
    const run = await runCrashing(AGENT, s, 'before-outcome:email');
    assert.equal(run.code, 3, run.stderr);
    // Every call reported before the crash had its outcome persisted: each must be in the journal.
    const persisted = eventsOf(run, 'call').map(
      (e) => `${e.key}#0/0/${e.action} #${e.index} ${e.functionId} ${e.status}`,
    );
    const keysWithCalls = new Set(eventsOf(run, 'call').map((e) => e.key));
    assert.ok(keysWithCalls.size >= 2, `several keys were in flight: ${[...keysWithCalls]}`);
    const afterCrash = slotSummary(await slotsOf(s.state));
    for (const call of persisted)
      assert.ok(afterCrash.includes(call), `${call} survived the crash`);

    const recovered = await recoverJson(AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    const paths = callPaths(recovered);
    for (const e of eventsOf(run, 'call')) {
      const replayed = `${e.key} ${e.action}#${e.index} ${e.functionId} replay ${e.status}`;
      assert.ok(paths.includes(replayed), `${replayed} in ${paths.join('\n')}`);
    }
    for (const key of ['o1', 'o2', 'o3']) assert.equal(ledgerCounts(s.ledger)[`charge:${key}`], 1);
    const clean = await crashFree(keys);
    assert.deepEqual(fullSlots(await slotsOf(s.state)), clean.slots);
  });

  it('five crashes in a row at different points, then a clean recovery, charge and label exactly once', async () => {
    const s = setup();
    const crashes = [
      'before-call:charge',
      'after-pending:charge',
      'before-outcome:charge',
      'before-complete:order',
      'before-outcome:label',
    ];
    const seen: string[][] = [];
    for (const [i, crash] of crashes.entries()) {
      const args = i === 0 ? ['run', AGENT, '--inputs', s.inputs, '--fresh'] : ['recover', AGENT];
      const result = await runCli([...args, '--state', s.state, '--crash', crash, '--json'], {
        env: s.env,
      });
      assert.equal(result.code, 3, `${crash}: ${result.stderr}`);
      assert.equal(eventsOf(result, 'crash')[0].point, crash.split(':')[0]);
      seen.push(callPaths(result));
    }
    // The third attempt reconciled the PENDING charge and died before saving what it found.
    assert.deepEqual(seen[2], ['a order#0 quote replay SUCCEEDED']);
    assert.deepEqual(seen[3], [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge reconcile SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
    ]);
    // The fifth completed the order action from its saved slots, then died in the label call.
    assert.deepEqual(seen[4], [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email replay SUCCEEDED',
    ]);
    const last = await recoverJson(AGENT, s);
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(callPaths(last), ['a ship#0 label reconcile SUCCEEDED']);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 1, 'email:o1': 1, 'label:o1': 1 });
    const clean = await crashFree(['a']);
    assert.deepEqual(eventsOf(last, 'output'), clean.outputs);
    assert.deepEqual(fullSlots(await slotsOf(s.state)), clean.slots);
    const timeline = jsonLines((await runCli(['timeline', '--state', s.state, '--json'])).stdout);
    assert.deepEqual(
      timeline.map((a) => `${a.attempt} ${a.kind} ${a.outcome}`),
      [
        '1 run crashed',
        '2 recover crashed',
        '3 recover crashed',
        '4 recover crashed',
        '5 recover crashed',
        '6 recover done',
      ],
    );
  });

  it('an agent whose call args changed between attempts clears that slot and the ones after it, and runs them again', async () => {
    const s = setup();
    const agent = path.join(s.dir, 'agent.ts');
    const source = fs.readFileSync(AGENT, 'utf8');
    fs.writeFileSync(agent, source);
    const run = await runCrashing(agent, s, 'before-complete:order');
    assert.equal(run.code, 3, run.stderr);
    const before = await slotsOf(s.state);

    // The developer edits the email call: same function, other args.
    const edited = source.replace(
      'durableExecute(email, [order.id])',
      "durableExecute(email, [order.id + '-v2'])",
    );
    assert.notEqual(edited, source);
    fs.writeFileSync(agent, edited);
    const recovered = await recoverJson(agent, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), [
      'a order#0 quote replay SUCCEEDED',
      'a order#1 charge replay SUCCEEDED',
      'a order#2 email clear-and-execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ]);
    const after = await slotsOf(s.state);
    assert.equal(after[0].slots[1].argsDigest, before[0].slots[1].argsDigest);
    assert.notEqual(after[0].slots[2].argsDigest, before[0].slots[2].argsDigest);
    assert.deepEqual(ledgerCounts(s.ledger), {
      'charge:o1': 1,
      'email:o1': 1,
      'email:o1-v2': 1,
      'label:o1': 1,
    });
  });

  it('changed args of an earlier call clear the slots after it too: a reconciled call then runs again (documented best-effort)', async () => {
    const s = setup();
    const agent = path.join(s.dir, 'agent.ts');
    const source = fs.readFileSync(AGENT, 'utf8');
    fs.writeFileSync(agent, source);
    const run = await runCrashing(agent, s, 'before-call:email');
    assert.equal(run.code, 3, run.stderr);
    const edited = source.replace(
      'durableExecute(quote, [order])',
      'durableExecute(quote, [{ ...order, cents: order.cents }, 1])',
    );
    assert.notEqual(edited, source);
    fs.writeFileSync(agent, edited);
    const recovered = await recoverJson(agent, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), [
      'a order#0 quote clear-and-execute SUCCEEDED',
      'a order#1 charge execute SUCCEEDED',
      'a order#2 email execute SUCCEEDED',
      'a ship#0 label execute SUCCEEDED',
    ]);
    // The charge's slot was cleared with the quote's, so nothing told the new attempt it had
    // happened: the reconciler is only asked about a PENDING slot (spec 9.4, best-effort (1)).
    assert.equal(ledgerCounts(s.ledger)['charge:o1'], 2);
  });

  it('a PENDING slot met by a call without a reconciler runs the call again and says so in a warning event', async () => {
    const s = setup();
    const run = await runCrashing(AGENT, s, 'before-outcome:charge');
    assert.equal(run.code, 3, run.stderr);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 1 });
    const recovered = await runCli(['recover', AGENT, '--state', s.state, '--json'], {
      env: { ...s.env, LEDGER_AGENT_NO_RECONCILER: '1' },
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    const warnings = eventsOf(recovered, 'warning');
    assert.equal(warnings.length, 1);
    assert.match(
      String(warnings[0].message),
      /charge: found a PENDING slot but the call has no reconciler, so its outcome is unknown; the call runs again \(its side effect may happen twice\)/,
    );
    assert.ok(callPaths(recovered).includes('a order#1 charge execute SUCCEEDED'));
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 2, 'email:o1': 1, 'label:o1': 1 });
  });

  it('recovering a finished run runs nothing again: every action is reused and its output replayed', async () => {
    const s = setup(['a', 'b']);
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 0, run.stderr);
    const ledger = fs.readFileSync(s.ledger);
    const again = await recoverJson(AGENT, s);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(callPaths(again), []);
    assert.deepEqual(
      eventsOf(again, 'output').map((e) => [e.key, e.replayed, e.output]),
      eventsOf(run, 'output').map((e) => [e.key, true, e.output]),
    );
    assert.deepEqual(fs.readFileSync(s.ledger), ledger);
  });
});
