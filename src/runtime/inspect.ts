// Read-only views of a store for people and tools: action states with decoded slots, and the
// timeline of attempts with the path each call took.
import type { ActionState, SlotStatus } from './actionState';
import { decode, toPlainJson, type Encoded } from './codec';
import { pythonValueOf, readablePythonValue } from './pythonPayload';
import type { StateStore, TimelineRecord } from './stateStore';
import {
  callNotes,
  RUN_MIN,
  runReason,
  TimelineLog,
  type CallNote,
  type CallRun,
  type EditNote,
} from './timelineLog';

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
  /** Where an imported state came from, and the fields kept from there (unknown ones too). */
  imported?: ActionState['imported'];
  completed: boolean;
  slots: SlotView[];
}

/** A result as a view shows it: a Python value's readable form (never unpickled), else plain JSON. */
function resultView(result: Encoded | undefined): unknown {
  const python = pythonValueOf(result);
  return python ? readablePythonValue(python) : toPlainJson(result);
}

export function slotViews(state: ActionState, from = 0, count = state.slots.length): SlotView[] {
  return state.slots.slice(from, from + count).map((slot, i) => ({
    index: from + i,
    functionId: slot.functionId,
    argsDigest: slot.argsDigest,
    status: slot.status,
    ...(slot.status === 'SUCCEEDED' ? { result: resultView(slot.result) } : {}),
    ...(slot.error ? { error: { name: slot.error.name, message: slot.error.message } } : {}),
  }));
}

/** States in a stable order: by key, then input, then event, then action. */
export function sortedStates(store: StateStore): ActionState[] {
  return sortStates(store.states());
}

export function sortStates(states: Iterable<ActionState>): ActionState[] {
  return [...states].sort(
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
    ...(s.imported ? { imported: s.imported } : {}),
  }));
}

export { RUN_MIN };

/** A durable call an attempt made (`functionId`: for a run, its first call's), or with `count` a run of calls (see RUN_MIN). */
export type CallView = Omit<CallNote, 'op' | 'attempt'> & {
  /** Set for a run: the calls `index` to `index + count - 1`. */
  count?: number;
  /** Set for a run: its calls' function ids, run-length encoded. */
  functions?: CallRun['functions'];
};

export interface AttemptView {
  attempt: number;
  kind: string;
  at: string;
  outcome: 'done' | 'failed' | 'crashed' | 'unfinished';
  calls: CallView[];
  actions: Array<{ id: string; outcome: string; error?: string }>;
  crash?: { point: string; id?: string; index?: number; functionId?: string };
  /** Hand edits made after this attempt ended (present only when there are some). */
  edits?: EditView[];
}

export type EditView = Omit<EditNote, 'op' | 'attempt'>;

/** A run of calls as an attempt lists it: one entry when long enough, else call by call. */
function callViews(run: CallRun): CallView[] {
  const { id, from: index, path, status, count, functions } = run;
  const reason = runReason(run);
  if (count >= RUN_MIN)
    return [{ id, index, functionId: functions[0][0], path, status, reason, count, functions }];
  return [...callNotes(run)].map((c) => ({
    id,
    index: c.index,
    functionId: c.functionId,
    path,
    status,
    reason,
  }));
}

/** Groups timeline records by attempt; an attempt with no end record either crashed or was cut off. */
export function attemptViews(records: readonly TimelineRecord[]): AttemptView[] {
  // Folded the way stores keep them: records may come unfolded (a file, a test) or in parts.
  const log = new TimelineLog();
  for (const r of records) log.add(r);
  const byNumber = new Map<number, AttemptView>();
  for (const r of log.records) {
    if (r.op === 'attempt') {
      const view: AttemptView = {
        attempt: r.attempt,
        kind: r.kind,
        at: r.at,
        outcome: 'unfinished',
        calls: [],
        actions: [],
      };
      byNumber.set(r.attempt, view);
      continue;
    }
    if (r.op === 'inputs') continue;
    const view = byNumber.get(r.attempt);
    if (!view) continue;
    if (r.op === 'edited') {
      const { op: _op, attempt: _attempt, ...edit } = r;
      (view.edits ??= []).push(edit);
      continue;
    }
    if (r.op === 'calls') view.calls.push(...callViews(r));
    else if (r.op === 'action') view.actions.push({ id: r.id, outcome: r.outcome, error: r.error });
    else if (r.op === 'crash') {
      view.crash = { point: r.point, id: r.id, index: r.index, functionId: r.functionId };
      view.outcome = 'crashed';
    } else if (r.op === 'end') view.outcome = r.outcome;
  }
  return [...byNumber.values()].sort((a, b) => a.attempt - b.attempt);
}

/** Edits made before any attempt ran (an imported folder edited first): no attempt lists them. */
export function editsBeforeAttempts(records: readonly TimelineRecord[]): EditView[] {
  return records.flatMap((r) => {
    if (r.op !== 'edited' || r.attempt !== 0) return [];
    const { op: _op, attempt: _attempt, ...edit } = r;
    return [edit];
  });
}

/** Decodes a payload into its real value (Map, Date, ...), for debuggers that show types. */
export function decodePayload(encoded: Encoded | undefined): unknown {
  return encoded === undefined ? undefined : decode(encoded);
}
