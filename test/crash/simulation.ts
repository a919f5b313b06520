// An attempt run in this process the way the worker runs it (journal store, halting store, crash
// at a boundary, stop on a storage fault), with the process's death simulated instead of done
// for real: at the moment of death the journal's file takes no more bytes (a write may be cut in
// the middle: a torn line), the agent's side effects stop counting (its ledger goes inert), and
// every key stops at its next boundary. Thousands of crash-and-recover runs fit in a minute this
// way (the torture's long mode), and storage faults can be injected at any single write (the
// storage fault tests). The real kills stay in the CLI tests and the torture's sampled runs.
import * as fs from 'node:fs';
import type { StateMutation } from '../../src/runtime/actionState';
import type { Agent } from '../../src/runtime/agent';
import { AgentRunner, validateInputs, type AgentInput } from '../../src/runtime/agentRunner';
import type { Boundary } from '../../src/runtime/boundaries';
import { StateFileError } from '../../src/runtime/errors';
import { JournalWriteError } from '../../src/runtime/journalErrors';
import { DISK_IO, JournalStore, type JournalIo } from '../../src/runtime/journalStore';
import { recordedInputs, type AttemptKind } from '../../src/runtime/stateStore';
import { crashMatches } from '../../src/worker/crashPlan';
import { HaltableStore } from '../../src/worker/haltableStore';
import type { CrashPlan } from '../../src/worker/protocol';

export interface LedgerEntry {
  op: string;
  id: string;
  value?: unknown;
}

/** The side effects agents make, as the outside world (a payment provider) would keep them. */
export class Ledger {
  readonly entries: LedgerEntry[] = [];

  /** What one process sees: once it is dead, nothing it does happens any more. */
  view(alive: () => boolean) {
    return {
      record: (op: string, id: string, value?: unknown): LedgerEntry => {
        if (!alive()) throw new ProcessDead();
        const entry = { op, id, value };
        this.entries.push(entry);
        return entry;
      },
      find: (op: string, id: string): LedgerEntry | undefined =>
        this.entries.find((e) => e.op === op && e.id === id),
    };
  }

  /** How many times each `op:id` happened. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.entries) {
      const name = `${e.op}:${e.id}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }
}

export type LedgerView = ReturnType<Ledger['view']>;

/** Thrown at whatever a dead process still tries to do. */
export class ProcessDead extends Error {
  override name = 'ProcessDead';
}

/** A storage fault at one write or flush of the journal. */
export interface Fault {
  op: 'write' | 'sync';
  /** 1-based, among the calls of that op (each write of the header or of an append, each flush). */
  at: number;
  code: 'ENOSPC' | 'EIO' | 'EROFS' | 'EDQUOT';
  /** For writes: half the bytes are written first (a short write); the error comes next. */
  short?: boolean;
}

/**
 * The journal's file as the simulated process writes it: real writes to the real file, flushes
 * skipped (whether bytes reach the platter is not what these tests look at), a fault where told,
 * and no byte after the process's death. `tearAt` kills the process in the middle of a write.
 */
export class SimIo implements JournalIo {
  writes = 0;
  syncs = 0;
  private dead = false;
  private failNext: string | undefined;

  /** Told when a tear kills the process (simulateAttempt stops everything then). */
  onDeath: () => void = () => {};

  constructor(
    private readonly options: {
      fault?: Fault;
      /** Dies during the n-th write, after `keep` of its bytes (0: none, 1: all but the last). */
      tearAt?: { write: number; keep: number };
    } = {},
  ) {}

  kill(): void {
    this.dead = true;
  }

  get killed(): boolean {
    return this.dead;
  }

  write(fd: number, buffer: Buffer, offset: number, length: number): number {
    if (this.dead) throw new ProcessDead();
    if (this.failNext) throw errno(this.failNext);
    this.writes++;
    const { fault, tearAt } = this.options;
    if (tearAt && this.writes === tearAt.write) {
      const keep = Math.min(length - 1, Math.floor(length * tearAt.keep));
      if (keep > 0) DISK_IO.write(fd, buffer, offset, keep);
      this.onDeath();
      this.dead = true;
      throw new ProcessDead();
    }
    if (fault?.op === 'write' && this.writes === fault.at) {
      if (!fault.short || length < 2) throw errno(fault.code);
      this.failNext = fault.code;
      return DISK_IO.write(fd, buffer, offset, Math.floor(length / 2));
    }
    return DISK_IO.write(fd, buffer, offset, length);
  }

  sync(): void {
    if (this.dead) throw new ProcessDead();
    this.syncs++;
    const { fault } = this.options;
    if (fault?.op === 'sync' && this.syncs === fault.at) throw errno(fault.code);
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated storage fault`), { code });
}

export type AttemptEnd =
  | { kind: 'done'; outputs: string[]; failures: string[] }
  /** Killed: at a named crash point (`point`), at a random boundary, or in the middle of a write. */
  | { kind: 'crashed'; point: string }
  /** Stopped by a storage fault: exit 4 from the CLI. */
  | { kind: 'storage'; error: JournalWriteError }
  /** The journal could not be opened (exit 2 from the CLI): never expected in these runs. */
  | { kind: 'refused'; error: StateFileError };

export interface SimAttempt {
  /** The agent as this process loads it, its side effects going to `effects`. */
  agent: (effects: LedgerView) => Agent;
  ledger: Ledger;
  stateDir: string;
  /** Omitted: the inputs the journal recorded. */
  inputs?: AgentInput[];
  kind: AttemptKind;
  fresh?: boolean;
  io?: SimIo;
  /** A named crash point, as `--crash` plans it. */
  crash?: CrashPlan;
  /** Dies at the n-th boundary (1-based): a kill at a random moment. */
  killAtBoundary?: number;
}

export interface SimResult {
  end: AttemptEnd;
  /** The mutations reported as persisted (the persisted hook, after the store returned). */
  reported: StateMutation[];
  warnings: string[];
  /** Boundaries the attempt passed: where a random kill can aim. */
  boundaries: number;
}

const never = new Promise<never>(() => {});

/** Runs one attempt to its end: done, killed, or stopped by a storage fault. */
export async function simulateAttempt(a: SimAttempt): Promise<SimResult> {
  const io = a.io ?? new SimIo();
  let dead = false;
  let announce: (end: AttemptEnd) => void = () => {};
  const died = new Promise<AttemptEnd>((resolve) => (announce = resolve));
  /** The process dies: the file takes no more bytes, and the agent's effects stop counting. */
  const die = (end: AttemptEnd) => {
    if (dead) return;
    dead = true;
    io.kill();
    announce(end);
  };
  io.onDeath = () => die({ kind: 'crashed', point: 'mid-write' });
  const reported: StateMutation[] = [];
  const agent = a.agent(a.ledger.view(() => !dead));
  let journal: JournalStore;
  try {
    journal = JournalStore.open(a.stateDir, { agent: agent.name, fresh: a.fresh, io });
  } catch (error) {
    if (dead) return { end: await died, reported, warnings: [], boundaries: 0 };
    if (error instanceof JournalWriteError)
      return { end: { kind: 'storage', error }, reported, warnings: [], boundaries: 0 };
    if (error instanceof StateFileError)
      return { end: { kind: 'refused', error }, reported, warnings: [], boundaries: 0 };
    throw error;
  }
  // As the worker's: a failed write stops the attempt right there, as a crash would.
  const store = new HaltableStore(journal, (error) => {
    if (!(error instanceof JournalWriteError) || dead) return;
    store.halt();
    die({ kind: 'storage', error });
  });
  const crashHere = (b: Boundary, point: string) => {
    try {
      // Written before the kill, as the worker does (a tear in the middle of it is a kill too).
      store.halt({ op: 'crash', attempt: runner.attempt, point, id: b.exec.stateId });
    } catch {
      // The crash record could not be written: the kill goes ahead anyway.
    }
    die({ kind: 'crashed', point });
  };
  let boundaries = 0;
  const runner = new AgentRunner({
    agent,
    store,
    kind: a.kind,
    hooks: {
      boundary: (b) => {
        if (dead) return never;
        boundaries++;
        if (a.crash && crashMatches(a.crash, b)) crashHere(b, a.crash.point);
        else if (boundaries === a.killAtBoundary) crashHere(b, 'kill');
        return dead ? never : undefined;
      },
      persisted: (m) => {
        if (!dead) reported.push(m);
      },
    },
  });
  const run = async (): Promise<AttemptEnd> => {
    const inputs = validateInputs(a.inputs ?? recordedInputs(store) ?? []);
    const recorded = recordedInputs(store);
    if (a.inputs !== undefined && JSON.stringify(a.inputs) !== JSON.stringify(recorded))
      store.note({ op: 'inputs', inputs: a.inputs });
    const result = await runner.run(inputs);
    const failures = result.failures.map((f) => `${f.stateId}: ${(f.error as Error)?.message}`);
    const outputs = result.outputs.map((o) => `${o.key}#${o.seq} ${JSON.stringify(o.output)}`);
    return { kind: 'done', outputs: outputs.sort(), failures };
  };
  // Whatever a dying attempt throws on its way down is part of its death, not a result.
  const end = await Promise.race([
    run().catch((error) => (dead ? died : Promise.reject(error))),
    died,
  ]);
  dead = true;
  io.kill();
  try {
    journal.close();
  } catch {
    // A dead process's last replay notes are lost with it; the descriptor is closed anyway.
  }
  return { end, reported, warnings: journal.warnings, boundaries };
}

/**
 * The slots of a journal, one line each, for comparing two runs' final states. A failure by its
 * name and message: its stack differs from one run to the next.
 */
export function slotLines(stateDir: string): string[] {
  const store = JournalStore.open(stateDir, { readOnly: true });
  const out: string[] = [];
  for (const s of store.states()) {
    const slots = s.slots.map((x, i) => {
      const outcome = x.error
        ? { name: x.error.name, message: x.error.message }
        : (x.result ?? null);
      return `#${i} ${x.functionId} ${x.argsDigest} ${x.status} ${JSON.stringify(outcome)}`;
    });
    out.push(`${s.id} completed=${s.completed} ${slots.join(' | ')}`);
  }
  return out.sort();
}

/** Removes a state folder (the simulations make many). */
export function removeState(stateDir: string): void {
  fs.rmSync(stateDir, { recursive: true, force: true });
}
