// The reference's own Python cases (test_flink_runner_context_reconcilable.py,
// test_local_runner_reconcilable.py, test_durable_execution.py; spec section 12), each run
// against a real Flink Agents agent under this runtime through the built CLI: what the action
// got back, which path each call took, what the slots hold and what really ran (the ledger).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { callPaths, eventsOf, readLedger, slotsOf } from '../crash/cliHarness';
import { PY_AGENTS, pythonScenario, runPython, type PyScenario } from './pythonHarness';

const AGENT = path.join(PY_AGENTS, 'reference_agent.py');

function scenario(testCase: string): PyScenario {
  return pythonScenario([{ key: 'k', input: { case: testCase } }]);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The 1-based line of the agent that ends with `tail`. */
const lineOf = (tail: string) => fs.readFileSync(AGENT, 'utf8').split(tail)[0].split('\n').length;
const ops = (s: PyScenario) => readLedger(s.ledger).map((l) => String(l.op));
const outputs = (r: { stdout: string }) =>
  eventsOf({ stdout: r.stdout, stderr: '', code: 0, signal: null }, 'output').map((e) => e.output);

describe('the reference cases, on a Python agent under this runtime', () => {
  it('a call with a reconciler and no slot runs the original call, not the reconciler', async () => {
    const s = scenario('reconcile');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ops(s), ['charge']);
    assert.deepEqual(outputs(run), [{ charged: 5 }]);
    const [state] = await slotsOf(s.state);
    assert.deepEqual(
      state.slots.map((slot) => `${slot.functionId} ${slot.status}`),
      ['reference_agent.charge SUCCEEDED'],
    );
    // The slot shows the readable form of the pickled result, never unpickled outside the host.
    assert.deepEqual(state.slots[0].result, { charged: 5 });
  });

  it('a PENDING slot is reconciled on recovery: the reconciler value is saved and returned', async () => {
    const s = scenario('reconcile');
    const run = await runPython('run', AGENT, s, ['--crash', 'after-pending:handle']);
    assert.equal(run.code, 3, run.stderr);
    const recovery = await runPython('recover', AGENT, s);
    assert.equal(recovery.code, 0, recovery.stderr);
    assert.deepEqual(callPaths(recovery), [
      'k handle#0 reference_agent.charge reconcile SUCCEEDED',
    ]);
    assert.deepEqual(outputs(recovery), [{ charged: 'found' }]);
    assert.deepEqual(ops(s), ['reconcile']);
  });

  it('a reconciler that raises persists the failure, which replays without asking again', async () => {
    const s = scenario('reconcile_fails');
    await runPython('run', AGENT, s, ['--crash', 'after-pending:handle']);
    const first = await runPython('recover', AGENT, s);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /the provider does not know this payment/);
    const [state] = await slotsOf(s.state);
    assert.equal(state.slots[0].status, 'FAILED');
    assert.equal(state.slots[0].error?.name, 'ValueError');
    const again = await runPython('recover', AGENT, s);
    assert.deepEqual(callPaths(again), ['k handle#0 reference_agent.charge replay FAILED']);
    assert.deepEqual(ops(s), ['reconcile']);
  });

  it('async: a PENDING slot is reconciled on await, and the value returned', async () => {
    const s = scenario('async_reconcile');
    const run = await runPython('run', AGENT, s, ['--crash', 'after-pending:handle_async']);
    assert.equal(run.code, 3, run.stderr);
    const recovery = await runPython('recover', AGENT, s);
    assert.equal(recovery.code, 0, recovery.stderr);
    assert.deepEqual(callPaths(recovery), [
      'k handle_async#0 reference_agent.charge reconcile SUCCEEDED',
    ]);
    assert.deepEqual(outputs(recovery), [{ charged: 'found' }]);
    assert.deepEqual(ops(s), ['reconcile']);
  });

  it('async: a reconciler that raises persists the failure, replayed on the next recovery', async () => {
    const s = scenario('async_reconcile_fails');
    await runPython('run', AGENT, s, ['--crash', 'after-pending:handle_async']);
    const first = await runPython('recover', AGENT, s);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /the provider does not know this payment/);
    const again = await runPython('recover', AGENT, s);
    assert.deepEqual(callPaths(again), ['k handle_async#0 reference_agent.charge replay FAILED']);
    assert.deepEqual(ops(s), ['reconcile']);
  });

  it('a FAILED slot replays the original exception, type and attributes kept', async () => {
    const s = scenario('failure_replays');
    const run = await runPython('run', AGENT, s, ['--crash', 'before-complete:handle']);
    assert.equal(run.code, 3, run.stderr);
    const recovery = await runPython('recover', AGENT, s);
    assert.equal(recovery.code, 0, recovery.stderr);
    assert.deepEqual(callPaths(recovery), ['k handle#0 reference_agent.decline replay FAILED']);
    const caught = { caught: 'DeclinedError', message: 'card declined for 5', code: 51 };
    assert.deepEqual(outputs(recovery), [caught]);
    assert.deepEqual(ops(s), ['decline']);
  });

  it('a slot for other args is cleared and the call runs again, its reconciler not asked', async () => {
    const s = scenario('mismatch');
    await runPython('run', AGENT, s, ['--crash', 'after-pending:handle']);
    const recovery = await runCliWithNonce(s, '2');
    assert.equal(recovery.code, 0, recovery.stderr);
    assert.deepEqual(callPaths(recovery), [
      'k handle#0 reference_agent.charge clear-and-execute SUCCEEDED',
    ]);
    assert.deepEqual(ops(s), ['charge']);
    const [state] = await slotsOf(s.state);
    assert.equal(state.slots.length, 1);
    assert.equal(state.slots[0].status, 'SUCCEEDED');
  });

  it('a result cloudpickle cannot serialise is a persisted failure: recovery does not rerun it', async () => {
    const s = scenario('unpicklable');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /cannot be pickled by cloudpickle/);
    const [state] = await slotsOf(s.state);
    assert.equal(state.slots[0].status, 'FAILED');
    assert.equal(state.slots[0].error?.name, 'TypeError');
    const recovery = await runPython('recover', AGENT, s);
    assert.deepEqual(callPaths(recovery), ['k handle#0 reference_agent.open_lock replay FAILED']);
    assert.deepEqual(ops(s), ['lock']);
  });

  it('the reconciler keyword is never passed on to the function', async () => {
    const s = scenario('kwargs');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(outputs(run), [{ kwargs: {} }]);
  });

  it('a reconciler that takes arguments is refused with the reference message', async () => {
    const s = scenario('bad_reconciler');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /reconciler must be a callable that takes no arguments/);
    assert.deepEqual(ops(s), []);
  });

  it('memory used inside a durable function is refused, and that failure is recorded', async () => {
    const s = scenario('memory_inside');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /cannot be used inside a durable function/);
  });

  it('a durable_execute_async call that is never awaited never runs and is never recorded, and is warned about with its line', async () => {
    const s = scenario('unawaited');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(callPaths(run), []);
    assert.deepEqual(ops(s), []);
    const [state] = await slotsOf(s.state);
    assert.equal(state.slots.length, 0);
    const warnings = eventsOf(run, 'warning').map((e) => String(e.message));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      new RegExp(
        `returned without awaiting ctx\\.durable_execute_async\\([\\w.]*charge\\) at ${escape(AGENT)}:${lineOf('ctx.durable_execute_async(charge, 5)\n')}:1: it did not run and nothing was recorded`,
      ),
    );
  });

  it('an async action warns about the call it left unawaited, not the one it awaited', async () => {
    const s = scenario('async_one_unawaited');
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      readLedger(s.ledger).map((l) => `${String(l.op)}:${String(l.detail)}`),
      ['charge:7'],
    );
    const warnings = eventsOf(run, 'warning').map((e) => String(e.message));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      new RegExp(`:${lineOf('ctx.durable_execute_async(charge, 6)\n')}:1: it did not run`),
    );
  });

  it('a sent event reaches the action that listens for its type, with short-term memory', async () => {
    const s = pythonScenario([
      { key: 'k', input: { case: 'event' } },
      { key: 'k', input: { case: 'event' } },
    ]);
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(outputs(run), [
      { shipped: 7, n: 1 },
      { shipped: 7, n: 2 },
    ]);
  });
});

function runCliWithNonce(s: PyScenario, nonce: string) {
  process.env.NONCE = nonce;
  try {
    return runPython('recover', AGENT, s);
  } finally {
    delete process.env.NONCE;
  }
}
