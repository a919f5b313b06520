// The parent's side of the worker: spawns it (VS Code's own Node, or a configured runtime),
// speaks the protocol, forwards its output, and kills it. Used by the CLI and the adapter.
// The worker must not outlive this process, even when it is SIGKILLed while the agent's code
// keeps the worker busy: see parentDeath.ts.
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import * as path from 'node:path';
import { canLeadGroup, killTree, realHost, type ProcessHost } from '../platform/processTree';
import { PARENT_ENV, parentDeathWrapper } from './parentDeath';
import type { FromWorker, Query, QueryResult, ToWorker } from './protocol';

export interface WorkerSpawnOptions {
  /** The Node executable; VS Code's own (run as Node) by default. */
  execPath?: string;
  workerScript?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Starts the worker in a process group of its own (Linux, macOS), so that `killGroup` ends it
   * with everything the agent started even after it is gone. Signals from the terminal then reach
   * only the parent, which must pass them on. (Windows has no groups: see killGroup.)
   */
  processGroup?: boolean;
  /** How processes are killed here; tests simulate Windows with it. */
  host?: ProcessHost;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The worker announced an injected crash before it died. */
  crashed: boolean;
  /** Why the worker process could not be started at all. */
  error?: string;
}

interface WorkerEvents {
  message: [FromWorker];
  stdout: [string];
  stderr: [string];
  exit: [WorkerExit];
}

export class WorkerClient extends EventEmitter<WorkerEvents> {
  readonly exited: Promise<WorkerExit>;
  private crashed = false;
  private nextQuery = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: QueryResult) => void; reject: (e: Error) => void }
  >();
  private alive = true;

  private constructor(
    private readonly child: ChildProcess,
    private readonly grouped: boolean,
    private readonly host: ProcessHost,
  ) {
    super();
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.emit('stdout', text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.emit('stderr', text));
    child.on('message', (message: FromWorker) => {
      if (message.type === 'crash') this.crashed = true;
      if (message.type === 'response') {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined || !message.result)
          waiter?.reject(new Error(message.error ?? 'no result'));
        else waiter?.resolve(message.result);
        return;
      }
      this.emit('message', message);
    });
    this.exited = new Promise((resolve) => {
      const ended = (exit: WorkerExit) => {
        if (!this.alive) return;
        this.alive = false;
        for (const waiter of this.pending.values()) waiter.reject(new Error('the worker exited'));
        this.pending.clear();
        this.emit('exit', exit);
        resolve(exit);
      };
      child.on('exit', (code, signal) => ended({ code, signal, crashed: this.crashed }));
      // A runtime that cannot be started emits 'error' and never 'exit'.
      child.on('error', (error) => {
        if (child.pid === undefined)
          ended({ code: null, signal: null, crashed: false, error: error.message });
      });
    });
  }

  static spawn(options: WorkerSpawnOptions = {}): WorkerClient {
    const script = options.workerScript ?? path.join(__dirname, 'worker.js');
    const host = options.host ?? realHost;
    const grouped = options.processGroup === true && canLeadGroup(host);
    const runtime = options.execPath ?? process.execPath;
    // On Linux the kernel kills the worker the instant this process dies (a parent-death signal,
    // set by setpriv before it runs the runtime), whatever the agent's code is doing.
    const wrapper = parentDeathWrapper(runtime);
    // fork passes windowsHide on to spawn, though ForkOptions does not declare it.
    const forkOptions: ForkOptions & { windowsHide: boolean } = {
      execPath: wrapper?.execPath ?? runtime,
      execArgv: wrapper?.execArgv ?? [],
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        ELECTRON_RUN_AS_NODE: '1',
        [PARENT_ENV.pid]: String(process.pid),
        [PARENT_ENV.pipe]: '4',
        [PARENT_ENV.signal]: wrapper ? '1' : undefined,
      },
      // fd 4: a pipe only this process writes to (it never does): its end of file tells the
      // worker's reaper that this process is gone, however it died.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      detached: grouped,
      // VS Code is a windowed program: on Windows its console child would open a console window.
      windowsHide: true,
    };
    const child = fork(script, [], forkOptions);
    const lifeline = child.stdio[4] as { unref?: () => void } | null;
    lifeline?.unref?.();
    return new WorkerClient(child, grouped, host);
  }

  /**
   * Kills the worker with the processes the agent started and left running: its process group
   * (Linux, macOS: reachable after the worker is gone), or its process tree (Windows: reachable
   * while the worker lives; the worker ends its own tree before it exits, see worker.ts).
   */
  killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const windows = this.host.platform === 'win32';
    if (this.grouped || (windows && this.alive)) killTree(pid, { group: true }, this.host);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.alive;
  }

  /** `handle` goes along with the message: the state folder's lock (see stateLock.ts). */
  send(message: ToWorker, handle?: Server): void {
    if (!this.alive || !this.child.connected) return;
    if (handle) this.child.send(message, handle);
    else this.child.send(message);
  }

  query(query: Query): Promise<QueryResult> {
    if (!this.alive) return Promise.reject(new Error('the worker is not running'));
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'query', id, query });
    });
  }

  /**
   * Kills the worker (SIGKILL: nothing unpersisted survives) and waits until it is gone. On
   * Windows, with its tree: TerminateProcess alone would leave the agent's children running.
   */
  async kill(): Promise<WorkerExit> {
    if (this.alive) {
      const pid = this.child.pid;
      if (this.host.platform === 'win32' && pid !== undefined) killTree(pid, {}, this.host);
      else this.child.kill('SIGKILL');
    }
    return this.exited;
  }
}
