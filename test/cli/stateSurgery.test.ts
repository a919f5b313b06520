// CLI tests of state surgery: each edit kind, then a real recovery of a TypeScript agent that takes
// the path the edit implies; fork and diff; export and import byte for byte; an edit refused while
// another process holds the folder; bad input refused with nothing written.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { acquireStateLock } from '../../src/runtime/stateLock';
import {
  FIXTURES,
  eventsOf,
  jsonLines,
  ledgerCounts,
  runCli,
  slotsOf,
  slotSummary,
  tempDir,
  writeInputs,
  type CliResult,
} from '../crash/cliHarness';

const AGENT = path.join(FIXTURES, 'ledgerAgent.ts');
const ORDER = 'alice#0/0/order';

interface Setup {
  dir: string;
  state: string;
  env: NodeJS.ProcessEnv;
  ledger: string;
}

/** Runs the ledger agent over one order; crashes before the order action completes unless `finish`. */
async function setup(finish = false): Promise<Setup> {
  const dir = tempDir();
  const state = path.join(dir, 'state');
  const ledger = path.join(dir, 'ledger.jsonl');
  const env = { CRASH_LEDGER: ledger };
  const inputs = writeInputs(dir, [{ key: 'alice', input: { id: 'o1', cents: 500 } }]);
  const args = ['run', AGENT, '--inputs', inputs, '--state', state, '--json'];
  const result = await runCli(finish ? args : [...args, '--crash', 'before-complete:order'], {
    env,
  });
  assert.equal(result.code, finish ? 0 : 3, result.stderr);
  return { dir, state, env, ledger };
}

async function cli(s: Setup, args: string[], code = 0): Promise<CliResult> {
  const result = await runCli(args, { env: s.env });
  assert.equal(result.code, code, `durable-run ${args.join(' ')}\n${result.stderr}`);
  return result;
}

const edit = (s: Setup, ...args: string[]) =>
  cli(s, ['edit', '--state', s.state, ...args, '--json']);
const recover = (s: Setup, code = 0) =>
  cli(s, ['recover', AGENT, '--state', s.state, '--json'], code);

/** The path and status each call of the order action took, as `#index path status`. */
function orderCalls(result: CliResult): string[] {
  return eventsOf(result, 'call')
    .filter((e) => e.action === 'order')
    .map((e) => `#${e.index} ${e.path} ${e.status}`);
}

describe('durable-run edit, then recover', () => {
  it('a slot made PENDING goes to its reconciler, which finds the charge made', async () => {
    const s = await setup();
    const edited = jsonLines((await edit(s, '--slot', `${ORDER}#1`, '--pending')).stdout);
    assert.equal(edited.find((e) => e.event === 'edit')?.kind, 'pending');
    assert.deepEqual(slotSummary(await slotsOf(s.state))[1], `${ORDER} #1 charge PENDING`);
    const timeline = jsonLines((await cli(s, ['timeline', '--state', s.state, '--json'])).stdout);
    assert.deepEqual(
      (timeline[0].edits as Array<{ id: string; index: number; kind: string; change: string }>).map(
        (e) => `${e.id} #${e.index} ${e.kind}: ${e.change}`,
      ),
      [`${ORDER} #1 pending: SUCCEEDED → PENDING`],
    );
    const text = await cli(s, ['timeline', '--state', s.state]);
    assert.match(
      text.stdout,
      /edited after it \(.*\): alice#0\/0\/order #1 pending: SUCCEEDED → PENDING/,
    );
    const result = await recover(s);
    assert.deepEqual(orderCalls(result), [
      '#0 replay SUCCEEDED',
      '#1 reconcile SUCCEEDED',
      '#2 replay SUCCEEDED',
    ]);
    assert.equal(ledgerCounts(s.ledger)['charge:o1'], 1);
  });

  it('a slot given another error replays that error, and the action fails with it', async () => {
    const s = await setup();
    await edit(s, '--slot', `${ORDER}#0`, '--fail', 'quote service down');
    const result = await recover(s, 1);
    assert.deepEqual(orderCalls(result), ['#0 replay FAILED']);
    const done = eventsOf(result, 'done')[0] as { failures: Array<{ error: { message: string } }> };
    assert.equal(done.failures[0].error.message, 'quote service down');
  });

  it('a slot given another result replays it, and the action goes on with it', async () => {
    const s = await setup();
    await edit(s, '--slot', `${ORDER}#1`, '--succeed', '{"op":"refund","id":"o1"}');
    const result = await recover(s);
    assert.deepEqual(orderCalls(result), [
      '#0 replay SUCCEEDED',
      '#1 replay SUCCEEDED',
      '#2 replay SUCCEEDED',
    ]);
    const output = eventsOf(result, 'output')[0].output as { charged: string };
    assert.equal(output.charged, 'refund');
  });

  it('a dropped slot and those after it run again', async () => {
    const s = await setup();
    await edit(s, '--slot', `${ORDER}#1`, '--drop');
    assert.deepEqual(slotSummary(await slotsOf(s.state)), [`${ORDER} #0 quote SUCCEEDED`]);
    const result = await recover(s);
    assert.deepEqual(orderCalls(result), [
      '#0 replay SUCCEEDED',
      '#1 execute SUCCEEDED',
      '#2 execute SUCCEEDED',
    ]);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 2, 'email:o1': 2, 'label:o1': 1 });
  });

  it('an action state marked not completed runs again, its calls replayed', async () => {
    const s = await setup(true);
    const untouched = await recover(s);
    assert.deepEqual(orderCalls(untouched), [], 'a completed action is not run again');
    await edit(s, '--action', ORDER, '--not-completed');
    const result = await recover(s);
    assert.deepEqual(orderCalls(result), [
      '#0 replay SUCCEEDED',
      '#1 replay SUCCEEDED',
      '#2 replay SUCCEEDED',
    ]);
    assert.ok((await slotsOf(s.state)).find((x) => x.id === ORDER)?.completed);
  });

  it('a slot edit of a completed action warns that the action must be marked not completed', async () => {
    const s = await setup(true);
    const lines = jsonLines((await edit(s, '--slot', `${ORDER}#0`, '--pending')).stdout);
    const warning = lines.find((e) => e.event === 'warning');
    assert.match(String(warning?.message), /--not-completed/);
  });
});

describe('durable-run --help', () => {
  it('documents every state surgery command', async () => {
    const result = await runCli(['--help']);
    for (const usage of [
      /durable-run edit --state DIR --slot STATE_ID#INDEX \(--pending \| --succeed JSON \| --fail MESSAGE \| --drop\)/,
      /durable-run edit --state DIR --action STATE_ID --not-completed/,
      /durable-run fork --state DIR --to DIR2 \[--attempt N\]/,
      /durable-run diff --state DIR \(--attempts A B \| --against DIR2\)/,
      /durable-run export --state DIR --out FILE/,
      /durable-run import FILE --state DIR/,
      /durable-run import-flink DUMP --state DIR/,
    ])
      assert.match(result.stdout, usage);
  });
});

describe('durable-run edit refusals', () => {
  it('is refused while another process holds the state folder, naming it', async () => {
    const s = await setup();
    const before = fs.readFileSync(path.join(s.state, 'journal.jsonl'));
    const lock = await acquireStateLock(s.state, 'surgery test holder');
    try {
      const result = await cli(
        s,
        ['edit', '--state', s.state, '--slot', `${ORDER}#0`, '--drop'],
        2,
      );
      assert.match(
        result.stderr,
        new RegExp(`in use by pid ${process.pid} \\(surgery test holder`),
      );
    } finally {
      await lock.release();
    }
    assert.deepEqual(fs.readFileSync(path.join(s.state, 'journal.jsonl')), before);
  });

  it('bad input is a clear error, and nothing is written', async () => {
    const s = await setup();
    const journal = path.join(s.state, 'journal.jsonl');
    const before = fs.readFileSync(journal);
    const cases: Array<[string[], RegExp]> = [
      [
        ['--slot', 'bob#0/0/order#0', '--pending'],
        /no action state "bob#0\/0\/order".*holds alice#0\/0\/order/,
      ],
      [['--slot', `${ORDER}#9`, '--pending'], /has no slot 9: its slots are 0 to 2/],
      [['--slot', ORDER, '--pending'], /is not a slot: write STATE_ID#INDEX/],
      [['--slot', `${ORDER}#1`, '--succeed', '{nope'], /--succeed is not valid JSON/],
      [['--slot', `${ORDER}#1`, '--pending', '--drop'], /one change at a time.*--pending, --drop/],
      [['--slot', `${ORDER}#1`, '--not-completed'], /--not-completed changes an action state/],
      [['--action', ORDER, '--pending'], /--pending changes a slot/],
      [['--action', ORDER, '--not-completed'], /is not completed: there is nothing to undo/],
      [['--slot', `${ORDER}#1`, '--action', ORDER, '--drop'], /either --slot .* or --action/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(s, ['edit', '--state', s.state, ...args], 2);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.deepEqual(fs.readFileSync(journal), before);
    const missing = await cli(
      s,
      ['edit', '--state', path.join(s.dir, 'nope'), '--slot', `${ORDER}#0`, '--drop'],
      2,
    );
    assert.match(missing.stderr, /there is no journal at .*nothing to edit/);
    assert.equal(fs.existsSync(path.join(s.dir, 'nope')), false);
  });
});

describe('durable-run fork, diff, export and import', () => {
  it('a fork at the end of attempt 1 holds the state as it stood then; diff shows what changed', async () => {
    const s = await setup();
    await recover(s);
    const fork = path.join(s.dir, 'fork');
    await cli(s, ['fork', '--state', s.state, '--to', fork, '--attempt', '1', '--json']);
    const forked = await slotsOf(fork);
    assert.deepEqual(
      forked.map((x) => `${x.id} ${x.completed}`),
      [`${ORDER} false`],
    );
    const byAttempts = jsonLines(
      (await cli(s, ['diff', '--state', s.state, '--attempts', '1', '2', '--json'])).stdout,
    );
    const byFolders = jsonLines(
      (await cli(s, ['diff', '--state', fork, '--against', s.state, '--json'])).stdout,
    );
    for (const diffs of [byAttempts, byFolders]) {
      const order = diffs.find((d) => d.id === ORDER) as unknown as {
        differs: string[];
        slots: Array<{ index: number; left: { path: string }; right: { path: string } }>;
      };
      assert.deepEqual(order.differs, ['completed', 'slots']);
      assert.deepEqual(
        order.slots.map((x) => `${x.index} ${x.left.path}→${x.right.path}`),
        ['0 execute→replay', '1 execute→replay', '2 execute→replay'],
      );
      assert.deepEqual(diffs.find((d) => d.id === 'alice#0/1/ship')?.differs, ['missing', 'slots']);
    }
    // The fork is a state folder of its own: recovering it runs the rest there.
    const result = await cli(s, ['recover', AGENT, '--state', fork, '--json']);
    assert.equal(eventsOf(result, 'output').length, 1);
    const same = await cli(s, ['diff', '--state', fork, '--against', s.state, '--json']);
    assert.equal(same.stdout, '');
  });

  it('export then import gives the journal back byte for byte, with the recorded inputs', async () => {
    const s = await setup();
    await edit(s, '--slot', `${ORDER}#1`, '--pending');
    const out = path.join(s.dir, 'run.durable.json');
    await cli(s, ['export', '--state', s.state, '--out', out, '--agent', AGENT, '--json']);
    const exported = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.equal(exported.format, 'durable-run-export');
    assert.deepEqual(exported.inputs, [{ key: 'alice', input: { id: 'o1', cents: 500 } }]);
    assert.equal((exported.agentFile as { name: string }).name, 'ledgerAgent.ts');
    const copy = path.join(s.dir, 'imported');
    await cli(s, ['import', out, '--state', copy, '--json']);
    assert.deepEqual(
      fs.readFileSync(path.join(copy, 'journal.jsonl')),
      fs.readFileSync(path.join(s.state, 'journal.jsonl')),
    );
    const same = await cli(s, ['import', out, '--state', `${copy}-same`, '--agent', AGENT]);
    assert.doesNotMatch(same.stderr, /warning/);
    const changed = path.join(s.dir, 'changedAgent.ts');
    fs.writeFileSync(changed, `${fs.readFileSync(AGENT, 'utf8')}\n// changed\n`);
    const other = await cli(s, ['import', out, '--state', `${copy}-other`, '--agent', changed]);
    assert.match(
      other.stderr,
      /is not the agent file the state was exported with \(ledgerAgent\.ts/,
    );
    const again = await cli(s, ['import', out, '--state', copy], 2);
    assert.match(again.stderr, /exists already: a fork or an import never overwrites/);
    const taken = await cli(s, ['export', '--state', s.state, '--out', out], 2);
    assert.match(taken.stderr, /exists already: an export never overwrites/);
    fs.writeFileSync(out, JSON.stringify({ ...exported, journal: `${String(exported.journal)} ` }));
    const damaged = await cli(s, ['import', out, '--state', path.join(s.dir, 'other')], 2);
    assert.match(damaged.stderr, /does not match its "journalSha256"/);
    assert.equal(fs.existsSync(path.join(s.dir, 'other', 'journal.jsonl')), false);
  });

  it('fork, diff, export and import refuse bad input clearly, writing nothing', async () => {
    const s = await setup();
    const cases: Array<[string[], RegExp]> = [
      [['fork', '--state', s.state, '--to', s.state], /a fork needs a folder of its own/],
      [
        ['fork', '--state', s.state, '--to', path.join(s.dir, 'f'), '--attempt', '9'],
        /has no attempt 9: its attempts are 1/,
      ],
      [
        ['fork', '--state', s.state, '--to', path.join(s.dir, 'f'), '--attempt', 'x'],
        /--attempt takes an attempt number/,
      ],
      [['diff', '--state', s.state], /diff needs either --attempts A B or --against DIR2/],
      [['diff', '--state', s.state, '--attempts', '1'], /--attempts needs two values/],
      [['diff', '--state', s.state, '--attempts', '1', '7'], /has no attempt 7/],
      [
        ['export', '--state', path.join(s.dir, 'none'), '--out', path.join(s.dir, 'x.json')],
        /no journal at/,
      ],
      [
        ['import', path.join(s.dir, 'missing.json'), '--state', path.join(s.dir, 'g')],
        /not a readable JSON file/,
      ],
      [
        ['import-flink', path.join(s.dir, 'missing.txt'), '--state', path.join(s.dir, 'g')],
        /cannot read the dump/,
      ],
      [
        ['edit', '--state', s.state, '--slot', `${ORDER}#0`, '--drop', '--to', 'x'],
        /edit does not take --to/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await cli(s, args, 2);
      assert.match(result.stderr, message, args.join(' '));
    }
    for (const name of ['f', 'g', 'x.json'])
      assert.equal(fs.existsSync(path.join(s.dir, name)), false);
  });
});
