// The timeline as a store keeps it: records in the order they happened, with replayed calls
// folded into ranges. A recovery replays every finished call again, so a record per replayed call
// would grow the journal, and the memory of every later worker, by the size of the state at each
// recovery; a range costs one record per action execution (per run of one function id).
import type { SlotStatus } from './actionState';
import { replayReason } from './callPlan';
import type { TimelineRecord } from './stateStore';

export type CallNote = Extract<TimelineRecord, { op: 'call' }>;
export type ReplayRange = Extract<TimelineRecord, { op: 'replays' }>;

function continues(
  range: ReplayRange,
  attempt: number,
  status: SlotStatus,
  index: number,
): boolean {
  return range.attempt === attempt && range.status === status && range.from + range.count === index;
}

function extend(range: ReplayRange, functionId: string, count: number): void {
  const last = range.functions[range.functions.length - 1];
  if (last && last[0] === functionId) last[1] += count;
  else range.functions.push([functionId, count]);
  range.count += count;
}

export class TimelineLog {
  readonly records: TimelineRecord[] = [];
  /** Per action execution, the range its next replayed call may continue. */
  private readonly open = new Map<string, ReplayRange>();
  /** How many replayed calls the ranges hold. */
  replayedCalls = 0;

  /**
   * Appends a record. A replay note, or a range (as read back from a file, where a range may have
   * been written in parts), continues the open range of its action execution when it follows it;
   * keys run side by side, so that range need not be the last record.
   */
  add(r: TimelineRecord): void {
    if (r.op === 'attempt') this.open.clear();
    if (r.op === 'call' && r.path === 'replay') {
      this.addRange(r.attempt, r.id, r.status, r.index, [[r.functionId, 1]], 1);
      return;
    }
    if (r.op === 'replays') {
      this.addRange(r.attempt, r.id, r.status, r.from, r.functions, r.count);
      return;
    }
    if (r.op === 'call' || r.op === 'action') this.open.delete(r.id);
    this.records.push(r);
  }

  private addRange(
    attempt: number,
    id: string,
    status: SlotStatus,
    from: number,
    functions: ReplayRange['functions'],
    count: number,
  ): void {
    this.replayedCalls += count;
    const open = this.open.get(id);
    if (open && continues(open, attempt, status, from)) {
      for (const [functionId, n] of functions) extend(open, functionId, n);
      return;
    }
    const range: ReplayRange = {
      op: 'replays',
      attempt,
      id,
      from,
      count,
      status,
      // Copied: an open range grows in place, and must not change what the caller holds.
      functions: functions.map(([functionId, n]) => [functionId, n]),
    };
    this.open.set(id, range);
    this.records.push(range);
  }
}

/**
 * The calls a timeline record stands for, those with an index in [lo, hi): a call note is itself,
 * a range each call it holds (a window of a long range costs only the window).
 */
export function* callNotes(r: TimelineRecord, lo = 0, hi = Infinity): Generator<CallNote> {
  if (r.op === 'call') {
    if (r.index >= lo && r.index < hi) yield r;
    return;
  }
  if (r.op !== 'replays') return;
  const reason = replayReason(r.status);
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
        path: 'replay',
        status: r.status,
        reason,
      };
    first += n;
    if (first >= hi) return;
  }
}

/**
 * What is wrong with a range read from a file, or undefined. `slots` is how many slots its action
 * execution holds at that point of the file: a replayed call had a slot, so a range reaching past
 * them is not one this program wrote (and a huge count would make every reader loop).
 */
export function rangeProblem(r: ReplayRange, slots: number | undefined): string | undefined {
  const natural = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (typeof r.id !== 'string' || !natural(r.attempt) || !natural(r.from) || !natural(r.count))
    return 'the replay range needs a string "id" and whole numbers "attempt", "from" and "count"';
  if (r.status !== 'SUCCEEDED' && r.status !== 'FAILED')
    return `the replay range has status ${JSON.stringify(r.status)}; only SUCCEEDED or FAILED calls are replayed`;
  if (
    !Array.isArray(r.functions) ||
    !r.functions.every(
      (f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && natural(f[1]),
    )
  )
    return 'the replay range needs "functions" as a list of [functionId, count] pairs';
  if (r.count === 0) return 'the replay range holds no calls';
  const total = r.functions.reduce((sum, [, n]) => sum + n, 0);
  if (total !== r.count)
    return `the replay range counts ${r.count} calls but its functions add up to ${total}`;
  if (slots === undefined) return `the replay range is for ${r.id}, which has no action state`;
  if (r.from + r.count > slots)
    return `the replay range covers calls ${r.from} to ${r.from + r.count - 1} of ${r.id}, which has ${slots} slots`;
  return undefined;
}
