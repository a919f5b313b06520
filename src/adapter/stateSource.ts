// Where the adapter reads persisted state from: the running worker (its store is the truth while
// it runs) or, when no worker runs (after a crash, after the end), the journal opened read-only.
// Both answer the same questions, so views and variables do not care which one they ask.
import type { ActionState, Slot } from '../runtime/actionState';
import { JournalStore } from '../runtime/journalStore';
import type { TimelineRecord } from '../runtime/stateStore';
import type { QueryResult, StateSummary } from '../worker/protocol';
import type { WorkerClient } from '../worker/workerClient';
import { summarizeState } from '../worker/stateSummary';

export type StateHead = Omit<ActionState, 'slots'> & { slotCount: number };

export interface StateSource {
  states(): Promise<StateSummary[]>;
  state(stateId: string): Promise<StateHead | undefined>;
  slots(stateId: string, start: number, count: number): Promise<Slot[]>;
  timeline(): Promise<readonly TimelineRecord[]>;
}

function expect<K extends QueryResult['kind']>(
  result: QueryResult,
  kind: K,
): Extract<QueryResult, { kind: K }> {
  if (result.kind !== kind)
    throw new Error(`the worker answered a ${kind} query with ${result.kind}`);
  return result as Extract<QueryResult, { kind: K }>;
}

export function workerSource(worker: WorkerClient): StateSource {
  return {
    states: async () => expect(await worker.query({ kind: 'states' }), 'states').states,
    state: async (stateId) => expect(await worker.query({ kind: 'state', stateId }), 'state').state,
    slots: async (stateId, start, count) =>
      expect(await worker.query({ kind: 'slots', stateId, start, count }), 'slots').slots,
    timeline: async () => expect(await worker.query({ kind: 'timeline' }), 'timeline').records,
  };
}

/**
 * The journal, read-only, opened once per question: a crashed worker cannot change it any more,
 * but the next attempt will, so nothing is kept between questions. One source answers one
 * question (callers make a new one each time), and a question such as `slots` asks it once per
 * action state: the journal is read on the first ask only, or 10k states would read it 10k times.
 */
export function journalSource(stateDir: string): StateSource {
  let store: JournalStore | undefined;
  const open = () => (store ??= JournalStore.open(stateDir, { readOnly: true }));
  const head = (s: ActionState): StateHead => {
    const { slots, ...rest } = s;
    return { ...rest, slotCount: slots.length };
  };
  return {
    states: async () => [...open().states()].map(summarizeState),
    state: async (stateId) => {
      const s = open().get(stateId);
      return s && head(s);
    },
    slots: async (stateId, start, count) =>
      open()
        .get(stateId)
        ?.slots.slice(start, start + count) ?? [],
    timeline: async () => open().timeline(),
  };
}
