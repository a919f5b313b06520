// The `injectCrash` request as the worker takes it: a checked crash plan and whether it strikes
// now, or why not. "Here" means the call where the agent is stopped and no other (another key may
// make the same call at the same time), at a point of its life still to come.
import { CrashSpecError, validateCrashPlan } from '../worker/crashPlan';
import type { CrashPlan, CrashPoint } from '../worker/protocol';
import type { StoppedMessage } from './attemptState';
import type { InjectCrashArguments } from './customProtocol';

/** The crash to send the worker, or the reason the request is refused. */
export function crashRequestPlan(
  args: InjectCrashArguments,
  stop: StoppedMessage | undefined,
): { crash: CrashPlan; now: boolean } | string {
  let crash: CrashPlan;
  try {
    crash = validateCrashPlan(args, 'injectCrash');
  } catch (error) {
    if (error instanceof CrashSpecError) return error.message;
    throw error;
  }
  if (args.here) {
    if (args.now) return '"here" and "now" cannot go together: "now" strikes at once';
    const plan = crashHerePlan(stop, crash.point);
    if (typeof plan === 'string') return plan;
    crash = plan;
  }
  if (args.now && !stop)
    return 'a crash "now" strikes where the agent is stopped: pause first, or leave "now" out to crash at the next matching point';
  return { crash, now: args.now === true };
}

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

/**
 * The crash points still to come for a call stopped at `phase`, which took `path`: what "this
 * call" can be armed at. Also used by the extension to offer only these.
 */
export function reachableCallPoints(
  phase: string | undefined,
  path: string,
  hasReconciler: boolean,
): CrashPoint[] {
  // A replay runs nothing and persists nothing: no point of its own comes.
  if (path === 'replay') return [];
  return CALL_POINTS.filter(
    (point, i) => i > reached(phase) && (point !== 'after-pending' || hasReconciler),
  );
}

export function crashHerePlan(
  stop: StoppedMessage | undefined,
  point: CrashPoint,
): CrashPlan | string {
  const b = stop?.boundary;
  const call = b?.kind === 'call' ? b.call : undefined;
  if (!b || !call)
    return 'the agent is not stopped at a durable call: stop at one (a breakpoint on its line, or a step), or arm the crash without "here"';
  if (reachableCallPoints(b.phase, call.plan.path, call.hasReconciler).includes(point))
    return { point, stateId: b.exec.stateId, index: call.index };
  const name = `call #${call.index} (${call.functionId}) of ${b.exec.stateId}`;
  if (!CALL_POINTS.includes(point))
    return `${point} is a point of the action, not of a call: arm it without "here"`;
  if (call.plan.path === 'replay')
    return `${name} is replayed from its slot: it runs nothing and persists nothing, so no crash point of it is left`;
  if (point === 'after-pending' && !call.hasReconciler)
    return `${name} has no reconciler, so no PENDING slot is persisted for it and after-pending never comes: pick before-outcome or after-outcome`;
  const still = reachableCallPoints(b.phase, call.plan.path, call.hasReconciler);
  const options =
    still.length > 0
      ? `pick a point still to come for it (${still.join(', ')})`
      : 'no point of it is still to come';
  if (CALL_POINTS[reached(b.phase)] === point)
    return `${name} is stopped at its ${point} point now: crash now to kill the process here, or ${options}`;
  return `${name} is past ${point} (it is at ${CALL_POINTS[reached(b.phase)]}): ${options}, or crash now`;
}
