// What the adapter knows about the attempt its worker runs, learnt from the worker's messages:
// the keys being processed (the threads), the action each key is in, where the worker stands
// when stopped, and the path each durable call took in this attempt. No DAP here.
import type { SourceLocation } from '../runtime/boundaries';
import type { CallPath } from '../runtime/callPlan';
import type { SlotStatus } from '../runtime/actionState';
import type { AttemptKind } from '../runtime/stateStore';
import type { FromWorker } from '../worker/protocol';

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
  readonly position = new Map<string, ActionPosition>();
  /** stateId → slot index → the path its call took in this attempt. */
  readonly calls = new Map<string, Map<number, CallRecord>>();
  /** `functionId#occurrence` → the user's line, as the worker reported it. */
  readonly callSites = new Map<string, SourceLocation>();
  stop: StoppedMessage | undefined;
  crash: CrashMessage | undefined;
  done: DoneMessage | undefined;

  constructor(readonly kind: AttemptKind) {}

  /** Takes in one worker message; returns the key when it is new in this attempt. */
  observe(m: FromWorker): string | undefined {
    switch (m.type) {
      case 'attempt':
        this.attempt = m.attempt;
        return undefined;
      case 'action': {
        const isNew = !this.position.has(m.key);
        this.position.set(m.key, { stateId: m.stateId, action: m.action, key: m.key, seq: m.seq });
        if (isNew) this.keys.push(m.key);
        return isNew ? m.key : undefined;
      }
      case 'call': {
        let byIndex = this.calls.get(m.stateId);
        if (!byIndex) this.calls.set(m.stateId, (byIndex = new Map()));
        byIndex.set(m.index, { path: m.path, reason: m.reason, status: m.status });
        if (m.callSite && m.occurrence !== undefined)
          this.callSites.set(`${m.functionId}#${m.occurrence}`, m.callSite);
        return undefined;
      }
      case 'stopped':
        this.stop = m;
        if (m.boundary.call?.callSite) {
          const c = m.boundary.call;
          this.callSites.set(`${c.functionId}#${c.occurrence}`, c.callSite!);
        }
        return undefined;
      case 'continued':
        this.stop = undefined;
        return undefined;
      case 'crash':
        this.crash = m;
        this.stop = undefined;
        return undefined;
      case 'done':
        this.done = m;
        return undefined;
      default:
        return undefined;
    }
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
