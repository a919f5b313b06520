// A DAP session on a Flink Agents Python agent: a breakpoint on a ctx.durable_execute line of the
// user's .py file stops there, with the frame on that line, and a crash then Recover takes the
// reconciler path, in the slots the session shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SlotsResponseBody } from '../../src/adapter/customProtocol';
import { PY_AGENTS, testPython } from '../python/pythonHarness';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  lineOf,
  nextStop,
  startSession,
  tempDir,
  type Session,
} from './support';

const AGENT = path.join(PY_AGENTS, 'reference_agent.py');
const RECONCILE_LINE = lineOf(AGENT, 'if case == "reconcile":') + 1;

function pythonLaunch(extra: Record<string, unknown>) {
  const ledger = path.join(tempDir(), 'ledger.jsonl');
  return {
    ledger,
    args: {
      program: AGENT,
      python: testPython(),
      inputs: [{ key: 'k', input: { case: 'reconcile' } }],
      env: { LEDGER: ledger },
      ...extra,
    },
  };
}

describe('debugging a Python agent', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('a breakpoint on a durable_execute line stops there, on the .py line', async () => {
    const { args } = pythonLaunch({});
    const set = await launch(s, args, { lines: [{ file: AGENT, line: RECONCILE_LINE }] });
    assert.equal(set.lines[0].verified, true);
    const { event, top } = await nextStop(s);
    assert.equal(event.body.reason, 'breakpoint');
    assert.equal(top.source?.path, AGENT);
    assert.equal(top.line, RECONCILE_LINE);
    const exited = s.dc.waitForEvent('exited');
    await s.dc.continueRequest({ threadId: event.body.threadId! });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });

  it('a crash after the charge ran kills the Python host, and Recover asks the reconciler', async () => {
    const { args, ledger } = pythonLaunch({ crash: { point: 'before-outcome' } });
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, args);
    assert.equal((await crashed).body.point, 'before-outcome');
    // The worker and the Python process that ran the charge are both gone.
    const [charged] = fs.readFileSync(ledger, 'utf8').trim().split('\n');
    await assertNoWorkerLeft([s.pids[0], (JSON.parse(charged) as { pid: number }).pid], 5000);
    const exited = s.dc.waitForEvent('exited');
    await s.dc.customRequest('recover');
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    const body = (await s.dc.customRequest('slots')).body as SlotsResponseBody;
    const rows = body.states.flatMap((st) => st.slots.map((r) => `${r.functionId} ${r.path}`));
    assert.deepEqual(rows, ['reference_agent.charge reconcile']);
    const ops = fs.readFileSync(ledger, 'utf8').trim().split('\n');
    assert.deepEqual(
      ops.map((l) => (JSON.parse(l) as { op: string }).op),
      ['charge', 'reconcile'],
    );
  });
});
