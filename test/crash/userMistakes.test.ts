// Crash tests of ordinary mistakes, through the built CLI and real processes: inputs changed
// between attempts, an agent whose actions were reordered between a crash and its recovery, a
// forgotten `await`, and payloads the codec used to break (a Buffer in a result, an event and
// memory). None may lose or double a side effect, or poison the state folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  callPaths,
  eventsOf,
  jsonLines,
  ledgerCounts,
  runCli,
  slotsOf,
  tempDir,
  writeAgent,
  writeInputs,
} from './cliHarness';

/** Ledger helpers every agent below starts with: side effects go to the file in CRASH_LEDGER. */
const LEDGER_PRELUDE = `import * as fs from 'node:fs';
import { defineAgent } from 'durable-run';
const LEDGER = process.env.CRASH_LEDGER ?? '';
function record(op: string, id: string): void {
  fs.appendFileSync(LEDGER, JSON.stringify({ op, id }) + '\\n');
}
function found(op: string, id: string): boolean {
  if (!fs.existsSync(LEDGER)) return false;
  return fs.readFileSync(LEDGER, 'utf8').split('\\n').filter(Boolean)
    .some((line) => { const e = JSON.parse(line); return e.op === op && e.id === id; });
}
async function charge(id: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  record('charge', id);
  return 'charged ' + id;
}
`;

function setup(name: string, source: string) {
  const dir = tempDir();
  const ledger = path.join(dir, 'ledger.jsonl');
  return {
    dir,
    ledger,
    agent: writeAgent(dir, name, LEDGER_PRELUDE + source),
    state: path.join(dir, 'state'),
    env: { CRASH_LEDGER: ledger },
  };
}

const CHECKOUT = `export default defineAgent({
  name: 'checkout',
  actions: [{
    name: 'checkout',
    on: ['InputEvent'],
    async run(event, ctx) {
      const id = String(event.attributes.input);
      const receipt = await ctx.durableExecute(charge, [id], {
        reconciler: async () => (found('charge', id) ? 'charged ' + id : charge(id)),
      });
      ctx.sendEvent({ type: 'OutputEvent', attributes: { output: receipt } });
    },
  }],
});
`;

describe('inputs changed between attempts, through the CLI', () => {
  async function firstRun() {
    const s = setup('checkout.ts', CHECKOUT);
    const inputs = writeInputs(s.dir, [{ key: 'k', input: 1 }]);
    const run = await runCli(['run', s.agent, '--inputs', inputs, '--state', s.state], {
      env: s.env,
    });
    assert.equal(run.code, 0, run.stderr);
    return s;
  }

  for (const command of ['recover', 'run'] as const) {
    it(`${command} with another input where one ran is refused with exit 2, naming key, position, was and now; nothing is charged or written`, async () => {
      const s = await firstRun();
      const journal = fs.readFileSync(path.join(s.state, 'journal.jsonl'), 'utf8');
      const changed = writeInputs(s.dir, [{ key: 'k', input: 5 }]);
      const result = await runCli(
        [command, s.agent, '--inputs', changed, '--state', s.state, '--json'],
        { env: s.env },
      );
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /input 1 of key "k" \(seq 0\) was 1 and is now 5/);
      assert.match(result.stderr, /--fresh/);
      assert.doesNotMatch(result.stderr, /internal error/);
      assert.deepEqual(
        eventsOf(result, 'error').map((e) => e.kind),
        ['input'],
      );
      assert.deepEqual(ledgerCounts(s.ledger), { 'charge:1': 1 });
      assert.equal(fs.readFileSync(path.join(s.state, 'journal.jsonl'), 'utf8'), journal);
    });
  }

  it('an input put before the recorded one is refused too', async () => {
    const s = await firstRun();
    const prepended = writeInputs(s.dir, [
      { key: 'k', input: 0 },
      { key: 'k', input: 1 },
    ]);
    const result = await runCli(['run', s.agent, '--inputs', prepended, '--state', s.state], {
      env: s.env,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /was 1 and is now 0/);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:1': 1 });
  });

  it('an input added after the recorded one runs, the recorded one is replayed; --fresh runs changed inputs', async () => {
    const s = await firstRun();
    const appended = writeInputs(s.dir, [
      { key: 'k', input: 1 },
      { key: 'k', input: 2 },
    ]);
    const more = await runCli(
      ['run', s.agent, '--inputs', appended, '--state', s.state, '--json'],
      { env: s.env },
    );
    assert.equal(more.code, 0, more.stderr);
    assert.deepEqual(
      eventsOf(more, 'output').map((e) => [e.seq, e.output, e.replayed]),
      [
        [0, 'charged 1', true],
        [1, 'charged 2', false],
      ],
    );
    const fresh = await runCli(
      [
        'run',
        s.agent,
        '--inputs',
        writeInputs(s.dir, [{ key: 'k', input: 5 }]),
        '--state',
        s.state,
        '--fresh',
      ],
      { env: s.env },
    );
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:1': 1, 'charge:2': 1, 'charge:5': 1 });
  });
});

/** Two jobs fanned out from each input; `work` charges each once, with a reconciler. */
function jobsAgent(order: string[]): string {
  const emitters = order
    .map(
      (job) => `{ name: 'emit-${job}', on: ['InputEvent'],
    run: (_e, ctx) => ctx.sendEvent({ type: 'Job', attributes: { job: '${job}' } }) },`,
    )
    .join('\n    ');
  return `export default defineAgent({
  name: 'jobs',
  actions: [
    ${emitters}
    { name: 'work', on: ['Job'], async run(event, ctx) {
      const job = String(event.attributes.job);
      const paid = await ctx.durableExecute(charge, [job], {
        reconciler: async () => (found('charge', job) ? 'charged ' + job : charge(job)),
      });
      ctx.sendEvent({ type: 'OutputEvent', attributes: { output: paid } });
    } },
  ],
});
`;
}

describe('actions reordered between a crash and its recovery, through the CLI', () => {
  it('each job gets its own state back: every job charged once, each output its own', async () => {
    const s = setup('jobs.ts', jobsAgent(['a', 'b']));
    const inputs = writeInputs(s.dir, [{ key: 'k', input: 0 }]);
    // The first job's charge happens; the process dies before its outcome is persisted.
    const run = await runCli(
      [
        'run',
        s.agent,
        '--inputs',
        inputs,
        '--state',
        s.state,
        '--crash',
        'before-outcome:charge',
        '--json',
      ],
      { env: s.env },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:a': 1 });
    fs.writeFileSync(s.agent, LEDGER_PRELUDE + jobsAgent(['b', 'a']));
    const recovered = await runCli(['recover', s.agent, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:a': 1, 'charge:b': 1 });
    assert.deepEqual(
      eventsOf(recovered, 'output')
        .map((e) => e.output)
        .sort(),
      ['charged a', 'charged b'],
    );
    assert.deepEqual(callPaths(recovered).sort(), [
      'k work#0 charge execute SUCCEEDED',
      'k work#0 charge reconcile SUCCEEDED',
    ]);
    const [warning] = eventsOf(recovered, 'warning');
    assert.match(
      String(warning.message),
      /action state k#0\/1\/work was made for another event .*\(was Job \{"job":"a"\}, now Job \{"job":"b"\}\).*new action state k#0\/2\/work/,
    );
    // And the next recovery finds each job's state: nothing runs.
    const again = await runCli(['recover', s.agent, '--state', s.state, '--json'], { env: s.env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      eventsOf(again, 'output').map((e) => e.replayed),
      [true, true],
    );
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:a': 1, 'charge:b': 1 });
  });
});

describe('a forgotten await, through the CLI', () => {
  const FORGETFUL = `export default defineAgent({
  name: 'forgetful',
  actions: [{
    name: 'checkout',
    on: ['InputEvent'],
    async run(event, ctx) {
      const id = String(event.attributes.input);
      ctx.durableExecute(charge, [id], { reconciler: async () => (found('charge', id) ? 'charged ' + id : charge(id)) });
      ctx.sendEvent({ type: 'OutputEvent', attributes: { output: 'ordered ' + id } });
    },
  }],
});
`;
  const callLine = LEDGER_PRELUDE.split('\n').length + 7;

  it('the worker waits for the call before the action completes, and warns with the call and its line; a recovery reuses it', async () => {
    const s = setup('forgetful.ts', FORGETFUL);
    const inputs = writeInputs(s.dir, [{ key: 'k', input: 7 }]);
    const run = await runCli(['run', s.agent, '--inputs', inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:7': 1 });
    const warnings = eventsOf(run, 'warning').map((e) => String(e.message));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      new RegExp(
        `durable call charge at ${s.agent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${callLine}:\\d+ was still in flight \\(a missing "await"\\?\\).*its outcome \\(SUCCEEDED\\) was persisted`,
      ),
    );
    const [state] = await slotsOf(s.state);
    assert.equal(state.completed, true);
    assert.deepEqual(
      state.slots.map((slot) => `${slot.functionId} ${slot.status}`),
      ['charge SUCCEEDED'],
    );
    const recovered = await runCli(['recover', s.agent, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(
      eventsOf(recovered, 'output').map((e) => [e.output, e.replayed]),
      [['ordered 7', true]],
    );
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:7': 1 });
  });

  it('a crash before the action completes leaves the call’s outcome persisted, and the recovery replays it', async () => {
    const s = setup('forgetful.ts', FORGETFUL);
    const inputs = writeInputs(s.dir, [{ key: 'k', input: 8 }]);
    const run = await runCli(
      [
        'run',
        s.agent,
        '--inputs',
        inputs,
        '--state',
        s.state,
        '--crash',
        'before-complete:checkout',
        '--json',
      ],
      { env: s.env },
    );
    assert.equal(run.code, 3, run.stderr);
    const recovered = await runCli(['recover', s.agent, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), ['k checkout#0 charge replay SUCCEEDED']);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:8': 1 });
  });
});

describe('a Buffer in a result, an event and memory, through the CLI', () => {
  const BUFFERS = `async function render(id: string): Promise<Buffer> {
  return Buffer.from('pdf:' + id);
}
export default defineAgent({
  name: 'buffers',
  actions: [
    { name: 'invoice', on: ['InputEvent'], async run(event, ctx) {
      const pdf = await ctx.durableExecute(render, [String(event.attributes.input)]);
      ctx.memory.set('pdf', pdf);
      ctx.sendEvent({ type: 'Rendered', attributes: { pdf } });
    } },
    { name: 'mail', on: ['Rendered'], run(event, ctx) {
      const pdf = event.attributes.pdf as Buffer;
      const kept = ctx.memory.get<Buffer>('pdf');
      ctx.sendEvent({ type: 'OutputEvent', attributes: { output: {
        event: Buffer.isBuffer(pdf) && pdf.toString(),
        memory: Buffer.isBuffer(kept) && kept.toString(),
      } } });
    } },
  ],
});
`;

  for (const crash of ['before-complete:invoice', 'before-complete:mail']) {
    it(`a run crashed at ${crash} recovers with exit 0 and the same Buffers (it failed every recovery before)`, async () => {
      const s = setup('buffers.ts', BUFFERS);
      const inputs = writeInputs(s.dir, [{ key: 'k', input: 'o1' }]);
      const run = await runCli(
        ['run', s.agent, '--inputs', inputs, '--state', s.state, '--crash', crash, '--json'],
        { env: s.env },
      );
      assert.equal(run.code, 3, run.stderr);
      const recovered = await runCli(['recover', s.agent, '--state', s.state, '--json'], {
        env: s.env,
      });
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(
        eventsOf(recovered, 'output').map((e) => e.output),
        [{ event: 'pdf:o1', memory: 'pdf:o1' }],
      );
      const slots = jsonLines((await runCli(['slots', '--state', s.state, '--json'])).stdout);
      assert.ok(slots.every((st) => st.completed === true));
    });
  }
});

describe('memory and events while a durable call is in flight, through the CLI', () => {
  const BUSY = `async function leak(use: () => void): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  try {
    use();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}
export default defineAgent({
  name: 'busy-body',
  actions: [{
    name: 'checkout',
    on: ['InputEvent'],
    async run(event, ctx) {
      const id = String(event.attributes.input);
      const paying = ctx.durableExecute(charge, [id]);
      // The charge is running now; this is the action's own code, not the charge's.
      await new Promise((resolve) => setTimeout(resolve, 20));
      ctx.memory.set('status', 'charging');
      ctx.sendEvent({ type: 'Progress', attributes: { id } });
      const inside = await ctx.durableExecute(() => leak(() => ctx.memory.set('x', 1)), [], { id: 'leak' });
      ctx.sendEvent({ type: 'OutputEvent', attributes: { output: {
        receipt: await paying, status: ctx.memory.get('status'), inside,
      } } });
    },
  }],
});
`;

  it('the action’s own code may use them; the durable function’s code may not', async () => {
    const s = setup('busy.ts', BUSY);
    const inputs = writeInputs(s.dir, [{ key: 'k', input: 3 }]);
    const run = await runCli(['run', s.agent, '--inputs', inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 0, run.stderr);
    const [out] = eventsOf(run, 'output');
    assert.deepEqual(Object.keys(out.output as object), ['receipt', 'status', 'inside']);
    const { receipt, status, inside } = out.output as Record<string, string>;
    assert.equal(receipt, 'charged 3');
    assert.equal(status, 'charging');
    assert.match(inside, /^ctx\.memory\.set cannot be used inside a durable call/);
  });
});
