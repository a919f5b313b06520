// Storage faults at every write: a full disk (ENOSPC), an I/O error (EIO) and a read-only file
// system (EROFS), each injected at each single write, short write and flush of an attempt (the
// journal's header, each append, each fsync), in an attempt simulated in this process as the
// worker runs it (simulation.ts). Each time: the attempt stops with an error naming the journal
// and the cause; nothing it reported as persisted is missing from the journal; the journal opens;
// and a recovery over it (on a healthy disk) ends exactly as a run without the fault did, every
// reconciled side effect once. The real full and read-only disks are in corruptState.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { StateMutation } from '../../src/runtime/actionState';
import { defineAgent, type Agent } from '../../src/runtime/agent';
import { JOURNAL_FILE, JournalStore } from '../../src/runtime/journalStore';
import { tempDir } from './cliHarness';
import {
  Ledger,
  SimIo,
  simulateAttempt,
  slotLines,
  type Fault,
  type LedgerView,
  type SimResult,
} from './simulation';

interface Order {
  id: string;
  cents: number;
}

/** The crash tests' order flow: a charge and a label with reconcilers, an email without. */
function orderAgent(effects: LedgerView): Agent {
  return defineAgent({
    name: 'orders',
    actions: [
      {
        name: 'order',
        on: ['InputEvent'],
        async run(event, ctx) {
          const order = event.attributes.input as Order;
          const total = await ctx.durableExecute(
            async function quote(o: Order) {
              return o.cents + 100;
            },
            [order],
          );
          const charge = async (o: Order, cents: number) => effects.record('charge', o.id, cents);
          await ctx.durableExecute(charge, [order, total], {
            id: 'charge',
            reconciler: async () => effects.find('charge', order.id) ?? charge(order, total),
          });
          await ctx.durableExecute(async (id: string) => effects.record('email', id), [order.id], {
            id: 'email',
          });
          ctx.sendEvent({ type: 'Ordered', attributes: { id: order.id } });
        },
      },
      {
        name: 'ship',
        on: ['Ordered'],
        async run(event, ctx) {
          const { id } = event.attributes as { id: string };
          const label = async (orderId: string) => effects.record('label', orderId);
          await ctx.durableExecute(label, [id], {
            id: 'label',
            reconciler: async () => effects.find('label', id) ?? label(id),
          });
          ctx.sendEvent({ type: 'OutputEvent', attributes: { output: { id, shipped: true } } });
        },
      },
    ],
  });
}

const INPUTS = [
  { key: 'alice', input: { id: 'o1', cents: 1250 } },
  { key: 'bob', input: { id: 'o2', cents: 990 } },
  { key: 'alice', input: { id: 'o3', cents: 10 } },
];
const ORDERS = ['o1', 'o2', 'o3'];

/** A run with no fault: what every faulted run must end as, and how many writes it makes. */
async function cleanRun() {
  const stateDir = path.join(tempDir(), 'state');
  const io = new SimIo();
  const ledger = new Ledger();
  const r = await simulateAttempt({
    agent: orderAgent,
    ledger,
    stateDir,
    inputs: INPUTS,
    kind: 'run',
    fresh: true,
    io,
  });
  assert.equal(r.end.kind, 'done');
  return { end: r.end, slots: slotLines(stateDir), writes: io.writes, syncs: io.syncs };
}

/**
 * Nothing reported as persisted is missing from the journal: each init and completion, and the
 * last report of each slot. The journal may be one write further (a flush that failed after its
 * bytes reached the file: the call's outcome over its reported PENDING), never behind.
 */
function reportedIsPersisted(reported: StateMutation[], stateDir: string, what: string): void {
  const journal = JournalStore.open(stateDir, { readOnly: true });
  for (const m of reported) {
    const state = journal.get(m.id);
    assert.ok(
      state,
      `${what}: ${m.op} of ${m.id} was reported persisted; the journal has no such state`,
    );
    if (m.op === 'complete') assert.ok(state.completed, `${what}: ${m.id} was reported completed`);
  }
  const lastSlot = new Map<string, StateMutation & { op: 'slot' }>();
  for (const m of reported) if (m.op === 'slot') lastSlot.set(`${m.id}/${m.index}`, m);
  for (const m of lastSlot.values()) {
    const held = journal.get(m.id)!.slots[m.index];
    const sameCall =
      held?.functionId === m.slot.functionId && held.argsDigest === m.slot.argsDigest;
    if (m.slot.status === 'PENDING' && sameCall && held.status !== 'PENDING') continue;
    assert.deepEqual(
      held,
      m.slot,
      `${what}: slot #${m.index} of ${m.id} was reported persisted as ${m.slot.status}`,
    );
  }
}

const HINTS = {
  ENOSPC: 'the disk is full: free some space',
  EIO: 'an I/O error: the disk did not store the data; check the disk and the system log',
  EROFS: 'the file system is read-only: choose a stateDir on a writable disk',
  EDQUOT: 'the disk quota is exceeded: free some space',
};

/** One faulted attempt, then recoveries on a healthy disk until done; checks every promise. */
async function faultThenRecover(fault: Fault, clean: Awaited<ReturnType<typeof cleanRun>>) {
  const stateDir = path.join(tempDir(), 'state');
  const journal = path.join(stateDir, JOURNAL_FILE);
  const ledger = new Ledger();
  const what = `${fault.code} at ${fault.short ? 'short ' : ''}${fault.op} #${fault.at}`;
  const first: SimResult = await simulateAttempt({
    agent: orderAgent,
    ledger,
    stateDir,
    inputs: INPUTS,
    kind: 'run',
    fresh: true,
    io: new SimIo({ fault }),
  });
  assert.equal(first.end.kind, 'storage', `${what}: the attempt ended ${first.end.kind}`);
  const error = (first.end as { error: Error & { file: string; code?: string } }).error;
  assert.equal(error.file, journal, what);
  assert.equal(error.code, fault.code, what);
  const doing = fault.op === 'sync' ? '(?:flush \\(fsync\\)|create)' : '(?:write to|create)';
  assert.match(
    error.message,
    new RegExp(
      `^cannot ${doing} ${journal}: ${HINTS[fault.code].replace(/[()]/g, '\\$&')} \\(${fault.code}\\)\\. The attempt stopped here`,
    ),
    what,
  );
  // A fault at the header's write or flush leaves no journal (and no temp file): the next
  // attempt is a run again, as the CLI's `recover` would say there is nothing to recover.
  const created = fs.existsSync(journal);
  if (created) reportedIsPersisted(first.reported, stateDir, what);
  else {
    assert.deepEqual(first.reported, [], what);
    assert.deepEqual(fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : [], [], what);
  }
  const second = await simulateAttempt(
    created
      ? { agent: orderAgent, ledger, stateDir, inputs: INPUTS, kind: 'recover' }
      : { agent: orderAgent, ledger, stateDir, inputs: INPUTS, kind: 'run' },
  );
  assert.deepEqual(second.end, clean.end, `${what}: the recovery`);
  assert.deepEqual(slotLines(stateDir), clean.slots, `${what}: the slots after recovery`);
  const counts = ledger.counts();
  for (const id of ORDERS) {
    assert.equal(counts.get(`charge:${id}`), 1, `${what}: charge of ${id}`);
    assert.equal(counts.get(`label:${id}`), 1, `${what}: label of ${id}`);
    assert.ok((counts.get(`email:${id}`) ?? 0) >= 1, `${what}: email of ${id}`);
  }
  assert.equal(counts.size, ORDERS.length * 3, `${what}: effects ${[...counts.keys()]}`);
}

describe('storage faults at each write of an attempt, then a recovery', () => {
  for (const code of ['ENOSPC', 'EIO', 'EROFS'] as const) {
    it(`${code} at each write, short write and fsync: the attempt stops naming the journal and ${code}, and recovery ends as a run without it`, async () => {
      const clean = await cleanRun();
      assert.ok(
        clean.writes > 10 && clean.syncs > 10,
        `${clean.writes} writes, ${clean.syncs} flushes`,
      );
      const faults: Fault[] = [];
      for (let at = 1; at <= clean.writes; at++)
        faults.push({ op: 'write', at, code }, { op: 'write', at, code, short: true });
      for (let at = 1; at <= clean.syncs; at++) faults.push({ op: 'sync', at, code });
      for (const fault of faults) await faultThenRecover(fault, clean);
    });
  }
});
