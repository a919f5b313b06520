// The timeline as a store keeps it: records in the order they happened, with the calls of each
// action execution folded into runs of calls that took the same path. A recovery replays every
// finished call again, so a record per call would grow the journal, and the memory of every later
// worker, by the size of the state at each recovery; a run costs one record per action execution
// (per stretch of one path, and per change of function id within it).
import { describeChange, type SlotStatus, type StateEdit } from './actionState';
import type { AgentInput } from './agent';
import { replayReason, type CallPath } from './callPlan';

export type AttemptKind = 'run' | 'recover' | 'rewind';

/** What happened in each attempt: the debugger's timeline is rebuilt from these. */
export type TimelineRecord =
  | { op: 'inputs'; inputs: AgentInput[] }
  | { op: 'attempt'; attempt: number; kind: AttemptKind; at: string }
  | {
      op: 'call';
      attempt: number;
      id: string;
      index: number;
      functionId: string;
      path: CallPath;
      status: SlotStatus;
      reason: string;
    }
  | {
      /**
       * Calls `from` to `from + count - 1` of one action execution that took the same path with
       * the same status and reason in one attempt; `functions` holds their function ids,
       * run-length encoded. A recovery replays every finished call, so replays are written as
       * runs; in memory every call is kept in runs (see TimelineLog).
       */
      op: 'calls';
      attempt: number;
      id: string;
      from: number;
      count: number;
      path: CallPath;
      status: SlotStatus;
      /** Left out for replays: it is always replayReason(status). */
      reason?: string;
      functions: Array<[functionId: string, count: number]>;
    }
  | {
      op: 'action';
      attempt: number;
      id: string;
      outcome: 'completed' | 'reused' | 'failed';
      error?: string;
    }
  | {
      op: 'crash';
      attempt: number;
      point: string;
      id?: string;
      index?: number;
      functionId?: string;
    }
  | { op: 'end'; attempt: number; outcome: 'done' | 'failed' }
  | EditNote;

/**
 * A hand edit of the state (stateEdit.ts), made after `attempt` ended (0: before any attempt).
 * Never written as such: stores derive it from the edit record when they apply it.
 */
export interface EditNote {
  op: 'edited';
  attempt: number;
  at: string;
  id: string;
  kind: string;
  index?: number;
  /** What changed, in words: `SUCCEEDED → PENDING`, `dropped 3 slots`, ... */
  change: string;
}

/**
 * Runs of at least this many consecutive calls of an action execution that took the same path,
 * with the same status and reason, are one entry of an attempt's calls: a recovery of 100k calls
 * is a few entries, not 100k. Shorter runs are listed call by call.
 */
export const RUN_MIN = 10;

export type CallNote = Extract<TimelineRecord, { op: 'call' }>;
export type CallRun = Extract<TimelineRecord, { op: 'calls' }>;

const CALL_PATHS = new Set<CallPath>(['execute', 'replay', 'reconcile', 'clear-and-execute']);

/** A run's reason: kept for the paths whose reason varies, derived for replays. */
export function runReason(run: CallRun): string {
  return run.reason ?? replayReason(run.status);
}

function continues(
  run: CallRun,
  next: Omit<CallRun, 'op' | 'id' | 'count' | 'functions'>,
): boolean {
  return (
    run.attempt === next.attempt &&
    run.path === next.path &&
    run.status === next.status &&
    run.reason === next.reason &&
    run.from + run.count === next.from
  );
}

function extend(run: CallRun, functionId: string, count: number): void {
  const last = run.functions[run.functions.length - 1];
  if (last && last[0] === functionId) last[1] += count;
  else run.functions.push([functionId, count]);
  run.count += count;
}

export class TimelineLog {
  readonly records: TimelineRecord[] = [];
  /** Per action execution, the run its next call may continue. */
  private readonly open = new Map<string, CallRun>();
  /** How many calls the runs hold. */
  calls = 0;
  /** The last attempt started, for the edits made after it. */
  lastAttempt = 0;

  /**
   * Appends a record. A call, or a run (as read back from a file, where a run may have been
   * written in parts), continues the open run of its action execution when it follows it; keys
   * run side by side, so that run need not be the last record.
   */
  add(r: TimelineRecord): void {
    if (r.op === 'attempt') {
      this.open.clear();
      this.lastAttempt = Math.max(this.lastAttempt, r.attempt);
    }
    if (r.op === 'call') {
      const { attempt, id, index: from, path, status, functionId } = r;
      const reason = path === 'replay' ? undefined : r.reason;
      this.addRun({ attempt, id, from, path, status, reason }, [[functionId, 1]], 1);
      return;
    }
    if (r.op === 'calls') {
      const { attempt, id, from, path, status, reason } = r;
      this.addRun({ attempt, id, from, path, status, reason }, r.functions, r.count);
      return;
    }
    if (r.op === 'action') this.open.delete(r.id);
    this.records.push(r);
  }

  /** Notes an edit as it is applied (stores call this; see EditNote). */
  addEdit(m: StateEdit): void {
    this.records.push({
      op: 'edited',
      attempt: this.lastAttempt,
      at: m.at,
      id: m.id,
      kind: m.kind,
      ...(m.index === undefined ? {} : { index: m.index }),
      change: describeChange(m),
    });
  }

  private addRun(
    first: Omit<CallRun, 'op' | 'count' | 'functions'>,
    functions: CallRun['functions'],
    count: number,
  ): void {
    this.calls += count;
    const open = this.open.get(first.id);
    if (open && continues(open, first)) {
      for (const [functionId, n] of functions) extend(open, functionId, n);
      return;
    }
    const run: CallRun = {
      op: 'calls',
      attempt: first.attempt,
      id: first.id,
      from: first.from,
      count,
      path: first.path,
      status: first.status,
      ...(first.reason === undefined ? {} : { reason: first.reason }),
      // Copied: an open run grows in place, and must not change what the caller holds.
      functions: functions.map(([functionId, n]) => [functionId, n]),
    };
    this.open.set(first.id, run);
    this.records.push(run);
  }
}

/**
 * The calls a timeline record stands for, those with an index in [lo, hi): a call note is itself,
 * a run each call it holds (a window of a long run costs only the window).
 */
export function* callNotes(r: TimelineRecord, lo = 0, hi = Infinity): Generator<CallNote> {
  if (r.op === 'call') {
    if (r.index >= lo && r.index < hi) yield r;
    return;
  }
  if (r.op !== 'calls') return;
  const reason = runReason(r);
  let first = r.from;
  for (const [functionId, n] of r.functions) {
    const end = Math.min(first + n, hi);
    for (let index = Math.max(first, lo); index < end; index++)
      yield {
        op: 'call',
        attempt: r.attempt,
        id: r.id,
        index,
        functionId,
        path: r.path,
        status: r.status,
        reason,
      };
    first += n;
    if (first >= hi) return;
  }
}

/**
 * What is wrong with a run read from a file, or undefined. `slots` is how many slots its action
 * execution holds at that point of the file: each call of a run had a slot by the time it was
 * noted, so a run reaching past them is not one this program wrote (and a huge count would make
 * every reader loop).
 */
export function runProblem(r: CallRun, slots: number | undefined): string | undefined {
  const natural = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (typeof r.id !== 'string' || !natural(r.attempt) || !natural(r.from) || !natural(r.count))
    return 'the run of calls needs a string "id" and whole numbers "attempt", "from" and "count"';
  if (!CALL_PATHS.has(r.path))
    return `the run of calls has path ${JSON.stringify(r.path)}; a path is one of ${[...CALL_PATHS].join(', ')}`;
  const statuses: SlotStatus[] =
    r.path === 'replay' ? ['SUCCEEDED', 'FAILED'] : ['SUCCEEDED', 'FAILED', 'PENDING'];
  if (!statuses.includes(r.status))
    return `the run of calls has status ${JSON.stringify(r.status)}; ${r.path === 'replay' ? 'only SUCCEEDED or FAILED calls are replayed' : 'a status is SUCCEEDED, FAILED or PENDING'}`;
  if (r.path === 'replay' ? r.reason !== undefined : typeof r.reason !== 'string')
    return r.path === 'replay'
      ? 'a run of replayed calls has no "reason" (it is always the same)'
      : `a run of calls with path ${r.path} needs its "reason" (a string)`;
  if (
    !Array.isArray(r.functions) ||
    !r.functions.every(
      (f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && natural(f[1]),
    )
  )
    return 'the run of calls needs "functions" as a list of [functionId, count] pairs';
  if (r.count === 0) return 'the run of calls holds no calls';
  const total = r.functions.reduce((sum, [, n]) => sum + n, 0);
  if (total !== r.count)
    return `the run counts ${r.count} calls but its functions add up to ${total}`;
  if (slots === undefined) return `the run of calls is for ${r.id}, which has no action state`;
  if (r.from + r.count > slots)
    return `the run covers calls ${r.from} to ${r.from + r.count - 1} of ${r.id}, which has ${slots} slots`;
  return undefined;
}
