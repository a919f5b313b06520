// Breakpoint rules as the worker evaluates them: where a rule applies, its condition (a JS
// expression over the call's scope) and its hit condition (`5`, `>= 3`, `% 2`).
import { samePath } from '../platform/paths';
import type { Boundary } from '../runtime/boundaries';
import { decode } from '../runtime/codec';
import type { StopRule } from './protocol';

export function ruleApplies(rule: StopRule, b: Boundary): boolean {
  const on = rule.on;
  if ('callSite' in on) {
    const site = b.kind === 'call' && b.phase === 'planned' ? b.call.callSite : undefined;
    return (
      site !== undefined && site.line === on.callSite.line && samePath(site.file, on.callSite.file)
    );
  }
  if ('actionStart' in on)
    return b.kind === 'action-start' && !b.reused && b.exec.action === on.actionStart;
  if ('actionEnd' in on) return b.kind === 'action-end' && b.exec.action === on.actionEnd;
  if ('reconcilerOf' in on) {
    const site = b.kind === 'call' && b.phase === 'planned' ? b.call.callSite : undefined;
    return (
      site !== undefined &&
      b.kind === 'call' &&
      b.call.plan.path === 'reconcile' &&
      site.line === on.reconcilerOf.line &&
      samePath(site.file, on.reconcilerOf.file)
    );
  }
  return b.kind === 'call' && b.phase === 'planned' && b.call.functionId === on.functionId;
}

/** The names a condition can use. */
export function conditionScope(b: Boundary): Record<string, unknown> {
  const scope: Record<string, unknown> = {
    key: b.exec.key,
    seq: b.exec.seq,
    action: b.exec.action,
    attempt: b.exec.attempt,
    event: b.exec.event,
  };
  if (b.kind === 'call') {
    Object.assign(scope, {
      functionId: b.call.functionId,
      index: b.call.index,
      path: b.call.plan.path,
      phase: b.phase,
      args: decode(b.call.args),
    });
  }
  return scope;
}

/**
 * Evaluates a condition. An expression that throws counts as false, with the error to report;
 * `unknownName` says it names something outside its scope, so it can never work.
 */
export function evaluateCondition(
  expression: string,
  b: Boundary,
): { value: boolean; error?: string; unknownName?: boolean } {
  const scope = conditionScope(b);
  try {
    const fn = new Function(...Object.keys(scope), `return (${expression});`);
    return { value: Boolean(fn(...Object.values(scope))) };
  } catch (error) {
    const unknownName = error instanceof ReferenceError;
    const names = Object.keys(scope).join(', ');
    const hint = unknownName ? `; a condition can use ${names}` : '';
    return {
      value: false,
      unknownName,
      error: `breakpoint condition "${expression}" failed: ${(error as Error).message}${hint}`,
    };
  }
}

const HIT = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/;

export function isValidHitCondition(text: string): boolean {
  return HIT.test(text);
}

export function hitConditionMet(text: string, hits: number): boolean {
  const m = HIT.exec(text);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return hits >= n;
    case '<=':
      return hits <= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}
