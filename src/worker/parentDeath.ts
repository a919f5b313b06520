// A worker never outlives the process that started it (the CLI, the debug adapter), even when
// that process is SIGKILLed and the agent's code keeps the worker's event loop busy. Three layers,
// each used where the platform allows it:
//   1. Linux: the worker is started through `setpriv --pdeathsig KILL`, so the kernel kills it the
//      instant its parent dies: no more agent code runs, nothing more is written.
//   2. A thread of the worker looks at its parent's pid every 10 ms: once the parent is gone (the
//      worker was given to another parent), it kills the worker, and its process group, at once.
//      On Windows, where a ppid outlives its process, it probes the parent every 100 ms instead and
//      ends the worker's tree with taskkill (see platform/processTree.ts).
//   3. A reaper: when the worker leads a process group (the CLI starts it so), a tiny `sh` in that
//      group blocks reading a lifeline, a pipe (fd 4) only the parent holds open for writing; its
//      end of file means the parent is gone, and the reaper kills the whole group, so that what
//      the agent started goes too, also when layer 1 killed the worker before its thread could.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { leadsGroup } from '../platform/processTree';

/** What the parent tells the worker, by environment variable. */
export const PARENT_ENV = {
  pid: 'DURABLE_RUN_PARENT_PID',
  pipe: 'DURABLE_RUN_PARENT_PIPE',
  /** Set when the worker runs with a parent-death signal (layer 1). */
  signal: 'DURABLE_RUN_PARENT_DEATH_SIGNAL',
} as const;

/** The file an executable name runs, as spawn would find it, or undefined. */
function resolveExecutable(command: string): string | undefined {
  const candidates = command.includes(path.sep)
    ? [path.resolve(command)]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, command));
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

let setpriv: string | null | undefined;

/** setpriv, when it is there and takes --pdeathsig (util-linux 2.33 and later); checked once. */
function findSetpriv(): string | undefined {
  if (setpriv === undefined) {
    setpriv = null;
    const file = process.platform === 'linux' ? resolveExecutable('setpriv') : undefined;
    if (file) {
      const probe = spawnSync(file, ['--pdeathsig', 'KILL', '--', file, '--version'], {
        stdio: 'ignore',
        timeout: 5000,
      });
      if (probe.status === 0) setpriv = file;
    }
  }
  return setpriv ?? undefined;
}

/**
 * How to start `runtime` so that the kernel kills it when this process dies (layer 1): undefined
 * where that is not possible, or when `runtime` cannot be found (spawning it directly then gives
 * the usual, clear error).
 */
export function parentDeathWrapper(
  runtime: string,
): { execPath: string; execArgv: string[] } | undefined {
  const wrapper = findSetpriv();
  const resolved = wrapper ? resolveExecutable(runtime) : undefined;
  if (!wrapper || !resolved) return undefined;
  return { execPath: wrapper, execArgv: ['--pdeathsig', 'KILL', '--', resolved] };
}

// Runs in a thread of the worker, as the worker's own event loop may be busy with agent code. It
// never blocks for long: a thread blocked in a read would hold up the process's exit, which waits
// for its threads.
const WATCHER = `
const { workerData: w } = require('node:worker_threads');
const tick = new Int32Array(new SharedArrayBuffer(4));
const gone = () => {
  if (process.ppid !== w.parent) return true;
  if (!w.windows) return false;
  // On Windows a process's ppid outlives its parent: the parent is probed instead.
  try { process.kill(w.parent, 0); return false; } catch (e) { return e.code !== 'EPERM'; }
};
for (let n = 0; ; n++) {
  if ((!w.windows || n % 10 === 0) && gone()) {
    if (w.windows) require('node:child_process').spawnSync('taskkill', ['/PID', String(w.self), '/T', '/F'], { windowsHide: true });
    try { if (w.group) process.kill(-w.self, 'SIGKILL'); } catch {}
    process.kill(w.self, 'SIGKILL');
  }
  Atomics.wait(tick, 0, 0, 10);
}
`;

/**
 * Starts watching the parent (layers 2 and 3) and resolves once the watch is on, so that no agent
 * code runs unwatched. Exits at once when the parent is already gone. Without a parent (started by
 * hand), there is nothing to watch.
 */
export function watchParent(): Promise<void> {
  if (!process.send) return Promise.resolve();
  const parent = Number(process.env[PARENT_ENV.pid]) || process.ppid;
  const pipeText = process.env[PARENT_ENV.pipe];
  const pipe = pipeText === undefined ? undefined : Number(pipeText);
  const signalled = process.env[PARENT_ENV.signal] === '1';
  // The agent's own processes have no use for these.
  for (const name of Object.values(PARENT_ENV)) delete process.env[name];
  // The parent died before this process could watch it (before setpriv set the signal, even).
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  const group = leadsGroup();
  if (group && pipe !== undefined && process.platform !== 'win32' && fs.existsSync('/bin/sh')) {
    const reaper = spawn(
      '/bin/sh',
      ['-c', 'read -r _; kill -KILL -"$1"', 'durable-run-reaper', String(process.pid)],
      { stdio: [pipe, 'ignore', 'ignore'] },
    );
    reaper.on('error', () => undefined);
    reaper.unref();
  }
  const watcher = new Worker(WATCHER, {
    eval: true,
    workerData: { parent, self: process.pid, group, windows: process.platform === 'win32' },
    stdout: true,
    stderr: true,
  });
  watcher.unref();
  // With the kernel's signal (layer 1) on, agent code may start at once; else once watched.
  if (signalled) return Promise.resolve();
  return new Promise((resolve) => {
    watcher.once('online', resolve);
    watcher.once('error', resolve);
  });
}
