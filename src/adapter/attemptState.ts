// What the adapter knows about the attempt its worker runs, learnt from the worker's messages
// (and from the resumes it sends): the keys being processed (the threads), the action each key
// is in, which keys are stopped and where, which are held and before what, and the path each
// durable call took in this attempt. No DAP here.
import type { SourceLocation } from '../runtime/boundaries';
import type { CallPath } from '../runtime/callPlan';
import type { SlotStatus } from '../runtime/actionState';
import type { AttemptKind } from '../runtime/stateStore';
import type { BoundarySnapshot, FromWorker } from '../worker/protocol';

export type StoppedMessage = Extract<FromWorker, { type: 'stopped' }>;
export type CrashMessage = Extract<FromWorker, { type: 'crash' }>;
export type DoneMessage = Extract<FromWorker, { type: 'done' }>;

export interface ActionPosition {
  stateId: string;
  action: string;
  key: string;
  seq: number;
}

export interface CallRecord {
  path: CallPath;
  reason: string;
  status: SlotStatus;
}

export class AttemptState {
  attempt = 0;
  /** Keys in the order they first ran an action in this attempt. */
  readonly keys: string[] = [];
  /** Keys that ran all their inputs: their threads are gone. */
  readonly doneKeys = new Set<string>();
  readonly position = new Map<string, ActionPosition>();
  /** stateId → slot index → the path its call took in this attempt. */
  readonly calls = new Map<string, Map<number, CallRecord>>();
  /** `functionId#occurrence` → the user's line, as the worker reported it. */
  readonly callSites = new Map<string, SourceLocation>();
  /** Keys stopped at a boundary, with the stop, the latest last. */
  readonly stops = new Map<string, StoppedMessage>();
  /** Keys held before a boundary while another key is stopped (not looked at yet). */
  readonly held = new Map<string, BoundarySnapshot>();
  /** A key stopped and no continue since: every key not moving is stopped or held. */
  worldStopped = false;
  crash: CrashMessage | undefined;
  done: DoneMessage | undefined;

  constructor(readonly kind: AttemptKind) {}

  /** The latest stop still standing: the one a client without a thread means. */
  get stop(): StoppedMessage | undefined {
    let latest: StoppedMessage | undefined;
    for (const m of this.stops.values()) latest = m;
    return latest;
  }

  /** Keys with a thread now: seen, not done. */
  get liveKeys(): string[] {
    return this.keys.filter((k) => !this.doneKeys.has(k));
  }

  /**
   * Keys the worker's latest `continued` released while the adapter still had them stopped (a
   * stop that crossed a continue on the way): the client must be told they run again.
   */
  staleStops: string[] = [];

  /** Takes in one worker message. */
  observe(m: FromWorker): void {
    switch (m.type) {
      case 'attempt':
        this.attempt = m.attempt;
        return;
      case 'action': {
        const isNew = !this.position.has(m.key);
        this.position.set(m.key, { stateId: m.stateId, action: m.action, key: m.key, seq: m.seq });
        if (isNew) this.keys.push(m.key);
        return;
      }
      case 'call': {
        let byIndex = this.calls.get(m.stateId);
        if (!byIndex) this.calls.set(m.stateId, (byIndex = new Map()));
        byIndex.set(m.index, { path: m.path, reason: m.reason, status: m.status });
        if (m.callSite && m.occurrence !== undefined)
          this.callSites.set(`${m.functionId}#${m.occurrence}`, m.callSite);
        return;
      }
      case 'stopped': {
        const key = m.boundary.exec.key;
        this.stops.delete(key);
        this.stops.set(key, m);
        this.held.delete(key);
        this.worldStopped = true;
        if (m.boundary.call?.callSite) {
          const c = m.boundary.call;
          this.callSites.set(`${c.functionId}#${c.occurrence}`, c.callSite!);
        }
        return;
      }
      case 'held':
        this.held.set(m.boundary.exec.key, m.boundary);
        return;
      case 'continued':
        this.staleStops = m.keys.filter((k) => this.stops.has(k));
        for (const key of m.keys) this.released(key);
        if (m.all) this.worldStopped = false;
        return;
      case 'keyDone':
        this.doneKeys.add(m.key);
        this.released(m.key);
        return;
      case 'crash':
        this.crash = m;
        this.stops.clear();
        this.held.clear();
        this.worldStopped = false;
        return;
      case 'done':
        this.done = m;
        return;
      default:
        return;
    }
  }

  /** The key left its stop or hold (told by the worker, or at once when the adapter resumes it). */
  released(key: string): void {
    this.stops.delete(key);
    this.held.delete(key);
  }

  /** A continue was sent: every key moves. */
  continuedAll(): void {
    this.stops.clear();
    this.held.clear();
    this.worldStopped = false;
  }

  /** How many calls the action execution has made so far in this attempt (highest index + 1). */
  callsMade(stateId: string): number {
    let n = 0;
    for (const index of this.calls.get(stateId)?.keys() ?? []) n = Math.max(n, index + 1);
    return n;
  }

  get finished(): boolean {
    return this.crash !== undefined || this.done !== undefined;
  }
}
