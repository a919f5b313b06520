// State surgery with Flink Agents Python agents: each edit, then a recovery by the real Python
// agent host that takes the path the edit implies; and a dump of Flink Agents' action-state topic
// whose call is identified with a digest made by the real cloudpickle, imported, then recovered
// through the agent's reconciler. Needs the project's Python environment (npm test hands it over
// in DURABLE_RUN_TEST_PYTHON) and the Python agent host; without them it is skipped, saying why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  callPaths,
  eventsOf,
  ledgerCounts,
  runCli,
  tempDir,
  writeInputs,
  type CliResult,
} from '../crash/cliHarness';
import { handedPythonMissing, LEDGER_AGENT } from './pythonHarness';

const AGENT = LEDGER_AGENT;
const PYTHON = process.env.DURABLE_RUN_TEST_PYTHON ?? '';
const skip = handedPythonMissing(AGENT);
const STATE = 'acct1#0/0/pay_sync_rec';
const ORDER = { variant: 'sync_rec', account: 'a1', amount: 5 };

interface PyCase {
  dir: string;
  state: string;
  ledger: string;
}

async function cli(c: PyCase, args: string[], code = 0): Promise<CliResult> {
  const result = await runCli(args, { env: { LEDGER: c.ledger }, timeoutMs: 90_000 });
  assert.equal(result.code, code, `durable-run ${args.join(' ')}\n${result.stderr}`);
  return result;
}

const recover = (c: PyCase) =>
  cli(c, ['recover', AGENT, '--state', c.state, '--python', PYTHON, '--json']);

/** The Python agent's run over one order, crashed before its paying action completed (or not). */
async function crashed(finish = false): Promise<PyCase> {
  const dir = tempDir('durable-run-py-surgery-');
  const c = { dir, state: path.join(dir, 'state'), ledger: path.join(dir, 'ledger.jsonl') };
  const inputs = writeInputs(dir, [{ key: 'acct1', input: ORDER }]);
  const args = ['run', AGENT, '--inputs', inputs, '--state', c.state, '--python', PYTHON];
  await cli(
    c,
    finish ? args : [...args, '--crash', 'before-complete:pay_sync_rec'],
    finish ? 0 : 3,
  );
  return c;
}

const edit = (c: PyCase, ...args: string[]) => cli(c, ['edit', '--state', c.state, ...args]);
const payCalls = (r: CliResult) => callPaths(r).filter((p) => p.includes('pay_sync_rec'));

describe('state surgery with a Python agent', { skip }, () => {
  it('a slot made PENDING is reconciled by the Python reconciler', async () => {
    const c = await crashed();
    await edit(c, '--slot', `${STATE}#0`, '--pending');
    assert.deepEqual(payCalls(await recover(c)), [
      'acct1 pay_sync_rec#0 ledger_agent.charge reconcile SUCCEEDED',
    ]);
    assert.deepEqual(ledgerCounts(c.ledger), { 'start:a1': 2, 'charge:a1': 1, 'reconcile:a1': 1 });
  });

  it('a dropped slot runs again', async () => {
    const c = await crashed();
    await edit(c, '--slot', `${STATE}#0`, '--drop');
    assert.deepEqual(payCalls(await recover(c)), [
      'acct1 pay_sync_rec#0 ledger_agent.charge execute SUCCEEDED',
    ]);
    assert.equal(ledgerCounts(c.ledger)['charge:a1'], 2);
  });

  it('an action marked not completed runs again, replaying its call', async () => {
    const c = await crashed(true);
    await edit(c, '--action', STATE, '--not-completed');
    assert.deepEqual(payCalls(await recover(c)), [
      'acct1 pay_sync_rec#0 ledger_agent.charge replay SUCCEEDED',
    ]);
    assert.equal(ledgerCounts(c.ledger)['charge:a1'], 1);
  });

  it('a new result for a pickled value is pickled by the Python host and replayed to the agent', async () => {
    const c = await crashed();
    await edit(c, '--slot', `${STATE}#0`, '--succeed', '{"account":"a1","charged":99}');
    const result = await recover(c);
    assert.deepEqual(payCalls(result), [
      'acct1 pay_sync_rec#0 ledger_agent.charge replay SUCCEEDED',
    ]);
    // The agent sent what durable_execute handed it: a dict equal to the edited value.
    const outputs = eventsOf(result, 'output').map((e) => e.output);
    assert.deepEqual(outputs, [{ account: 'a1', charged: 99 }]);
    assert.equal(ledgerCounts(c.ledger)['charge:a1'], 1);
  });

  it('a new error for a pickled value is raised again in the agent with that message', async () => {
    const c = await crashed();
    await edit(c, '--slot', `${STATE}#0`, '--fail', 'card declined', '--python', PYTHON);
    const result = await cli(
      c,
      ['recover', AGENT, '--state', c.state, '--python', PYTHON, '--json'],
      1,
    );
    assert.deepEqual(payCalls(result), ['acct1 pay_sync_rec#0 ledger_agent.charge replay FAILED']);
    const [done] = eventsOf(result, 'done') as unknown as Array<{
      failures: Array<{ action: string; error: { name: string; message: string } }>;
    }>;
    assert.deepEqual(
      done?.failures.map((f) => [f.action, f.error.name, f.error.message]),
      [['pay_sync_rec', 'RuntimeError', 'card declined']],
    );
    assert.equal(ledgerCounts(c.ledger)['charge:a1'], 1);
  });

  it('a new result for a pickled value with no Python to pickle it is refused, saying how', async () => {
    const c = await crashed();
    const result = await runCli(
      [
        'edit',
        '--state',
        c.state,
        '--slot',
        `${STATE}#0`,
        '--succeed',
        '1',
        '--python',
        '/nonexistent/python',
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /pickled by Python, but the Python interpreter \/nonexistent\/python/,
    );
  });

  it('a Flink Agents dump with a cloudpickle digest is imported and recovered through the reconciler', async () => {
    const dir = tempDir('durable-run-py-flink-');
    const c = { dir, state: path.join(dir, 'state'), ledger: path.join(dir, 'ledger.jsonl') };
    // The args digest as Flink Agents computes it, by the real cloudpickle.
    const probe = spawnSync(PYTHON, [
      '-c',
      'import cloudpickle, hashlib; print(hashlib.sha256(cloudpickle.dumps((("a1", 5), {}))).hexdigest()[:16])',
    ]);
    assert.equal(probe.status, 0, String(probe.stderr));
    const digest = String(probe.stdout).trim();
    const eventId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const actionId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const value = {
      taskEvent: { '@class': 'org.apache.flink.agents.api.InputEvent', id: eventId, input: ORDER },
      sensoryMemoryUpdates: [],
      shortTermMemoryUpdates: [],
      outputEvents: [],
      callResults: [
        {
          functionId: 'ledger_agent.charge',
          argsDigest: digest,
          resultPayload: null,
          exceptionPayload: null,
          status: 'PENDING',
        },
      ],
      completed: false,
    };
    const dump = path.join(dir, 'topic.txt');
    fs.writeFileSync(dump, `acct1_0_${eventId}_${actionId}\t${JSON.stringify(value)}\n`);
    await cli(c, [
      'import-flink',
      dump,
      '--state',
      c.state,
      '--agent',
      'LedgerAgent',
      '--actions',
      `${actionId}=pay_sync_rec`,
    ]);
    assert.deepEqual(payCalls(await recover(c)), [
      'acct1 pay_sync_rec#0 ledger_agent.charge reconcile SUCCEEDED',
    ]);
    assert.deepEqual(ledgerCounts(c.ledger), { 'start:a1': 1, 'reconcile:a1': 1 });
  });
});
