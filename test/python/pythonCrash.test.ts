// Crash tests for Flink Agents Python agents: the built CLI kills the worker, and the Python
// host with it, at each of the five crash points, in sync and async actions, with and without a
// reconciler; recovery must then follow the reference's paths, the ledger outside the state
// folder must show each side effect as often as the spec allows, and no Python process of the
// crashed attempt may survive it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { callPaths, isAlive, readLedger, waitFor } from '../crash/cliHarness';
import { PY_AGENTS, pythonScenario, runPython } from './pythonHarness';

const AGENT = path.join(PY_AGENTS, 'ledger_agent.py');
const VARIANTS = ['sync', 'sync_rec', 'async', 'async_rec'] as const;

interface Expected {
  /** The crash strikes (false: the point never comes on this path and the run completes). */
  crashes: boolean;
  afterCrash: { charge: number; reconcile: number };
  recoveryPath: string;
  afterRecovery: { charge: number; reconcile: number };
}

function expected(point: string, reconciler: boolean): Expected {
  switch (point) {
    case 'before-call':
      return {
        crashes: true,
        afterCrash: { charge: 0, reconcile: 0 },
        recoveryPath: 'execute SUCCEEDED',
        afterRecovery: { charge: 1, reconcile: 0 },
      };
    case 'after-pending':
      return reconciler
        ? {
            crashes: true,
            afterCrash: { charge: 0, reconcile: 0 },
            recoveryPath: 'reconcile SUCCEEDED',
            afterRecovery: { charge: 0, reconcile: 1 },
          }
        : {
            crashes: false,
            afterCrash: { charge: 1, reconcile: 0 },
            recoveryPath: '',
            afterRecovery: { charge: 1, reconcile: 0 },
          };
    case 'before-outcome':
      // The function ran, its outcome was never saved: a reconciler is asked; without one the
      // call runs again (the reference's best-effort replay).
      return reconciler
        ? {
            crashes: true,
            afterCrash: { charge: 1, reconcile: 0 },
            recoveryPath: 'reconcile SUCCEEDED',
            afterRecovery: { charge: 1, reconcile: 1 },
          }
        : {
            crashes: true,
            afterCrash: { charge: 1, reconcile: 0 },
            recoveryPath: 'execute SUCCEEDED',
            afterRecovery: { charge: 2, reconcile: 0 },
          };
    default:
      // after-outcome, before-complete: the outcome is saved and replays.
      return {
        crashes: true,
        afterCrash: { charge: 1, reconcile: 0 },
        recoveryPath: 'replay SUCCEEDED',
        afterRecovery: { charge: 1, reconcile: 0 },
      };
  }
}

function counts(ledger: string) {
  const lines = readLedger(ledger);
  return {
    charge: lines.filter((l) => l.op === 'charge').length,
    reconcile: lines.filter((l) => l.op === 'reconcile').length,
  };
}

const POINTS = [
  'before-call',
  'after-pending',
  'before-outcome',
  'after-outcome',
  'before-complete',
];

describe('a Python agent crashed at every point recovers as the reference says', () => {
  for (const variant of VARIANTS) {
    for (const point of POINTS) {
      const action = `pay_${variant}`;
      const want = expected(point, variant.endsWith('_rec'));
      it(`${variant}: a crash at ${point} kills the Python host and recovery is ${want.recoveryPath || 'not needed'}`, async () => {
        const s = pythonScenario([{ key: 'k', input: { variant, account: 'acc', amount: 5 } }]);
        const run = await runPython('run', AGENT, s, ['--crash', `${point}:${action}`]);
        assert.equal(run.code, want.crashes ? 3 : 0, run.stderr);
        assert.deepEqual(counts(s.ledger), want.afterCrash);
        // Every Python process that worked for the crashed attempt is gone.
        const pids = [...new Set(readLedger(s.ledger).map((l) => Number(l.pid)))];
        assert.ok(pids.length > 0, 'the action started in a Python process');
        assert.ok(
          await waitFor(() => pids.every((pid) => !isAlive(pid))),
          'a Python host survived',
        );
        const recovery = await runPython('recover', AGENT, s);
        assert.equal(recovery.code, 0, recovery.stderr);
        const calls = callPaths(recovery);
        if (want.recoveryPath === '') assert.deepEqual(calls, []);
        else assert.deepEqual(calls, [`k ${action}#0 ledger_agent.charge ${want.recoveryPath}`]);
        assert.deepEqual(counts(s.ledger), want.afterRecovery);
      });
    }
  }
});
