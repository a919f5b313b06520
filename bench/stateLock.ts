// Benchmark: taking and letting go of a state folder's lock (stateLock.ts) against what a pid
// file costs (create it exclusively with the holder's facts, remove it), and a refused attempt
// (a second writer asking who holds the folder) against the same baseline. Every run and
// recover takes the lock once; a debug session once per launch.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { acquireStateLock, StateFolderBusyError } from '../src/runtime/stateLock';
import { median, report } from './report';

const ROUNDS = 200;

export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-lock-'));
  try {
    const folder = path.join(root, 'state');
    fs.mkdirSync(folder);
    const pidFile = path.join(folder, 'LOCK');
    const facts = JSON.stringify({ pid: process.pid, command: 'bench', since: '' });
    const lockUs: number[] = [];
    const pidFileUs: number[] = [];
    const refusedUs: number[] = [];
    // One of each, in turn, so both see the same machine from moment to moment.
    for (let i = 0; i < ROUNDS; i++) {
      let start = performance.now();
      const lock = await acquireStateLock(folder, 'bench');
      await lock.release();
      lockUs.push((performance.now() - start) * 1000);

      start = performance.now();
      const fd = fs.openSync(pidFile, 'wx');
      fs.writeSync(fd, facts);
      fs.closeSync(fd);
      fs.unlinkSync(pidFile);
      pidFileUs.push((performance.now() - start) * 1000);
    }
    const holder = await acquireStateLock(folder, 'bench holder');
    for (let i = 0; i < ROUNDS / 4; i++) {
      const start = performance.now();
      try {
        await acquireStateLock(folder, 'bench');
      } catch (error) {
        if (!(error instanceof StateFolderBusyError)) throw error;
      }
      refusedUs.push((performance.now() - start) * 1000);
    }
    await holder.release();
    const baseline = median(pidFileUs);
    report('state_lock_acquire_release_us', median(lockUs), 'us', baseline);
    report('state_lock_refused_us', median(refusedUs), 'us', baseline);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
