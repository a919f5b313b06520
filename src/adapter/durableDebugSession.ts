// The DAP session of the `durable-agent` debug type: the DAP side of the debugger. It configures
// breakpoints and filters, launches, restarts and ends, answers the inspection requests, and
// hands the rest on: attempts (one worker process each) to attempts.ts, execution control to
// executionControl.ts, the custom requests to customRequests.ts, and worker messages to
// workerEvents.ts. Runs inline in the extension and standalone (debugAdapter.ts): never import
// `vscode` here.
//
// Time travel (stepBack, reverseContinue) re-runs the current action from its start in a new
// worker (attempt kind 'rewind') and stops at the earlier boundary; see docs/debugging.md.
import {
  BreakpointEvent,
  DebugSession,
  InitializedEvent,
  InvalidatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import {
  EXCEPTION_FILTERS,
  type ExceptionFilter,
  type ResumeMode,
  type WorkerFailure,
} from '../worker/protocol';
import { pythonProgram } from '../worker/python/interpreter';
import { attemptPresenter, type PresenterSession } from './attemptPresenter';
import { Attempts, describeFailure } from './attempts';
import { BreakpointMapper } from './breakpointMapper';
import { capabilities, filterLabel } from './capabilities';
import { CustomRequests } from './customRequests';
import { CRASHED_THREAD_ID, DebugState } from './debugState';
import { ExecutionControl, type Outcome } from './executionControl';
import { checkLaunchArguments, LaunchConfigError, type LaunchArguments } from './launchConfig';
import { setSlotExpression, setSlotVariable, type EditHost } from './slotEdits';
import { WorkerEvents, type OutputCategory } from './workerEvents';

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
  readonly attempts: Attempts;
  readonly state: DebugState;
  private readonly breakpoints = new BreakpointMapper();
  private exceptionFilters: ExceptionFilter[] = [];
  private configured = false;
  private onConfigured: (() => void) | undefined;
  private clientInvalidates = false;
  private readonly events: WorkerEvents;
  private readonly control: ExecutionControl;
  private readonly custom: CustomRequests;
  private readonly edits: EditHost;
  private readonly launchFailureLink: DurableDebugSessionOptions['launchFailureLink'];

  constructor(options: DurableDebugSessionOptions | boolean = {}) {
    super();
    // DebugSession.run() passes `false` (an obsolete argument): the defaults apply then.
    const opts = typeof options === 'object' ? options : {};
    this.launchFailureLink = opts.launchFailureLink;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.attempts = new Attempts(
      opts.workerScript ?? path.join(__dirname, 'worker.js'),
      attemptPresenter(() => this.presented()),
    );
    this.state = new DebugState(
      () => this.attempts.run,
      () => this.attempts.plan?.stateDir,
    );
    this.events = new WorkerEvents(
      {
        sendEvent: (e) => this.sendEvent(e),
        breakpointIds: (ids) => this.breakpoints.breakpointIds(ids),
        beforeStop: () => {
          this.state.resetVariables();
          this.attempts.beforeStop();
        },
        attemptDone: (exitCode) => void this.attempts.end(exitCode),
        ruleFailed: (ruleId, message) => {
          const bp = this.breakpoints.ruleFailed(ruleId, message);
          if (bp) this.sendEvent(new BreakpointEvent('changed', bp));
        },
        canInvalidate: () => this.clientInvalidates,
      },
      this.state,
    );
    this.control = new ExecutionControl(this);
    this.edits = this.editHost();
    this.custom = new CustomRequests({
      attempts: this.attempts,
      state: this.state,
      edits: this.edits,
      say: (text, category) => this.say(text, category),
    });
  }

  /** What the attempt presenter (attemptPresenter.ts) needs of the session. */
  private presented(): PresenterSession {
    return {
      attempts: this.attempts,
      state: this.state,
      events: this.events,
      breakpoints: this.breakpoints,
      exceptionFilters: this.exceptionFilters,
      sendEvent: (e) => this.sendEvent(e),
      say: (text, category) => this.say(text, category),
    };
  }

  /** What slot edits (slotEdits.ts) need of the session. */
  private editHost(): EditHost {
    return {
      attempts: this.attempts,
      slotOf: (ref) => this.state.slotOf(ref),
      stateOfFrame: (frameId) => this.state.stateOfFrame(frameId),
      changed: (stateId) => {
        this.events.slotsChanged(stateId);
        this.events.flushSlotsChanged();
        if (this.clientInvalidates) this.sendEvent(new InvalidatedEvent(['variables']));
      },
      say: (text) => this.say(text, 'console'),
    };
  }

  // ---- configuration --------------------------------------------------------------------

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    args: DebugProtocol.InitializeRequestArguments,
  ): void {
    this.clientInvalidates = args.supportsInvalidatedEvent === true;
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
    this.attempts.pushDebugSettings();
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    response.body = {
      breakpoints: this.breakpoints.setFunctionBreakpoints(args.breakpoints, this.state.known()),
    };
    this.sendResponse(response);
    this.attempts.pushDebugSettings();
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    const known = new Set<string>(EXCEPTION_FILTERS);
    const ids = [...args.filters, ...(args.filterOptions ?? []).map((o) => o.filterId)];
    this.exceptionFilters = [...new Set(ids)].filter((f): f is ExceptionFilter => known.has(f));
    response.body = {
      breakpoints: ids.map((id) =>
        known.has(id)
          ? { verified: true }
          : { verified: false, message: `unknown exception filter "${id}"` },
      ),
    };
    this.sendResponse(response);
    this.attempts.pushDebugSettings();
  }

  // ---- launch, restart, end -------------------------------------------------------------

  protected override async launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments,
  ): Promise<void> {
    let plan;
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
    // Said here, into this session's console, before anything else it prints.
    if (plan.note) this.say(`${plan.note}\n`, 'console');
    // Before any wait: breakpoint requests that come meanwhile are checked against the program.
    this.state.setProgram(pythonProgram(plan.program)?.file ?? plan.program);
    const refused = await this.attempts.hold(plan);
    if (refused) return this.fail(response, refused);
    const run = this.attempts.prepare(plan);
    await this.configurationDone();
    this.attempts.begin(run, (failure) => {
      if (failure)
        return this.fail(
          response,
          describeFailure(failure),
          true,
          this.launchFailureLink?.(failure),
        );
      this.sendResponse(response);
    });
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

  protected override async restartRequest(
    response: DebugProtocol.RestartResponse,
    args: DebugProtocol.RestartArguments,
  ): Promise<void> {
    let plan = this.attempts.plan;
    if (args?.arguments) {
      try {
        plan = checkLaunchArguments(args.arguments as LaunchArguments);
      } catch (error) {
        return this.fail(response, launchErrorText(error));
      }
    }
    if (!plan) return this.fail(response, 'nothing to restart: the session was not launched');
    await this.attempts.killCurrent();
    const refused = await this.attempts.hold(plan);
    if (refused) return this.fail(response, refused);
    this.state.setProgram(pythonProgram(plan.program)?.file ?? plan.program);
    this.attempts.begin(this.attempts.prepare(plan), (failure) => {
      if (failure) return this.fail(response, describeFailure(failure));
      this.sendResponse(response);
    });
  }

  protected override async terminateRequest(
    response: DebugProtocol.TerminateResponse,
  ): Promise<void> {
    await this.attempts.end(0);
    this.sendResponse(response);
  }

  protected override async disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
  ): Promise<void> {
    await this.attempts.stopAll();
    this.sendResponse(response);
    this.shutdown();
  }

  /** Inline in the extension host, a session can be disposed without a disconnect. */
  override dispose(): void {
    void this.attempts.stopAll();
    super.dispose();
  }

  // ---- execution control (executionControl.ts) ------------------------------------------

  private resume(response: DebugProtocol.Response, threadId: number, mode: ResumeMode): void {
    if (this.state.crashed && !this.attempts.run) {
      if (mode !== 'continue')
        return this.fail(
          response,
          'the attempt crashed: Continue or Recover starts the recovery',
          false,
        );
      // Continue on a crashed attempt is Recover.
      return void this.answerAsync(response, async () => {
        const outcome = await this.custom.handle('recover', undefined);
        return 'refused' in outcome ? outcome : { body: { allThreadsContinued: true } };
      });
    }
    this.answer(response, this.control.resume(threadId, mode));
  }

  protected override continueRequest(
    response: DebugProtocol.ContinueResponse,
    args: DebugProtocol.ContinueArguments,
  ): void {
    this.resume(response, args.threadId, 'continue');
  }
  protected override nextRequest(
    response: DebugProtocol.NextResponse,
    args: DebugProtocol.NextArguments,
  ): void {
    this.resume(response, args.threadId, 'next');
  }
  protected override stepInRequest(
    response: DebugProtocol.StepInResponse,
    args: DebugProtocol.StepInArguments,
  ): void {
    this.resume(response, args.threadId, 'stepIn');
  }
  protected override stepOutRequest(
    response: DebugProtocol.StepOutResponse,
    args: DebugProtocol.StepOutArguments,
  ): void {
    this.resume(response, args.threadId, 'stepOut');
  }

  protected override pauseRequest(
    response: DebugProtocol.PauseResponse,
    args: DebugProtocol.PauseArguments,
  ): void {
    this.answer(response, this.control.pause(args.threadId));
  }

  protected override async stepBackRequest(
    response: DebugProtocol.StepBackResponse,
    args: DebugProtocol.StepBackArguments,
  ): Promise<void> {
    this.answer(response, await this.control.travel(args.threadId, 'stepBack'));
  }

  protected override async reverseContinueRequest(
    response: DebugProtocol.ReverseContinueResponse,
    args: DebugProtocol.ReverseContinueArguments,
  ): Promise<void> {
    this.answer(response, await this.control.travel(args.threadId, 'reverseContinue'));
  }

  protected override restartFrameRequest(
    response: DebugProtocol.RestartFrameResponse,
    args: DebugProtocol.RestartFrameArguments,
  ): void {
    this.answer(response, this.control.restartFrame(args.frameId));
  }

  // ---- inspection -----------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const keys = this.attempts.run?.state.liveKeys ?? [];
    const threads = keys.map((key) => ({ id: this.state.threadId(key), name: key }));
    const crashed = this.state.crashed;
    if (crashed && !this.attempts.run)
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
    await this.answerAsync(response, async () => ({
      body: { scopes: await this.state.scopes(args.frameId) },
    }));
  }

  protected override async variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): Promise<void> {
    await this.answerAsync(response, async () => ({
      body: { variables: await this.state.variables(args) },
    }));
  }

  protected override async setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): Promise<void> {
    await this.answerAsync(response, () => setSlotVariable(this.edits, args));
  }

  protected override async setExpressionRequest(
    response: DebugProtocol.SetExpressionResponse,
    args: DebugProtocol.SetExpressionArguments,
  ): Promise<void> {
    await this.answerAsync(response, () => setSlotExpression(this.edits, args));
  }

  protected override async evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): Promise<void> {
    await this.answerAsync(response, async () => {
      const v = await this.state.evaluate(args.expression, args.frameId, args.context);
      return {
        body: {
          result: v.value,
          type: v.type,
          variablesReference: v.variablesReference,
          indexedVariables: v.indexedVariables,
        },
      };
    });
  }

  protected override exceptionInfoRequest(
    response: DebugProtocol.ExceptionInfoResponse,
    args: DebugProtocol.ExceptionInfoArguments,
  ): void {
    const key = this.state.liveKey(args.threadId);
    const stop = key === undefined ? undefined : this.attempts.run?.state.stops.get(key);
    if (!stop || stop.reason !== 'exception')
      return this.fail(response, 'this thread is not stopped on an exception', false);
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

  // ---- custom requests (customRequests.ts) ----------------------------------------------

  protected override async customRequest(
    command: string,
    response: DebugProtocol.Response,
    args: unknown,
  ): Promise<void> {
    // The views ask for slots and timeline on their own and keep their last data on failure,
    // and the extension tells the user of a refused request itself: never shown twice.
    await this.answerAsync(response, () => this.custom.handle(command, args));
  }

  // ---- helpers --------------------------------------------------------------------------

  private say(text: string, category: OutputCategory): void {
    this.events.say(text, category);
  }

  private answer(response: DebugProtocol.Response, outcome: Outcome): void {
    if ('refused' in outcome) return this.fail(response, outcome.refused, false);
    if (outcome.body) response.body = outcome.body;
    this.sendResponse(response);
  }

  /** Answers with what `work` gives; anything it throws is a refusal: a request never hangs. */
  private async answerAsync(
    response: DebugProtocol.Response,
    work: () => Promise<Outcome>,
  ): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      outcome = { refused: (error as Error)?.message ?? String(error) };
    }
    try {
      this.answer(response, outcome);
    } catch (error) {
      // The body could not be sent (a value too deep to serialise): say so instead.
      this.fail(response, `the answer could not be sent: ${(error as Error).message}`, false);
    }
  }

  private fail(
    response: DebugProtocol.Response,
    message: string,
    showUser = true,
    link?: { url: string; label: string },
  ): void {
    // A body that failed to serialise must not ride along with the error.
    response.body = undefined;
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
