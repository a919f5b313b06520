// Ending a process with everything it started, on every platform. On Linux and macOS the CLI
// starts the worker as the leader of a process group, and one signal to the group ends it all.
// Windows has neither signals nor process groups: a process is ended with TerminateProcess, which
// leaves its children running, so the tree is ended with `taskkill /T /F` (it follows parent pids)
// while its root is still alive; once the root is gone, its children cannot be found from outside.
import { spawnSync } from 'node:child_process';

/** What killing needs from the operating system; tests pass a simulated one. */
export interface ProcessHost {
  platform: NodeJS.Platform;
  kill(pid: number, signal: NodeJS.Signals | 0): void;
  /** Runs a command to its end; `ok` is false when it could not start or failed. */
  run(command: string, args: string[]): { ok: boolean };
}

export const realHost: ProcessHost = {
  platform: process.platform,
  kill: (pid, signal) => void process.kill(pid, signal),
  run: (command, args) => {
    const r = spawnSync(command, args, { stdio: 'ignore', windowsHide: true });
    return { ok: r.error === undefined && r.status === 0 };
  },
};

/** Whether a child that should lead a process group of its own can be started so (`detached`). */
export function canLeadGroup(host: Pick<ProcessHost, 'platform'> = realHost): boolean {
  // On Windows `detached` means a new console window instead, and gives no group.
  return host.platform !== 'win32';
}

function tryKill(host: ProcessHost, pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    host.kill(pid, signal);
    return true;
  } catch {
    return false; // Gone already, or (for a group) there was none.
  }
}

/**
 * Kills `pid` and every process it started. `group`: the process was started as the leader of
 * its own group (see canLeadGroup); elsewhere on Linux and macOS only `pid` itself is reachable.
 */
export function killTree(pid: number, options: { group?: boolean } = {}, host = realHost): void {
  if (host.platform === 'win32') {
    if (host.run('taskkill', ['/PID', String(pid), '/T', '/F']).ok) return;
    // taskkill missing (a trimmed-down container) or the process is gone: end what we can.
    tryKill(host, pid, 'SIGKILL');
    return;
  }
  if (options.group && tryKill(host, -pid, 'SIGKILL')) return;
  tryKill(host, pid, 'SIGKILL');
}

/** This process leads a process group of its own (the CLI starts the worker so). */
export function leadsGroup(host = realHost, pid = process.pid): boolean {
  return host.platform !== 'win32' && tryKill(host, -pid, 0);
}

/**
 * Ends this process and everything it started that still runs. On Linux and macOS that is its
 * group, when it leads one (else the parent ends the rest); on Windows, its tree, which only this
 * process can still find.
 */
export function killOwnTree(host = realHost, pid = process.pid): void {
  killTree(pid, { group: leadsGroup(host, pid) }, host);
}

/**
 * Exits with `code`. On Windows it first ends what this process started and left running: its
 * parent cannot find those once this process is gone (taskkill then ends this process too).
 */
export function exitWithTree(code: number, host = realHost, pid = process.pid): never {
  if (host.platform === 'win32') killTree(pid, {}, host);
  process.exit(code);
}
