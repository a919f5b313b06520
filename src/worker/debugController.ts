// Decides, at each runtime boundary, whether the worker stops (entry, breakpoints, exception
// filters, steps, pause, time travel) or crashes, and runs the thread model (a key is a thread):
//
// - All-stop: when a key stops, every other key is held at its next boundary. A held key's
//   boundary is not looked at until it is released, so nothing is ever run past: its
//   breakpoints, filters and its own step are checked then.
// - Continue releases every key (a stopped key goes on, a held key's boundary is checked now).
//   The continued key's step ends; other keys keep theirs.
// - A step (next, stepIn, stepOut) moves only its key; the others stay where they are. Steps
//   are kept per key: when another key stops first, the step waits, and ends when its key,
//   released again, reaches the step's target.
// - Pause stops the key it names if that key is held, else the first key to reach a boundary.
// - A stepped key that runs out of work (its last input done) while the others are held hands
//   the stop to the next key that is at a boundary, so the debugger never waits on nothing.
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
  /** The action execution the step started in (undefined: the key had not reached one yet). */
  stateId: string | undefined;
}

/** Where a key waits: stopped (its boundary was looked at and reported) or held (not yet). */
interface Waiting {
  boundary: Boundary;
  ordinal: number;
  kind: 'stopped' | 'held';
  release: () => void;
}

/** What the controller knows of one key (one thread). */
interface KeyControl {
  key: string;
  step?: Step;
  /** May run while the world is stopped: the key is being stepped (or takes a pending stop). */
  free: boolean;
  waiting?: Waiting;
  /** The action execution of the last boundary it reached. */
  lastStateId?: string;
  done: boolean;
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
  private entryDone = false;
  private readonly keys = new Map<string, KeyControl>();
  /** Some key is stopped (or a stop is being handed on): keys that are not free are held. */
  private worldStopped = false;
  /** A stop the next key to look at a boundary takes (pause, or a stepped key that finished). */
  private pendingStop: Stop | undefined;
  /** The key of the latest stop still standing: where a crash "now" strikes by default. */
  private latestStop: string | undefined;
  private readonly hits = new Map<number, number>();
  /** Rules whose condition cannot work (reported once): they never stop. */
  private readonly failedRules = new Set<number>();
  /** Condition errors already reported, by rule and message: each is said once. */
  private readonly conditionWarnings = new Set<string>();
  private readonly ordinals = new Map<string, number>();
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
    if (settings.rules) {
      this.failedRules.clear();
      this.conditionWarnings.clear();
    }
    this.settings = { ...this.settings, ...settings };
  }

  private control(key: string): KeyControl {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { key, free: false, done: false }));
    return k;
  }

  /** A crash now (where `key`, or the latest stop, stands) or at the next matching point. */
  async injectCrash(plan: CrashPlan, now: boolean, key?: string): Promise<void> {
    if (!now) {
      this.crashPlan = plan;
      return;
    }
    const at = this.keys.get(key ?? this.latestStop ?? '')?.waiting;
    if (at) await this.io.crash(at.boundary, 'now');
  }

  resume(mode: ResumeMode, key: string): void {
    if (mode === 'continue') return this.continueAll(key);
    const k = this.control(key);
    k.step = { mode, stateId: k.waiting?.boundary.exec.stateId ?? k.lastStateId };
    k.free = true;
    const waiting = k.waiting;
    if (!waiting) return;
    k.waiting = undefined;
    if (this.latestStop === key) this.latestStop = undefined;
    this.io.send({ type: 'continued', keys: [key], all: false });
    waiting.release();
  }

  private continueAll(key: string): void {
    const named = this.keys.get(key);
    if (named) named.step = undefined;
    this.worldStopped = false;
    this.pendingStop = undefined;
    this.latestStop = undefined;
    const released: Waiting[] = [];
    const keys: string[] = [];
    for (const k of this.keys.values()) {
      k.free = false;
      if (!k.waiting) continue;
      released.push(k.waiting);
      keys.push(k.key);
      k.waiting = undefined;
    }
    this.io.send({ type: 'continued', keys, all: true });
    for (const w of released) w.release();
  }

  pause(key?: string): void {
    this.pendingStop = { reason: 'pause', description: 'Paused' };
    const named = key === undefined ? undefined : this.keys.get(key);
    if (named?.waiting?.kind === 'held') return this.letThrough(named);
    // Every held key looks at its boundary again: the first to do so takes the stop.
    for (const k of this.keys.values()) if (k.waiting?.kind === 'held') this.letThrough(k);
  }

  /** Releases a held key to look at its boundary (it may be held again if another stops first). */
  private letThrough(k: KeyControl): void {
    const waiting = k.waiting!;
    k.waiting = undefined;
    k.free = true;
    waiting.release();
  }

  /** The key ran all its inputs. When it was the one being stepped, its stop passes on. */
  keyDone(key: string): void {
    const k = this.control(key);
    k.done = true;
    this.io.send({ type: 'keyDone', key });
    if (!k.free || !this.worldStopped) return;
    k.free = false;
    const someoneMoves = [...this.keys.values()].some(
      (o) => o.free || o.waiting?.kind === 'stopped',
    );
    if (someoneMoves) return;
    this.pendingStop = {
      reason: 'step',
      description: `Paused: ${key} finished its work; this key was held here`,
    };
    for (const o of this.keys.values()) if (o.waiting?.kind === 'held') this.letThrough(o);
  }

  async onBoundary(b: Boundary): Promise<void> {
    // An agent whose awaits all settle at once never lets the event loop turn, so a pause (or
    // any message) from the debugger would never be read: let messages in now and then.
    if (this.settings && Date.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
    }
    const k = this.control(b.exec.key);
    k.lastStateId = b.exec.stateId;
    const ordinal = (this.ordinals.get(b.exec.stateId) ?? 0) + 1;
    this.ordinals.set(b.exec.stateId, ordinal);
    // Released keys look again: another key may have stopped the world in the meantime.
    while (this.settings && this.worldStopped && !k.free && !this.pendingStop) {
      await this.wait(k, b, ordinal, 'held');
    }
    const crashHere = this.crashPlan !== undefined && crashMatches(this.crashPlan, b);
    if (this.settings) {
      const stop = this.decide(b, ordinal, crashHere, k);
      if (stop) await this.stopAt(k, b, ordinal, stop);
    }
    if (crashHere && this.crashPlan) await this.io.crash(b, this.crashPlan);
  }

  private wait(k: KeyControl, b: Boundary, ordinal: number, kind: Waiting['kind']): Promise<void> {
    return new Promise<void>((release) => {
      k.waiting = { boundary: b, ordinal, kind, release };
      if (kind === 'held') this.io.send({ type: 'held', boundary: snapshotOf(b, ordinal) });
    });
  }

  private async stopAt(k: KeyControl, b: Boundary, ordinal: number, stop: Stop): Promise<void> {
    // The key's own step ends here, whatever stopped it; every other key is held from now on.
    k.step = undefined;
    for (const o of this.keys.values()) o.free = false;
    this.worldStopped = true;
    this.pendingStop = undefined;
    this.latestStop = k.key;
    const stopped = this.wait(k, b, ordinal, 'stopped');
    this.io.send({ type: 'stopped', ...stop, boundary: snapshotOf(b, ordinal) });
    await stopped;
  }

  private decide(
    b: Boundary,
    ordinal: number,
    crashHere: boolean,
    k: KeyControl,
  ): Stop | undefined {
    const settings = this.settings!;
    if (this.pendingStop) return this.pendingStop;
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
    return this.stepStop(b, k);
  }

  private matchRules(b: Boundary): Stop | undefined {
    const ids: number[] = [];
    let functionRule = false;
    for (const rule of this.settings?.rules ?? []) {
      if (this.failedRules.has(rule.id) || !ruleApplies(rule, b)) continue;
      if (rule.condition && !this.conditionHolds(rule.id, rule.condition, b)) continue;
      const hits = (this.hits.get(rule.id) ?? 0) + 1;
      this.hits.set(rule.id, hits);
      if (rule.hitCondition && !hitConditionMet(rule.hitCondition, hits)) continue;
      ids.push(rule.id);
      functionRule ||= rule.origin === 'function';
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

  /**
   * A condition that throws counts as false. One that names something outside its scope can
   * never work: its rule is turned off and reported once; other errors are warned once each.
   */
  private conditionHolds(ruleId: number, condition: string, b: Boundary): boolean {
    const result = evaluateCondition(condition, b);
    if (result.error === undefined) return result.value;
    if (result.unknownName) {
      this.failedRules.add(ruleId);
      this.io.send({ type: 'ruleFailed', ruleId, message: result.error });
    } else if (!this.conditionWarnings.has(`${ruleId} ${result.error}`)) {
      this.conditionWarnings.add(`${ruleId} ${result.error}`);
      this.io.send({ type: 'warning', message: result.error });
    }
    return false;
  }

  private stepStop(b: Boundary, k: KeyControl): Stop | undefined {
    const step = k.step;
    if (!step) return undefined;
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
