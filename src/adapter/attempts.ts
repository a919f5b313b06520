// The attempts of one debug session, one worker process each: the first run, recoveries after a
// crash (on request, or at once with autoRecover), time travel's rewinds, restarts, and the end.
// A crash kills the worker for real; every new attempt is a new worker over the same journal.
// What the session shows of them (DAP events) it learns through the host; no DAP here.
import type { AttemptKind } from '../runtime/stateStore';
import type {
  DebugSettings,
  ExceptionFilter,
  FromWorker,
  StopRule,
  WorkerFailure,
} from '../worker/protocol';
import { AttemptRun, type ReadyMessage } from './attemptRun';
import type { CrashMessage } from './attemptState';
import { FolderLock } from './folderLock';
import type { LaunchPlan } from './launchConfig';

export interface AttemptHost {
  /** Breakpoint rules and exception filters as they stand now. */
  debugSettings(): { rules: StopRule[]; exceptionFilters: ExceptionFilter[] };
  /** A worker is up and its attempt started (the same tick as its `ready`). */
  started(run: AttemptRun, ready: ReadyMessage): void;
  message(run: AttemptRun, m: FromWorker): void;
  output(text: string, category: 'console' | 'stdout' | 'stderr'): void;
  /** The worker of this attempt is gone: its keys' threads go too. */
  retired(run: AttemptRun): void;
  /** The adapter killed this attempt's worker on purpose (restart, time travel). */
  killed(run: AttemptRun): void;
  /** An attempt crashed and waits for Recover (no autoRecover). */
  crashed(crash: CrashMessage): void;
  /** A new attempt starts over the journal (recovery, restart): a crash no longer waits. */
  leavingCrash(): void;
  /** The session is over: the last attempt ended, or it was terminated. */
  ended(exitCode: number): void;
}

/** Where a new attempt stops first: at a boundary of an action execution (time travel). */
export interface StopTarget {
  stateId: string;
  ordinal: number;
}

/** What to do about a state folder that cannot be used, in the words of a launch configuration. */
const STATE_REMEDIES: Record<string, string> = {
  'start-fresh':
    ' To start from empty state, debug again with "fresh": true (the default); the damaged journal is then kept aside.',
  'own-state':
    ' Give this agent a "stateDir" of its own in its launch configuration (without one, each agent file gets its own folder under .durable).',
};

export function describeFailure(f: WorkerFailure): string {
  switch (f.kind) {
    case 'compile':
      return `the agent does not compile: ${f.message}`;
    case 'state':
      return `the state folder cannot be used: ${f.message}${STATE_REMEDIES[f.remedy ?? ''] ?? ''}`;
    case 'input':
      return `bad inputs: ${f.message}`;
    default:
      return f.message;
  }
}

export class Attempts {
  plan: LaunchPlan | undefined;
  run: AttemptRun | undefined;
  ended = false;
  /** Set while breakpoints are held back until a time-travel target is reached. */
  private rearmOnStop = false;
  /** Where the recovery after the current worker's crash stops first (restartFrame). */
  private afterCrash: { stopAt: StopTarget } | undefined;
  /** The state folder, held from launch to the end of the session (folderLock.ts). */
  private readonly folderLock = new FolderLock();

  constructor(
    private readonly workerScript: string,
    private readonly host: AttemptHost,
  ) {}

  /** The running worker follows breakpoint changes at once (not while time travel holds them). */
  pushDebugSettings(): void {
    if (this.rearmOnStop) return;
    this.run?.client.send({ type: 'debug', debug: this.host.debugSettings() });
  }

  /** Just before a stop is reported: breakpoints held back by time travel apply again. */
  beforeStop(): void {
    if (!this.rearmOnStop) return;
    this.rearmOnStop = false;
    this.pushDebugSettings();
  }

  /** Whether the session holds its state folder now (from launch until it ends). */
  get holdsFolder(): boolean {
    return this.folderLock.current !== undefined;
  }

  /** Holds the plan's state folder for the session; says why not when another process has it. */
  hold(plan: LaunchPlan): Promise<string | undefined> {
    return this.folderLock.hold(plan.stateDir, plan.program);
  }

  /**
   * Spawns the worker of the plan's first attempt (launch, restart). It starts with begin():
   * spawning before the client's configuration is done hides Node's start-up time.
   */
  prepare(plan: LaunchPlan): AttemptRun {
    this.plan = plan;
    this.afterCrash = undefined;
    this.ended = false;
    this.host.leavingCrash();
    return this.spawn(plan.fresh ? 'run' : 'recover');
  }

  /** Starts the attempt of a worker from prepare(); `done` hears whether it started. */
  begin(run: AttemptRun, done: (failure?: WorkerFailure) => void): void {
    const plan = this.plan!;
    this.startAttempt(
      run,
      { fresh: plan.fresh, crash: plan.crash, stopOnEntry: plan.stopOnEntry },
      done,
    );
  }

  /** The next attempt over the journal, after a crash. */
  recover(stopAt: StopTarget | undefined, done: (failure?: WorkerFailure) => void): void {
    this.host.leavingCrash();
    const run = this.spawn('recover');
    this.startAttempt(
      run,
      { fresh: false, stopOnEntry: stopAt ? undefined : this.plan!.stopOnEntry, stopAt },
      done,
    );
  }

  /** Re-runs an action in a new worker up to an earlier boundary (not a crash). */
  async rewind(target: StopTarget, done: (failure?: WorkerFailure) => void): Promise<void> {
    await this.killCurrent();
    const run = this.spawn('rewind');
    this.startAttempt(run, { fresh: false, stopAt: target }, done);
  }

  /** After the current worker dies of the crash it is about to take, recover to `stopAt`. */
  recoverAfterCrash(stopAt: StopTarget): void {
    this.afterCrash = { stopAt };
  }

  private spawn(kind: AttemptKind): AttemptRun {
    const run = new AttemptRun(this.plan!, this.workerScript, kind);
    this.run = run;
    return run;
  }

  private startAttempt(
    run: AttemptRun,
    options: {
      fresh: boolean;
      crash?: LaunchPlan['crash'];
      stopOnEntry?: boolean;
      stopAt?: StopTarget;
    },
    done: (failure?: WorkerFailure) => void,
  ): void {
    this.rearmOnStop = options.stopAt !== undefined;
    // Time travel holds breakpoints back, or the re-run would stop at the replayed calls first.
    const debug: DebugSettings = options.stopAt
      ? { stopAt: options.stopAt, rules: [], exceptionFilters: [] }
      : { stopOnEntry: options.stopOnEntry, ...this.host.debugSettings() };
    run.start(
      { fresh: options.fresh, crash: options.crash, debug, lock: this.folderLock.current },
      {
        started: (ready) => {
          this.host.started(run, ready);
          done();
        },
        failed: (failure) => {
          if (this.run === run) this.run = undefined;
          done(failure);
        },
        message: (m) => {
          if (this.run === run) this.host.message(run, m);
        },
        output: (text, category) => this.host.output(text, category),
        exit: () => {
          if (this.run === run) this.onWorkerExit(run);
        },
      },
    );
  }

  private onWorkerExit(run: AttemptRun): void {
    this.run = undefined;
    this.host.retired(run);
    if (run.killedOnPurpose || this.ended || run.state.done) return;
    if (run.state.crash) {
      const next = this.afterCrash;
      this.afterCrash = undefined;
      if (next || this.plan?.autoRecover) {
        this.recover(next?.stopAt, (failure) => {
          if (failure) {
            this.host.output(`the recovery did not start: ${describeFailure(failure)}\n`, 'stderr');
            void this.end(1);
          }
        });
      } else this.host.crashed(run.state.crash);
      return;
    }
    this.host.output(
      "the agent's process ended unexpectedly before the attempt finished\n",
      'stderr',
    );
    void this.end(1);
  }

  /** Ends the session: the worker is killed, then the host is told, once. */
  async end(exitCode: number): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const run = this.run;
    this.run = undefined;
    if (run) await run.kill();
    await this.folderLock.release();
    this.host.ended(exitCode);
  }

  /** Kills the current worker on purpose (restart, time travel): not a crash. */
  async killCurrent(): Promise<AttemptRun | undefined> {
    const run = this.run;
    if (!run) return undefined;
    await run.kill();
    this.host.killed(run);
    return run;
  }

  /** The client went away, or the session is disposed: no worker outlives it. */
  async stopAll(): Promise<void> {
    this.ended = true;
    const run = this.run;
    this.run = undefined;
    await run?.kill();
    await this.folderLock.release();
  }
}
