// The torture's in-process runs (scripts/torture.mjs drives them; its long mode runs thousands):
// a random agent (generatedAgents.ts) runs once without crashes, then again with crashes until a
// recovery finishes, each attempt simulated in this process (simulation.ts) and killed at a named
// crash point, at a random boundary, in the middle of a random journal write (a torn line), or
// stopped by a storage fault at a random write or flush. Checked after every attempt: the journal
// opens, no reconciled side effect happened twice; and at the end: the outputs, failures and slots
// are the crash-free run's, every reconciled side effect happened exactly once, every other at
// least once, and none that the crash-free run did not make.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JOURNAL_FILE, JournalStore } from '../../src/runtime/journalStore';
import type { CrashPlan, CrashPoint } from '../../src/worker/protocol';
import { generateAgent, seeded, type Random } from './generatedAgents';
import {
  Ledger,
  SimIo,
  simulateAttempt,
  slotLines,
  type Fault,
  type SimAttempt,
} from './simulation';

const POINTS: CrashPoint[] = [
  'before-call',
  'after-pending',
  'before-outcome',
  'after-outcome',
  'before-complete',
];
const MAX_ATTEMPTS = 40;

export interface SimStats {
  runs: number;
  attempts: number;
  /** Attempts that ended by a kill (named point, random boundary, torn write) or a storage fault. */
  stopped: number;
  named: number;
  killedAtBoundary: number;
  tornWrites: number;
  storageFaults: number;
}

export interface SimViolation {
  run: number;
  seed: number;
  what: string;
  log: string[];
  dir: string;
}

export function newStats(): SimStats {
  return {
    runs: 0,
    attempts: 0,
    stopped: 0,
    named: 0,
    killedAtBoundary: 0,
    tornWrites: 0,
    storageFaults: 0,
  };
}

/** A folder for the simulations' journals: memory-backed when the machine has one (flushes are skipped anyway). */
export function simulationRoot(): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'durable-run-torture-sim-'));
}

function journalOpens(stateDir: string): string | undefined {
  if (!fs.existsSync(path.join(stateDir, JOURNAL_FILE))) return undefined;
  try {
    JournalStore.open(stateDir, { readOnly: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** How the next attempt of a crash run dies, if it does. */
function chooseDeath(
  r: Random,
  targets: string[],
  baseline: { boundaries: number; writes: number; syncs: number },
): {
  describe: string;
  options: Partial<SimAttempt>;
  kind: keyof Omit<SimStats, 'runs' | 'attempts' | 'stopped'>;
} {
  const roll = r.random();
  if (roll < 0.4) {
    const point = r.pick(POINTS);
    const crash: CrashPlan = { point };
    if (r.random() < 0.8) crash.target = r.pick(targets);
    if (crash.target && r.random() < 0.3) crash.index = r.int(2);
    return {
      describe: `crash ${point}${crash.target ? `:${crash.target}` : ''}${crash.index !== undefined ? `#${crash.index}` : ''}`,
      options: { crash },
      kind: 'named',
    };
  }
  if (roll < 0.65) {
    const at = 1 + r.int(Math.ceil(baseline.boundaries * 1.3));
    return {
      describe: `kill at boundary ${at}`,
      options: { killAtBoundary: at },
      kind: 'killedAtBoundary',
    };
  }
  if (roll < 0.9) {
    const tearAt = { write: 1 + r.int(Math.ceil(baseline.writes * 1.2)), keep: r.random() };
    return {
      describe: `kill in write ${tearAt.write} after ${Math.round(tearAt.keep * 100)}% of it`,
      options: { io: new SimIo({ tearAt }) },
      kind: 'tornWrites',
    };
  }
  const op = r.random() < 0.5 ? 'write' : 'sync';
  const fault: Fault = {
    op,
    at: 1 + r.int(Math.ceil((op === 'write' ? baseline.writes : baseline.syncs) * 1.2)),
    code: r.pick(['ENOSPC', 'EIO', 'EROFS'] as const),
    short: op === 'write' && r.random() < 0.5,
  };
  return {
    describe: `${fault.code} at ${fault.short ? 'short ' : ''}${fault.op} ${fault.at}`,
    options: { io: new SimIo({ fault }) },
    kind: 'storageFaults',
  };
}

/** One in-process torture run; returns its violations (none, when all is well). */
export async function simulatedRun(
  run: number,
  seed: number,
  root: string,
  stats: SimStats,
  sabotage = false,
): Promise<SimViolation[]> {
  const r = seeded(seed);
  const agent = generateAgent(r, run, sabotage);
  const dir = fs.mkdtempSync(path.join(root, `run-${run}-`));
  const log: string[] = [];
  const violations: SimViolation[] = [];
  const violation = (what: string) => violations.push({ run, seed, what, log: [...log], dir });

  // Crash-free baseline.
  const baseIo = new SimIo();
  const baseLedger = new Ledger();
  const base = await simulateAttempt({
    agent: agent.make,
    ledger: baseLedger,
    stateDir: path.join(dir, 'baseline'),
    inputs: agent.inputs,
    kind: 'run',
    fresh: true,
    io: baseIo,
  });
  if (base.end.kind !== 'done') {
    violation(`the crash-free run ended ${base.end.kind}`);
    return violations;
  }
  const baseline = {
    end: base.end,
    slots: slotLines(path.join(dir, 'baseline')),
    effects: baseLedger.counts(),
    boundaries: base.boundaries,
    writes: baseIo.writes,
    syncs: baseIo.syncs,
  };

  const ledger = new Ledger();
  const stateDir = path.join(dir, 'state');
  const crashes = 1 + r.int(6);
  let final: typeof base | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const started = fs.existsSync(path.join(stateDir, JOURNAL_FILE));
    // Sabotaged (reconcilers that lie), the first attempt dies where a lie shows: the crash
    // before a reconciled call's outcome is persisted.
    const death =
      sabotage && attempt === 1
        ? {
            describe: `crash before-outcome:${agent.reconciledTargets[0]}`,
            options: {
              crash: { point: 'before-outcome' as const, target: agent.reconciledTargets[0] },
            },
            kind: 'named' as const,
          }
        : attempt <= crashes
          ? chooseDeath(r, agent.targets, baseline)
          : undefined;
    const result = await simulateAttempt({
      agent: agent.make,
      ledger,
      stateDir,
      inputs: agent.inputs,
      kind: started ? 'recover' : 'run',
      fresh: !started,
      ...death?.options,
    });
    stats.attempts++;
    log.push(
      `attempt ${attempt}: ${started ? 'recover' : 'run'}${death ? ` (${death.describe})` : ''} → ${result.end.kind}${result.end.kind === 'crashed' ? ` at ${result.end.point}` : ''}`,
    );
    if (death) stats[death.kind]++;
    if (result.end.kind !== 'done') stats.stopped++;
    if (result.end.kind === 'refused')
      violation(`attempt ${attempt} was refused: ${result.end.error.message}`);
    const unreadable = journalOpens(stateDir);
    if (unreadable) violation(`after attempt ${attempt} the journal does not open: ${unreadable}`);
    for (const [id, n] of ledger.counts())
      if (id.startsWith(`${agent.reconciledOp}:`) && n > 1)
        violation(`after attempt ${attempt}: reconciled side effect ${id} happened ${n} times`);
    if (violations.length > 0) break;
    if (result.end.kind === 'done') {
      final = result;
      break;
    }
  }
  stats.runs++;
  if (violations.length > 0) return violations;
  if (!final) {
    violation(`no recovery finished within ${MAX_ATTEMPTS} attempts`);
    return violations;
  }
  if (JSON.stringify(final.end) !== JSON.stringify(baseline.end))
    violation(
      `the final attempt ended ${JSON.stringify(final.end)}, the crash-free run ${JSON.stringify(baseline.end)}`,
    );
  const slots = slotLines(stateDir);
  if (JSON.stringify(slots) !== JSON.stringify(baseline.slots)) {
    const missing = baseline.slots.filter((s) => !slots.includes(s));
    const extra = slots.filter((s) => !baseline.slots.includes(s));
    violation(
      `slots differ from the crash-free run:\n    missing ${missing.join('\n            ')}\n    extra   ${extra.join('\n            ')}`,
    );
  }
  const effects = ledger.counts();
  for (const [id] of baseline.effects) {
    const n = effects.get(id) ?? 0;
    const reconciled = id.startsWith(`${agent.reconciledOp}:`);
    if (reconciled ? n !== 1 : n < 1)
      violation(
        `side effect ${id} happened ${n} times (${reconciled ? 'reconciled: exactly once' : 'completion-only: at least once'})`,
      );
  }
  for (const id of effects.keys())
    if (!baseline.effects.has(id)) violation(`side effect ${id} is not in the crash-free run`);
  if (violations.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return violations;
}
