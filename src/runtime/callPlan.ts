// Deciding what a durable call does, from the slot at the cursor (spec sections 8.1 and 8.2).
import { isTerminal, slotMatches, type Slot, type SlotStatus } from './actionState';

/** The recovery path a call takes; shown per call in the timeline and the debugger. */
export type CallPath = 'execute' | 'replay' | 'reconcile' | 'clear-and-execute';

export interface CallPlan {
  path: CallPath;
  /** Why this path, in words a developer reads in the debugger. */
  reason: string;
  /** Set when a PENDING slot is met without a reconciler: the call runs again, and says so. */
  warning?: string;
}

/** Why a finished slot is replayed; also rebuilt for the calls a run of replays in the timeline holds. */
export function replayReason(status: SlotStatus): string {
  return `the slot holds a ${status} outcome: it is replayed and the function does not run`;
}

export function planCall(
  slot: Slot | undefined,
  functionId: string,
  digest: string,
  hasReconciler: boolean,
): CallPlan {
  if (!slot) return { path: 'execute', reason: 'no slot at this position yet: the call runs' };
  if (!slotMatches(slot, functionId, digest)) {
    const was = `${slot.functionId} (args ${slot.argsDigest})`;
    return {
      path: 'clear-and-execute',
      reason: `the slot here belongs to ${was}, not ${functionId} (args ${digest}): the code changed, so this slot and all after it are cleared and the call runs`,
    };
  }
  if (isTerminal(slot)) {
    return { path: 'replay', reason: replayReason(slot.status) };
  }
  if (hasReconciler) {
    return {
      path: 'reconcile',
      reason:
        'the slot is PENDING (the process died while the call was in flight): the reconciler finds out what happened',
    };
  }
  // The reference returns null here without running anything (its section 11.2); a silent
  // undefined would hide a lost outcome, so the call runs again and the developer is told.
  const warning = `${functionId}: found a PENDING slot but the call has no reconciler, so its outcome is unknown; the call runs again (its side effect may happen twice). Add a reconciler to decide instead.`;
  return {
    path: 'execute',
    reason: 'the slot is PENDING and there is no reconciler: the call runs again',
    warning,
  };
}
