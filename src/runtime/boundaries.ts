// The observation points the runtime offers: every boundary of an action and of a durable call.
// The worker pauses, reports and crashes here; the runtime itself never knows it is watched.
import type { AgentEvent } from './agent';
import type { MemoryUpdate, SlotStatus, StateMutation } from './actionState';
import type { CallPlan } from './callPlan';
import type { Encoded, EncodedError } from './codec';
import type { ExecutionIdentity } from './identity';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ExecutionInfo extends ExecutionIdentity {
  stateId: string;
  attempt: number;
  event: AgentEvent;
}

/**
 * The phases of one durable call, in order. Not every call passes every phase: `cleared` only
 * on clear-and-execute, `pending-persisted` only with a reconciler, `replayed` only on replay.
 */
export type CallPhase =
  | 'planned'
  | 'cleared'
  | 'pending-persisted'
  | 'returned'
  | 'threw'
  | 'outcome-persisted'
  | 'replayed';

export interface CallOutcome {
  status: Exclude<SlotStatus, 'PENDING'>;
  result?: Encoded;
  error?: EncodedError;
}

export interface CallInfo {
  /** The slot index (cursor) of the call in its action execution. */
  index: number;
  /** How many calls of the same function id came before it in this action execution. */
  occurrence: number;
  functionId: string;
  argsDigest: string;
  args: Encoded;
  plan: CallPlan;
  hasReconciler: boolean;
  callSite?: SourceLocation;
  /** Known from `returned` / `threw` / `replayed` on. */
  outcome?: CallOutcome;
}

export type Boundary =
  | { kind: 'action-start'; exec: ExecutionInfo; reused: boolean }
  | { kind: 'call'; phase: CallPhase; exec: ExecutionInfo; call: CallInfo }
  /** The action's function returned or threw; its completion is not persisted yet. */
  | { kind: 'action-end'; exec: ExecutionInfo; error?: unknown }
  | { kind: 'action-completed'; exec: ExecutionInfo; reused: boolean };

export interface OutputRecord {
  key: string;
  seq: number;
  output: unknown;
  /** True when the output comes from an action completed in an earlier attempt. */
  replayed: boolean;
}

export interface RuntimeHooks {
  /** Awaited: a debugger holds the runtime here while the developer looks around. */
  boundary?(b: Boundary): void | Promise<void>;
  persisted?(m: StateMutation): void;
  output?(o: OutputRecord): void;
  warning?(message: string, exec?: ExecutionInfo): void;
  /** Called synchronously inside durableExecute, so a stack trace still shows the user's line. */
  captureCallSite?(): SourceLocation | undefined;
  /**
   * The cheap form of captureCallSite, used when that is not given: called in the same place, it
   * only captures the stack, and the function it returns finds the user's line when a message
   * needs it (a call still in flight when its action returned).
   */
  traceCallSite?(): () => SourceLocation | undefined;
  /** The key has run all its inputs (or stopped at a failed one): it reaches no more boundaries. */
  keyDone?(key: string): void;
}

export type { MemoryUpdate };
