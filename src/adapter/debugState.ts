// What the session shows while the agent is stopped: threads (one per key), frames, scopes,
// variables and evaluate, over the current attempt's state and whichever store answers (the
// worker while it runs, the journal read-only after it died). Also what the adapter has learnt
// across attempts: action names, and the call sites the worker reported.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SourceLocation } from '../runtime/boundaries';
import type { BoundarySnapshot, FromWorker } from '../worker/protocol';
import { outlineFile, type AgentOutline } from './agentOutline';
import type { AttemptRun } from './attemptRun';
import type { CrashMessage } from './attemptState';
import type { LaunchPlan } from './launchConfig';
import { attemptModel, callModel, payloadValue, slotModel, stateModel } from './scopeModels';
import {
  crashedFrames,
  heldFrames,
  runningFrames,
  stoppedFrames,
  type ActionFinder,
  type FrameModel,
} from './stackFrames';
import { journalSource, workerSource, type StateSource } from './stateSource';
import { followStep, parsePath, PathError } from './valuePath';
import { VariableTable } from './variables';

export interface FrameInfo extends FrameModel {
  id: number;
  threadKey: string;
  /** The frame belongs to a key stopped at a boundary (not held, not running). */
  stopped: boolean;
}

/** The names a path can start with: the scopes. */
const ROOTS = ['call', 'slots', 'event', 'state', 'attempt'];

/** The thread of an attempt that crashed, shown stopped until it is recovered (no key's id). */
export const CRASHED_THREAD_ID = 999_999;

/** Frame ids pack the thread and the frame's depth; a stack is never deeper than this. */
const FRAMES_PER_THREAD = 8;

export class DebugState {
  /** How many keys of the current attempt were announced with a thread event. */
  announced = 0;
  /** The crash of the last attempt while it waits for its recovery (its thread is shown). */
  crashed: CrashMessage | undefined;
  private program: string | undefined;
  private readonly threadIds = new Map<string, number>();
  private readonly actionNames = new Set<string>();
  private readonly observedSites = new Map<string, SourceLocation>();
  private readonly table: VariableTable;

  constructor(
    private readonly currentRun: () => AttemptRun | undefined,
    /** The session's state folder: the crashed thread's variables are read from its journal. */
    private readonly stateDir: () => string | undefined = () => undefined,
  ) {
    this.table = new VariableTable(async (stateId, start, count) => {
      const slots = await this.storeSource().slots(stateId, start, count);
      const calls = this.currentRun()?.state.calls.get(stateId);
      return slots.map((slot, i) => slotModel(slot, calls?.get(start + i)));
    });
  }

  setProgram(program: string): void {
    this.program = program;
  }

  private outline(): AgentOutline | undefined {
    return this.program ? outlineFile(this.program) : undefined;
  }

  learnActions(names: string[]): void {
    for (const n of names) this.actionNames.add(n);
  }

  /** Action names and function ids known so far, for verifying function breakpoints. */
  known(): { actions: Set<string>; functions: Set<string> } {
    const outline = this.outline();
    const actions = new Set([...this.actionNames, ...(outline?.actions.map((a) => a.name) ?? [])]);
    const functions = new Set<string>();
    for (const c of outline?.calls ?? []) if (c.functionId) functions.add(c.functionId);
    for (const k of this.observedSites.keys()) functions.add(k.slice(0, k.lastIndexOf('#')));
    return { actions, functions };
  }

  /** Thread ids stay the same for a key across attempts, so the client's view is stable. */
  threadId(key: string): number {
    let id = this.threadIds.get(key);
    if (id === undefined) this.threadIds.set(key, (id = this.threadIds.size + 1));
    return id;
  }

  private keyOf(threadId: number): string | undefined {
    for (const [key, id] of this.threadIds) if (id === threadId) return key;
    return undefined;
  }

  noteCallSite(m: Extract<FromWorker, { type: 'call' }>): void {
    if (m.callSite && m.occurrence !== undefined)
      this.observedSites.set(`${m.functionId}#${m.occurrence}`, m.callSite);
  }

  /** Where a call of `functionId` (its n-th in the action) is made: seen by the worker, else in the source. */
  callSite(functionId: string, occurrence: number): SourceLocation | undefined {
    const seen =
      this.currentRun()?.state.callSites.get(`${functionId}#${occurrence}`) ??
      this.observedSites.get(`${functionId}#${occurrence}`);
    if (seen) return seen;
    const outline = this.outline();
    const calls = outline?.calls.filter((c) => c.functionId === functionId) ?? [];
    const c = calls[Math.min(occurrence, calls.length - 1)];
    return c && this.program ? { file: this.program, line: c.line, column: c.column } : undefined;
  }

  allCallSites(): Record<string, SourceLocation> {
    const out: Record<string, SourceLocation> = {};
    const counts = new Map<string, number>();
    for (const c of this.outline()?.calls ?? []) {
      if (!c.functionId || !this.program) continue;
      const n = counts.get(c.functionId) ?? 0;
      counts.set(c.functionId, n + 1);
      out[`${c.functionId}#${n}`] = { file: this.program, line: c.line, column: c.column };
    }
    for (const [k, v] of this.observedSites) out[k] = v;
    for (const [k, v] of this.currentRun()?.state.callSites ?? []) out[k] = v;
    return out;
  }

  /** The running worker's store, else the journal (read-only). */
  source(plan: LaunchPlan | undefined): StateSource {
    const run = this.currentRun();
    if (run?.answering) return workerSource(run.client);
    if (!plan) throw new Error('the session was not launched: there is no state to show');
    return journalSource(plan.stateDir);
  }

  private storeSource(): StateSource {
    const run = this.currentRun();
    if (run?.answering) return workerSource(run.client);
    // After a crash the crashed thread still shows its action state: from the journal.
    const dir = this.stateDir();
    if (!run && this.crashed && dir) return journalSource(dir);
    throw new Error('the agent is not running any more');
  }

  resetVariables(): void {
    this.table.reset();
  }

  private findAction: ActionFinder = (name) => {
    const outline = this.outline();
    const action = outline?.actions.find((a) => a.name === name);
    return action && this.program ? { file: this.program, action } : undefined;
  };

  frames(threadId: number): FrameInfo[] {
    if (threadId === CRASHED_THREAD_ID) {
      if (!this.crashed) return [];
      return crashedFrames(this.crashed, this.findAction).map((m, i) => ({
        ...m,
        id: threadId * FRAMES_PER_THREAD + i,
        threadKey: '',
        stopped: false,
      }));
    }
    const run = this.currentRun();
    const key = this.keyOf(threadId);
    if (!run || key === undefined || run.state.doneKeys.has(key)) return [];
    const stop = run.state.stops.get(key);
    const held = run.state.held.get(key);
    const at = stop?.boundary ?? held;
    let models: FrameModel[];
    if (at) {
      const event = payloadValue(at.exec.event) as { type?: string } | undefined;
      const eventType = event?.type ?? 'event';
      models = stop
        ? stoppedFrames(at, eventType, this.findAction)
        : heldFrames(at, eventType, this.findAction);
    } else {
      const position = run.state.position.get(key);
      models = position ? runningFrames(position, this.findAction, run.state.worldStopped) : [];
    }
    return models.map((m, i) => ({
      ...m,
      id: threadId * FRAMES_PER_THREAD + i,
      threadKey: key,
      stopped: stop !== undefined,
    }));
  }

  /** The key of a thread of the current attempt, or undefined when there is no such thread. */
  liveKey(threadId: number): string | undefined {
    const key = this.keyOf(threadId);
    const run = this.currentRun();
    return key !== undefined && run?.state.liveKeys.includes(key) ? key : undefined;
  }

  frame(frameId: number): FrameInfo | undefined {
    return this.frames(Math.floor(frameId / FRAMES_PER_THREAD))[frameId % FRAMES_PER_THREAD];
  }

  /**
   * What a frame looks at: the boundary its key is stopped or held at (else the action state it
   * is in); without a frame, the latest stop.
   */
  private context(
    frameId: number | undefined,
  ):
    | { boundary: BoundarySnapshot | undefined; stateId: string; run: AttemptRun | undefined }
    | undefined {
    // The crashed thread looks at the action state the crash hit, as the journal holds it.
    if (frameId !== undefined && Math.floor(frameId / FRAMES_PER_THREAD) === CRASHED_THREAD_ID) {
      const stateId = this.currentRun() ? undefined : this.crashed?.stateId;
      return stateId ? { boundary: undefined, stateId, run: undefined } : undefined;
    }
    const run = this.currentRun();
    if (!run) return undefined;
    const frame = frameId === undefined ? undefined : this.frame(frameId);
    if (!frame) {
      const stop = run.state.stop;
      return stop
        ? { boundary: stop.boundary, stateId: stop.boundary.exec.stateId, run }
        : undefined;
    }
    const boundary =
      run.state.stops.get(frame.threadKey)?.boundary ?? run.state.held.get(frame.threadKey);
    if (boundary) return { boundary, stateId: boundary.exec.stateId, run };
    const position = run.state.position.get(frame.threadKey);
    return position ? { boundary: undefined, stateId: position.stateId, run } : undefined;
  }

  async scopes(frameId: number): Promise<DebugProtocol.Scope[]> {
    const ctx = this.context(frameId);
    if (!ctx) return [];
    const source = this.storeSource();
    const head = await source.state(ctx.stateId);
    const scopes: DebugProtocol.Scope[] = [];
    const b = ctx.boundary;
    const call = b && callModel(b);
    if (call)
      scopes.push({
        name: 'Call',
        variablesReference: this.table.create({ kind: 'value', value: call, path: 'call' }),
        expensive: false,
      });
    const count = head?.slotCount ?? 0;
    scopes.push({
      name: `Slots (${count})`,
      variablesReference: this.table.create({
        kind: 'slots',
        stateId: ctx.stateId,
        count,
        path: 'slots',
      }),
      indexedVariables: count,
      expensive: false,
    });
    const event = b ? payloadValue(b.exec.event) : head && payloadValue(head.event);
    if (event !== undefined)
      scopes.push({
        name: 'Event',
        variablesReference: this.table.create({ kind: 'value', value: event, path: 'event' }),
        expensive: false,
      });
    if (head)
      scopes.push({
        name: 'Action State',
        variablesReference: this.table.create({
          kind: 'value',
          value: stateModel(head),
          path: 'state',
        }),
        expensive: false,
      });
    const run = ctx.run;
    if (!run) return scopes;
    scopes.push({
      name: 'Attempt',
      variablesReference: this.table.create({
        kind: 'scope',
        path: 'attempt',
        load: async () => attemptModel(run.state.attempt, run.kind, await source.timeline()),
      }),
      expensive: false,
    });
    return scopes;
  }

  /** The action state a frame looks at (its Slots scope's), if any. */
  stateOfFrame(frameId: number | undefined): string | undefined {
    return this.context(frameId)?.stateId;
  }

  /** The slot a Variables row stands for (the row of slot N in a Slots scope), if any. */
  slotOf(variablesReference: number): { stateId: string; index: number } | undefined {
    return this.table.slotOf(variablesReference);
  }

  variables(args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    return this.table.variables(args.variablesReference, args);
  }

  /** Looks a path up (call.args[0], slots[2].result, ...): no code runs anywhere. */
  async evaluate(
    expression: string,
    frameId: number | undefined,
    context?: string,
  ): Promise<DebugProtocol.Variable> {
    const root = /^\s*([A-Za-z_$][\w$]*)/.exec(expression)?.[1];
    if (root === undefined || !ROOTS.includes(root)) {
      throw new PathError(
        `unknown name "${root ?? expression}": paths start with ${ROOTS.join(', ')} (such as call.args[0]); no code is evaluated`,
      );
    }
    const { steps } = parsePath(expression);
    const ctx = this.context(frameId);
    if (!ctx) throw new PathError('the agent is not stopped: there is nothing to look at');
    const source = this.storeSource();
    let value: unknown;
    let rest = steps;
    switch (root) {
      case 'call':
        value = ctx.boundary && callModel(ctx.boundary);
        if (value === undefined) throw new PathError('the agent is not stopped at a durable call');
        break;
      case 'event':
        value = ctx.boundary
          ? payloadValue(ctx.boundary.exec.event)
          : payloadValue((await source.state(ctx.stateId))!.event);
        break;
      case 'state': {
        const head = await source.state(ctx.stateId);
        if (!head) throw new PathError(`no action state ${ctx.stateId} is persisted`);
        value = stateModel(head);
        break;
      }
      case 'attempt':
        if (!ctx.run) throw new PathError('the attempt crashed: see the timeline');
        value = attemptModel(ctx.run.state.attempt, ctx.run.kind, await source.timeline());
        break;
      case 'slots': {
        const first = steps[0];
        if (!first || first.kind !== 'index') throw new PathError('use slots[N] to look at slot N');
        const [slot] = await source.slots(ctx.stateId, first.index, 1);
        if (!slot) throw new PathError(`the action has no slot ${first.index}`);
        value = slotModel(slot, ctx.run?.state.calls.get(ctx.stateId)?.get(first.index));
        rest = steps.slice(1);
        break;
      }
      default:
        throw new PathError(
          `unknown name "${root}": paths start with call, slots, event, state or attempt (no code is evaluated)`,
        );
    }
    for (const step of rest) value = followStep(value, step);
    const v = this.table.variable(expression, value, expression);
    // Copy Value asks with the clipboard context: the whole text, not the cut one.
    if (context === 'clipboard' && typeof value === 'string') v.value = value;
    return v;
  }
}
