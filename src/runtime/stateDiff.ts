// Differences between two states (two attempts of one folder, or two folders): per action state,
// whether it exists and completed on each side; per slot, function, status and payload, and the
// path the call took in the attempt each side ends with.
import type { ActionState, Slot } from './actionState';
import type { CallPath } from './callPlan';
import { toPlainJson } from './codec';
import { sortStates } from './inspect';
import { attemptsOf, readHistory, stateAt, type JournalHistory } from './journalHistory';
import { pythonErrorOf, pythonValueOf } from './pythonPayload';
import type { StateStore } from './stateStore';
import { callNotes } from './timelineLog';
import { table } from './textTable';

/** One side of a diff: a state, and the attempt whose call paths are compared (if any ran). */
export interface DiffSide {
  label: string;
  store: StateStore;
  attempt?: number;
}

export interface SlotSide {
  functionId: string;
  argsDigest: string;
  status: string;
  /** The result's plain JSON, or the error as `Name: message`; a Python value by its type and size. */
  payload?: unknown;
  path?: CallPath;
}

export interface SlotDiff {
  index: number;
  left?: SlotSide;
  right?: SlotSide;
  /** What differs: `missing`, `function`, `args`, `status`, `payload`, `path`. */
  differs: string[];
}

export interface StateDiff {
  id: string;
  left?: { completed: boolean; slots: number };
  right?: { completed: boolean; slots: number };
  differs: string[];
  slots: SlotDiff[];
}

/** What a slot holds, as compared and shown: pickles are opaque (type and size), never decoded. */
export function slotPayload(slot: Slot): unknown {
  const python = pythonValueOf(slot.result) ?? pythonErrorOf(slot.error);
  if (python)
    return {
      python: python.type,
      repr: python.repr,
      pickleBytes: Buffer.byteLength(python.pickle, 'base64'),
    };
  if (slot.error) return `${slot.error.name}: ${slot.error.message}`;
  return slot.status === 'SUCCEEDED' ? toPlainJson(slot.result) : undefined;
}

/** The path each call of `attempt` took, by state id and slot index (the last one noted wins). */
function pathsOf(side: DiffSide): Map<string, CallPath> {
  const paths = new Map<string, CallPath>();
  if (side.attempt === undefined) return paths;
  for (const r of side.store.timeline())
    if ((r.op === 'calls' || r.op === 'call') && r.attempt === side.attempt)
      for (const c of callNotes(r)) paths.set(`${c.id}#${c.index}`, c.path);
  return paths;
}

function slotSide(state: ActionState, index: number, paths: Map<string, CallPath>): SlotSide {
  const slot = state.slots[index];
  const path = paths.get(`${state.id}#${index}`);
  return {
    functionId: slot.functionId,
    argsDigest: slot.argsDigest,
    status: slot.status,
    ...(slotPayload(slot) === undefined ? {} : { payload: slotPayload(slot) }),
    ...(path === undefined ? {} : { path }),
  };
}

function compareSlots(l: SlotSide | undefined, r: SlotSide | undefined): string[] {
  if (!l || !r) return ['missing'];
  const out: string[] = [];
  if (l.functionId !== r.functionId) out.push('function');
  if (l.argsDigest !== r.argsDigest) out.push('args');
  if (l.status !== r.status) out.push('status');
  if (JSON.stringify(l.payload) !== JSON.stringify(r.payload)) out.push('payload');
  if (l.path !== r.path) out.push('path');
  return out;
}

/** Every action state with a difference, in the stable order of `slots`; equal states are left out. */
export function diffStates(left: DiffSide, right: DiffSide): StateDiff[] {
  const lp = pathsOf(left);
  const rp = pathsOf(right);
  const ids = new Map<string, ActionState>();
  for (const s of [...left.store.states(), ...right.store.states()])
    if (!ids.has(s.id)) ids.set(s.id, s);
  const order = sortStates(ids.values());
  const out: StateDiff[] = [];
  for (const { id } of order) {
    const l = left.store.get(id);
    const r = right.store.get(id);
    const diff: StateDiff = {
      id,
      ...(l ? { left: { completed: l.completed, slots: l.slots.length } } : {}),
      ...(r ? { right: { completed: r.completed, slots: r.slots.length } } : {}),
      differs: [],
      slots: [],
    };
    if (!l || !r) diff.differs.push('missing');
    else if (l.completed !== r.completed) diff.differs.push('completed');
    const count = Math.max(l?.slots.length ?? 0, r?.slots.length ?? 0);
    for (let index = 0; index < count; index++) {
      const ls = l && index < l.slots.length ? slotSide(l, index, lp) : undefined;
      const rs = r && index < r.slots.length ? slotSide(r, index, rp) : undefined;
      const differs = compareSlots(ls, rs);
      if (differs.length > 0)
        diff.slots.push({
          index,
          ...(ls ? { left: ls } : {}),
          ...(rs ? { right: rs } : {}),
          differs,
        });
    }
    if (diff.slots.length > 0) diff.differs.push('slots');
    if (diff.differs.length > 0) out.push(diff);
  }
  return out;
}

/** The differences as text for a person: a line per state, a table of its slots. */
export function diffReport(diffs: StateDiff[], left: string, right: string): string {
  if (diffs.length === 0) return `no differences between ${left} and ${right}`;
  const out: string[] = [`${left} ↔ ${right}`];
  const side = (s: StateDiff['left']) =>
    s ? `${s.completed ? 'completed' : 'not completed'}, ${s.slots} slots` : 'absent';
  for (const d of diffs) {
    out.push(`${d.id}: ${side(d.left)} | ${side(d.right)}`);
    if (d.slots.length === 0) continue;
    const rows = [['  #', 'DIFFERS', 'LEFT', 'RIGHT']];
    for (const s of d.slots) {
      const cell = (x: typeof s.left) =>
        x
          ? `${x.functionId} ${x.status}${x.path ? ` (${x.path})` : ''}${x.payload === undefined ? '' : ` ${JSON.stringify(x.payload)}`}`
          : '-';
      rows.push([`  ${s.index}`, s.differs.join(','), cell(s.left), cell(s.right)]);
    }
    out.push(table(rows));
  }
  return out.join('\n');
}

/** A folder as a diff side: its state now, and the call paths of its last attempt. */
export function folderSide(label: string, history: JournalHistory): DiffSide {
  const attempts = attemptsOf(history);
  return {
    label,
    store: stateAt(history, history.lines.length),
    attempt: attempts.length === 0 ? undefined : Math.max(...attempts),
  };
}

/** Two state folders compared, as text (the extension's diff command). */
export function diffFolders(left: string, right: string): string {
  const diffs = diffStates(
    folderSide(left, readHistory(left)),
    folderSide(right, readHistory(right)),
  );
  return diffReport(diffs, left, right);
}
