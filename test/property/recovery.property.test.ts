// Property test: random agents crashed at random boundaries recover to the crash-free outputs.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defineAgent, type Agent, type AgentEvent } from '../../src/runtime/agent';
import type { ActionContext } from '../../src/runtime/actionContext';
import { runAttempt, type AgentInput, type AttemptResult } from '../../src/runtime/agentRunner';
import type { RuntimeHooks } from '../../src/runtime/boundaries';
import { registerClass } from '../../src/runtime/codec';
import { JournalStore } from '../../src/runtime/journalStore';
import { MemoryStore, type StateStore } from '../../src/runtime/stateStore';
import { CrashSignal, MortalStore } from '../support/runtime';

// Seeded by default; on failure fast-check prints the seed and path: PROPERTY_SEED=<n> replays it,
// PROPERTY_RUNS=<n> widens the search.
const SEED = Number(process.env.PROPERTY_SEED ?? 20260815);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** The deterministic failure of a call that is meant to fail. */
class ProbeError extends Error {
  override name = 'ProbeError';
}
registerClass(ProbeError);

interface CallSpec {
  /** The call has a reconciler that asks the ledger whether the side effect happened. */
  reconciled: boolean;
  /** The call throws (deterministically, with no side effect). */
  fails: boolean;
  /** The action catches the failure and goes on. */
  caught: boolean;
  /** The call is made with durableExecuteAsync instead of durableExecute. */
  deferred: boolean;
}

interface Scenario {
  inputs: AgentInput[];
  first: CallSpec[];
  second: CallSpec[];
  /** Boundary numbers (counted from 0 in each attempt) at which successive attempts crash. */
  crashes: number[];
}

/** What the outside world saw: side effects per call, and how often each function ran. */
class World {
  readonly ledger = new Map<string, number>();
  readonly runs = new Map<string, number>();
  readonly reconciled = new Set<string>();
  bump(map: Map<string, number>, id: string): void {
    map.set(id, (map.get(id) ?? 0) + 1);
  }
}

function buildAgent(scenario: Scenario, world: World): Agent {
  const call = async (
    ctx: ActionContext,
    action: string,
    index: number,
    spec: CallSpec,
    input: number,
  ) => {
    const identity = `${ctx.key}#${ctx.seq}/${action}/${index}`;
    const value = `${identity}=${input * 10 + index}`;
    const failure = () => new ProbeError(`${identity} failed`);
    if (spec.reconciled) world.reconciled.add(identity);
    const operation = async (_input: number, _index: number): Promise<string> => {
      world.bump(world.runs, identity);
      if (spec.fails) throw failure();
      world.bump(world.ledger, identity);
      await Promise.resolve();
      return value;
    };
    const reconciler = spec.reconciled
      ? () => {
          if (spec.fails) throw failure();
          // Found out: the effect either happened (the ledger says so) or is done now, once.
          if (!world.ledger.has(identity)) world.bump(world.ledger, identity);
          return value;
        }
      : undefined;
    const options = { id: `${action}.op${index}`, reconciler };
    try {
      return spec.deferred
        ? await ctx.durableExecuteAsync(operation, [input, index], options)
        : await ctx.durableExecute(operation, [input, index], options);
    } catch (error) {
      if (error instanceof CrashSignal || !spec.caught) throw error;
      return `caught ${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  return defineAgent({
    name: 'property-agent',
    actions: [
      {
        name: 'first',
        on: ['InputEvent'],
        run: async (event, ctx) => {
          const input = (event.attributes as { input: number }).input;
          const results: unknown[] = [];
          for (const [i, spec] of scenario.first.entries())
            results.push(await call(ctx, 'first', i, spec, input));
          const count = (ctx.memory.get<number>('count') ?? 0) + 1;
          ctx.memory.set('count', count);
          ctx.sendEvent({ type: 'Step', attributes: { input, results } });
          ctx.sendEvent({
            type: 'OutputEvent',
            attributes: { output: { from: 'first', results, count } },
          });
        },
      },
      {
        name: 'second',
        on: ['Step'],
        run: async (event: AgentEvent, ctx) => {
          const { input, results: before } = event.attributes as {
            input: number;
            results: unknown[];
          };
          const results: unknown[] = [];
          for (const [i, spec] of scenario.second.entries())
            results.push(await call(ctx, 'second', i, spec, input));
          ctx.sendEvent({
            type: 'OutputEvent',
            attributes: {
              output: {
                from: 'second',
                before: before.length,
                results,
                count: ctx.memory.get('count'),
              },
            },
          });
        },
      },
    ],
  });
}

function crashingHooks(store: MortalStore, at: number): RuntimeHooks {
  let seen = 0;
  return {
    boundary() {
      if (store.dead || seen++ === at) {
        store.dead = true;
        throw new CrashSignal(`crash at boundary ${at}`);
      }
    },
  };
}

/** Outputs per key in order (keys run side by side), and failures, without the replayed flag. */
function observable(result: AttemptResult) {
  const keys = [
    ...new Set(result.outputs.map((o) => o.key).concat(result.failures.map((f) => f.key))),
  ].sort();
  return keys.map((key) => ({
    key,
    outputs: result.outputs.filter((o) => o.key === key).map((o) => [o.seq, o.output]),
    failures: result.failures
      .filter((f) => f.key === key)
      .map((f) => [
        f.seq,
        f.action,
        (f.error as Error).name,
        (f.error as Error).message,
        f.error instanceof ProbeError,
      ]),
  }));
}

interface Recovery {
  result: AttemptResult;
  crashes: number;
  world: World;
}

/** Runs the scenario, crashing as planned, recovering (reopening the store when asked) until done. */
async function runWithCrashes(scenario: Scenario, openStore: () => StateStore): Promise<Recovery> {
  const world = new World();
  const agent = buildAgent(scenario, world);
  let crashes = 0;
  for (const at of [...scenario.crashes, -1]) {
    const inner = openStore();
    const store = new MortalStore(inner);
    try {
      const result = await runAttempt(scenario.inputs, {
        agent,
        store,
        hooks: crashingHooks(store, at),
        kind: crashes === 0 ? 'run' : 'recover',
      });
      inner.close();
      return { result, crashes, world };
    } catch (error) {
      if (!(error instanceof CrashSignal)) throw error;
      // runAttempt settles only once every key has stopped (at the dead store or a boundary).
      crashes++;
      inner.close();
    }
  }
  throw new Error('unreachable: the last attempt never crashes');
}

function checkRecovery(scenario: Scenario, recovered: Recovery, expected: Recovery): void {
  assert.deepEqual(observable(recovered.result), observable(expected.result));
  const { world, crashes } = recovered;
  for (const [identity, runs] of world.runs) {
    if (world.reconciled.has(identity)) {
      assert.ok(runs <= 1, `${identity} has a reconciler and its function ran ${runs} times`);
    } else {
      assert.ok(runs <= crashes + 1, `${identity} ran ${runs} times with ${crashes} crashes`);
    }
  }
  for (const identity of world.reconciled) {
    assert.ok(
      (world.ledger.get(identity) ?? 0) <= 1,
      `${identity} has a reconciler and its side effect happened ${world.ledger.get(identity)} times`,
    );
  }
  // Every side effect of the crash-free run happened, and no other.
  assert.deepEqual([...world.ledger.keys()].sort(), [...expected.world.ledger.keys()].sort());
  assert.ok(scenario.crashes.length >= crashes);
}

const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  reconciled: fc.boolean(),
  // One call in four fails, so most actions get past their first calls.
  fails: fc.nat({ max: 3 }).map((n) => n === 0),
  caught: fc.boolean(),
  deferred: fc.boolean(),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  inputs: fc
    .array(
      fc.record({ key: fc.constantFrom('a', 'b', 'c'), input: fc.integer({ min: 0, max: 9 }) }),
      { minLength: 1, maxLength: 5 },
    )
    .map((list) => list as AgentInput[]),
  first: fc.array(callSpec, { maxLength: 4 }),
  second: fc.array(callSpec, { maxLength: 3 }),
  crashes: fc.array(fc.nat({ max: 80 }), { maxLength: 3 }),
});

describe('recovery after random crashes (property)', () => {
  it(`gives the crash-free outputs, reconciled side effects at most once, others at most crashes + 1 times (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const expected = await runWithCrashes(
          { ...scenario, crashes: [] },
          () => new MemoryStore(),
        );
        const shared = new MemoryStore();
        const recovered = await runWithCrashes(scenario, () => shared);
        checkRecovery(scenario, recovered, expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`does the same when each recovery reopens the journal file the crashed attempt left (seed ${SEED})`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-property-'));
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          const expected = await runWithCrashes(
            { ...scenario, crashes: [] },
            () => new MemoryStore(),
          );
          const dir = path.join(root, String(n++));
          const recovered = await runWithCrashes(scenario, () =>
            JournalStore.open(dir, { agent: 'property-agent' }),
          );
          checkRecovery(scenario, recovered, expected);
        }),
        { seed: SEED, numRuns: Math.max(1, Math.floor(RUNS / 8)) },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
