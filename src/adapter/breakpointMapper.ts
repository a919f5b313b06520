// DAP breakpoints as the worker's stop rules. A line stops the agent where the debugger can stop
// on it: a durable call's line (and the lines of its arguments) at the call; a reconciler's lines
// just before it runs; an action's first and last lines when it starts and ends. Any other line
// cannot stop, and says why (unverified). Function breakpoints name an action or a durable
// function id, so each becomes both rules.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { pathKey } from '../platform/paths';
import { isValidHitCondition } from '../worker/stopRules';
import type { StopRule } from '../worker/protocol';
import { actionAt, outlineFile, type AgentOutline } from './agentOutline';

interface Mapped {
  bp: DebugProtocol.Breakpoint;
  rules: StopRule[];
}

export interface LineRequest {
  line: number;
  condition?: string;
  hitCondition?: string;
}

export interface FunctionRequest {
  name: string;
  condition?: string;
  hitCondition?: string;
}

/** Why an expression cannot be a condition, or undefined when it compiles. */
function conditionError(condition: string): string | undefined {
  try {
    new Function(`return (${condition});`);
    return undefined;
  } catch (error) {
    return `the condition does not compile: ${(error as Error).message}`;
  }
}

export class BreakpointMapper {
  private nextId = 1;
  private readonly bySource = new Map<string, Mapped[]>();
  private functions: Mapped[] = [];
  /** Rule id → DAP breakpoint id (a function breakpoint has two rules). */
  private readonly owner = new Map<number, number>();

  /** Maps the breakpoints of one source file, replacing what it had. */
  setLineBreakpoints(file: string, requests: LineRequest[]): DebugProtocol.Breakpoint[] {
    // One file, however the client spells it (`c:\` and `C:\` on Windows): one set of breakpoints.
    const key = pathKey(file);
    for (const old of this.bySource.get(key) ?? [])
      for (const r of old.rules) this.owner.delete(r.id);
    const outline = outlineFile(file);
    const mapped = requests.map((req) => this.mapLine(file, outline, req));
    this.bySource.set(key, mapped);
    return mapped.map((m) => m.bp);
  }

  private mapLine(file: string, outline: AgentOutline | undefined, req: LineRequest): Mapped {
    const id = this.nextId++;
    const bp: DebugProtocol.Breakpoint = {
      id,
      verified: false,
      line: req.line,
      source: { path: file },
    };
    const invalid = this.checkConditions(req);
    if (invalid) return { bp: { ...bp, message: invalid }, rules: [] };
    if (!outline) return { bp: { ...bp, message: `cannot read ${file}` }, rules: [] };
    const extra = {
      origin: 'line' as const,
      condition: req.condition || undefined,
      hitCondition: req.hitCondition || undefined,
    };
    const verified = (on: StopRule['on'][], message?: string, column?: number): Mapped => ({
      bp: { ...bp, verified: true, ...(column ? { column } : {}), ...(message ? { message } : {}) },
      rules: on.map((o) => ({ id: this.ruleId(id), on: o, ...extra })),
    });
    const call = outline.calls.find((c) => c.line === req.line);
    if (call) return verified([{ callSite: { file, line: req.line } }], undefined, call.column);
    // A reconciler runs inside the attempt, only for a PENDING slot (on recovery): stop just
    // before it runs, on its call's line.
    const reconciled = outline.calls.filter((c) =>
      c.reconciler?.some(([from, to]) => req.line >= from && req.line <= to),
    );
    if (reconciled.length > 0) {
      const lines = [...new Set(reconciled.map((c) => c.line))];
      return verified(
        lines.map((line) => ({ reconcilerOf: { file, line } })),
        `stops just before this reconciler runs (at the call on line ${lines.join(', ')}, plan "reconcile"): on recovery, when the call's slot was left PENDING`,
      );
    }
    const spanned = outline.calls.find((c) => req.line > c.line && req.line <= c.endLine);
    if (spanned) {
      return verified(
        [{ callSite: { file, line: spanned.line } }],
        `stops at the durable call that starts on line ${spanned.line}, when its plan is decided`,
      );
    }
    const action = actionAt(outline, req.line);
    if (action && (req.line === action.runLine || req.line === action.bodyStart))
      return verified([{ actionStart: action.name }], `stops when action "${action.name}" starts`);
    if (action && req.line === action.bodyEnd) {
      return verified(
        [{ actionEnd: action.name }],
        `stops when action "${action.name}" returns or throws (before its completion is persisted)`,
      );
    }
    if (action) {
      return {
        bp: {
          ...bp,
          message: `this line holds no durable call, so the debugger cannot stop on it: inside action "${action.name}" it stops at durable calls (ctx.durableExecute), at the action's first line (when it starts) and its last line (when it ends)`,
        },
        rules: [],
      };
    }
    return {
      bp: {
        ...bp,
        message:
          "this line can never stop: it holds no durable call (ctx.durableExecute) and is not inside an action's run function or a reconciler",
      },
      rules: [],
    };
  }

  /** Maps every function breakpoint, replacing the previous set. */
  setFunctionBreakpoints(
    requests: FunctionRequest[],
    known: { actions: Set<string>; functions: Set<string> },
  ): DebugProtocol.Breakpoint[] {
    for (const old of this.functions) for (const r of old.rules) this.owner.delete(r.id);
    this.functions = requests.map((req) => {
      const id = this.nextId++;
      const invalid = this.checkConditions(req);
      if (invalid) return { bp: { id, verified: false, message: invalid }, rules: [] };
      const extra = {
        origin: 'function' as const,
        condition: req.condition || undefined,
        hitCondition: req.hitCondition || undefined,
      };
      const rules: StopRule[] = [
        { id: this.ruleId(id), on: { functionId: req.name }, ...extra },
        { id: this.ruleId(id), on: { actionStart: req.name }, ...extra },
      ];
      return { bp: this.verifyFunction(id, req.name, known), rules };
    });
    return this.functions.map((m) => m.bp);
  }

  /** Verifies function breakpoints again once the agent's actions are known; the changed ones. */
  reverifyFunctions(known: {
    actions: Set<string>;
    functions: Set<string>;
  }): DebugProtocol.Breakpoint[] {
    const changed: DebugProtocol.Breakpoint[] = [];
    for (const m of this.functions) {
      if (m.rules.length === 0) continue;
      const name = 'functionId' in m.rules[0].on ? m.rules[0].on.functionId : '';
      const bp = this.verifyFunction(m.bp.id!, name, known);
      if (bp.verified !== m.bp.verified || bp.message !== m.bp.message) {
        m.bp = bp;
        changed.push(bp);
      }
    }
    return changed;
  }

  private verifyFunction(
    id: number,
    name: string,
    known: { actions: Set<string>; functions: Set<string> },
  ): DebugProtocol.Breakpoint {
    if (known.actions.has(name))
      return { id, verified: true, message: `stops when action "${name}" starts` };
    if (known.functions.has(name))
      return { id, verified: true, message: `stops when a durable call of ${name} is planned` };
    return {
      id,
      verified: false,
      message: `no action or durable function id "${name}" is known in this agent yet; the breakpoint stays armed`,
    };
  }

  private checkConditions(req: { condition?: string; hitCondition?: string }): string | undefined {
    if (req.hitCondition && !isValidHitCondition(req.hitCondition)) {
      return `hit count "${req.hitCondition}" is not understood: use a number, or >= N, > N, <= N, < N, == N, % N`;
    }
    return req.condition ? conditionError(req.condition) : undefined;
  }

  private ruleId(bpId: number): number {
    const id = this.nextId++;
    this.owner.set(id, bpId);
    return id;
  }

  rules(): StopRule[] {
    const all: StopRule[] = [];
    for (const list of this.bySource.values()) for (const m of list) all.push(...m.rules);
    for (const m of this.functions) all.push(...m.rules);
    return all;
  }

  /**
   * A rule the worker turned off (its condition cannot work): its breakpoint, now unverified
   * with the reason, for a `breakpoint` changed event; undefined when it is gone already.
   */
  ruleFailed(ruleId: number, message: string): DebugProtocol.Breakpoint | undefined {
    const bpId = this.owner.get(ruleId);
    if (bpId === undefined) return undefined;
    const all = [...[...this.bySource.values()].flat(), ...this.functions];
    const m = all.find((x) => x.bp.id === bpId);
    if (!m) return undefined;
    m.bp = { ...m.bp, verified: false, message };
    return m.bp;
  }

  /** The DAP breakpoint ids behind the rules a stop names. */
  breakpointIds(ruleIds: number[] | undefined): number[] {
    const ids = new Set<number>();
    for (const r of ruleIds ?? []) {
      const id = this.owner.get(r);
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }
}
