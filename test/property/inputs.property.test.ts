// Property test: random edits of the inputs between a (possibly crashed) attempt and the next one.
// Inputs that extend what the state folder's action states were made for run, with every side
// effect once and the outputs of a crash-free run; any other edit is refused before anything is
// run or written, naming the first changed input. No edit ever gets another input's outcome.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentInput } from '../../src/runtime/agent';
import { runAttempt } from '../../src/runtime/agentRunner';
import { InputsChangedError } from '../../src/runtime/errors';
import { MemoryStore } from '../../src/runtime/stateStore';
import { CrashSignal, MortalStore, agentOf, output } from '../support/runtime';

const SEED = Number(process.env.PROPERTY_SEED ?? 20260815);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

type Edit =
  | { op: 'append'; key: string; input: number }
  | { op: 'insert'; at: number; key: string; input: number }
  | { op: 'replace'; at: number; input: number }
  | { op: 'delete'; at: number }
  | { op: 'move'; from: number; to: number }
  | { op: 'swap-keys'; at: number; key: string };

const keyArb = fc.constantFrom('a', 'b', 'c');
const inputArb = fc.integer({ min: 0, max: 3 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), key: keyArb, input: inputArb }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), key: keyArb, input: inputArb }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), input: inputArb }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('swap-keys' as const), at: fc.nat(), key: keyArb }),
);

function applyEdit(list: AgentInput[], edit: Edit): AgentInput[] {
  const out = [...list];
  const at = (n: number, plus = 0) => (out.length + plus === 0 ? 0 : n % (out.length + plus));
  switch (edit.op) {
    case 'append':
      out.push({ key: edit.key, input: edit.input });
      break;
    case 'insert':
      out.splice(at(edit.at, 1), 0, { key: edit.key, input: edit.input });
      break;
    case 'replace':
      if (out.length > 0) out[at(edit.at)] = { ...out[at(edit.at)], input: edit.input };
      break;
    case 'delete':
      if (out.length > 0) out.splice(at(edit.at), 1);
      break;
    case 'move':
      if (out.length > 0) out.splice(at(edit.to), 0, ...out.splice(at(edit.from), 1));
      break;
    case 'swap-keys':
      if (out.length > 0) out[at(edit.at)] = { ...out[at(edit.at)], key: edit.key };
      break;
  }
  return out;
}

/** Each input's identity: key, position among the key's inputs, and the input itself. */
function identities(inputs: AgentInput[]): string[] {
  const seqs = new Map<string, number>();
  return inputs.map(({ key, input }) => {
    const seq = seqs.get(key) ?? 0;
    seqs.set(key, seq + 1);
    return `${key}#${seq}=${String(input)}`;
  });
}

/** An agent that charges every input once (with a reconciler over its ledger) and outputs it. */
function ledgerAgent(ledger: Map<string, number>) {
  return agentOf({
    name: 'charge',
    on: ['InputEvent'],
    run: async (event, ctx) => {
      const input = (event.attributes as { input: number }).input;
      const id = `${ctx.key}#${ctx.seq}=${input}`;
      const charge = async (what: string) => {
        ledger.set(what, (ledger.get(what) ?? 0) + 1);
        return `charged ${what}`;
      };
      const receipt = await ctx.durableExecute(charge, [id], {
        reconciler: () => (ledger.has(id) ? `charged ${id}` : charge(id)),
      });
      ctx.sendEvent(output(receipt));
    },
  });
}

describe('edited inputs between attempts (property)', () => {
  it(`run when they extend what was recorded, and are refused otherwise (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: keyArb, input: inputArb }), { minLength: 1, maxLength: 5 }),
        fc.array(editArb, { maxLength: 3 }),
        fc.option(fc.nat({ max: 40 }), { nil: undefined }),
        async (before, edits, crashAt) => {
          const ledger = new Map<string, number>();
          const agent = ledgerAgent(ledger);
          const inner = new MemoryStore();
          const store = new MortalStore(inner);
          let boundaries = 0;
          await runAttempt(before, {
            agent,
            store,
            hooks: {
              boundary() {
                if (store.dead || boundaries++ === crashAt) {
                  store.dead = true;
                  throw new CrashSignal('crash');
                }
              },
            },
          }).catch((error: unknown) => {
            if (!(error instanceof CrashSignal)) throw error;
          });
          const after = edits.reduce(applyEdit, before);
          // What the state holds: the input each (key, seq) with an action state was made for.
          const recorded = new Map(
            [...inner.states()].map((s) => [
              `${s.key}#${s.seq}`,
              (s.event.json as { attributes: { input: unknown } }).attributes.input,
            ]),
          );
          const changed = identities(after).find((id) => {
            const [where, input] = id.split('=');
            return recorded.has(where) && String(recorded.get(where)) !== input;
          });
          const persists = inner.persistCount;
          const notes = inner.timeline().length;
          let result;
          try {
            result = await runAttempt(after, { agent, store: inner, kind: 'recover' });
          } catch (error) {
            assert.ok(error instanceof InputsChangedError, String(error));
            assert.ok(changed, `refused inputs that extend the recorded ones: ${error.message}`);
            const [where] = changed.split('=');
            assert.equal(`${error.key}#${error.seq}`, where);
            assert.equal(inner.persistCount, persists);
            assert.equal(inner.timeline().length, notes);
            return;
          }
          assert.equal(changed, undefined, 'ran inputs that change recorded ones');
          // Every input of the run charged exactly once, and each output is its own input's.
          for (const id of identities(after)) assert.equal(ledger.get(id), 1, id);
          for (const [id, count] of ledger) assert.equal(count, 1, `${id} charged ${count} times`);
          const byKey = (list: Array<{ key: string; seq: number; output: unknown }>) =>
            list.map((o) => `${o.key}#${o.seq} ${String(o.output)}`).sort();
          const seqs = new Map<string, number>();
          const expected = after.map(({ key, input }) => {
            const seq = seqs.get(key) ?? 0;
            seqs.set(key, seq + 1);
            return { key, seq, output: `charged ${key}#${seq}=${input}` };
          });
          assert.deepEqual(byKey(result.outputs), byKey(expected));
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
