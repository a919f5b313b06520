// One attempt in one worker process: spawns the worker (spawning before the configuration is
// done hides Node's start-up time), starts the attempt, reports whether it started, feeds the
// attempt state, and tells a kill the adapter asked for (terminate, restart, time travel) from
// a crash or an unexpected death.
import type { AgentInput } from '../runtime/agentRunner';
import type { StateLock } from '../runtime/stateLock';
import type { AttemptKind } from '../runtime/stateStore';
import type { CrashPlan, DebugSettings, FromWorker, WorkerFailure } from '../worker/protocol';
import { WorkerClient, type WorkerExit } from '../worker/workerClient';
import { AttemptState } from './attemptState';
import type { LaunchPlan } from './launchConfig';

export type ReadyMessage = Extract<FromWorker, { type: 'ready' }>;

export interface AttemptStart {
  fresh: boolean;
  crash?: CrashPlan;
  debug: DebugSettings;
  /** The session's hold on the state folder, shared with the worker (see folderLock.ts). */
  lock?: StateLock;
}

export interface AttemptHandlers {
  /** Called in the same tick as the worker's `ready`, before any later message is handled. */
  started(ready: ReadyMessage): void;
  failed(failure: WorkerFailure): void;
  message(m: FromWorker): void;
  output(text: string, category: 'stdout' | 'stderr'): void;
  exit(exit: WorkerExit): void;
}

export class AttemptRun {
  readonly client: WorkerClient;
  readonly state: AttemptState;
  /** The adapter killed it on purpose: not a crash, nothing to recover from. */
  killedOnPurpose = false;
  private phase: 'spawned' | 'starting' | 'started' | 'failed' = 'spawned';
  private readonly runtime: string;

  constructor(
    private readonly plan: LaunchPlan,
    workerScript: string,
    readonly kind: AttemptKind,
  ) {
    this.state = new AttemptState(kind);
    this.runtime = plan.runtimeExecutable ?? process.execPath;
    this.client = WorkerClient.spawn({
      workerScript,
      execPath: plan.runtimeExecutable,
      cwd: plan.cwd,
      env: plan.env,
    });
  }

  get pid(): number | undefined {
    return this.client.pid;
  }

  /** Started and still running: its store answers questions. */
  get answering(): boolean {
    return this.phase === 'started' && this.client.running && this.state.crash === undefined;
  }

  start(options: AttemptStart, handlers: AttemptHandlers): void {
    this.phase = 'starting';
    const fail = (failure: WorkerFailure) => {
      if (this.phase !== 'starting') return;
      this.phase = 'failed';
      // The worker exits by itself after startFailed; a kill makes sure none is left behind.
      void this.client.kill().then(() => handlers.failed(failure));
    };
    this.client.on('stdout', (text) => handlers.output(text, 'stdout'));
    this.client.on('stderr', (text) => handlers.output(text, 'stderr'));
    this.client.on('message', (m) => {
      if (m.type === 'startFailed') {
        // Mid-attempt (a full or read-only disk): the attempt stops; say why before it exits.
        if (this.phase === 'started') handlers.output(`${m.failure.message}\n`, 'stderr');
        return fail(m.failure);
      }
      if (m.type === 'ready') {
        this.phase = 'started';
        handlers.started(m);
        return;
      }
      this.state.observe(m);
      handlers.message(m);
    });
    // The promise, not the event: a runtime that cannot start at all fails before this point.
    void this.client.exited.then((exit) => {
      if (this.phase === 'starting') {
        const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
        const message = exit.error
          ? `cannot start the agent's process with ${this.runtime}: ${exit.error}; check "runtimeExecutable"`
          : `the worker process ended before the agent started (${how})`;
        fail({ kind: 'internal', message });
        return;
      }
      if (this.phase === 'started') handlers.exit(exit);
    });
    const inputs: AgentInput[] | undefined = this.plan.inputs;
    this.client.send(
      {
        type: 'start',
        program: this.plan.program,
        inputs,
        stateDir: this.plan.stateDir,
        lock: options.lock?.holder,
        fresh: options.fresh,
        kind: this.kind,
        crash: options.crash,
        debug: options.debug,
        python: this.plan.python,
      },
      options.lock?.shareable,
    );
  }

  /** Kills the worker on purpose and waits until it is gone. */
  async kill(): Promise<void> {
    this.killedOnPurpose = true;
    await this.client.kill();
  }
}
