// The worker's message protocol: the only thing the CLI and the debug adapter share. Messages
// travel over the child process's IPC channel (no network port), one object a message.
import type { StateRemedy } from '../runtime/errors';
import type { AgentInput } from '../runtime/agentRunner';
import type { ActionState, Slot, SlotStatus } from '../runtime/actionState';
import type { CallInfo, CallPhase, ExecutionInfo, SourceLocation } from '../runtime/boundaries';
import type { CallPath } from '../runtime/callPlan';
import type { Encoded, EncodedError } from '../runtime/codec';
import type { LockHolder } from '../runtime/stateLock';
import type { AttemptKind, TimelineRecord } from '../runtime/stateStore';

/** Crash points in the order of a durable call's life, then the per-action one (DESIGN.md §4). */
export const CRASH_POINTS = [
  'before-call',
  'after-pending',
  'before-outcome',
  'after-outcome',
  'before-complete',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * Where a planned crash strikes. Every given field must match. `target` matches an action name
 * or a function id; `index` is then the call's slot index in its action (target = action) or
 * the call's occurrence among calls of that function in the action (target = function id).
 */
export interface CrashPlan {
  point: CrashPoint;
  /** Only this action execution (a key's action): the same call of another key does not count. */
  stateId?: string;
  action?: string;
  functionId?: string;
  target?: string;
  index?: number;
}

/** A rule that stops the worker; the adapter turns DAP breakpoints into these. */
export interface StopRule {
  id: number;
  on:
    | { callSite: { file: string; line: number } }
    /** A line in a call's reconciler: the call on that line, planned with the reconcile path. */
    | { reconcilerOf: { file: string; line: number } }
    | { actionStart: string }
    | { actionEnd: string }
    | { functionId: string };
  /** What the user set: a line (source) breakpoint or a function breakpoint (the stop's reason). */
  origin: 'line' | 'function';
  condition?: string;
  hitCondition?: string;
}

export const EXCEPTION_FILTERS = [
  'durableFailure',
  'nonDeterminism',
  'reconcile',
  'crash',
  'agentError',
] as const;
export type ExceptionFilter = (typeof EXCEPTION_FILTERS)[number];

export interface DebugSettings {
  stopOnEntry?: boolean;
  rules?: StopRule[];
  exceptionFilters?: ExceptionFilter[];
  /** Time travel: stop at this boundary of this action execution (ordinal counts from 1). */
  stopAt?: { stateId: string; ordinal: number };
}

export type ResumeMode = 'continue' | 'next' | 'stepIn' | 'stepOut';

export interface StartRequest {
  type: 'start';
  program: string;
  /** Omitted: the inputs recorded in the state folder by the last attempt. */
  inputs?: AgentInput[];
  /** Journal folder; omitted means an in-memory store (nothing survives the process). */
  stateDir?: string;
  /**
   * The parent holds the state folder's lock and sends it along with this message (the IPC
   * handle): these are the facts the worker serves while it holds it too. Absent, the worker
   * takes the lock itself before it opens the journal.
   */
  lock?: LockHolder;
  fresh: boolean;
  kind: AttemptKind;
  /** The interpreter for a Python agent (`program` ends in .py or .py:Class). */
  python?: string;
  crash?: CrashPlan;
  /** Present when a debugger drives the worker; absent, the worker never stops. */
  debug?: DebugSettings;
}

export type Query =
  | { kind: 'states' }
  | { kind: 'state'; stateId: string }
  | { kind: 'slots'; stateId: string; start: number; count: number }
  | { kind: 'timeline' };

export type ToWorker =
  | StartRequest
  /** Continue releases every key; a step moves only `key` (see debugController.ts). */
  | { type: 'resume'; mode: ResumeMode; key: string }
  /** Stops `key` where it is held, else the first key at a boundary. */
  | { type: 'pause'; key?: string }
  | { type: 'debug'; debug: DebugSettings }
  /** `now` strikes where `key` (default: the latest stop) stands. */
  | { type: 'injectCrash'; crash: CrashPlan; now: boolean; key?: string }
  | { type: 'query'; id: number; query: Query };

/** A boundary as the worker reports it: the runtime's, made serialisable. */
export interface BoundarySnapshot {
  kind: 'action-start' | 'call' | 'action-end' | 'action-completed';
  phase?: CallPhase;
  exec: Omit<ExecutionInfo, 'event'> & { event: Encoded };
  call?: CallInfo;
  reused?: boolean;
  /** The error an action threw (action-end only). */
  error?: EncodedError;
  /** Counts the boundaries of this action execution in this attempt, from 1. */
  ordinal: number;
}

export type StopReason =
  'entry' | 'breakpoint' | 'function breakpoint' | 'step' | 'pause' | 'exception' | 'goto';

export interface StateSummary {
  id: string;
  key: string;
  seq: number;
  eventIndex: number;
  action: string;
  completed: boolean;
  slotCount: number;
  /** Slots by status, so a view can count them without fetching them. */
  statusCounts: Record<SlotStatus, number>;
}

export type QueryResult =
  | { kind: 'states'; states: StateSummary[] }
  | { kind: 'state'; state: (Omit<ActionState, 'slots'> & { slotCount: number }) | undefined }
  | { kind: 'slots'; slots: Slot[] }
  | { kind: 'timeline'; records: TimelineRecord[] };

export interface WorkerFailure {
  /** compile: the agent does not build; agent: it does not load or is not an agent;
   *  state: the state folder or journal cannot be used; locked: another process holds the
   *  state folder; storage: a write or flush of the journal failed (a full disk, an I/O error,
   *  a read-only file system), so the attempt stopped; input: bad inputs; internal: a bug. */
  kind: 'compile' | 'agent' | 'state' | 'locked' | 'storage' | 'input' | 'internal';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** For a state folder that cannot be used: what the user can do, in the surface's words. */
  remedy?: StateRemedy;
}

export type FromWorker =
  | {
      type: 'ready';
      agent: string;
      actions: Array<{ name: string; on: string[] }>;
      attempt: number;
      warnings: string[];
    }
  | { type: 'startFailed'; failure: WorkerFailure }
  | { type: 'attempt'; attempt: number; kind: AttemptKind }
  | {
      type: 'action';
      attempt: number;
      phase: 'start' | 'end' | 'completed';
      stateId: string;
      key: string;
      seq: number;
      action: string;
      reused: boolean;
      error?: EncodedError;
    }
  | {
      type: 'call';
      attempt: number;
      stateId: string;
      key: string;
      seq: number;
      action: string;
      index: number;
      functionId: string;
      path: CallPath;
      status: SlotStatus;
      reason: string;
      /** Among calls of this function id in the action (the timeline's call-site key). */
      occurrence?: number;
      /** The user's line of the call; known when a debugger drives the worker. */
      callSite?: SourceLocation;
    }
  | { type: 'slotChanged'; stateId: string; index: number; slot: Slot | null }
  | { type: 'output'; key: string; seq: number; output: unknown; replayed: boolean }
  | { type: 'warning'; message: string }
  | {
      type: 'stopped';
      reason: StopReason;
      description: string;
      text?: string;
      boundary: BoundarySnapshot;
      ruleIds?: number[];
      /** The exception filter that stopped it (reason 'exception'). */
      filter?: ExceptionFilter;
    }
  /** The key reached a boundary while another is stopped: it waits there, not yet checked. */
  | { type: 'held'; boundary: BoundarySnapshot }
  /** These keys left their stop or hold: all of them on a continue, one on a step. */
  | { type: 'continued'; keys: string[]; all: boolean }
  /** The key has run all its inputs: its thread is gone. */
  | { type: 'keyDone'; key: string }
  /** A breakpoint condition cannot work (it names something not in its scope): the rule is off. */
  | { type: 'ruleFailed'; ruleId: number; message: string }
  | {
      type: 'crash';
      attempt: number;
      point: CrashPoint | 'now';
      stateId?: string;
      action?: string;
      index?: number;
      functionId?: string;
      /** The user's line of the call the crash struck at, when it struck at one. */
      callSite?: SourceLocation;
    }
  | {
      type: 'done';
      attempt: number;
      failures: Array<{
        key: string;
        seq: number;
        action: string;
        stateId: string;
        error: EncodedError;
      }>;
    }
  | { type: 'response'; id: number; result?: QueryResult; error?: string };
