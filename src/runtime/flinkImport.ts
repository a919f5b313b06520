// Importing production Flink Agents action state into a state folder, so a recovery can run the
// user's agent over it locally. Each key's last record wins (the topic holds every version of a
// state; a tombstone means it was pruned). Mapped: the record key (key, sequence number, action),
// the triggering event, call results (status, result or error payload), memory updates, output
// events; unknown fields are kept beside the state. Payloads: cloudpickle bytes become Python
// values (opaque: type and size only, never unpickled here), Java JSON payloads become JSON.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImportedOrigin, MemoryUpdate, Slot, StateMutation } from './actionState';
import { INPUT_EVENT, type AgentInput } from './agent';
import { encode, type Encoded, type EncodedError } from './codec';
import {
  readFlinkDump,
  KNOWN_FIELDS,
  type FlinkActionState,
  type FlinkCallResult,
  type FlinkEvent,
} from './flinkDump';
import { stateIdOf } from './identity';
import { checkEmptyTarget, writeNewJournal } from './journalHistory';
import { JournalStore } from './journalStore';
import { pickledType, looksLikePickle } from './pickleInfo';
import { encodePythonError, encodePythonValue } from './pythonPayload';
import { encodeInputEvent } from './stateMatch';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Key, sequence number and action part of a record key (`key_seq_eventUuid_actionUuid`). */
export function parseFlinkKey(full: string): { key: string; seq?: number; action?: string } {
  const parts = full.split('_');
  const n = parts.length;
  if (n >= 4 && /^\d+$/.test(parts[n - 3]) && UUID.test(parts[n - 2]) && UUID.test(parts[n - 1]))
    return {
      key: parts.slice(0, n - 3).join('_'),
      seq: Number(parts[n - 3]),
      action: parts[n - 1],
    };
  if (n >= 2 && parts[0] !== '' && /^\d+$/.test(parts[1]))
    return { key: parts[0], seq: Number(parts[1]), action: parts.slice(2).join('_') || undefined };
  return { key: full };
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/** A result payload: a Python value for pickle bytes, JSON for Java's, else the bytes as base64. */
function resultOf(base64: string): Encoded {
  const bytes = Buffer.from(base64, 'base64');
  if (looksLikePickle(bytes)) {
    const type = pickledType(bytes) ?? 'unknown';
    return encodePythonValue({
      pickle: base64,
      type,
      repr: `<${type} pickled by cloudpickle, ${bytes.length} bytes>`,
    });
  }
  try {
    return { json: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { json: { base64, bytes: bytes.length } };
  }
}

function errorOf(base64: string): EncodedError {
  const bytes = Buffer.from(base64, 'base64');
  if (looksLikePickle(bytes)) {
    const type = pickledType(bytes) ?? 'builtins.Exception';
    const value = {
      pickle: base64,
      type,
      repr: `<${type} pickled by cloudpickle, ${bytes.length} bytes>`,
    };
    return encodePythonError(
      value,
      `a ${type} raised in production (pickled; only the Python agent host decodes it)`,
      undefined,
    );
  }
  try {
    const java = JSON.parse(bytes.toString('utf8')) as {
      exceptionClass?: unknown;
      message?: unknown;
    };
    const className = typeof java.exceptionClass === 'string' ? java.exceptionClass : 'Exception';
    return {
      name: simpleName(className),
      message: String(java.message ?? ''),
      props: { json: java },
    };
  } catch {
    return {
      name: 'Error',
      message: `an error payload of ${bytes.length} bytes that is neither a pickle nor JSON`,
    };
  }
}

function slotOf(c: FlinkCallResult): Slot {
  const failed = typeof c.exceptionPayload === 'string';
  // Records written before "status" existed: FAILED when an exception is set, else SUCCEEDED.
  const status = c.status ?? (failed ? 'FAILED' : 'SUCCEEDED');
  const slot: Slot = { functionId: c.functionId, argsDigest: c.argsDigest, status };
  if (status === 'SUCCEEDED')
    slot.result = typeof c.resultPayload === 'string' ? resultOf(c.resultPayload) : { json: null };
  if (status === 'FAILED')
    slot.error = failed
      ? errorOf(c.exceptionPayload!)
      : { name: 'Error', message: 'failed (no exception recorded)' };
  return slot;
}

/** Our event for a Flink event, and the fields of it that have no place there (kept). */
function eventOf(
  e: FlinkEvent,
  key: string,
): { event: Encoded; input?: unknown; kept: Record<string, unknown> } {
  const { '@class': cls, type, attributes, ...rest } = e;
  const name =
    typeof type === 'string' ? type : typeof cls === 'string' ? simpleName(cls) : 'Event';
  const kept: Record<string, unknown> = {
    ...rest,
    ...(cls === undefined ? {} : { '@class': cls }),
  };
  if (name === INPUT_EVENT) {
    const input = 'input' in rest ? rest.input : attributes?.input;
    delete kept.input;
    return { event: encodeInputEvent(key, input), input, kept };
  }
  return { event: encode({ type: name, attributes: attributes ?? {} }), kept };
}

const memoryOf = (updates: FlinkActionState['shortTermMemoryUpdates']): MemoryUpdate[] =>
  (updates ?? []).map((u) => ({ path: u.path, value: { json: u.value ?? null } }));

export interface FlinkImportResult {
  counts: {
    records: number;
    states: number;
    slots: number;
    skipped: number;
    pruned: number;
    inputs: number;
  };
  warnings: string[];
}

/** Reads a dump and writes its states as the journal of the new state folder `stateDir`. */
export async function importFlinkDump(
  dump: string,
  stateDir: string,
  options: { agent?: string; actions?: Record<string, string> } = {},
): Promise<FlinkImportResult> {
  checkEmptyTarget(stateDir);
  const records = readFlinkDump(dump);
  const latest = new Map<string, (typeof records)[number]>();
  for (const r of records) {
    latest.delete(r.key);
    latest.set(r.key, r);
  }
  const warnings: string[] = [];
  const live = [...latest.values()].filter((r) => r.value !== null);
  const parsed = live.map((r) => ({ r, ...parseFlinkKey(r.key) }));
  // Sequence numbers are renumbered per key from 0 in their order, as this runtime counts them.
  const seqs = new Map<string, number[]>();
  for (const p of parsed) seqs.set(p.key, [...(seqs.get(p.key) ?? []), p.seq ?? 0]);
  const seqIndex = (key: string, seq: number) =>
    [...new Set(seqs.get(key))].sort((a, b) => a - b).indexOf(seq);
  const mutations: StateMutation[] = [];
  const inputs = new Map<string, AgentInput>();
  const eventIndexes = new Map<string, Map<string, number>>();
  const unnamed = new Set<string>();
  let slots = 0;
  for (const { r, key, seq, action } of parsed) {
    const value = r.value!;
    const ourSeq = seqIndex(key, seq ?? 0);
    const actionName =
      action && options.actions?.[action] ? options.actions[action] : `flink:${action ?? r.key}`;
    if (!options.actions?.[action ?? '']) unnamed.add(action ?? r.key);
    const mapped = value.taskEvent
      ? eventOf(value.taskEvent, key)
      : { event: { json: null }, kept: {} };
    const text = JSON.stringify(mapped.event);
    // The input event is event 0 of its input's run; the others are numbered in order of first
    // appearance (Flink keeps no such position), one number per distinct event.
    const byEvent = eventIndexes.get(`${key}#${ourSeq}`) ?? new Map<string, number>();
    eventIndexes.set(`${key}#${ourSeq}`, byEvent);
    const isInput = 'input' in mapped;
    if (!byEvent.has(text))
      byEvent.set(text, isInput ? 0 : [...byEvent.values()].filter((i) => i > 0).length + 1);
    if (isInput) inputs.set(`${key}#${ourSeq}`, { key, input: mapped.input });
    const identity = { key, seq: ourSeq, eventIndex: byEvent.get(text)!, action: actionName };
    const id = stateIdOf(identity);
    const extra = Object.fromEntries(Object.entries(value).filter(([k]) => !KNOWN_FIELDS.has(k)));
    const kept: Record<string, unknown> = { ...extra };
    if (Object.keys(mapped.kept).length > 0) kept.taskEvent = mapped.kept;
    if (value.sensoryMemoryUpdates?.length) kept.sensoryMemoryUpdates = value.sensoryMemoryUpdates;
    // A state not completed has no place for these yet (a completion brings its own): kept.
    if (!value.completed && value.shortTermMemoryUpdates?.length)
      kept.shortTermMemoryUpdates = value.shortTermMemoryUpdates;
    if (!value.completed && value.outputEvents?.length) kept.outputEvents = value.outputEvents;
    if (seq !== undefined && seq !== ourSeq) kept.seqNum = seq;
    const imported: ImportedOrigin = {
      from: 'flink-agents',
      key: r.key,
      ...(Object.keys(kept).length ? { kept } : {}),
    };
    for (const field of Object.keys(extra))
      warnings.push(`${dump}:${r.line}: unknown field "${field}" kept beside ${id}`);
    mutations.push({ op: 'init', id, event: mapped.event, imported, ...identity });
    (value.callResults ?? []).forEach((c, index) => {
      mutations.push({ op: 'slot', id, index, slot: slotOf(c) });
      slots++;
    });
    if (value.completed) {
      const outputEvents = (value.outputEvents ?? []).map((e) => eventOf(e, key).event);
      mutations.push({
        op: 'complete',
        id,
        outputEvents,
        memoryUpdates: memoryOf(value.shortTermMemoryUpdates),
      });
    }
  }
  if (unnamed.size > 0)
    warnings.push(
      `the record keys name actions by a UUID, not by name (${[...unnamed].slice(0, 3).join(', ')}${unnamed.size > 3 ? ', …' : ''}): their states are named "flink:UUID"; a recovery matches states by action name, so map them with --actions UUID=NAME,...`,
    );
  const recorded = recordableInputs(seqs, inputs);
  if (!recorded && inputs.size > 0)
    warnings.push(
      'the inputs are not recorded: some inputs have no state triggered by their InputEvent (pruned after a checkpoint), so give the inputs to recover with --inputs FILE',
    );
  const journal = buildJournal(options.agent ?? 'flink-agents-import', mutations, recorded ?? []);
  await writeNewJournal(stateDir, journal, `durable-run import-flink ${path.basename(dump)}`);
  return {
    counts: {
      records: records.length,
      states: live.length,
      slots,
      skipped: records.filter((r) => r.value === null).length,
      pruned: latest.size - live.length,
      inputs: recorded?.length ?? 0,
    },
    warnings,
  };
}

/**
 * The inputs to record, in order, when every input of every key is known (by its InputEvent);
 * else undefined: a recovery must then be given them.
 */
function recordableInputs(
  seqs: Map<string, number[]>,
  inputs: Map<string, AgentInput>,
): AgentInput[] | undefined {
  const out: Array<AgentInput & { seq: number }> = [];
  for (const [key, list] of seqs) {
    const count = new Set(list).size;
    for (let seq = 0; seq < count; seq++) {
      const input = inputs.get(`${key}#${seq}`);
      if (!input) return undefined;
      out.push({ ...input, seq });
    }
  }
  return out.sort((a, b) => a.seq - b.seq).map(({ key, input }) => ({ key, input }));
}

/** The journal's bytes, written by a JournalStore in a scratch folder (so every rule applies). */
function buildJournal(agent: string, mutations: StateMutation[], inputs: AgentInput[]): Buffer {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-run-flink-'));
  try {
    const store = JournalStore.open(scratch, { agent });
    try {
      if (inputs.length > 0) store.note({ op: 'inputs', inputs });
      for (const m of mutations) store.persist(m);
    } finally {
      store.close();
    }
    return fs.readFileSync(store.file);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
