// The crash points as the developer picks them: each with a one-line explanation of what the
// recovery attempt will find, so that choosing one teaches the semantics (DESIGN.md §4).
import { CRASH_POINTS, type CrashPoint } from '../worker/protocol';

export interface CrashPointChoice {
  point: CrashPoint;
  label: string;
  /** What has happened at this point, and what recovery does about it. */
  detail: string;
  /** Where the point applies, when narrower than every durable call. */
  scope?: string;
  /** True for points inside a durable call (the rest are per action). */
  perCall: boolean;
}

// One line each, short enough for a quick pick row: what survived, and what recovery does.
const EXPLANATIONS: Record<CrashPoint, string> = {
  'before-call': 'Nothing is persisted for the call yet: recovery runs it as a new call.',
  'after-pending': 'PENDING is persisted, the function has not run: recovery asks the reconciler.',
  'before-outcome':
    'The side effect happened, its outcome is lost: the reconciler decides, or it runs again.',
  'after-outcome': 'The outcome is persisted: recovery replays it without running the function.',
  'before-complete':
    'The action returned, not marked complete: it runs again, replaying its calls.',
};

/** When a point applies, where that is narrower than "every durable call". */
const SCOPES: Partial<Record<CrashPoint, string>> = {
  'after-pending': 'calls with a reconciler',
  'before-complete': 'end of an action',
};

export const CRASH_POINT_CHOICES: readonly CrashPointChoice[] = CRASH_POINTS.map((point) => ({
  point,
  label: point,
  detail: EXPLANATIONS[point],
  scope: SCOPES[point],
  perCall: point !== 'before-complete',
}));

/** The choice meaning "kill the process now, at the boundary where it is paused". */
export const CRASH_NOW_DETAIL =
  'Kill the process where it is paused: only what is persisted survives.';
