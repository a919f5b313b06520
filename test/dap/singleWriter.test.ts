// One writer per state folder, in the debugger: a debug session holds its state folder from
// launch to its end, between a crash and Recover too. A CLI run or recover on that folder, or a
// second session, is refused at once naming the session; reading it (slots) works meanwhile.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { runCli } from '../crash/cliHarness';
import {
  endSession,
  launch,
  lineOf,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  tempDir,
  type Session,
} from './support';

/** The parent of a process (the adapter, for a worker), from /proc. */
function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('a debug session holds its state folder', () => {
  const sessions: Session[] = [];
  afterEach(async () => {
    for (const s of sessions.splice(0)) await endSession(s);
  });

  async function pausedAtCharge(stateDir: string): Promise<Session> {
    const s = await startSession();
    sessions.push(s);
    const stopped = nextStop(s);
    await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS, stateDir },
      { lines: [{ file: ORDERS, line: lineOf(ORDERS, 'durableExecute(charge') }] },
    );
    await stopped;
    return s;
  }

  it('refuses a CLI recover while paused and after a crash, lets slots read, and frees the folder when it ends', async () => {
    const stateDir = tempDir('durable-dap-state-');
    const s = await pausedAtCharge(stateDir);
    const adapter = parentOf(s.pids[0]);
    const held = new RegExp(
      `^durable-run: the state folder ${fs.realpathSync(stateDir)} is in use by pid ${adapter} \\(debug session of orders\\.ts \\(durable-agent\\), since [^)]+\\): one writer at a time`,
    );
    const paused = await runCli(['recover', ORDERS, '--state', stateDir]);
    assert.equal(paused.code, 2, paused.stderr);
    assert.match(paused.stderr, held);
    const slots = await runCli(['slots', '--state', stateDir]);
    assert.equal(slots.code, 0, slots.stderr);
    assert.match(slots.stdout, /price +SUCCEEDED/);

    // Killed by a crash, the worker is gone; the session still holds the folder until Recover.
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await s.dc.customRequest('injectCrash', { point: 'before-call', now: true });
    await crashed;
    const afterCrash = await runCli(['recover', ORDERS, '--state', stateDir]);
    assert.equal(afterCrash.code, 2, afterCrash.stderr);
    assert.match(afterCrash.stderr, held);

    await endSession(sessions.pop()!);
    const recovered = await runCli(['recover', ORDERS, '--state', stateDir, '--json']);
    assert.equal(recovered.code, 0, recovered.stderr);
  });

  it('refuses to launch a second session on the same folder, naming the first, and starts no worker', async () => {
    const stateDir = tempDir('durable-dap-state-');
    const first = await pausedAtCharge(stateDir);
    const second = await startSession();
    sessions.push(second);
    await assert.rejects(
      launch(second, { program: ORDERS, inputs: ORDER_INPUTS, stateDir }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^cannot launch: the state folder ${fs.realpathSync(stateDir)} is in use by pid ${parentOf(first.pids[0])} \\(debug session of orders\\.ts`,
          ),
        );
        return true;
      },
    );
    assert.deepEqual(second.pids, []);
    // Another folder is another lock.
    const other = second.dc.waitForEvent('terminated');
    await launch(second, { program: ORDERS, inputs: ORDER_INPUTS, stateDir: tempDir() });
    await other;
  });
});
