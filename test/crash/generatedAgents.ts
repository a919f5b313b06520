// Random agents for the in-process torture (tortureSim.ts), the kinds of scripts/torture.mjs's
// generated agent files as closures: chains of durable calls, pure or with side effects in a
// ledger, some with reconcilers that consult it, some failing deterministically (caught, or
// failing the action for one key), some async, some with a large result; several actions
// chained by events; several keys with several inputs each. A seed makes the same agent again.
import { defineAgent, type Agent } from '../../src/runtime/agent';
import type { AgentInput } from '../../src/runtime/agentRunner';
import type { LedgerView } from './simulation';

/** Seeded randomness (mulberry32): a seed replays a run's agents and choices. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { random, int, pick };
}

export type Random = ReturnType<typeof seeded>;

type CallKind = 'pure' | 'effect' | 'reconciled' | 'caught' | 'big' | 'async';

interface CallSpec {
  kind: CallKind;
  fn: string;
  salt: number;
}

export interface GeneratedAgent {
  name: string;
  make: (effects: LedgerView) => Agent;
  inputs: AgentInput[];
  /** Action names and function ids: where named crashes aim. */
  targets: string[];
  /** Side effects that must happen exactly once (reconciled), as `op:id` prefixes. */
  reconciledOp: string;
  /** The function ids of the calls with a reconciler. */
  reconciledTargets: string[];
}

/**
 * A random agent. With `sabotage`, reconcilers never look at the ledger (they run the side
 * effect again), so a crash before an outcome is persisted makes it happen twice: the torture's
 * checks must catch that.
 */
export function generateAgent(r: Random, index: number, sabotage = false): GeneratedAgent {
  const actionCount = 1 + r.int(3);
  const actions: CallSpec[][] = [];
  let hasReconciled = false;
  for (let a = 0; a < actionCount; a++) {
    const calls: CallSpec[] = [];
    const count = 2 + r.int(5);
    for (let c = 0; c < count; c++) {
      let kind = r.pick<CallKind>([
        'pure',
        'effect',
        'reconciled',
        'reconciled',
        'caught',
        'big',
        'async',
      ]);
      if (!hasReconciled && a === actionCount - 1 && c === count - 1) kind = 'reconciled';
      if (kind === 'reconciled') hasReconciled = true;
      calls.push({ kind, fn: `${kind}${a}_${c}`, salt: 1 + r.int(97) });
    }
    actions.push(calls);
  }
  const doomed = r.random() < 0.3;
  const keys = 1 + r.int(3);
  const inputs: AgentInput[] = [];
  for (let k = 0; k < keys; k++)
    for (let s = 0; s <= r.int(2); s++) inputs.push({ key: `k${k}`, input: { n: r.int(1000) } });

  const make = (effects: LedgerView): Agent =>
    defineAgent({
      name: `generated-${index}`,
      actions: actions.map((calls, a) => ({
        name: `act${a}`,
        on: [a === 0 ? 'InputEvent' : `Step${a}`],
        async run(event, ctx) {
          const attributes = event.attributes as { input?: { n: number }; acc?: number };
          let acc = a === 0 ? Number(attributes.input!.n) : Number(attributes.acc);
          for (const [c, call] of calls.entries()) {
            const id = `${ctx.key}/${ctx.seq}/${a}/${c}`;
            acc = await runCall(ctx, effects, call, id, acc, sabotage);
          }
          if (doomed && a === actionCount - 1) {
            await ctx.durableExecute(
              async (key: string) => {
                if (key === 'k1') throw new Error(`doomed key ${key}`);
                return key;
              },
              [ctx.key],
              { id: `doomed${a}` },
            );
          }
          if (a === actionCount - 1)
            ctx.sendEvent({ type: 'OutputEvent', attributes: { output: { acc } } });
          else ctx.sendEvent({ type: `Step${a + 1}`, attributes: { acc } });
        },
      })),
    });
  const targets = [
    ...actions.map((_, a) => `act${a}`),
    ...actions.flat().map((c) => c.fn),
    ...(doomed ? [`doomed${actionCount - 1}`] : []),
  ];
  const reconciledTargets = actions
    .flat()
    .filter((c) => c.kind === 'reconciled')
    .map((c) => c.fn);
  return {
    name: `generated-${index}`,
    make,
    inputs,
    targets,
    reconciledOp: 'reconciled',
    reconciledTargets,
  };
}

type Ctx = Parameters<Agent['actions'][number]['run']>[1];

async function runCall(
  ctx: Ctx,
  effects: LedgerView,
  call: CallSpec,
  id: string,
  acc: number,
  sabotage: boolean,
): Promise<number> {
  const { fn, salt } = call;
  switch (call.kind) {
    case 'pure':
      return ctx.durableExecute(
        async (x: number, k: number) => (x * 31 + k) % 1000003,
        [acc, salt],
        {
          id: fn,
        },
      );
    case 'async':
      return ctx.durableExecuteAsync(
        async (x: number) => {
          await new Promise((resolve) => setImmediate(resolve));
          return (x + 17) % 1000003;
        },
        [acc],
        { id: fn },
      );
    case 'effect':
      return ctx.durableExecute(
        async (key: string, x: number) => {
          effects.record('effect', key);
          return (x * 7 + key.length) % 1000003;
        },
        [id, acc],
        { id: fn },
      );
    case 'reconciled': {
      const effect = async (key: string, x: number) =>
        Number(effects.record('reconciled', key, (x * 13 + 5) % 1000003).value);
      // Asked on recovery about a PENDING slot: the ledger says whether the effect happened.
      const reconciler = sabotage
        ? async () => effect(id, acc)
        : async () => Number(effects.find('reconciled', id)?.value ?? (await effect(id, acc)));
      return ctx.durableExecute(effect, [id, acc], { id: fn, reconciler });
    }
    case 'caught':
      try {
        await ctx.durableExecute(
          async (key: string) => {
            throw new RangeError(`deterministic failure of ${key}`);
          },
          [id],
          { id: fn },
        );
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
      return (acc + 3) % 1000003;
    case 'big': {
      const result = await ctx.durableExecute(
        async (key: string, kb: number) => `${key}:${'b'.repeat(kb * 1024)}`,
        [id, 1 + (salt % 32)],
        { id: fn },
      );
      return (acc + result.length) % 1000003;
    }
  }
}
