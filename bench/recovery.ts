// Benchmark: recovering an action whose journal holds N finished slots (open + N replays).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineAgent } from '../src/runtime/agent';
import { runAttempt } from '../src/runtime/agentRunner';
import { encode } from '../src/runtime/codec';
import { attemptViews } from '../src/runtime/inspect';
import { argsDigest, stateIdOf } from '../src/runtime/identity';
import {
  JOURNAL_FILE,
  JOURNAL_FORMAT,
  JOURNAL_VERSION,
  JournalStore,
} from '../src/runtime/journalStore';
import { median, report, timeMs } from './report';

const AGENT = 'bench-recovery';
/** Timed recoveries per size; the median is reported. */
const REPEATS = 3;

async function step(i: number): Promise<number> {
  return i * 2;
}

/**
 * Writes, with plain file writes in the journal's own format, what a crashed attempt leaves: one
 * action state holding `n` SUCCEEDED slots of `step(i)`, not completed.
 */
function writeJournal(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const identity = { key: 'k', seq: 0, eventIndex: 0, action: 'steps' };
  const id = stateIdOf(identity);
  const event = { type: 'InputEvent', attributes: { key: 'k', input: n } };
  const lines = [
    JSON.stringify({
      format: JOURNAL_FORMAT,
      version: JOURNAL_VERSION,
      agent: AGENT,
      created: new Date().toISOString(),
    }),
    JSON.stringify({ op: 'attempt', attempt: 1, kind: 'run', at: new Date().toISOString() }),
    JSON.stringify({ op: 'init', id, ...identity, event: encode(event) }),
  ];
  for (let i = 0; i < n; i++) {
    const slot = {
      functionId: 'step',
      argsDigest: argsDigest(encode([i])),
      status: 'SUCCEEDED',
      result: encode(i * 2),
    };
    lines.push(JSON.stringify({ op: 'slot', id, index: i, slot }));
  }
  fs.writeFileSync(path.join(dir, JOURNAL_FILE), lines.join('\n') + '\n');
}

const agent = defineAgent({
  name: AGENT,
  actions: [
    {
      name: 'steps',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        const n = (event.attributes as { input: number }).input;
        let sum = 0;
        for (let i = 0; i < n; i++) sum += await ctx.durableExecute(step, [i]);
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: sum } });
      },
    },
  ],
});

/** Writes the journal afresh, then times one recovery over it (a recovery completes the action). */
async function timeRecovery(dir: string, n: number): Promise<{ ms: number; floor: number }> {
  fs.rmSync(dir, { recursive: true, force: true });
  writeJournal(dir, n);
  const file = path.join(dir, JOURNAL_FILE);
  const floor = await timeMs(() => {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line) JSON.parse(line);
  });
  let replayed = 0;
  const ms = await timeMs(async () => {
    const store = JournalStore.open(dir, { agent: AGENT });
    const result = await runAttempt([{ key: 'k', input: n }], { agent, store, kind: 'recover' });
    store.close();
    replayed = attemptViews(store.timeline())
      .flatMap((a) => a.calls)
      .filter((c) => c.path === 'replay')
      .reduce((sum, c) => sum + (c.count ?? 1), 0);
    if (result.failures.length > 0 || result.outputs[0]?.output !== n * (n - 1)) {
      throw new Error('the recovery bench run went wrong');
    }
  });
  if (replayed !== n) throw new Error(`expected ${n} replayed calls, saw ${replayed}`);
  return { ms, floor };
}

export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-recovery-'));
  try {
    for (const [label, n] of [
      ['1k', 1_000],
      ['10k', 10_000],
      ['100k', 100_000],
    ] as const) {
      const runs: Array<{ ms: number; floor: number }> = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await timeRecovery(path.join(root, label), n));
      report(
        `recovery_replay_ms_${label}`,
        median(runs.map((r) => r.ms)),
        'ms',
        median(runs.map((r) => r.floor)),
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
