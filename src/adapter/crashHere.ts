// "Crash this call": the crash plan that strikes at a point of the call where the agent is
// stopped, and no other (another key may make the same call at the same time), or why that point
// cannot come for it any more.
import type { CrashPlan, CrashPoint } from '../worker/protocol';
import type { StoppedMessage } from './attemptState';

/** The order of a call's crash points; before-complete belongs to the action, not the call. */
const CALL_POINTS: CrashPoint[] = [
  'before-call',
  'after-pending',
  'before-outcome',
  'after-outcome',
];

/** Where in its life the stopped call is, as the crash point it has reached (or passed). */
function reached(phase: string | undefined): number {
  switch (phase) {
    case 'planned':
    case 'cleared':
      return 0;
    case 'pending-persisted':
      return 1;
    case 'returned':
    case 'threw':
      return 2;
    default:
      return 3;
  }
}

export function crashHerePlan(
  stop: StoppedMessage | undefined,
  point: CrashPoint,
): CrashPlan | string {
  const b = stop?.boundary;
  const call = b?.kind === 'call' ? b.call : undefined;
  if (!b || !call)
    return 'the agent is not stopped at a durable call: stop at one (a breakpoint on its line, or a step), or arm the crash without "here"';
  const name = `call #${call.index} (${call.functionId}) of ${b.exec.stateId}`;
  const wanted = CALL_POINTS.indexOf(point);
  if (wanted === -1)
    return `${point} is a point of the action, not of a call: arm it without "here"`;
  if (call.plan.path === 'replay')
    return `${name} is replayed from its slot: it runs nothing and persists nothing, so no crash point of it is left`;
  if (point === 'after-pending' && !call.hasReconciler)
    return `${name} has no reconciler, so no PENDING slot is persisted for it and after-pending never comes: pick before-outcome or after-outcome`;
  const at = reached(b.phase);
  if (wanted <= at)
    return `${name} is already at ${CALL_POINTS[at]}, so ${point} has passed for it: pick a later point, or crash now`;
  return { point, stateId: b.exec.stateId, index: call.index };
}
