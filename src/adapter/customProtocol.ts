// The adapter's custom DAP requests and events (DESIGN.md §5): what the extension's views and
// any other DAP client use beyond standard DAP. Plain data only; no `vscode` here.
import type { AttemptView, StateView } from '../runtime/inspect';
import type { CrashPoint } from '../worker/protocol';
import type { CallPath } from '../runtime/callPlan';

/** `injectCrash`: crash at the next matching point, or `now` at the boundary where it is paused. */
export interface InjectCrashArguments {
  point: CrashPoint;
  /** Only in this action execution (a state id, e.g. `alice#0/0/checkout`). */
  stateId?: string;
  /** Action name. */
  action?: string;
  /** Call index in the action (number) or function id (string). */
  call?: number | string;
  now?: boolean;
  /** At `point` of the call where the agent is stopped, and no other call. */
  here?: boolean;
}

/** `recover`: start the next attempt over what the store persisted. No arguments. */
export type RecoverArguments = Record<string, never>;

/** A slot as the views show it, with the path its call took in the latest attempt that reached it. */
export type SlotRow = StateView['slots'][number] & {
  path?: CallPath;
  reason?: string;
  callSite?: { file: string; line: number; column: number };
};

/**
 * `slots` arguments, all optional: without them every state with every slot. `stateId` keeps one
 * state; `start`/`count` keep a page of its slots (an action can hold 100k).
 */
export interface SlotsArguments {
  stateId?: string;
  start?: number;
  count?: number;
  /**
   * At most this many slots per action state: its latest ones. For views that refresh often: an
   * action with 100k slots then costs a page, not the whole list (its counts stay exact).
   */
  limit?: number;
}

export interface SlotsResponseBody {
  attempt: number;
  states: Array<
    Omit<StateView, 'slots'> & {
      slots: SlotRow[];
      /** All the state's slots, of which `slots` may show the latest only (see `limit`). */
      slotCount: number;
      statusCounts: Record<SlotRow['status'], number>;
    }
  >;
}

export interface TimelineResponseBody {
  attempts: AttemptView[];
  /**
   * Call sites by `${functionId}#${occurrence}` (occurrence: among calls of that function id in
   * the action, from 0), so a timeline cell can reveal its source line. Seen by the worker when
   * known, else found in the agent source.
   */
  callSites: Record<string, { file: string; line: number; column: number }>;
}

/** Custom events the adapter sends. */
export const CUSTOM_EVENTS = {
  /** Body: { stateId?: string } — slots changed; fetch `slots` again (throttled). */
  slotsChanged: 'durableRun.slotsChanged',
  /** Body: { attempt: number; phase: 'start' | 'end'; outcome?: 'done' | 'failed' | 'crashed' } */
  attempt: 'durableRun.attempt',
  /** Body: { attempt, point, action?, index?, functionId? } — the worker was killed by a crash. */
  crash: 'durableRun.crash',
  /** Body: { pid: number; kind: 'run' | 'recover' | 'rewind' } — a worker process started. */
  worker: 'durableRun.worker',
} as const;
