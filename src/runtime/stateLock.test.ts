// Tests of the state folder's lock: one holder at a time, refusals that name the holder, probes
// that never take it, one lock whatever path reaches the folder, and no stale lock after a holder
// is killed (SIGKILL) or stopped. Holders in other processes are real child processes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  acquireStateLock,
  canonicalFolder,
  probeStateLock,
  StateFolderBusyError,
  type LockHolder,
} from './stateLock';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-lock-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => path.join(root, `state-${++dirs}`);

async function refused(dir: string): Promise<StateFolderBusyError> {
  try {
    const lock = await acquireStateLock(dir, 'the second writer');
    await lock.release();
  } catch (error) {
    assert.ok(error instanceof StateFolderBusyError, `expected a refusal, got ${String(error)}`);
    return error;
  }
  assert.fail(`a second writer got the lock of ${dir}`);
}

/**
 * True once the process is gone with all its threads: its descriptors are closed only when its
 * last thread exits, and the leader shows as a zombie before that.
 */
function gone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const zombie = stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
    return zombie && fs.readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  // A hang guard, not a timed assertion: the condition is what the test waits for.
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A child process that takes the lock of `dir` with this module and says so on stdout. With
 * `share`, it takes the lock, forks a grandchild, shares the lock with it and lets go of its own.
 */
function holderProcess(dir: string, share = false): Promise<{ child: ChildProcess; line: string }> {
  const module = path.join(__dirname, 'stateLock.ts');
  const grandchildScript = path.join(root, 'grandchild.js');
  fs.writeFileSync(
    grandchildScript,
    `const { adoptStateLock } = require(${JSON.stringify(module)});
     process.on('message', (holder, handle) => { adoptStateLock(handle, holder); process.send('held'); });
     setInterval(() => {}, 1000);`,
  );
  const script = share
    ? `const { fork } = require('node:child_process');
       const { acquireStateLock } = require(${JSON.stringify(module)});
       acquireStateLock(${JSON.stringify(dir)}, 'parent holder').then(async (lock) => {
         const grandchild = fork(${JSON.stringify(grandchildScript)}, [], { execArgv: ['--import', 'tsx'] });
         grandchild.send(lock.holder, lock.shareable);
         grandchild.once('message', async () => { await lock.release(); console.log(JSON.stringify({ grandchild: grandchild.pid })); });
         setInterval(() => {}, 1000);
       });`
    : `const { acquireStateLock } = require(${JSON.stringify(module)});
       acquireStateLock(${JSON.stringify(dir)}, 'child holder').then((lock) => {
         console.log(JSON.stringify(lock.holder));
         setInterval(() => {}, 1000);
       });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`the holder process exited (${code})`)));
  });
}

describe('the state folder lock', () => {
  it('refuses a second writer, naming the holder: pid, command, since when, and the folder', async () => {
    const dir = newDir();
    const lock = await acquireStateLock(dir, 'durable-run recover agent.ts');
    try {
      const error = await refused(dir);
      assert.deepEqual(error.holder, {
        pid: process.pid,
        command: 'durable-run recover agent.ts',
        since: lock.holder.since,
        folder: canonicalFolder(dir),
      });
      assert.equal(error.file, canonicalFolder(dir));
      assert.match(
        error.message,
        new RegExp(
          `^the state folder ${canonicalFolder(dir)} is in use by pid ${process.pid} \\(durable-run recover agent\\.ts, since ${lock.holder.since.replace(/\./g, '\\.')}\\): one writer at a time`,
        ),
      );
    } finally {
      await lock.release();
    }
  });

  it('is free again once released, and a probe says so without taking it', async () => {
    const dir = newDir();
    assert.deepEqual(await probeStateLock(dir), { held: false });
    const lock = await acquireStateLock(dir, 'first');
    const probed = await probeStateLock(dir);
    assert.ok(probed.held);
    assert.deepEqual(probed.holder, lock.holder);
    await lock.release();
    assert.deepEqual(await probeStateLock(dir), { held: false });
    const again = await acquireStateLock(dir, 'second');
    await again.release();
  });

  it('never refuses a writer because someone is probing', async () => {
    const dir = newDir();
    let probing = true;
    const probes = (async () => {
      let n = 0;
      while (probing) {
        await probeStateLock(dir);
        n++;
      }
      return n;
    })();
    for (let i = 0; i < 50; i++) await (await acquireStateLock(dir, `writer ${i}`)).release();
    probing = false;
    assert.ok((await probes) > 0);
  });

  it('is one lock whatever path reaches the folder: a link to it, or the folder before it exists', async () => {
    const dir = newDir();
    const lock = await acquireStateLock(dir, 'by its path, before it exists');
    try {
      fs.mkdirSync(dir);
      const link = `${dir}-link`;
      fs.symlinkSync(dir, link);
      assert.equal((await refused(link)).holder?.command, 'by its path, before it exists');
      assert.equal(
        (await refused(path.join(dir, '..', path.basename(dir)))).holder?.pid,
        process.pid,
      );
    } finally {
      await lock.release();
    }
    const other = await acquireStateLock(`${dir}-other`, 'another folder, another lock');
    await other.release();
  });

  it('dies with a holder killed by SIGKILL: the next writer gets it at once', async () => {
    const dir = newDir();
    const { child, line } = await holderProcess(dir);
    const holder = JSON.parse(line) as LockHolder;
    assert.equal(holder.pid, child.pid);
    assert.equal((await refused(dir)).holder?.command, 'child holder');
    child.kill('SIGKILL');
    await until(() => gone(child.pid!), 'the holder is dead');
    const lock = await acquireStateLock(dir, 'the next writer');
    await lock.release();
  });

  it('shared with a child process, outlives the parent letting go and dies with the child', async () => {
    const dir = newDir();
    const { child, line } = await holderProcess(dir, true);
    const { grandchild } = JSON.parse(line) as { grandchild: number };
    try {
      // The parent let go: the grandchild holds it alone, and serves the parent's facts.
      assert.equal((await refused(dir)).holder?.command, 'parent holder');
      process.kill(grandchild, 'SIGKILL');
      await until(() => gone(grandchild), 'the grandchild is dead');
      await (await acquireStateLock(dir, 'after the grandchild')).release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses while the holder is stopped (it cannot answer, and still holds)', async () => {
    const dir = newDir();
    const { child } = await holderProcess(dir);
    try {
      child.kill('SIGSTOP');
      const error = await refused(dir);
      assert.equal(error.holder, undefined);
      assert.match(error.message, /in use by another process \(it did not say which\)/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
