// The bodies of the custom `slots` and `timeline` requests, for the extension's Slots view,
// CodeLens and timeline: every action state with its slots and the path each call took in the
// latest attempt that reached it, and the attempts with their calls and crashes.
import type { Slot } from '../runtime/actionState';
import type { SourceLocation } from '../runtime/boundaries';
import { attemptViews, slotViews } from '../runtime/inspect';
import type { TimelineRecord } from '../runtime/stateStore';
import { callNotes, type CallNote } from '../runtime/timelineLog';
import type {
  SlotRow,
  SlotsArguments,
  SlotsResponseBody,
  TimelineResponseBody,
} from './customProtocol';
import type { StateSource } from './stateSource';

/** The calls and runs of calls of each action execution, in timeline order. */
function callRecordsById(records: readonly TimelineRecord[]): Map<string, TimelineRecord[]> {
  const out = new Map<string, TimelineRecord[]>();
  for (const r of records) {
    if (r.op !== 'call' && r.op !== 'calls') continue;
    let list = out.get(r.id);
    if (!list) out.set(r.id, (list = []));
    list.push(r);
  }
  return out;
}

/** For the calls start to start + count - 1: the last record that reached each. */
function latestPaths(
  records: readonly TimelineRecord[] | undefined,
  start: number,
  count: number,
): Array<CallNote | undefined> {
  const out = new Array<CallNote | undefined>(count);
  for (const r of records ?? [])
    for (const c of callNotes(r, start, start + count)) out[c.index - start] = c;
  return out;
}

function lastAttempt(records: readonly TimelineRecord[]): number {
  let n = 0;
  for (const r of records) if (r.op === 'attempt') n = Math.max(n, r.attempt);
  return n;
}

/** The i-th occurrence of each function id among the slots, counted from the state's start. */
function occurrences(slots: readonly Slot[], before: readonly Slot[]): number[] {
  const seen = new Map<string, number>();
  for (const s of before) seen.set(s.functionId, (seen.get(s.functionId) ?? 0) + 1);
  return slots.map((s) => {
    const n = seen.get(s.functionId) ?? 0;
    seen.set(s.functionId, n + 1);
    return n;
  });
}

export async function slotsBody(
  source: StateSource,
  args: SlotsArguments,
  callSite: (functionId: string, occurrence: number) => SourceLocation | undefined,
): Promise<SlotsResponseBody> {
  const [summaries, records] = await Promise.all([source.states(), source.timeline()]);
  const callRecords = callRecordsById(records);
  const chosen = summaries
    .filter((s) => args.stateId === undefined || s.id === args.stateId)
    .sort(
      (a, b) =>
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
        a.seq - b.seq ||
        a.eventIndex - b.eventIndex ||
        (a.action < b.action ? -1 : a.action > b.action ? 1 : 0),
    );
  const states = await Promise.all(
    chosen.map(async (s) => {
      const latest = args.limit !== undefined && args.start === undefined;
      const start = latest
        ? Math.max(0, s.slotCount - Math.max(0, args.limit!))
        : Math.max(0, args.start ?? 0);
      const count = latest ? s.slotCount - start : (args.count ?? s.slotCount);
      const [slots, before] = await Promise.all([
        source.slots(s.id, start, count),
        // Occurrences count from the state's first slot, so a page needs the slots before it.
        start > 0 ? source.slots(s.id, 0, start) : Promise.resolve([] as Slot[]),
      ]);
      const views = slotViews({ slots } as never, 0, slots.length);
      const occ = occurrences(slots, before);
      const paths = latestPaths(callRecords.get(s.id), start, slots.length);
      const rows: SlotRow[] = views.map((v, i) => {
        const index = start + i;
        const taken = paths[i];
        const site = callSite(v.functionId, occ[i]);
        return {
          ...v,
          index,
          ...(taken && taken.functionId === v.functionId
            ? { path: taken.path, reason: taken.reason }
            : {}),
          ...(site ? { callSite: site } : {}),
        };
      });
      return { ...s, slots: rows };
    }),
  );
  return { attempt: lastAttempt(records), states };
}

export async function timelineBody(
  source: StateSource,
  callSites: Record<string, SourceLocation>,
): Promise<TimelineResponseBody> {
  return { attempts: attemptViews(await source.timeline()), callSites };
}
