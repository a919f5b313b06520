// The agent outline's durable calls: where each call's arguments end, and the lines of its
// reconciler however it is written (inline, multi-line arrow, method, named, shorthand), which
// breakpoints in a reconciler are mapped by.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outlineSource } from './agentOutline';

const SOURCE = `import { defineAgent } from 'durable-run';
async function charge() { return 1; }
async function findIt() {
  return 2;
}
const reconciler = async () => {
  return 3;
};
export default defineAgent({ name: 'x', actions: [{ name: 'a', on: ['InputEvent'], async run(e, ctx) {
  await ctx.durableExecute(charge, [], { reconciler: findIt });
  await ctx.durableExecute(charge, [], { reconciler });
  await ctx.durableExecute(charge, [], {
    reconciler: async () =>
      3,
  });
  await ctx.durableExecute(charge, [], { reconciler() { return 4; } });
  await ctx.durableExecute(charge, [1]);
} }] });
`;

describe('the outline of durable calls', () => {
  const calls = outlineSource(SOURCE).calls;

  it('finds where each call’s arguments end', () => {
    assert.deepEqual(
      calls.map((c) => [c.line, c.endLine]),
      [
        [10, 10],
        [11, 11],
        [12, 15],
        [16, 16],
        [17, 17],
      ],
    );
  });

  it('finds the lines of each reconciler: the value written, and a function it names', () => {
    assert.deepEqual(
      calls.map((c) => c.reconciler),
      [
        [
          [10, 10],
          [3, 5],
        ],
        [[6, 8]],
        [[13, 14]],
        [[16, 16]],
        undefined,
      ],
    );
  });
});
