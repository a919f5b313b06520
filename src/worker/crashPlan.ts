// Crash points: which boundary is which point, whether a planned crash matches it, and the
// CLI's `POINT[:TARGET[#N]]` notation.
import type { Boundary } from '../runtime/boundaries';
import { CRASH_POINTS, type CrashPlan, type CrashPoint } from './protocol';

/** The crash point a boundary stands for, if any. */
export function crashPointOf(b: Boundary): CrashPoint | undefined {
  if (b.kind === 'action-end') return b.error === undefined ? 'before-complete' : undefined;
  if (b.kind !== 'call') return undefined;
  switch (b.phase) {
    case 'planned':
      return 'before-call';
    case 'pending-persisted':
      return 'after-pending';
    case 'returned':
    case 'threw':
      return 'before-outcome';
    case 'outcome-persisted':
      return 'after-outcome';
    default:
      return undefined;
  }
}

/** A function named as written (`charge`) matches its id, and a Python id (`my_agent.charge`). */
function namesFunction(given: string, functionId: string | undefined): boolean {
  return functionId !== undefined && (given === functionId || functionId.endsWith(`.${given}`));
}

export function crashMatches(plan: CrashPlan, b: Boundary): boolean {
  if (crashPointOf(b) !== plan.point) return false;
  const action = b.exec.action;
  const call = b.kind === 'call' ? b.call : undefined;
  if (plan.stateId !== undefined && plan.stateId !== b.exec.stateId) return false;
  if (plan.action !== undefined && plan.action !== action) return false;
  if (plan.functionId !== undefined && !namesFunction(plan.functionId, call?.functionId))
    return false;
  let byFunction = plan.functionId !== undefined;
  if (plan.target !== undefined) {
    if (plan.target === action) byFunction = false;
    else if (namesFunction(plan.target, call?.functionId)) byFunction = true;
    else return false;
  }
  if (plan.index !== undefined) {
    if (!call) return false;
    if ((byFunction ? call.occurrence : call.index) !== plan.index) return false;
  }
  return true;
}

export class CrashSpecError extends Error {
  override name = 'CrashSpecError';
}

export function isCrashPoint(value: unknown): value is CrashPoint {
  return typeof value === 'string' && (CRASH_POINTS as readonly string[]).includes(value);
}

/** Parses `before-outcome:charge#0`: point, then an action name or function id, then an index. */
export function parseCrashSpec(spec: string): CrashPlan {
  const match = /^([a-z-]+)(?::([^#]+))?(?:#(\d+))?$/.exec(spec.trim());
  const point = match?.[1];
  if (!match || !isCrashPoint(point)) {
    throw new CrashSpecError(
      `unknown crash "${spec}": expected POINT[:ACTION_OR_FUNCTION[#CALL_INDEX]] with POINT one of ${CRASH_POINTS.join(', ')} (e.g. before-outcome:charge#0)`,
    );
  }
  if (match[3] !== undefined && match[2] === undefined) {
    throw new CrashSpecError(
      `crash "${spec}": a call index (#N) needs an action name or function id before it`,
    );
  }
  return {
    point,
    ...(match[2] !== undefined ? { target: match[2] } : {}),
    ...(match[3] !== undefined ? { index: Number(match[3]) } : {}),
  };
}

/** Checks a crash plan from a launch configuration or a custom request. */
export function validateCrashPlan(value: unknown, where: string): CrashPlan {
  if (typeof value !== 'object' || value === null)
    throw new CrashSpecError(`${where} must be an object { point, action?, call? }`);
  const v = value as Record<string, unknown>;
  if (!isCrashPoint(v.point)) {
    throw new CrashSpecError(
      `${where}.point must be one of ${CRASH_POINTS.join(', ')}, got ${JSON.stringify(v.point)}`,
    );
  }
  const plan: CrashPlan = { point: v.point };
  if (v.stateId !== undefined) {
    if (typeof v.stateId !== 'string' || v.stateId === '')
      throw new CrashSpecError(`${where}.stateId must be the id of an action execution (string)`);
    plan.stateId = v.stateId;
  }
  if (v.action !== undefined) {
    if (typeof v.action !== 'string')
      throw new CrashSpecError(`${where}.action must be an action name (string)`);
    plan.action = v.action;
  }
  if (v.call !== undefined) {
    if (typeof v.call === 'number' && Number.isInteger(v.call) && v.call >= 0) plan.index = v.call;
    else if (typeof v.call === 'string' && v.call !== '') plan.functionId = v.call;
    else
      throw new CrashSpecError(
        `${where}.call must be a call index (integer ≥ 0) or a function id (string)`,
      );
  }
  return plan;
}

/**
 * Why a planned crash can never strike in an agent with these actions (it names an action the
 * agent does not have: a typo), or undefined. Function ids are only known as calls are made.
 */
export function unknownCrashAction(
  plan: CrashPlan,
  agent: string,
  actions: readonly string[],
): string | undefined {
  if (plan.action === undefined || actions.includes(plan.action)) return undefined;
  return `the crash names action "${plan.action}", which agent "${agent}" does not have (its actions: ${actions.join(', ')}); it could never strike`;
}
