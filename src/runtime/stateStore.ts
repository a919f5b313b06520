// The store interface both stores implement, the timeline records they keep beside the state,
// and the in-memory store (for tests, benchmarks and `--store memory`).
import {
  applyMutation,
  type ActionState,
  type SlotStatus,
  type StateMutation,
} from './actionState';
import type { CallPath } from './callPlan';
import type { AgentInput } from './agentRunner';
import { TimelineLog } from './timelineLog';

export type AttemptKind = 'run' | 'recover' | 'rewind';

/** What happened in each attempt: the debugger's timeline is rebuilt from these. */
export type TimelineRecord =
  | { op: 'inputs'; inputs: AgentInput[] }
  | { op: 'attempt'; attempt: number; kind: AttemptKind; at: string }
  | {
      op: 'call';
      attempt: number;
      id: string;
      index: number;
      functionId: string;
      path: CallPath;
      status: SlotStatus;
      reason: string;
    }
  | {
      /**
       * Calls `from` to `from + count - 1` of one action execution that took the same path with
       * the same status and reason in one attempt; `functions` holds their function ids,
       * run-length encoded. A recovery replays every finished call, so replays are written as
       * runs; in memory every call is kept in runs (see TimelineLog).
       */
      op: 'calls';
      attempt: number;
      id: string;
      from: number;
      count: number;
      path: CallPath;
      status: SlotStatus;
      /** Left out for replays: it is always replayReason(status). */
      reason?: string;
      functions: Array<[functionId: string, count: number]>;
    }
  | {
      op: 'action';
      attempt: number;
      id: string;
      outcome: 'completed' | 'reused' | 'failed';
      error?: string;
    }
  | {
      op: 'crash';
      attempt: number;
      point: string;
      id?: string;
      index?: number;
      functionId?: string;
    }
  | { op: 'end'; attempt: number; outcome: 'done' | 'failed' };

export interface StateStore {
  /** How many persists were made through this instance (spec section 8.3 counts these). */
  readonly persistCount: number;
  get(id: string): ActionState | undefined;
  states(): Iterable<ActionState>;
  /** Makes one mutation durable before returning. */
  persist(m: StateMutation): void;
  /** Keeps a timeline record: it survives the process being killed, but is not a persist. */
  note(r: TimelineRecord): void;
  /** The records noted so far, calls folded into `calls` runs (see TimelineLog). */
  timeline(): readonly TimelineRecord[];
  close(): void;
}

/** The inputs the last attempt ran, so a recovery can run them again without being told. */
export function recordedInputs(store: StateStore): AgentInput[] | undefined {
  const records = store.timeline();
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.op === 'inputs') return r.inputs;
  }
  return undefined;
}

export function nextAttemptNumber(store: StateStore): number {
  let last = 0;
  for (const r of store.timeline()) if (r.op === 'attempt') last = Math.max(last, r.attempt);
  return last + 1;
}

export class MemoryStore implements StateStore {
  persistCount = 0;
  private readonly map = new Map<string, ActionState>();
  private readonly log = new TimelineLog();

  get(id: string): ActionState | undefined {
    return this.map.get(id);
  }
  states(): Iterable<ActionState> {
    return this.map.values();
  }
  persist(m: StateMutation): void {
    applyMutation(this.map, m);
    this.persistCount++;
  }
  note(r: TimelineRecord): void {
    this.log.add(r);
  }
  timeline(): readonly TimelineRecord[] {
    return this.log.records;
  }
  close(): void {}
}
