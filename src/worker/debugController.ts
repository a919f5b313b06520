// Decides, at each runtime boundary, whether the worker stops (entry, breakpoints, exception
// filters, steps, pause, time travel) or crashes, and holds every key at its next boundary
// while one is stopped, so the developer looks at a still picture.
import type { Boundary } from '../runtime/boundaries';
import { encode, encodeError } from '../runtime/codec';
import { crashMatches } from './crashPlan';
import type {
  BoundarySnapshot,
  CrashPlan,
  DebugSettings,
  ExceptionFilter,
  FromWorker,
  ResumeMode,
  StopReason,
} from './protocol';
import { evaluateCondition, hitConditionMet, ruleApplies } from './stopRules';

interface Stop {
  reason: StopReason;
  description: string;
  text?: string;
  ruleIds?: number[];
  filter?: ExceptionFilter;
}

/** How long a debugged agent may run between two chances for the debugger's messages. */
const YIELD_EVERY_MS = 20;

interface Step {
  mode: Exclude<ResumeMode, 'continue'>;
  key: string;
  stateId: string;
}

export interface ControllerIO {
  send(message: FromWorker): void;
  /** Kills this process at the given boundary; never returns. */
  crash(b: Boundary | undefined, plan: CrashPlan | 'now'): Promise<never>;
}

export function snapshotOf(b: Boundary, ordinal: number): BoundarySnapshot {
  const { event, ...exec } = b.exec;
  return {
    kind: b.kind,
    phase: b.kind === 'call' ? b.phase : undefined,
    exec: { ...exec, event: encode(event) },
    call: b.kind === 'call' ? b.call : undefined,
    reused: b.kind === 'action-start' || b.kind === 'action-completed' ? b.reused : undefined,
    error: b.kind === 'action-end' && b.error !== undefined ? encodeError(b.error) : undefined,
    ordinal,
  };
}

export class DebugController {
  private settings: DebugSettings | undefined;
  private crashPlan: CrashPlan | undefined;
  private pauseRequested = false;
  private entryDone = false;
  private step: Step | undefined;
  private readonly hits = new Map<number, number>();
  private readonly ordinals = new Map<string, number>();
  private gate: Promise<void> | undefined;
  private release: ((mode: ResumeMode) => void) | undefined;
  private stoppedAt: Boundary | undefined;
  private lastYield = Date.now();

  constructor(
    settings: DebugSettings | undefined,
    crash: CrashPlan | undefined,
    private readonly io: ControllerIO,
  ) {
    this.settings = settings;
    this.crashPlan = crash;
  }

  get debugging(): boolean {
    return this.settings !== undefined;
  }

  update(settings: DebugSettings): void {
    this.settings = { ...this.settings, ...settings };
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /** A crash now (only where stopped) or at the next matching crash point. */
  async injectCrash(plan: CrashPlan, now: boolean): Promise<void> {
    if (now && this.stoppedAt) await this.io.crash(this.stoppedAt, 'now');
    this.crashPlan = plan;
  }

  resume(mode: ResumeMode): void {
    const b = this.stoppedAt;
    if (!b || !this.release) return;
    this.step =
      mode === 'continue' ? undefined : { mode, key: b.exec.key, stateId: b.exec.stateId };
    const release = this.release;
    this.release = undefined;
    this.stoppedAt = undefined;
    release(mode);
  }

  async onBoundary(b: Boundary): Promise<void> {
    // An agent whose awaits all settle at once never lets the event loop turn, so a pause (or
    // any message) from the debugger would never be read: let messages in now and then.
    if (this.settings && Date.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
    }
    while (this.gate) await this.gate;
    const ordinal = (this.ordinals.get(b.exec.stateId) ?? 0) + 1;
    this.ordinals.set(b.exec.stateId, ordinal);
    const crashHere = this.crashPlan !== undefined && crashMatches(this.crashPlan, b);
    if (this.settings) {
      const stop = this.decide(b, ordinal, crashHere);
      if (stop) await this.stopAt(b, ordinal, stop);
    }
    if (crashHere && this.crashPlan) await this.io.crash(b, this.crashPlan);
  }

  private async stopAt(b: Boundary, ordinal: number, stop: Stop): Promise<void> {
    this.step = undefined;
    this.pauseRequested = false;
    this.stoppedAt = b;
    this.gate = new Promise<void>((resolve) => {
      this.release = () => {
        this.gate = undefined;
        resolve();
      };
    });
    this.io.send({ type: 'stopped', ...stop, boundary: snapshotOf(b, ordinal) });
    await this.gate;
    this.io.send({ type: 'continued' });
  }

  private decide(b: Boundary, ordinal: number, crashHere: boolean): Stop | undefined {
    const settings = this.settings!;
    if (this.pauseRequested) return { reason: 'pause', description: 'Paused' };
    const target = settings.stopAt;
    if (target && target.stateId === b.exec.stateId && target.ordinal === ordinal) {
      this.settings = { ...settings, stopAt: undefined };
      return { reason: 'step', description: 'Stepped back' };
    }
    if (settings.stopOnEntry && !this.entryDone && b.kind === 'action-start') {
      this.entryDone = true;
      return { reason: 'entry', description: 'Paused on entry' };
    }
    const filters = new Set(settings.exceptionFilters ?? []);
    if (crashHere && filters.has('crash')) {
      return {
        reason: 'exception',
        description: 'A crash is about to happen',
        filter: 'crash',
        text: `Injected crash at ${this.crashPlan!.point}: continue to kill the process`,
      };
    }
    if (b.kind === 'call' && b.phase === 'planned') {
      if (b.call.plan.path === 'clear-and-execute' && filters.has('nonDeterminism')) {
        return {
          reason: 'exception',
          description: 'Non-deterministic call: slots cleared',
          filter: 'nonDeterminism',
          text: b.call.plan.reason,
        };
      }
      if (b.call.plan.path === 'reconcile' && filters.has('reconcile')) {
        return {
          reason: 'exception',
          description: 'A reconciler is about to run',
          filter: 'reconcile',
          text: b.call.plan.reason,
        };
      }
    }
    if (b.kind === 'call' && filters.has('durableFailure')) {
      const failedReplay = b.phase === 'replayed' && b.call.outcome?.status === 'FAILED';
      if (b.phase === 'threw' || failedReplay) {
        const e = b.call.outcome?.error;
        return {
          reason: 'exception',
          description: `Durable call ${b.call.functionId} failed`,
          filter: 'durableFailure',
          text: e ? `${e.name}: ${e.message}` : undefined,
        };
      }
    }
    if (b.kind === 'action-end' && b.error !== undefined && filters.has('agentError')) {
      const e = encodeError(b.error);
      return {
        reason: 'exception',
        description: `Action ${b.exec.action} threw`,
        filter: 'agentError',
        text: `${e.name}: ${e.message}`,
      };
    }
    const hit = this.matchRules(b);
    if (hit) return hit;
    return this.stepStop(b);
  }

  private matchRules(b: Boundary): Stop | undefined {
    const ids: number[] = [];
    let functionRule = false;
    for (const rule of this.settings?.rules ?? []) {
      if (!ruleApplies(rule, b)) continue;
      if (rule.condition) {
        const result = evaluateCondition(rule.condition, b);
        if (result.error) this.io.send({ type: 'warning', message: result.error });
        if (!result.value) continue;
      }
      const hits = (this.hits.get(rule.id) ?? 0) + 1;
      this.hits.set(rule.id, hits);
      if (rule.hitCondition && !hitConditionMet(rule.hitCondition, hits)) continue;
      ids.push(rule.id);
      functionRule ||= !('callSite' in rule.on);
    }
    if (ids.length === 0) return undefined;
    const reason: StopReason = functionRule ? 'function breakpoint' : 'breakpoint';
    return {
      reason,
      description:
        reason === 'breakpoint' ? 'Paused on breakpoint' : 'Paused on function breakpoint',
      ruleIds: ids,
    };
  }

  private stepStop(b: Boundary): Stop | undefined {
    const step = this.step;
    if (!step || step.key !== b.exec.key) return undefined;
    const sameExec = b.exec.stateId === step.stateId;
    const isStart = b.kind === 'action-start' && !b.reused;
    const isPlanned = b.kind === 'call' && b.phase === 'planned';
    let stop = false;
    if (step.mode === 'stepIn') stop = true;
    else if (step.mode === 'next')
      stop = sameExec ? isPlanned || b.kind === 'action-end' : isStart || isPlanned;
    else stop = sameExec ? b.kind === 'action-end' : isStart;
    return stop ? { reason: 'step', description: 'Paused after step' } : undefined;
  }
}
