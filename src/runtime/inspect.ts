// Read-only views of a store for people and tools: action states with decoded slots, and the
// timeline of attempts with the path each call took.
import type { ActionState, SlotStatus } from './actionState';
import type { CallPath } from './callPlan';
import { decode, toPlainJson, type Encoded } from './codec';
import type { StateStore, TimelineRecord } from './stateStore';
import { runReason } from './timelineLog';

export interface SlotView {
  index: number;
  functionId: string;
  argsDigest: string;
  status: SlotStatus;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface StateView {
  id: string;
  key: string;
  seq: number;
  eventIndex: number;
  action: string;
  completed: boolean;
  slots: SlotView[];
}

export function slotViews(state: ActionState, from = 0, count = state.slots.length): SlotView[] {
  return state.slots.slice(from, from + count).map((slot, i) => ({
    index: from + i,
    functionId: slot.functionId,
    argsDigest: slot.argsDigest,
    status: slot.status,
    ...(slot.status === 'SUCCEEDED' ? { result: toPlainJson(slot.result) } : {}),
    ...(slot.error ? { error: { name: slot.error.name, message: slot.error.message } } : {}),
  }));
}

/** States in a stable order: by key, then input, then event, then action. */
export function sortedStates(store: StateStore): ActionState[] {
  return [...store.states()].sort(
    (a, b) =>
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      a.seq - b.seq ||
      a.eventIndex - b.eventIndex ||
      (a.action < b.action ? -1 : a.action > b.action ? 1 : 0),
  );
}

export function stateViews(store: StateStore): StateView[] {
  return sortedStates(store).map((s) => ({
    id: s.id,
    key: s.key,
    seq: s.seq,
    eventIndex: s.eventIndex,
    action: s.action,
    completed: s.completed,
    slots: slotViews(s),
  }));
}

/**
 * Runs of at least this many consecutive calls of an action execution that took the same path,
 * with the same status and reason, are one entry of an attempt's calls: a recovery of 100k calls
 * is a few entries, not 100k. Shorter runs are listed call by call.
 */
export const RUN_MIN = 10;

/** A durable call an attempt made, or with `count` a run of calls (see RUN_MIN). */
export interface CallView {
  id: string;
  index: number;
  /** For a run, its first call's. */
  functionId: string;
  path: CallPath;
  status: SlotStatus;
  reason: string;
  /** Set for a run: the calls `index` to `index + count - 1`. */
  count?: number;
  /** Set for a run: its calls' function ids, run-length encoded. */
  functions?: Array<[functionId: string, count: number]>;
}

export interface AttemptView {
  attempt: number;
  kind: string;
  at: string;
  outcome: 'done' | 'failed' | 'crashed' | 'unfinished';
  calls: CallView[];
  actions: Array<{ id: string; outcome: string; error?: string }>;
  crash?: { point: string; id?: string; index?: number; functionId?: string };
}

type Run = Required<CallView>;

/** Builds an attempt's runs of calls; keys run side by side, so each action has its open run. */
class RunBuilder {
  readonly runs: Run[] = [];
  private readonly open = new Map<string, Run>();

  add(c: Omit<CallView, 'count' | 'functions'>, functions: Run['functions'], count: number): void {
    const run = this.open.get(c.id);
    if (
      run &&
      run.index + run.count === c.index &&
      run.path === c.path &&
      run.status === c.status &&
      run.reason === c.reason
    ) {
      for (const [functionId, n] of functions) {
        const last = run.functions[run.functions.length - 1];
        if (last[0] === functionId) last[1] += n;
        else run.functions.push([functionId, n]);
      }
      run.count += count;
      return;
    }
    const fresh: Run = { ...c, count, functions: functions.map(([f, n]) => [f, n]) };
    this.open.set(c.id, fresh);
    this.runs.push(fresh);
  }

  /** The runs long enough to stay runs, the others call by call. */
  calls(): CallView[] {
    return this.runs.flatMap(({ count, functions, ...first }) => {
      if (count >= RUN_MIN) return [{ ...first, count, functions }];
      const calls: CallView[] = [];
      let index = first.index;
      for (const [functionId, n] of functions)
        for (let i = 0; i < n; i++) calls.push({ ...first, index: index++, functionId });
      return calls;
    });
  }
}

/** Groups timeline records by attempt; an attempt with no end record either crashed or was cut off. */
export function attemptViews(records: readonly TimelineRecord[]): AttemptView[] {
  const byNumber = new Map<number, { view: AttemptView; runs: RunBuilder }>();
  for (const r of records) {
    if (r.op === 'attempt') {
      const view: AttemptView = {
        attempt: r.attempt,
        kind: r.kind,
        at: r.at,
        outcome: 'unfinished',
        calls: [],
        actions: [],
      };
      byNumber.set(r.attempt, { view, runs: new RunBuilder() });
      continue;
    }
    if (r.op === 'inputs') continue;
    const entry = byNumber.get(r.attempt);
    if (!entry) continue;
    const { view, runs } = entry;
    if (r.op === 'call') {
      const { id, index, functionId, path, status, reason } = r;
      runs.add({ id, index, functionId, path, status, reason }, [[functionId, 1]], 1);
    } else if (r.op === 'calls') {
      const [[functionId]] = r.functions;
      const first = { id: r.id, index: r.from, functionId, path: r.path, status: r.status };
      runs.add({ ...first, reason: runReason(r) }, r.functions, r.count);
    } else if (r.op === 'action')
      view.actions.push({ id: r.id, outcome: r.outcome, error: r.error });
    else if (r.op === 'crash') {
      view.crash = { point: r.point, id: r.id, index: r.index, functionId: r.functionId };
      view.outcome = 'crashed';
    } else if (r.op === 'end') view.outcome = r.outcome;
  }
  return [...byNumber.values()]
    .map(({ view, runs }) => ({ ...view, calls: runs.calls() }))
    .sort((a, b) => a.attempt - b.attempt);
}

/** Decodes a payload into its real value (Map, Date, ...), for debuggers that show types. */
export function decodePayload(encoded: Encoded | undefined): unknown {
  return encoded === undefined ? undefined : decode(encoded);
}
