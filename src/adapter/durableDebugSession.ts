// The DAP session of the `durable-agent` debug type: translates DAP requests into the worker
// protocol and worker messages into DAP events. The agent runs in a worker child process; one
// attempt is one worker (a crash kills it for real; recovery and time travel start another over
// the same journal). Runs inline in the extension and standalone (debugAdapter.ts): never
// import `vscode` here.
//
// Time travel (stepBack, reverseContinue) re-runs the current action from its start in a new
// worker (attempt kind 'rewind') and stops at the earlier boundary. What re-runs: the action's
// code outside durable calls runs again; durable calls whose outcome is persisted replay (the
// function does not run); a call left PENDING goes to its reconciler, or without one runs again
// (its side effect may happen twice); a call that had run but whose outcome was not persisted
// runs again. Other keys go on from what the journal holds, as in a recovery.
import {
  DebugSession,
  Event,
  InitializedEvent,
  TerminatedEvent,
  ExitedEvent,
  BreakpointEvent,
  ContinuedEvent,
  StoppedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import type { AttemptKind } from '../runtime/stateStore';
import {
  EXCEPTION_FILTERS,
  type ExceptionFilter,
  type ResumeMode,
  type WorkerFailure,
} from '../worker/protocol';
import { AttemptRun } from './attemptRun';
import { BreakpointMapper } from './breakpointMapper';
import { crashRequestPlan } from './crashRequest';
import { CUSTOM_EVENTS, type InjectCrashArguments, type SlotsArguments } from './customProtocol';
import {
  checkLaunchArguments,
  LaunchConfigError,
  type LaunchArguments,
  type LaunchPlan,
} from './launchConfig';
import type { CrashMessage } from './attemptState';
import { CRASHED_THREAD_ID, DebugState } from './debugState';
import { reverseContinueTarget, stepBackTarget, type TravelTarget } from './timeTravel';
import { slotsBody, timelineBody } from './viewData';
import { WorkerEvents, type OutputCategory } from './workerEvents';
import { capabilities, filterLabel } from './capabilities';

export interface DurableDebugSessionOptions {
  /** The worker bundle; default: worker.js beside this bundle. */
  workerScript?: string;
  /**
   * The action a client should offer with a failed launch's message (DAP's `url`, which may be a
   * `command:` URI, and `urlLabel`): the inline adapter links the file at fault. None: the
   * client's own (VS Code offers to open launch.json).
   */
  launchFailureLink?: (failure: LaunchFailure) => { url: string; label: string } | undefined;
}

/** Why a launch failed: a launch attribute (`config`), or what the worker found. */
export type LaunchFailure = Omit<WorkerFailure, 'kind'> & {
  kind: WorkerFailure['kind'] | 'config';
};

/** How long launch waits for configurationDone before starting anyway (a client may not send it). */
const CONFIGURATION_WAIT_MS = 2000;

export class DurableDebugSession extends DebugSession {
  private readonly workerScript: string;
  private readonly launchFailureLink: DurableDebugSessionOptions['launchFailureLink'];
  private plan: LaunchPlan | undefined;
  private run: AttemptRun | undefined;
  private readonly breakpoints = new BreakpointMapper();
  private exceptionFilters: ExceptionFilter[] = [];
  private readonly state: DebugState;
  private configured = false;
  private onConfigured: (() => void) | undefined;
  private ended = false;
  /** Set while breakpoints are held back until a time-travel target is reached. */
  private rearmOnStop = false;
  /** What to start when the current worker dies of its crash (restartFrame). */
  private afterCrash: { stopAt: { stateId: string; ordinal: number } } | undefined;
  private readonly events: WorkerEvents;

  constructor(options: DurableDebugSessionOptions | boolean = {}) {
    super();
    // DebugSession.run() passes `false` (an obsolete argument): the defaults apply then.
    const opts = typeof options === 'object' ? options : {};
    this.workerScript = opts.workerScript ?? path.join(__dirname, 'worker.js');
    this.launchFailureLink = opts.launchFailureLink;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.state = new DebugState(() => this.run);
    this.events = new WorkerEvents(
      {
        sendEvent: (e) => this.sendEvent(e),
        breakpointIds: (ids) => this.breakpoints.breakpointIds(ids),
        beforeStop: () => {
          this.state.resetVariables();
          if (this.rearmOnStop) {
            this.rearmOnStop = false;
            this.pushDebugSettings();
          }
        },
        attemptDone: (exitCode) => void this.end(exitCode),
      },
      this.state,
    );
  }

  // ---- configuration --------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = capabilities();
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(
    response: DebugProtocol.ConfigurationDoneResponse,
  ): void {
    this.configured = true;
    this.onConfigured?.();
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const file = args.source.path;
    const requests = (args.breakpoints ?? []).map((b) => ({
      line: this.convertClientLineToDebugger(b.line),
      condition: b.condition,
      hitCondition: b.hitCondition,
    }));
    const bps = file ? this.breakpoints.setLineBreakpoints(path.resolve(file), requests) : [];
    response.body = {
      breakpoints: bps.map((bp) => ({
        ...bp,
        source: args.source,
        line: bp.line === undefined ? undefined : this.convertDebuggerLineToClient(bp.line),
        column: bp.column === undefined ? undefined : this.convertDebuggerColumnToClient(bp.column),
      })),
    };
    this.sendResponse(response);
    this.pushDebugSettings();
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    response.body = {
      breakpoints: this.breakpoints.setFunctionBreakpoints(args.breakpoints, this.state.known()),
    };
    this.sendResponse(response);
    this.pushDebugSettings();
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    const known = new Set<string>(EXCEPTION_FILTERS);
    const ids = [...args.filters, ...(args.filterOptions ?? []).map((o) => o.filterId)];
    this.exceptionFilters = [...new Set(ids)].filter((f): f is ExceptionFilter => known.has(f));
    response.body = { breakpoints: ids.map(() => ({ verified: true })) };
    this.sendResponse(response);
    this.pushDebugSettings();
  }

  /** The running worker follows breakpoint changes at once. */
  private pushDebugSettings(): void {
    if (this.rearmOnStop) return;
    this.run?.client.send({
      type: 'debug',
      debug: { rules: this.breakpoints.rules(), exceptionFilters: this.exceptionFilters },
    });
  }

  // ---- launch, attempts, end ------------------------------------------------------------

  protected override async launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments,
  ): Promise<void> {
    let plan: LaunchPlan;
    try {
      plan = checkLaunchArguments(args as LaunchArguments);
    } catch (error) {
      const message = launchErrorText(error);
      const given = (args as LaunchArguments).program;
      const program = typeof given === 'string' ? given : undefined;
      return this.fail(
        response,
        message,
        true,
        this.launchFailureLink?.({ kind: 'config', message, file: program }),
      );
    }
    this.plan = plan;
    this.state.setProgram(plan.program);
    const run = this.spawn(plan.fresh ? 'run' : 'recover');
    await this.configurationDone();
    this.startAttempt(
      run,
      { fresh: plan.fresh, crash: plan.crash, stopOnEntry: plan.stopOnEntry },
      (failure) => {
        if (failure)
          return this.fail(
            response,
            describeFailure(failure),
            true,
            this.launchFailureLink?.(failure),
          );
        this.sendResponse(response);
      },
    );
  }

  private configurationDone(): Promise<void> {
    if (this.configured) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CONFIGURATION_WAIT_MS);
      this.onConfigured = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private spawn(kind: AttemptKind): AttemptRun {
    const run = new AttemptRun(this.plan!, this.workerScript, kind);
    this.run = run;
    return run;
  }

  /** Starts the attempt in `run`; `done` hears whether it started. */
  private startAttempt(
    run: AttemptRun,
    options: {
      fresh: boolean;
      crash?: LaunchPlan['crash'];
      stopOnEntry?: boolean;
      stopAt?: { stateId: string; ordinal: number };
    },
    done: (failure?: WorkerFailure) => void,
  ): void {
    this.rearmOnStop = options.stopAt !== undefined;
    // Time travel holds breakpoints back, or the re-run would stop at the replayed calls first.
    const debug = options.stopAt
      ? { stopAt: options.stopAt, rules: [], exceptionFilters: [] }
      : {
          stopOnEntry: options.stopOnEntry,
          rules: this.breakpoints.rules(),
          exceptionFilters: this.exceptionFilters,
        };
    run.start(
      { fresh: options.fresh, crash: options.crash, debug },
      {
        started: (ready) => {
          this.state.learnActions(ready.actions.map((a) => a.name));
          for (const w of ready.warnings) this.say(`warning: ${w}\n`, 'console');
          for (const bp of this.breakpoints.reverifyFunctions(this.state.known()))
            this.sendEvent(new BreakpointEvent('changed', bp));
          this.sendEvent(
            new Event('process', {
              name: this.plan!.program,
              systemProcessId: run.pid,
              isLocalProcess: true,
              startMethod: 'launch',
            }),
          );
          this.sendEvent(new Event(CUSTOM_EVENTS.worker, { pid: run.pid, kind: run.kind }));
          done();
        },
        failed: (failure) => {
          if (this.run === run) this.run = undefined;
          done(failure);
        },
        message: (m) => {
          if (this.run === run) this.events.translate(run, m);
        },
        output: (text, category) => this.say(text, category),
        exit: () => {
          if (this.run === run) this.onWorkerExit(run);
        },
      },
    );
  }

  private onWorkerExit(run: AttemptRun): void {
    this.run = undefined;
    this.events.retireThreads(run);
    if (run.killedOnPurpose || this.ended || run.state.done) return;
    if (run.state.crash) {
      const next = this.afterCrash;
      this.afterCrash = undefined;
      if (next || this.plan?.autoRecover) {
        this.recoverNow(next?.stopAt, (failure) => {
          if (failure) {
            this.say(`the recovery did not start: ${describeFailure(failure)}\n`, 'stderr');
            void this.end(1);
          }
        });
      } else this.showCrashed(run.state.crash);
      return;
    }
    this.say("the agent's process ended unexpectedly before the attempt finished\n", 'stderr');
    void this.end(1);
  }

  /**
   * A crashed attempt waits for its recovery as a stopped thread of its own, at the line where the
   * crash struck: the client shows that nothing runs (no Pause), and Continue recovers.
   */
  private showCrashed(crash: CrashMessage): void {
    this.state.crashed = crash;
    this.say(
      `the attempt crashed: Recover (or Continue) starts attempt ${crash.attempt + 1} over what the journal persisted\n`,
      'console',
    );
    this.sendEvent(new ThreadEvent('started', CRASHED_THREAD_ID));
    const event = new StoppedEvent('crash', CRASHED_THREAD_ID) as DebugProtocol.StoppedEvent;
    event.body.description = `Crashed at ${crash.point}: Recover or Continue starts the recovery`;
    event.body.allThreadsStopped = true;
    this.sendEvent(event);
  }

  /** The crashed attempt's thread goes when its recovery starts. */
  private leaveCrashed(): void {
    if (!this.state.crashed) return;
    this.state.crashed = undefined;
    this.sendEvent(new ContinuedEvent(CRASHED_THREAD_ID, true));
    this.sendEvent(new ThreadEvent('exited', CRASHED_THREAD_ID));
  }

  private recoverNow(
    stopAt: { stateId: string; ordinal: number } | undefined,
    done: (failure?: WorkerFailure) => void,
  ): void {
    this.leaveCrashed();
    const run = this.spawn('recover');
    this.startAttempt(
      run,
      { fresh: false, stopOnEntry: stopAt ? undefined : this.plan!.stopOnEntry, stopAt },
      done,
    );
  }

  /** Ends the session: the worker is killed, then exited and terminated are sent, once. */
  private async end(exitCode: number): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const run = this.run;
    this.run = undefined;
    if (run) await run.kill();
    this.events.flushSlotsChanged();
    this.sendEvent(new ExitedEvent(exitCode));
    this.sendEvent(new TerminatedEvent());
  }

  private async killCurrent(): Promise<void> {
    const run = this.run;
    if (!run) return;
    await run.kill();
    if (!run.state.finished) this.events.attempt({ attempt: run.state.attempt, phase: 'end' });
  }

  protected override async terminateRequest(
    response: DebugProtocol.TerminateResponse,
  ): Promise<void> {
    await this.end(0);
    this.sendResponse(response);
  }

  protected override async disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
  ): Promise<void> {
    this.ended = true;
    await this.run?.kill();
    this.run = undefined;
    this.sendResponse(response);
    this.shutdown();
  }

  protected override async restartRequest(
    response: DebugProtocol.RestartResponse,
    args: DebugProtocol.RestartArguments,
  ): Promise<void> {
    if (args?.arguments) {
      try {
        this.plan = checkLaunchArguments(args.arguments as LaunchArguments);
      } catch (error) {
        return this.fail(response, launchErrorText(error));
      }
    }
    const plan = this.plan;
    if (!plan) return this.fail(response, 'nothing to restart: the session was not launched');
    await this.killCurrent();
    this.leaveCrashed();
    this.afterCrash = undefined;
    this.ended = false;
    const run = this.spawn(plan.fresh ? 'run' : 'recover');
    this.startAttempt(
      run,
      { fresh: plan.fresh, crash: plan.crash, stopOnEntry: plan.stopOnEntry },
      (failure) => {
        if (failure) return this.fail(response, describeFailure(failure));
        this.sendResponse(response);
      },
    );
  }

  /** Inline in the extension host, a session can be disposed without a disconnect. */
  override dispose(): void {
    this.ended = true;
    void this.run?.kill();
    this.run = undefined;
    super.dispose();
  }

  // ---- execution control ----------------------------------------------------------------

  private resume(response: DebugProtocol.Response, mode: ResumeMode): void {
    if (this.state.crashed && !this.run) {
      if (mode !== 'continue')
        return this.fail(response, 'the attempt crashed: Continue or Recover starts the recovery');
      response.body = { allThreadsContinued: true };
      return void this.recover(response);
    }
    const run = this.run;
    if (!run?.state.stop) return this.fail(response, 'the agent is not stopped', false);
    run.state.stop = undefined;
    this.state.resetVariables();
    run.client.send({ type: 'resume', mode });
    if (mode === 'continue') response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.resume(response, 'continue');
  }
  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.resume(response, 'next');
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.resume(response, 'stepIn');
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.resume(response, 'stepOut');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.run?.client.send({ type: 'pause' });
    this.sendResponse(response);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    const run = this.run;
    const stop = run?.state.stop;
    if (!run || !stop) return this.fail(response, 'the agent is not stopped', false);
    void this.travel(
      response,
      stepBackTarget(stop.boundary, run.state.callsMade(stop.boundary.exec.stateId)),
    );
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    const stop = this.run?.state.stop;
    if (!stop) return this.fail(response, 'the agent is not stopped', false);
    void this.travel(response, reverseContinueTarget(stop.boundary));
  }

  /** Re-runs the current action in a new worker up to the target boundary (not a crash). */
  private async travel(response: DebugProtocol.Response, target: TravelTarget): Promise<void> {
    const stateId = this.run!.state.stop!.boundary.exec.stateId;
    if ('refused' in target) return this.fail(response, target.refused, false);
    await this.killCurrent();
    const run = this.spawn('rewind');
    this.startAttempt(
      run,
      { fresh: false, stopAt: { stateId, ordinal: target.ordinal } },
      (failure) => {
        if (failure) {
          this.fail(response, describeFailure(failure));
          void this.end(1);
        } else this.sendResponse(response);
      },
    );
  }

  protected override restartFrameRequest(
    response: DebugProtocol.RestartFrameResponse,
    args: DebugProtocol.RestartFrameArguments,
  ): void {
    const run = this.run;
    const stop = run?.state.stop;
    const frame = this.state.frame(args.frameId);
    if (!run || !stop || !frame || frame.threadKey !== stop.boundary.exec.key) {
      return this.fail(response, 'restart frame needs the agent stopped in that action', false);
    }
    // A crash now, then a recovery that stops at the start of this very action.
    this.afterCrash = { stopAt: { stateId: stop.boundary.exec.stateId, ordinal: 1 } };
    run.client.send({ type: 'injectCrash', crash: { point: 'before-call' }, now: true });
    this.sendResponse(response);
  }

  // ---- inspection -----------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const keys = this.run?.state.keys ?? [];
    const threads = keys.map((key) => ({ id: this.state.threadId(key), name: key }));
    const crashed = this.state.crashed;
    if (crashed && !this.run)
      threads.push({ id: CRASHED_THREAD_ID, name: `attempt ${crashed.attempt} crashed` });
    response.body = { threads };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    const frames = this.state.frames(args.threadId).map((f) => ({
      id: f.id,
      name: f.name,
      line: f.line > 0 ? this.convertDebuggerLineToClient(f.line) : 0,
      column: f.column > 0 ? this.convertDebuggerColumnToClient(f.column) : 0,
      source: f.file ? { name: path.basename(f.file), path: f.file } : undefined,
      presentationHint: f.kind === 'event' ? ('label' as const) : ('normal' as const),
      canRestart: f.kind === 'action' && f.stopped,
    }));
    const start = args.startFrame ?? 0;
    const shown = args.levels ? frames.slice(start, start + args.levels) : frames.slice(start);
    response.body = { stackFrames: shown, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override async scopesRequest(
    response: DebugProtocol.ScopesResponse,
    args: DebugProtocol.ScopesArguments,
  ): Promise<void> {
    try {
      response.body = { scopes: await this.state.scopes(args.frameId) };
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, (error as Error).message, false);
    }
  }

  protected override async variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): Promise<void> {
    try {
      response.body = { variables: await this.state.variables(args) };
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, (error as Error).message, false);
    }
  }

  protected override async evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): Promise<void> {
    try {
      const v = await this.state.evaluate(args.expression, args.frameId);
      response.body = {
        result: v.value,
        type: v.type,
        variablesReference: v.variablesReference,
        indexedVariables: v.indexedVariables,
      };
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, (error as Error).message, false);
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const stop = this.run?.state.stop;
    if (!stop || stop.reason !== 'exception')
      return this.fail(response, 'not stopped on an exception', false);
    const b = stop.boundary;
    const error = b.kind === 'action-end' ? b.error : b.call?.outcome?.error;
    // VS Code titles the exception with its id: the error's class, else what the filter stops at.
    response.body = {
      exceptionId: error?.name ?? (stop.filter ? filterLabel(stop.filter) : 'Exception'),
      description: stop.text ? `${stop.description}: ${stop.text}` : stop.description,
      breakMode: 'always',
      details: error
        ? { message: error.message, typeName: error.name, stackTrace: error.stack }
        : { message: stop.text },
    };
    this.sendResponse(response);
  }

  // ---- custom requests ------------------------------------------------------------------

  protected override async customRequest(
    command: string,
    response: DebugProtocol.Response,
    args: unknown,
  ): Promise<void> {
    try {
      switch (command) {
        case 'injectCrash':
          return this.injectCrash(response, (args ?? {}) as InjectCrashArguments);
        case 'recover':
          return this.recover(response);
        case 'slots':
          response.body = await slotsBody(
            this.state.source(this.plan),
            (args ?? {}) as SlotsArguments,
            (f, n) => this.state.callSite(f, n),
          );
          return this.sendResponse(response);
        case 'timeline':
          response.body = await timelineBody(
            this.state.source(this.plan),
            this.state.allCallSites(),
          );
          return this.sendResponse(response);
        default:
          return this.fail(response, `unknown request "${command}"`, false);
      }
    } catch (error) {
      // The views ask for slots and timeline on their own and keep their last data on failure:
      // a worker exiting under a refresh is no news for the user.
      this.fail(response, (error as Error).message, false);
    }
  }

  private injectCrash(response: DebugProtocol.Response, args: InjectCrashArguments): void {
    const run = this.run;
    if (!run || run.state.finished)
      return this.fail(
        response,
        'no attempt is running to crash: recover first, or start debugging again',
        false,
      );
    const request = crashRequestPlan(args, run.state.stop);
    if (typeof request === 'string') return this.fail(response, request, false);
    const { crash, now } = request;
    run.client.send({ type: 'injectCrash', crash, now });
    if (!now) {
      const where = crash.stateId ?? crash.action;
      const call = crash.index !== undefined ? ` call #${crash.index}` : '';
      this.say(
        `a crash is armed at ${crash.point}${where ? ` of ${where}` : ''}${call}\n`,
        'console',
      );
    }
    this.sendResponse(response);
  }

  /**
   * Custom requests are a client's own buttons (the extension's Recover, Inject Crash): refusals
   * are for that client to tell the user, once (showUser false, so VS Code does not tell too).
   */
  private async recover(response: DebugProtocol.Response): Promise<void> {
    const refuse = (message: string) => this.fail(response, message, false);
    if (!this.plan) return refuse('nothing to recover: the session was not launched');
    if (this.ended)
      return refuse('nothing to recover: the session has ended; start debugging again');
    // A crashed worker announces its crash just before it dies: wait for the death.
    if (this.run?.state.crash) await this.run.client.exited;
    if (this.run)
      return refuse(
        'nothing to recover: the attempt is still running. Recover starts the next attempt after a crash: inject one first',
      );
    this.recoverNow(undefined, (failure) => {
      if (failure) return this.fail(response, describeFailure(failure));
      this.sendResponse(response);
    });
  }

  // ---- helpers --------------------------------------------------------------------------

  private say(text: string, category: OutputCategory): void {
    this.events.say(text, category);
  }

  private fail(
    response: DebugProtocol.Response,
    message: string,
    showUser = true,
    link?: { url: string; label: string },
  ): void {
    this.sendErrorResponse(response, {
      id: 1,
      format: message,
      showUser,
      ...(link ? { url: link.url, urlLabel: link.label } : {}),
    });
  }
}

function launchErrorText(error: unknown): string {
  if (error instanceof LaunchConfigError) return error.message;
  return `cannot launch: ${(error as Error)?.stack ?? String(error)}`;
}

/** What to do about a state folder that cannot be used, in the words of a launch configuration. */
const STATE_REMEDIES: Record<string, string> = {
  'start-fresh':
    ' To start from empty state, debug again with "fresh": true (the default); the damaged journal is then kept aside.',
  'own-state':
    ' Give this agent a "stateDir" of its own in its launch configuration (without one, each agent file gets its own folder under .durable).',
};

function describeFailure(f: WorkerFailure): string {
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
