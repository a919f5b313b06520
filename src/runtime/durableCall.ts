// One durable call, from plan to outcome: the completion-only path and the reconciler path of
// spec section 8, with the persist counts of 8.3, and a boundary hook at every phase.
import type { Slot, StateMutation } from './actionState';
import type { CallInfo, CallOutcome, CallPhase, ExecutionInfo, RuntimeHooks } from './boundaries';
import { planCall } from './callPlan';
import { decode, decodeError, encode, encodeError, type Encoded, type EncodedError } from './codec';
import { unregisteredErrorClass } from './errorClasses';
import { PayloadEncodingError, PayloadTooLargeError } from './errors';
import type { StateStore } from './stateStore';

/**
 * How a call's outcomes become slot payloads and back. The default is the runtime's own codec;
 * a call made by a Python agent brings one for Python values, which only its host decodes.
 */
export interface OutcomeCodec {
  encodeResult(value: unknown, what: string): Encoded;
  encodeError(error: unknown): EncodedError;
  decodeResult(result: Encoded): unknown;
  decodeError(error: EncodedError): unknown;
}

const runtimeCodec: OutcomeCodec = {
  encodeResult: encode,
  encodeError,
  decodeResult: decode,
  decodeError,
};

/** A call as the action made it, before the cursor gives it a position. */
export interface CallRequest {
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  functionId: string;
  argsDigest: string;
  encodedArgs: Encoded;
  reconciler?: () => unknown;
  callSite?: CallInfo['callSite'];
  /** Absent: the runtime's own codec. */
  codec?: OutcomeCodec;
}

/**
 * A call whose identity was computed where the agent runs (a Python agent's host: the
 * reference's function id and cloudpickle digest), with the codec for its outcomes.
 */
export interface PreparedDurableCall {
  functionId: string;
  argsDigest: string;
  /** What the debugger shows as the call's args. */
  encodedArgs: Encoded;
  run: () => Promise<unknown>;
  reconciler?: () => Promise<unknown>;
  callSite?: CallInfo['callSite'];
  codec: OutcomeCodec;
}

/** What a call needs from the action execution it belongs to. */
export interface CallHost {
  readonly exec: ExecutionInfo;
  readonly store: StateStore;
  readonly hooks: RuntimeHooks;
  cursor: number;
  occurrences: Map<string, number>;
  /** How many of its calls have their function (or reconciler) running now. */
  running: number;
}

/** The name of the frame every durable function and reconciler runs under (see insideDurableCall). */
const INSIDE = 'durableRun$insideDurableCall';
/** Runs a durable function or reconciler, and awaits it, under a frame named INSIDE. */
const runInside = {
  async [INSIDE](run: () => unknown): Promise<unknown> {
    return await run();
  },
}[INSIDE];

/**
 * True in code that a durable function or reconciler runs: its own body and the functions it
 * calls and awaits. V8 keeps the chain of awaiting async functions in a stack trace, so the
 * INSIDE frame is on it there, and never in the action's own code, even while one of its calls is
 * in flight. A callback the function leaves behind (a timer) is outside any await chain, and is
 * not recognised. The stack is captured without being formatted; callers ask only while one of
 * their calls runs, so a call costs nothing more otherwise.
 */
export function insideDurableCall(): boolean {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 1000;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, insideDurableCall);
    return (holder.stack ?? []).some((site) => site.getFunctionName() === INSIDE);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function outcomeOf(slot: Slot): CallOutcome {
  return slot.status === 'FAILED'
    ? { status: 'FAILED', error: slot.error }
    : { status: 'SUCCEEDED', result: slot.result };
}

function settle(outcome: CallOutcome, codec: OutcomeCodec): unknown {
  if (outcome.status === 'FAILED')
    throw codec.decodeError(outcome.error ?? { name: 'Error', message: 'unknown failure' });
  return outcome.result === undefined ? undefined : codec.decodeResult(outcome.result);
}

// Module-level helpers (not closures made per call): a call's fixed cost stays low.
function phase(host: CallHost, call: CallInfo, p: CallPhase): void | Promise<void> {
  return host.hooks.boundary?.({ kind: 'call', phase: p, exec: host.exec, call });
}

function persist(host: CallHost, m: StateMutation): void {
  host.store.persist(m);
  host.hooks.persisted?.(m);
}

/** Persists a call's outcome; one the store refuses as too large becomes a failure saying so. */
function persistOutcome(
  host: CallHost,
  index: number,
  slot: Slot,
): { slot: Slot; error: PayloadTooLargeError } | undefined {
  try {
    persist(host, { op: 'slot', id: host.exec.stateId, index, slot });
    return undefined;
  } catch (error) {
    if (!(error instanceof PayloadTooLargeError)) throw error;
    const failed: Slot = {
      functionId: slot.functionId,
      argsDigest: slot.argsDigest,
      status: 'FAILED',
      // Name and message only: whatever made the outcome large stays out of it.
      error: { name: error.name, message: error.message },
    };
    persist(host, { op: 'slot', id: host.exec.stateId, index, slot: failed });
    return { slot: failed, error };
  }
}

function noteCall(host: CallHost, call: CallInfo, status: Slot['status']): void {
  host.store.note({
    op: 'call',
    attempt: host.exec.attempt,
    id: host.exec.stateId,
    index: call.index,
    functionId: call.functionId,
    path: call.plan.path,
    status,
    reason: call.plan.reason,
  });
}

export async function runDurableCall(host: CallHost, request: CallRequest): Promise<unknown> {
  const { exec, store, hooks } = host;
  const codec = request.codec ?? runtimeCodec;
  const index = host.cursor;
  const occurrence = host.occurrences.get(request.functionId) ?? 0;
  host.occurrences.set(request.functionId, occurrence + 1);
  const state = store.get(exec.stateId)!;
  const plan = planCall(
    state.slots[index],
    request.functionId,
    request.argsDigest,
    request.reconciler !== undefined,
  );
  const call: CallInfo = {
    index,
    occurrence,
    functionId: request.functionId,
    argsDigest: request.argsDigest,
    args: request.encodedArgs,
    plan,
    hasReconciler: request.reconciler !== undefined,
    callSite: request.callSite,
  };
  if (plan.warning) hooks.warning?.(plan.warning, exec);
  await phase(host, call, 'planned');

  if (plan.path === 'replay') {
    call.outcome = outcomeOf(state.slots[index]);
    host.cursor = index + 1;
    noteCall(host, call, call.outcome.status);
    await phase(host, call, 'replayed');
    return settle(call.outcome, codec);
  }
  if (plan.path === 'clear-and-execute') {
    // The reference defers this truncation to the next persist (its section 11.3); persisting it
    // at once means a crash right here cannot leave stale slots that look valid.
    persist(host, { op: 'truncate', id: exec.stateId, from: index });
    await phase(host, call, 'cleared');
  }
  const runReconciler = plan.path === 'reconcile';
  if (request.reconciler && !runReconciler) {
    persist(host, {
      op: 'slot',
      id: exec.stateId,
      index,
      slot: { functionId: call.functionId, argsDigest: call.argsDigest, status: 'PENDING' },
    });
    await phase(host, call, 'pending-persisted');
  }

  let live: { ok: true; value: unknown } | { ok: false; error: unknown };
  host.running++;
  try {
    const value = await runInside(() =>
      runReconciler ? request.reconciler!() : request.fn(...request.args),
    );
    live = { ok: true, value };
  } catch (error) {
    live = { ok: false, error };
  } finally {
    host.running--;
  }

  let slot: Slot;
  if (live.ok) {
    try {
      slot = {
        functionId: call.functionId,
        argsDigest: call.argsDigest,
        status: 'SUCCEEDED',
        result: codec.encodeResult(live.value, `the result of ${call.functionId}`),
      };
    } catch (error) {
      if (!(error instanceof PayloadEncodingError)) throw error;
      // The side effect happened but its result cannot be stored: the failure is persisted, so a
      // recovery replays this error instead of running the side effect again.
      live = { ok: false, error };
      slot = {
        functionId: call.functionId,
        argsDigest: call.argsDigest,
        status: 'FAILED',
        error: codec.encodeError(error),
      };
    }
  } else {
    slot = {
      functionId: call.functionId,
      argsDigest: call.argsDigest,
      status: 'FAILED',
      error: codec.encodeError(live.error),
    };
    const unregistered =
      codec === runtimeCodec && live.error instanceof Error && unregisteredErrorClass(live.error);
    if (unregistered) {
      hooks.warning?.(
        `${call.functionId} threw ${unregistered}, an Error subclass that is not registered: it is thrown as itself now, but a replay rebuilds it as an Error named "${(live.error as Error).name}" (instanceof ${unregistered} is false there). Call registerClass(${unregistered}) (from 'durable-run') to replay it as itself`,
        exec,
      );
    }
  }
  call.outcome = outcomeOf(slot);
  await phase(host, call, live.ok ? 'returned' : 'threw');
  const refused = persistOutcome(host, index, slot);
  if (refused) {
    // The store would not take the outcome (too large): the failure saying so is persisted
    // instead, so a recovery replays it rather than running the side effect again.
    live = { ok: false, error: refused.error };
    slot = refused.slot;
    call.outcome = outcomeOf(slot);
  }
  host.cursor = index + 1;
  noteCall(host, call, slot.status);
  await phase(host, call, 'outcome-persisted');
  if (!live.ok) throw live.error;
  // What was persisted, not the live value: what the action gets now is what a replay gives it.
  return slot.result === undefined ? undefined : codec.decodeResult(slot.result);
}
