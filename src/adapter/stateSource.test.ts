// Unit test of the journal source: one question (such as the `slots` request, which asks for the
// slots of every action state) reads the journal once, however many action states it holds.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { defineAgent } from '../runtime/agent';
import { runAttempt } from '../runtime/agentRunner';
import { JournalStore } from '../runtime/journalStore';
import { journalSource } from './stateSource';
import { slotsBody } from './viewData';

async function work(n: number): Promise<number> {
  return n;
}

const agent = defineAgent({
  name: 'many-states',
  actions: [
    {
      name: 'handle',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        await ctx.durableExecute(work, [(event.attributes as { input: number }).input]);
      },
    },
  ],
});

describe('journalSource', () => {
  const open = JournalStore.open;
  afterEach(() => {
    JournalStore.open = open;
  });

  it('reads the journal once for a slots body of 200 action states, and again for the next question', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-source-'));
    const store = JournalStore.open(dir, { agent: 'many-states' });
    const inputs = Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 20}`, input: i }));
    await runAttempt(inputs, { agent, store });
    store.close();
    let reads = 0;
    JournalStore.open = (...args) => {
      reads++;
      return open.apply(JournalStore, args);
    };
    const body = await slotsBody(journalSource(dir), {}, () => undefined);
    assert.equal(body.states.length, 200);
    assert.ok(body.states.every((s) => s.slots.length === 1));
    assert.equal(reads, 1);
    await slotsBody(journalSource(dir), { start: 0, count: 1 }, () => undefined);
    assert.equal(reads, 2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
