// State surgery: turning a person's request ("make this slot PENDING", "give it another result")
// into an edit record, checked against the state first so bad input writes nothing, and writing
// it to a state folder under the folder's one-writer lock. A Python slot's new result or error is
// pickled by the Python host through a PythonReencoder the caller passes in (this layer spawns
// nothing). The edit is appended to the journal
// (history is never rewritten); loading the journal applies it like any other mutation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ActionState, Slot, StateEdit } from './actionState';
import { encode, type Encoded, type EncodedError } from './codec';
import { StateFileError } from './errors';
import { JOURNAL_FILE, JournalStore } from './journalStore';
import {
  encodePythonError,
  encodePythonValue,
  pythonErrorOf,
  pythonValueOf,
  type PythonValue,
} from './pythonPayload';
import { acquireStateLock } from './stateLock';
import type { StateStore } from './stateStore';

export type EditRequest =
  | { kind: 'pending' | 'drop'; id: string; index: number }
  | { kind: 'succeed'; id: string; index: number; result: unknown }
  | { kind: 'fail'; id: string; index: number; message: string }
  | { kind: 'not-completed'; id: string };

/** A request that does not fit the state: nothing was written. */
export class EditError extends Error {
  override name = 'EditError';
}

/** Parses a JSON argument (a new result), saying where it came from when it does not parse. */
export function parseJsonValue(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EditError(
      `${where} is not valid JSON (${(error as Error).message}): give a JSON value, e.g. '{"ok":true}', '42' or '"text"' (quote strings)`,
    );
  }
}

/** `STATE_ID#INDEX` as the CLI takes it: the index is after the last `#` (ids hold `#` too). */
export function parseSlotRef(ref: string): { id: string; index: number } {
  const at = ref.lastIndexOf('#');
  const index = at === -1 ? NaN : Number(ref.slice(at + 1));
  if (at <= 0 || !/^\d+$/.test(ref.slice(at + 1)) || !Number.isSafeInteger(index))
    throw new EditError(
      `"${ref}" is not a slot: write STATE_ID#INDEX, e.g. "alice#0/0/order#1" (the state id as "durable-run slots" lists it, then # and the slot's index)`,
    );
  return { id: ref.slice(0, at), index };
}

function stateOf(store: StateStore, id: string): ActionState {
  const state = store.get(id);
  if (state) return state;
  const known = [...store.states()].map((s) => s.id);
  const list = known.length === 0 ? 'it holds none' : `it holds ${known.slice(0, 8).join(', ')}`;
  throw new EditError(
    `there is no action state "${id}" in this state folder (${list}${known.length > 8 ? ', …' : ''}); see "durable-run slots --state DIR"`,
  );
}

function slotOf(state: ActionState, index: number): Slot {
  const slot = state.slots[index];
  if (slot) return slot;
  const range =
    state.slots.length === 0 ? 'it has no slots' : `its slots are 0 to ${state.slots.length - 1}`;
  throw new EditError(`action state ${state.id} has no slot ${index}: ${range}`);
}

/** Pickles a new result or error for a Python slot: only the Python agent host can. */
export interface PythonReencoder {
  /** The JSON value as a pickled Python value. */
  value(json: unknown): Promise<PythonValue>;
  /** An exception carrying the message, of `type` when it can be built, else RuntimeError. */
  error(message: string, type: string | undefined): Promise<PythonValue>;
}

/** A Python slot's new result or error, pickled before the edit is planned. */
export interface Reencoded {
  result?: Encoded;
  error?: EncodedError;
}

/** Result and error edits need the Python host to pickle the new value: refused without one. */
function refusePython(state: ActionState, index: number, slot: Slot): void {
  const python = pythonValueOf(slot.result) ?? pythonErrorOf(slot.error);
  if (python)
    throw new EditError(
      `slot ${index} of ${state.id} holds a Python value (${python.type}): only the Python agent host can pickle a new result or error for it, and none was given; give the interpreter (durable-run edit --python PATH, or DURABLE_RUN_PYTHON), or make the slot PENDING or drop it instead`,
    );
}

function checkMessage(message: string): void {
  if (message.trim() === '') throw new EditError('the new error needs a message (--fail MESSAGE)');
}

/**
 * Pickles the new result or error when the request gives one to a slot holding a Python value;
 * undefined for every other request (nothing to pickle).
 */
export async function reencodeForPython(
  store: StateStore,
  request: EditRequest,
  encoder: PythonReencoder | undefined,
): Promise<Reencoded | undefined> {
  if (request.kind !== 'succeed' && request.kind !== 'fail') return undefined;
  const state = stateOf(store, request.id);
  const slot = slotOf(state, request.index);
  const current = pythonErrorOf(slot.error);
  if (!pythonValueOf(slot.result) && !current) return undefined;
  if (!encoder) return undefined; // planEdit refuses, saying how to give one
  if (request.kind === 'succeed')
    return { result: encodePythonValue(await encoder.value(request.result)) };
  checkMessage(request.message);
  const exception = await encoder.error(request.message, current?.type);
  return { error: encodePythonError(exception, request.message, undefined) };
}

export interface PlannedEdit {
  edit: StateEdit;
  /** Things the person should know (the edit takes effect only once the action runs again). */
  warnings: string[];
}

/** The edit a request makes to the store's state, or an EditError; changes nothing. */
export function planEdit(
  store: StateStore,
  request: EditRequest,
  at = new Date(),
  python?: Reencoded,
): PlannedEdit {
  const state = stateOf(store, request.id);
  const base = { op: 'edit' as const, id: state.id, kind: request.kind, at: at.toISOString() };
  const warnings: string[] = [];
  if (request.kind === 'not-completed') {
    if (!state.completed)
      throw new EditError(`action state ${state.id} is not completed: there is nothing to undo`);
    const { outputEvents, memoryUpdates } = state;
    return {
      edit: {
        ...base,
        was: { completed: true, outputEvents, memoryUpdates },
        became: { completed: false, outputEvents: [], memoryUpdates: [] },
      },
      warnings,
    };
  }
  const { index } = request;
  const slot = slotOf(state, index);
  let became: Slot[];
  const keep = { functionId: slot.functionId, argsDigest: slot.argsDigest };
  if (request.kind === 'pending') {
    if (slot.status === 'PENDING')
      throw new EditError(`slot ${index} of ${state.id} is PENDING already`);
    became = [{ ...keep, status: 'PENDING' }];
  } else if (request.kind === 'succeed') {
    if (!python?.result) refusePython(state, index, slot);
    const result = python?.result ?? encode(request.result, 'the new result');
    became = [{ ...keep, status: 'SUCCEEDED', result }];
  } else if (request.kind === 'fail') {
    if (!python?.error) refusePython(state, index, slot);
    checkMessage(request.message);
    const error = python?.error ?? { name: 'Error', message: request.message };
    became = [{ ...keep, status: 'FAILED', error }];
  } else became = [];
  if (state.completed)
    warnings.push(
      `action state ${state.id} is completed, so a recovery skips it and this edit has no effect on it; also run "durable-run edit --action ${state.id} --not-completed" to make it run again`,
    );
  const removed = request.kind === 'drop' ? state.slots.slice(index) : [slot];
  return { edit: { ...base, index, was: { slots: removed }, became: { slots: became } }, warnings };
}

/**
 * Writes one edit to a state folder. It takes the folder's lock first: a folder a running attempt
 * holds is refused (StateFolderBusyError names the holder), and nothing is written.
 */
export async function editStateFolder(
  stateDir: string,
  request: EditRequest,
  command = 'durable-run edit',
  python?: PythonReencoder,
): Promise<PlannedEdit> {
  journalOrFail(stateDir);
  const lock = await acquireStateLock(stateDir, command);
  try {
    return await editJournal(stateDir, request, python);
  } finally {
    await lock.release();
  }
}

function journalOrFail(stateDir: string): void {
  const journal = path.join(path.resolve(stateDir), JOURNAL_FILE);
  if (!fs.existsSync(journal))
    throw new StateFileError(
      `there is no journal at ${journal}: nothing to edit; check --state`,
      journal,
    );
}

/**
 * Writes one edit to a state folder whose lock the caller holds already (a debug session holds
 * its folder for its whole life, and edits only while no attempt runs).
 */
export async function editJournal(
  stateDir: string,
  request: EditRequest,
  python?: PythonReencoder,
): Promise<PlannedEdit> {
  journalOrFail(stateDir);
  const store = JournalStore.open(stateDir);
  try {
    const reencoded = await reencodeForPython(store, request, python);
    const planned = planEdit(store, request, new Date(), reencoded);
    store.persist(planned.edit);
    return { ...planned, warnings: [...store.warnings, ...planned.warnings] };
  } finally {
    store.close();
  }
}
