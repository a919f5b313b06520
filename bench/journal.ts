// Benchmark: one JournalStore.persist of a slot against a bare write + fdatasync of its bytes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StateMutation } from '../src/runtime/actionState';
import { encode } from '../src/runtime/codec';
import { argsDigest, stateIdOf } from '../src/runtime/identity';
import { JournalStore } from '../src/runtime/journalStore';
import { report } from './report';

const PERSISTS = 400;
const ROUNDS = 5;

function slotMutation(id: string, index: number): StateMutation {
  return {
    op: 'slot',
    id,
    index,
    slot: {
      functionId: 'charge',
      argsDigest: argsDigest(encode([index])),
      status: 'SUCCEEDED',
      result: encode({ receipt: `r-${index}`, cents: 1999 }),
    },
  };
}

/** Microseconds per operation of `op`, the median of ROUNDS rounds of PERSISTS operations. */
function perOpUs(op: (i: number) => void): number {
  const rounds: number[] = [];
  let i = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let k = 0; k < PERSISTS; k++) op(i++);
    rounds.push(((performance.now() - start) * 1000) / PERSISTS);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)];
}

export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-journal-'));
  try {
    const identity = { key: 'k', seq: 0, eventIndex: 0, action: 'bench' };
    const id = stateIdOf(identity);
    const store = JournalStore.open(path.join(root, 'state'), { agent: 'bench' });
    store.persist({
      op: 'init',
      id,
      ...identity,
      event: encode({ type: 'InputEvent', attributes: {} }),
    });
    const bareFd = fs.openSync(path.join(root, 'bare.jsonl'), 'a');
    const line = (i: number) => JSON.stringify(slotMutation(id, i)) + '\n';
    // Interleaved rounds, so that both see the same disk conditions.
    const persistUs: number[] = [];
    const bareUs: number[] = [];
    for (let round = 0; round < 3; round++) {
      persistUs.push(
        perOpUs((i) => store.persist(slotMutation(id, round * ROUNDS * PERSISTS + i))),
      );
      bareUs.push(
        perOpUs((i) => {
          fs.writeSync(bareFd, line(i));
          fs.fdatasyncSync(bareFd);
        }),
      );
    }
    store.close();
    fs.closeSync(bareFd);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const persist = median(persistUs);
    const bare = median(bareUs);
    report('journal_persist_ratio', persist / bare, 'x', 1);
    report('journal_persist_us', persist, 'us', bare);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
