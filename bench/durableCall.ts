// Benchmark: the cost a durable call adds to a plain awaited call (MemoryStore, no hooks).
import { ActionExecution } from '../src/runtime/actionContext';
import type { ExecutionInfo } from '../src/runtime/boundaries';
import { encode } from '../src/runtime/codec';
import { stateIdOf } from '../src/runtime/identity';
import { KeyMemory } from '../src/runtime/keyMemory';
import { MemoryStore } from '../src/runtime/stateStore';
import { median, report, timeMs } from './report';

const CALLS = 10_000;
const ROUNDS = 21;
const WARMUP = 5;

async function trivial(n: number): Promise<number> {
  return n + 1;
}

function freshExecution(): ActionExecution {
  const store = new MemoryStore();
  const identity = { key: 'bench', seq: 0, eventIndex: 0, action: 'bench' };
  const stateId = stateIdOf(identity);
  const event = { type: 'InputEvent', attributes: { key: 'bench', input: 0 } };
  store.persist({ op: 'init', id: stateId, ...identity, event: encode(event) });
  const exec: ExecutionInfo = { ...identity, stateId, attempt: 1, event };
  return new ActionExecution(exec, store, {}, new KeyMemory());
}

export async function run(): Promise<void> {
  const plainRound = async () => {
    let sum = 0;
    for (let i = 0; i < CALLS; i++) sum += await trivial(i);
    return sum;
  };
  const durableRound = async () => {
    const ctx = freshExecution();
    let sum = 0;
    for (let i = 0; i < CALLS; i++) sum += await ctx.durableExecute(trivial, [i]);
    return sum;
  };
  for (let i = 0; i < WARMUP; i++) await Promise.all([plainRound(), durableRound()]);
  // Rounds interleaved, so that both see the same JIT and GC conditions; medians per call.
  const plain: number[] = [];
  const durable: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    plain.push(await timeMs(plainRound));
    durable.push(await timeMs(durableRound));
  }
  const plainUs = (median(plain) * 1000) / CALLS;
  const durableUs = (median(durable) * 1000) / CALLS;
  report('durable_call_overhead_us', durableUs - plainUs, 'us', plainUs);
}
