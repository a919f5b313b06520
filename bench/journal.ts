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

/** Median of per-operation times: robust to the bursts of a disk shared with other work. */
function medianUs(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
    // One of each, in turn, so both see the same disk conditions from moment to moment.
    const persistUs: number[] = [];
    const bareUs: number[] = [];
    for (let i = 0; i < PERSISTS * ROUNDS; i++) {
      const mutation = slotMutation(id, i);
      let start = performance.now();
      store.persist(mutation);
      persistUs.push((performance.now() - start) * 1000);
      const bytes = line(i);
      start = performance.now();
      fs.writeSync(bareFd, bytes);
      fs.fdatasyncSync(bareFd);
      bareUs.push((performance.now() - start) * 1000);
    }
    store.close();
    fs.closeSync(bareFd);
    const persist = medianUs(persistUs);
    const bare = medianUs(bareUs);
    report('journal_persist_ratio', persist / bare, 'x', 1);
    report('journal_persist_us', persist, 'us', bare);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
