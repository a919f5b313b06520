// The store interface both stores implement, the timeline records they keep beside the state,
// and the in-memory store (for tests, benchmarks and `--store memory`).
import { applyMutation, type ActionState, type StateMutation } from './actionState';
import type { AgentInput } from './agent';
import { TimelineLog, type AttemptKind, type TimelineRecord } from './timelineLog';

export type { AttemptKind, TimelineRecord };

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
    if (m.op === 'edit') this.log.addEdit(m);
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
