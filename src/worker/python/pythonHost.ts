// The Python agent host as the worker sees it: a child process (python -m durable_run_host)
// that speaks JSON lines on its stdin and stdout. It dies with this worker: the kernel kills it
// when the worker dies (setpriv's parent-death signal, where there is one), it is in the worker's
// process group (killed with it at a crash), and it exits on its own when its stdin closes.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parentDeathWrapper } from '../parentDeath';

/** A message from the host; `op` says which (see python/durable_run_host). */
export type HostMessage = { op: string; exec?: string; call?: number } & Record<string, unknown>;

/** The folder holding the durable_run_host package, beside the bundle or in the source tree. */
export function hostPackageDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'python');
    if (fs.existsSync(path.join(candidate, 'durable_run_host', '__main__.py'))) return candidate;
    if (path.dirname(dir) === dir)
      throw new Error(
        `the Python agent host (python/durable_run_host) was not found above ${from}`,
      );
  }
}

export class PythonHost {
  private readonly listeners = new Map<string, (m: HostMessage) => void>();
  private control?: (m: HostMessage) => void;
  private readonly exitListeners: Array<(why: string) => void> = [];
  private exited?: string;

  private constructor(private readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.dispatch(JSON.parse(line) as HostMessage));
    // The agent's print() and logging: the user's output, passed on as it comes.
    child.stderr!.on('data', (data: Buffer) => process.stderr.write(data));
    child.on('exit', (code, signal) =>
      this.gone(signal ? `signal ${signal}` : `exit code ${code}`),
    );
    child.on('error', (error) => this.gone(error.message));
  }

  static start(python: string, cwd: string): PythonHost {
    const wrapped = parentDeathWrapper(python);
    const command = wrapped ? wrapped.execPath : python;
    const args = [...(wrapped ? wrapped.execArgv : []), '-u', '-m', 'durable_run_host'];
    const pythonPath = [hostPackageDir(), process.env.PYTHONPATH].filter(Boolean);
    const child = spawn(command, args, {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONPATH: pythonPath.join(path.delimiter) },
      windowsHide: true,
    });
    return new PythonHost(child);
  }

  private dispatch(message: HostMessage): void {
    if (message.exec === undefined) this.control?.(message);
    else this.listeners.get(message.exec)?.(message);
  }

  private gone(why: string): void {
    if (this.exited) return;
    this.exited = why;
    for (const listener of this.exitListeners) listener(why);
  }

  /** Called once if the host ends before the worker does (it never should). */
  onExit(listener: (why: string) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  send(message: Record<string, unknown>): void {
    if (this.exited) return;
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a control message and waits for the next control reply. */
  ask(message: Record<string, unknown>): Promise<HostMessage> {
    return new Promise((resolve, reject) => {
      this.control = resolve;
      this.onExit((why) => reject(new Error(`the Python agent host ended (${why})`)));
      this.send(message);
    });
  }

  /** Routes every message of one action execution to `listener` until `release`. */
  listen(exec: string, listener: (m: HostMessage) => void): void {
    this.listeners.set(exec, listener);
  }

  release(exec: string): void {
    this.listeners.delete(exec);
  }
}
