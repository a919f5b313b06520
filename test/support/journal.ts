// Helpers of the journal store tests: fresh state folders under one temp root, the records the
// tests persist, and readers of a journal file as text.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import type { StateMutation } from '../../src/runtime/actionState';
import { defineAgent, type ActionDefinition, type Agent } from '../../src/runtime/agent';
import { encode } from '../../src/runtime/codec';
import { StateFileError } from '../../src/runtime/errors';
import { JOURNAL_FILE, JournalStore } from '../../src/runtime/journalStore';
import type { TimelineRecord } from '../../src/runtime/stateStore';
import { IDENTITY, STATE_ID, pending, succeeded } from './runtime';

type SlotMutation = Extract<StateMutation, { op: 'slot' }>;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-journal-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A new, not yet existing state folder. */
export const newDir = () => path.join(root, `state-${++dirs}`);
export const journalOf = (dir: string) => path.join(dir, JOURNAL_FILE);

export const init: StateMutation = {
  op: 'init',
  id: STATE_ID,
  ...IDENTITY,
  event: encode({ type: 'InputEvent', attributes: { key: 'k', input: 1 } }),
};
export const slot0: SlotMutation = {
  op: 'slot',
  id: STATE_ID,
  index: 0,
  slot: pending('charge', [1]),
};
export const slot0done: SlotMutation = {
  op: 'slot',
  id: STATE_ID,
  index: 0,
  slot: succeeded('charge', [1], { receipt: new Date(0) }),
};
export const slot1: SlotMutation = {
  op: 'slot',
  id: STATE_ID,
  index: 1,
  slot: succeeded('mail', [], null),
};

export function callNote(index: number, path: 'replay' | 'execute'): TimelineRecord {
  const status = 'SUCCEEDED' as const;
  return {
    op: 'call',
    attempt: 1,
    id: STATE_ID,
    index,
    functionId: 'f',
    path,
    status,
    reason: 'r',
  };
}

/** A run of calls replayed in attempt 1 of STATE_ID, as the store keeps it. */
export function replays(from: number, functions: Array<[string, number]>): TimelineRecord {
  const count = functions.reduce((sum, [, n]) => sum + n, 0);
  return {
    op: 'calls',
    attempt: 1,
    id: STATE_ID,
    from,
    count,
    path: 'replay',
    status: 'SUCCEEDED',
    functions,
  };
}

/** The records of a journal after its header, as `op` (`replays FIRST-LAST` for a run of replays). */
export function recordsOf(file: string): string[] {
  return lines(file)
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l);
      return r.op === 'calls' ? `replays ${r.from}-${r.from + r.count - 1}` : r.op;
    });
}

/** A journal of agent "shop" holding one state with two slots, and a timeline; closed. */
export function writeJournal(dir = newDir()): string {
  const store = JournalStore.open(dir, { agent: 'shop' });
  store.note({ op: 'attempt', attempt: 1, kind: 'run', at: '2026-01-01T00:00:00.000Z' });
  for (const m of [init, slot0, slot0done, slot1]) store.persist(m);
  store.close();
  return dir;
}

export function rejectsOpen(
  dir: string,
  options: Parameters<typeof JournalStore.open>[1],
  check: (e: StateFileError) => void,
): void {
  assert.throws(
    () => JournalStore.open(dir, options),
    (error: unknown) => {
      assert.ok(error instanceof StateFileError, `expected a StateFileError, got ${String(error)}`);
      check(error);
      return true;
    },
  );
}

export function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n');
}

/** Agent "shop" with one action, `act`, on input events: the agent the journals above belong to. */
export function shopAgent(run: ActionDefinition['run']): Agent {
  return defineAgent({ name: 'shop', actions: [{ name: 'act', on: ['InputEvent'], run }] });
}
