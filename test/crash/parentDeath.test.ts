// Crash tests of a CLI killed by SIGKILL while its agent runs: the worker stops running agent code
// at once, writes nothing after its parent died (neither its own files nor the journal), and what
// the agent started goes with it. The agent either never yields (a loop that keeps the worker's
// event loop busy) or makes durable calls without end (the journal grows until it stops).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  isAlive,
  runCli,
  slotsOf,
  tempDir,
  waitFor,
  workerOf,
  writeAgent,
  writeInputs,
} from './cliHarness';

const AGENT = `import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { defineAgent } from 'durable-run';
const TRACE = process.env.PARENT_DEATH_TRACE ?? '';
async function tick(n: number): Promise<number> {
  return n;
}
export default defineAgent({
  name: 'busy',
  actions: [{
    name: 'work',
    on: ['InputEvent'],
    async run(event, ctx) {
      const child = spawn('sleep', ['300'], { stdio: 'ignore' });
      fs.writeFileSync(TRACE + '.child', String(child.pid));
      if (event.attributes.input === 'busy') {
        await ctx.durableExecute(tick, [0]);
        const fd = fs.openSync(TRACE, 'a');
        // Never yields: a line a millisecond, and no message from the parent is ever read.
        for (let i = 0, last = 0; ; ) {
          const now = Date.now();
          if (now !== last) fs.writeSync(fd, String(i++) + '\\n');
          last = now;
        }
      }
      for (let i = 0; ; i++) {
        await ctx.durableExecute(tick, [i]);
        fs.appendFileSync(TRACE, String(i) + '\\n');
      }
    },
  }],
});
`;

function sizeOf(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

for (const mode of ['busy', 'calls'] as const) {
  describe(`a CLI killed by SIGKILL while its agent ${mode === 'busy' ? 'never yields' : 'makes durable calls without end'}`, () => {
    it('takes its worker and what the agent started with it, and nothing is written after it died', async () => {
      const dir = tempDir();
      const agent = writeAgent(dir, 'busy.ts', AGENT);
      const trace = path.join(dir, 'trace');
      const state = path.join(dir, 'state');
      const journal = path.join(state, 'journal.jsonl');
      let cliPid = 0;
      const finished = runCli(
        ['run', agent, '--inputs', writeInputs(dir, [{ key: 'k', input: mode }]), '--state', state],
        {
          env: { PARENT_DEATH_TRACE: trace },
          onSpawn: (child) => {
            cliPid = child.pid!;
          },
        },
      );
      assert.ok(
        await waitFor(() => sizeOf(trace) > 20 && fs.existsSync(`${trace}.child`), 30_000),
        'the agent reached its loop',
      );
      const workerPid = await workerOf(cliPid);
      const childPid = Number(fs.readFileSync(`${trace}.child`, 'utf8'));
      assert.ok(isAlive(childPid));
      process.kill(cliPid, 'SIGKILL');
      const result = await finished;
      assert.equal(result.signal, 'SIGKILL');
      // The CLI is gone (reaped): from here on, its worker may write nothing more.
      const traced = sizeOf(trace);
      const journaled = sizeOf(journal);
      assert.ok(
        await waitFor(() => !isAlive(workerPid) && !isAlive(childPid), 10_000),
        `left behind: ${[workerPid, childPid].filter(isAlive).join(', ')}`,
      );
      assert.equal(sizeOf(trace), traced, 'the agent ran on after its CLI died');
      assert.equal(sizeOf(journal), journaled, 'the journal grew after the CLI died');
      // What was persisted is intact.
      const [work] = await slotsOf(state);
      assert.ok(work.slots.length >= 1);
      assert.ok(work.slots.every((slot) => slot.status === 'SUCCEEDED'));
    });
  });
}
