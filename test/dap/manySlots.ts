// Writes what a crashed attempt of a long action leaves: an agent whose one action makes `n`
// durable calls then one more (`finish`), and a journal holding the first `n` slots SUCCEEDED.
// Used by the paging test and bench/dap.ts; written with plain file writes, in the journal format.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encode } from '../../src/runtime/codec';
import { argsDigest, stateIdOf } from '../../src/runtime/identity';
import { JOURNAL_FILE, JOURNAL_FORMAT, JOURNAL_VERSION } from '../../src/runtime/journalStore';
import { tempDir } from './support';

const AGENT = `import { defineAgent } from 'durable-run';

async function step(i: number): Promise<number> {
  return i * 2;
}

async function finish(): Promise<string> {
  return 'done';
}

export default defineAgent({
  name: 'many-slots',
  actions: [
    {
      name: 'steps',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        const n = event.attributes.input as number;
        for (let i = 0; i < n; i++) await ctx.durableExecute(step, [i]);
        await ctx.durableExecute(finish);
      },
    },
  ],
});
`;

export function writeManySlots(n: number): {
  program: string;
  stateDir: string;
  inputs: Array<{ key: string; input: number }>;
} {
  const dir = tempDir('durable-dap-many-');
  const program = path.join(dir, 'agent.ts');
  fs.writeFileSync(program, AGENT);
  const stateDir = path.join(dir, '.durable');
  fs.mkdirSync(stateDir);
  const identity = { key: 'k', seq: 0, eventIndex: 0, action: 'steps' };
  const id = stateIdOf(identity);
  const event = { type: 'InputEvent', attributes: { key: 'k', input: n } };
  const lines = [
    JSON.stringify({
      format: JOURNAL_FORMAT,
      version: JOURNAL_VERSION,
      agent: 'many-slots',
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
  fs.writeFileSync(path.join(stateDir, JOURNAL_FILE), lines.join('\n') + '\n');
  return { program, stateDir, inputs: [{ key: 'k', input: n }] };
}
