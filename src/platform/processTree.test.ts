// Ending an agent's whole process tree: simulated on Windows (taskkill /T /F, no signals, no
// groups) and on a process without a group, and for real here on Linux, with a grandchild that
// must die with its group.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { canLeadGroup, killOwnTree, killTree, leadsGroup, type ProcessHost } from './processTree';

/** A simulated operating system that records what was asked of it. */
function host(
  platform: NodeJS.Platform,
  opts: { groups?: Set<number>; taskkill?: boolean } = {},
): ProcessHost & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform,
    calls,
    kill(pid, signal) {
      calls.push(`kill ${pid} ${signal}`);
      if (pid < 0 && !opts.groups?.has(-pid))
        throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    },
    run(command, args) {
      calls.push(`${command} ${args.join(' ')}`);
      return { ok: opts.taskkill !== false };
    },
  };
}

describe('killing a process tree on Windows (simulated)', () => {
  it('uses taskkill /T /F on the root, and no signal or process group', () => {
    const windows = host('win32');
    killTree(4242, { group: true }, windows);
    assert.deepEqual(windows.calls, ['taskkill /PID 4242 /T /F']);
  });

  it('falls back to ending the root alone when taskkill cannot run', () => {
    const windows = host('win32', { taskkill: false });
    killTree(4242, {}, windows);
    assert.deepEqual(windows.calls, ['taskkill /PID 4242 /T /F', 'kill 4242 SIGKILL']);
  });

  it('never starts a worker "detached" there (that opens a console, not a group)', () => {
    assert.equal(canLeadGroup({ platform: 'win32' }), false);
    assert.equal(canLeadGroup({ platform: 'darwin' }), true);
  });

  it("ends the worker's own tree from inside, which only it can still find", () => {
    const windows = host('win32');
    assert.equal(leadsGroup(windows, 77), false);
    killOwnTree(windows, 77);
    assert.deepEqual(windows.calls, ['taskkill /PID 77 /T /F']);
  });
});

describe('killing a process tree on Linux and macOS (simulated)', () => {
  it('signals the whole group when the process leads one', () => {
    const linux = host('linux', { groups: new Set([500]) });
    killTree(500, { group: true }, linux);
    assert.deepEqual(linux.calls, ['kill -500 SIGKILL']);
  });

  it('signals the process alone when it has no group', () => {
    const mac = host('darwin');
    killTree(500, { group: true }, mac);
    assert.deepEqual(mac.calls, ['kill -500 SIGKILL', 'kill 500 SIGKILL']);
    const linux = host('linux');
    killOwnTree(linux, 9);
    assert.deepEqual(linux.calls, ['kill -9 0', 'kill 9 SIGKILL']);
  });
});

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), what);
}

describe('killing a process tree here', { skip: process.platform === 'win32' }, () => {
  it('ends a group leader and the grandchild it left running', async () => {
    const leader = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const grandchild = await new Promise<number>((resolve) =>
      leader.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
    );
    assert.ok(alive(grandchild));
    killTree(leader.pid!, { group: true });
    await until(() => leader.exitCode !== null || leader.signalCode !== null, 'the leader died');
    await until(() => !alive(grandchild), 'the grandchild died with its group');
  });
});
