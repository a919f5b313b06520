// The contents of each variables scope as plain decoded values: the Call being made, a Slot,
// the Action State, the Attempt. Rendering them as DAP variables, and looking paths up in them
// for `evaluate`, both start from these, so what Watch shows is what the Variables view shows.
import type { Slot } from '../runtime/actionState';
import { decode, decodeError, type Encoded, type EncodedError } from '../runtime/codec';
import type { TimelineRecord } from '../runtime/stateStore';
import type { BoundarySnapshot } from '../worker/protocol';
import type { CallRecord } from './attemptState';
import type { StateHead } from './stateSource';
import { pythonErrorOf, pythonValueOf, readablePythonValue } from '../runtime/pythonPayload';

/**
 * A payload this process cannot rebuild (a class it does not know, a malformed annotation), or
 * one that holds a `__proto__` key (data, never to become a prototype): shown as the JSON it was
 * stored as, with the reason. It is only ever looked at: nothing in it runs.
 */
export class Undecoded {
  constructor(
    readonly reason: string,
    readonly json: unknown,
  ) {}
}

/** True when a `__proto__` key sits anywhere in a JSON value (as JSON.parse keeps it: a key). */
function hasProtoKey(root: unknown): boolean {
  const stack = [root];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
    for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key]);
  }
  return false;
}

function undecoded(why: unknown, json: unknown): Undecoded {
  const message = why instanceof Error ? why.message : String(why);
  return new Undecoded(`not decoded: ${message}`, json);
}

/** A payload decoded for display; one that cannot be is shown as stored, never fails the view. */
export function payloadValue(encoded: Encoded): unknown {
  // A Python value is shown as its readable form: only the agent's own host unpickles.
  const python = pythonValueOf(encoded);
  if (python) return readablePythonValue(python);
  if (hasProtoKey(encoded.json))
    return undecoded(
      'it holds a __proto__ key, shown as stored so that it stays a key',
      encoded.json,
    );
  try {
    return decode(encoded);
  } catch (error) {
    return undecoded(error, encoded.json);
  }
}

/** The Error a persisted failure stands for, with its original stack. */
export function errorValue(e: EncodedError): unknown {
  if (pythonErrorOf(e)) {
    const shown = new Error(e.message);
    shown.name = e.name;
    shown.stack = e.stack ?? `${e.name}: ${e.message}`;
    return shown;
  }
  if (hasProtoKey(e.props?.json) || hasProtoKey(e.thrown?.json))
    return undecoded(
      'its properties hold a __proto__ key, shown as stored so that it stays a key',
      e,
    );
  try {
    return decodeError(e);
  } catch (error) {
    return undecoded(error, e);
  }
}

export function callModel(b: BoundarySnapshot): Record<string, unknown> | undefined {
  const c = b.call;
  if (b.kind !== 'call' || !c) return undefined;
  const model: Record<string, unknown> = {
    functionId: c.functionId,
    index: c.index,
    args: payloadValue(c.args),
    argsDigest: c.argsDigest,
    plan: c.plan.path,
    reason: c.plan.reason,
    phase: b.phase,
    hasReconciler: c.hasReconciler,
  };
  if (c.plan.warning) model.warning = c.plan.warning;
  if (c.outcome) {
    model.outcome = c.outcome.status;
    if (c.outcome.status === 'SUCCEEDED')
      model.result = c.outcome.result === undefined ? undefined : payloadValue(c.outcome.result);
    else if (c.outcome.error) model.error = errorValue(c.outcome.error);
  }
  if (c.callSite) model.callSite = `${c.callSite.file}:${c.callSite.line}:${c.callSite.column}`;
  return model;
}

export function slotModel(slot: Slot, record: CallRecord | undefined): Record<string, unknown> {
  const model: Record<string, unknown> = {
    functionId: slot.functionId,
    status: slot.status,
    argsDigest: slot.argsDigest,
  };
  if (slot.status === 'SUCCEEDED')
    model.result = slot.result === undefined ? undefined : payloadValue(slot.result);
  if (slot.error) model.error = errorValue(slot.error);
  if (record) {
    model.path = record.path;
    model.reason = record.reason;
  }
  return model;
}

export function stateModel(head: StateHead): Record<string, unknown> {
  return {
    stateId: head.id,
    key: head.key,
    seq: head.seq,
    eventIndex: head.eventIndex,
    action: head.action,
    completed: head.completed,
    slotCount: head.slotCount,
    outputEvents: head.outputEvents.map((e) => payloadValue(e)),
    memoryUpdates: head.memoryUpdates.map((u) => ({ path: u.path, value: payloadValue(u.value) })),
  };
}

export function attemptModel(
  attempt: number,
  kind: string,
  timeline: readonly TimelineRecord[],
): Record<string, unknown> {
  const crashes = timeline.filter(
    (r): r is Extract<TimelineRecord, { op: 'crash' }> => r.op === 'crash',
  );
  return {
    attempt,
    kind,
    crashesSoFar: crashes.length,
    crashes: crashes.map((c) => ({
      attempt: c.attempt,
      point: c.point,
      ...(c.id !== undefined ? { stateId: c.id } : {}),
      ...(c.index !== undefined ? { index: c.index } : {}),
      ...(c.functionId !== undefined ? { functionId: c.functionId } : {}),
    })),
  };
}
