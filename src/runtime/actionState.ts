// Action state and its slots (spec section 5), and the mutations that persist them. A store
// persists mutations; applying them in order rebuilds every state, in memory or from a journal.
import type { Encoded, EncodedError } from './codec';
import { DurableStateError } from './errors';
import type { ExecutionIdentity } from './identity';

export type SlotStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** One persisted durable call. */
export interface Slot {
  functionId: string;
  argsDigest: string;
  status: SlotStatus;
  result?: Encoded;
  error?: EncodedError;
}

export interface MemoryUpdate {
  path: string;
  value: Encoded;
}

/** The persisted state of one action execution. */
export interface ActionState extends ExecutionIdentity {
  id: string;
  /** The triggering event, encoded. */
  event: Encoded;
  slots: Slot[];
  completed: boolean;
  /** Events the action sent, in order (OutputEvents included), once it completed. */
  outputEvents: Encoded[];
  memoryUpdates: MemoryUpdate[];
  /** Set for a state imported from elsewhere (flinkImport.ts): where it came from, what was kept. */
  imported?: ImportedOrigin;
}

/** The origin of an imported state: its key there, and the fields kept as they were (unknown ones too). */
export interface ImportedOrigin {
  from: string;
  key: string;
  kept?: Record<string, unknown>;
}

/** One persist: everything a store writes is one of these. */
export type StateMutation =
  | ({ op: 'init'; id: string; event: Encoded; imported?: ImportedOrigin } & ExecutionIdentity)
  | { op: 'slot'; id: string; index: number; slot: Slot }
  | { op: 'truncate'; id: string; from: number }
  | { op: 'complete'; id: string; outputEvents: Encoded[]; memoryUpdates: MemoryUpdate[] }
  | StateEdit;

/** What a person can change by hand (state surgery): see stateEdit.ts. */
export type EditKind = 'pending' | 'succeed' | 'fail' | 'drop' | 'not-completed';

/**
 * A hand edit, kept as a record of its own so history is never rewritten: `was` and `became` are
 * the part of the state it changed (the slots from `index` on, or the completion), before and after.
 */
export interface StateEdit {
  op: 'edit';
  id: string;
  kind: EditKind;
  /** The slot edited (or the first one dropped); absent for `not-completed`. */
  index?: number;
  /** When the edit was made (ISO time). */
  at: string;
  was: EditSnapshot;
  became: EditSnapshot;
}

export interface EditSnapshot {
  /** The slots from `index` on. */
  slots?: Slot[];
  completed?: boolean;
  outputEvents?: Encoded[];
  memoryUpdates?: MemoryUpdate[];
}

export function slotMatches(slot: Slot, functionId: string, digest: string): boolean {
  return slot.functionId === functionId && slot.argsDigest === digest;
}

export function isTerminal(slot: Slot): boolean {
  return slot.status !== 'PENDING';
}

/**
 * Applies one mutation to a map of states. A mutation that does not fit (a slot beyond the end,
 * a state never initialised) means the persisted history is not one this runtime wrote.
 */
export function applyMutation(states: Map<string, ActionState>, m: StateMutation): void {
  if (m.op === 'init') {
    const { id, key, seq, eventIndex, action, event, imported } = m;
    states.set(id, {
      id,
      key,
      seq,
      eventIndex,
      action,
      event,
      slots: [],
      completed: false,
      outputEvents: [],
      memoryUpdates: [],
      ...(imported === undefined ? {} : { imported }),
    });
    return;
  }
  const state = checkMutation(states, m)!;
  switch (m.op) {
    case 'slot':
      state.slots[m.index] = m.slot;
      return;
    case 'truncate':
      if (m.from >= 0 && m.from < state.slots.length) state.slots.length = m.from;
      return;
    case 'complete':
      state.completed = true;
      state.outputEvents = m.outputEvents;
      state.memoryUpdates = m.memoryUpdates;
      return;
    case 'edit':
      applyEdit(state, m);
      return;
  }
}

function applyEdit(state: ActionState, m: StateEdit): void {
  const { slots, completed, outputEvents, memoryUpdates } = m.became;
  // The slots `was` lists (one, or all from `index` on for a drop) are replaced by `became`'s.
  if (m.index !== undefined && slots !== undefined)
    state.slots.splice(m.index, m.was.slots?.length ?? 0, ...slots);
  if (completed !== undefined) state.completed = completed;
  if (outputEvents !== undefined) state.outputEvents = outputEvents;
  if (memoryUpdates !== undefined) state.memoryUpdates = memoryUpdates;
}

/**
 * Throws the DurableStateError `applyMutation` would, without changing anything: a store checks
 * a mutation before writing it, so a refused one never reaches the file. Returns the state.
 */
export function checkMutation(
  states: Map<string, ActionState>,
  m: StateMutation,
): ActionState | undefined {
  if (m.op === 'init') return undefined;
  const state = states.get(m.id);
  if (!state)
    throw new DurableStateError(
      `a "${m.op}" record names action state ${m.id}, which was never initialised`,
    );
  // An index that is not a whole number (a hand-made journal's "__proto__" or "length") would
  // set the slots array's prototype or length instead of a slot.
  if (m.op === 'slot' && !Number.isInteger(m.index)) {
    throw new DurableStateError(
      `slot index ${JSON.stringify(m.index)} of ${m.id} is not a whole number`,
    );
  }
  if (m.op === 'slot' && (m.index < 0 || m.index > state.slots.length)) {
    throw new DurableStateError(
      `slot ${m.index} of ${m.id} is out of range (the state has ${state.slots.length} slots)`,
    );
  }
  if (m.op === 'edit') checkEdit(state, m);
  return state;
}

const EDIT_KINDS = new Set<EditKind>(['pending', 'succeed', 'fail', 'drop', 'not-completed']);

/** An edit read from a file must name a slot that exists and carry slots and a completion that fit. */
function checkEdit(state: ActionState, m: StateEdit): void {
  const bad = (what: string): never => {
    throw new DurableStateError(`the edit of ${m.id} made at ${String(m.at)} ${what}`);
  };
  if (!EDIT_KINDS.has(m.kind)) bad(`has an unknown kind ${JSON.stringify(m.kind)}`);
  if (
    typeof m.was !== 'object' ||
    m.was === null ||
    typeof m.became !== 'object' ||
    m.became === null
  )
    bad('needs "was" and "became" objects');
  if (m.kind === 'not-completed') return;
  if (!Number.isInteger(m.index) || m.index! < 0 || m.index! >= state.slots.length)
    bad(`names slot ${JSON.stringify(m.index)}, and the state has ${state.slots.length} slots`);
  if (!Array.isArray(m.became.slots) || !Array.isArray(m.was.slots))
    bad('needs the slots it replaced and left ("was.slots", "became.slots")');
}

/** The edit in words, for timelines: what the slot was and became, or what was dropped. */
export function describeChange(m: StateEdit): string {
  const was = m.was.slots ?? [];
  if (m.kind === 'not-completed') return 'completed → not completed';
  if (m.kind === 'drop') return `dropped ${was.length} slot(s) from #${m.index}`;
  return `${was[0]?.status ?? '?'} → ${m.became.slots?.[0]?.status ?? '?'}`;
}
