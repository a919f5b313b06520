// Crash tests: corrupt and foreign state folders, through the built CLI. A torn last line (and a
// torn line whose repair was itself cut short) is tolerated, reported and kept; everything else
// gets a specific error naming the file (and line) and what to do, exit 2, and the journal's
// bytes are left exactly as they were. The read-only and full-disk cases mount a tmpfs (we run
// as root, so chmod would not stop a write) and are skipped when mounting is not permitted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FIXTURES,
  PAYMENTS,
  callPaths,
  eventsOf,
  ledgerCounts,
  runCli,
  slotSummary,
  slotsOf,
  tempDir,
  writeAgent,
  writeInputs,
  recoverJson,
} from './cliHarness';

const AGENT = path.join(FIXTURES, 'ledgerAgent.ts');

interface Setup {
  dir: string;
  state: string;
  journal: string;
  ledger: string;
  inputs: string;
  env: Record<string, string>;
}

/** A state folder holding the journal of a run that crashed at `crash`. */
async function crashedState(crash = 'before-outcome:charge', stateDir?: string): Promise<Setup> {
  const dir = tempDir();
  const state = stateDir ?? path.join(dir, 'state');
  const ledger = path.join(dir, 'ledger.jsonl');
  const inputs = writeInputs(dir, [{ key: 'a', input: { id: 'o1', cents: 500 } }]);
  const env = { CRASH_LEDGER: ledger };
  const run = await runCli(
    ['run', AGENT, '--inputs', inputs, '--state', state, '--crash', crash, '--json'],
    {
      env,
    },
  );
  assert.equal(run.code, 3, run.stderr);
  return { dir, state, journal: path.join(state, 'journal.jsonl'), ledger, inputs, env };
}

/** Runs slots, timeline and recover on a bad state folder: each exits 2 with `message`. */
async function refusedEverywhere(s: Setup, message: RegExp, readable = false): Promise<void> {
  const bytes =
    fs.existsSync(s.journal) && fs.statSync(s.journal).isFile()
      ? fs.readFileSync(s.journal)
      : undefined;
  const commands = [
    ...(readable
      ? []
      : [
          ['slots', '--state', s.state],
          ['timeline', '--state', s.state, '--json'],
        ]),
    ['recover', AGENT, '--state', s.state],
    ['recover', AGENT, '--state', s.state, '--json'],
    ['run', AGENT, '--inputs', s.inputs, '--state', s.state],
  ];
  for (const args of commands) {
    const result = await runCli(args, { env: s.env });
    assert.equal(result.code, 2, `durable-run ${args[0]}: ${result.stderr}`);
    assert.match(result.stderr, message, `durable-run ${args[0]}`);
    assert.doesNotMatch(result.stderr, /internal error|\n {4}at /);
    // run and recover report it as an `error` line too (slots and timeline: stderr only).
    if (args.includes('--json') && args[0] === 'recover') {
      const [error] = eventsOf(result, 'error');
      assert.equal(error.kind, 'state');
      assert.match(String(error.message), message);
    }
  }
  if (bytes)
    assert.deepEqual(fs.readFileSync(s.journal), bytes, 'the journal is byte for byte unchanged');
}

describe('a torn journal through the CLI', () => {
  it('a torn last line is tolerated and reported, recovery completes, and the torn bytes stay in the file', async () => {
    const s = await crashedState();
    fs.appendFileSync(
      s.journal,
      '{"op":"slot","id":"a#0/0/order","index":2,"slot":{"functionId":"em',
    );
    const torn = fs.readFileSync(s.journal);
    const lineCount = torn.toString().split('\n').length;

    const slots = await runCli(['slots', '--state', s.state]);
    assert.equal(slots.code, 0, slots.stderr);
    assert.match(
      slots.stderr,
      new RegExp(
        `warning: .*journal\\.jsonl:${lineCount}: the last line is incomplete \\(the process died while writing it\\)`,
      ),
    );
    assert.deepEqual(fs.readFileSync(s.journal), torn, 'reading changes nothing');

    const recovered = await recoverJson(AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    const [warning] = eventsOf(recovered, 'warning');
    assert.match(
      String(warning.message),
      new RegExp(`journal\\.jsonl:${lineCount}: the last line is incomplete`),
    );
    assert.ok(callPaths(recovered).includes('a order#1 charge reconcile SUCCEEDED'));
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 1, 'email:o1': 1, 'label:o1': 1 });

    const after = fs.readFileSync(s.journal);
    assert.deepEqual(after.subarray(0, torn.length), torn, 'the torn bytes are still in the file');
    const again = await runCli(['slots', '--state', s.state]);
    assert.equal(again.code, 0);
    assert.equal(again.stderr, '', 'once marked, the torn line is no longer reported');
  });

  // A torn line is repaired by the next write (a newline, then a marker naming the line). When
  // that write dies too, its first bytes are all that is left after the torn line.
  for (const [what, debris] of [
    ['only the newline', '\n'],
    ['the newline and part of the marker', '\n{"op":"to'],
    ['the newline and the whole marker, without its newline', '\n{"op":"torn","line":LINE}'],
  ] as const) {
    it(`a torn line whose repair died after ${what} is still tolerated, and recovery completes`, async () => {
      const s = await crashedState();
      fs.appendFileSync(s.journal, '{"op":"slot","id":"a#0/0/order","ind');
      const line = fs.readFileSync(s.journal, 'utf8').split('\n').length;
      fs.appendFileSync(s.journal, debris.replace('LINE', String(line)));
      const bytes = fs.readFileSync(s.journal);

      const slots = await runCli(['slots', '--state', s.state]);
      assert.equal(slots.code, 0, slots.stderr);
      assert.match(slots.stderr, new RegExp(`journal\\.jsonl:${line}: the line is incomplete`));
      const recovered = await runCli(['recover', AGENT, '--state', s.state], { env: s.env });
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(fs.readFileSync(s.journal).subarray(0, bytes.length), bytes);
      const again = await runCli(['slots', '--state', s.state]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, '');
      assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 1, 'email:o1': 1, 'label:o1': 1 });
    });
  }
});

describe('a corrupt or foreign journal through the CLI', () => {
  it('a corrupt line in the middle is an error naming file and line; the file is untouched', async () => {
    const s = await crashedState();
    const lines = fs.readFileSync(s.journal, 'utf8').split('\n');
    lines[2] = lines[2].slice(0, 20) + '#### scribbled ####';
    fs.writeFileSync(s.journal, lines.join('\n'));
    await refusedEverywhere(
      s,
      new RegExp(
        `${s.journal.replace(/[.]/g, '\\.')}:3: the line is not valid JSON .*it is not the last line, so it is not a torn write.*The file was left untouched\\.`,
      ),
    );
  });

  it('says how to start over in the words of the command: --fresh for run, a run with --fresh for recover, never a launch attribute', async () => {
    const s = await crashedState();
    const lines = fs.readFileSync(s.journal, 'utf8').split('\n');
    lines[2] = 'garbage';
    fs.writeFileSync(s.journal, lines.join('\n'));
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state], {
      env: s.env,
    });
    assert.match(run.stderr, /left untouched\. Run again with --fresh to start from empty state/);
    const recover = await runCli(['recover', AGENT, '--state', s.state], { env: s.env });
    assert.match(recover.stderr, /To start over instead, run "durable-run run .* --fresh"/);
    for (const r of [run, recover]) assert.doesNotMatch(r.stderr, /"fresh": true|stateDir/);
  });

  it('run --fresh keeps a corrupt journal aside, byte for byte, and starts a new one', async () => {
    const s = await crashedState();
    const lines = fs.readFileSync(s.journal, 'utf8').split('\n');
    lines[2] = 'garbage';
    fs.writeFileSync(s.journal, lines.join('\n'));
    const bytes = fs.readFileSync(s.journal);
    const run = await runCli(
      ['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--fresh', '--json'],
      {
        env: s.env,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const [warning] = eventsOf(run, 'warning');
    assert.match(
      String(warning.message),
      /Started from empty state; the unreadable journal was kept as .*journal\.unreadable-.*\.jsonl/,
    );
    const aside = fs.readdirSync(s.state).filter((f) => f.startsWith('journal.unreadable-'));
    assert.equal(aside.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(s.state, aside[0])), bytes);
  });

  it('an unknown format version names both versions; the file is untouched', async () => {
    const s = await crashedState();
    const lines = fs.readFileSync(s.journal, 'utf8').split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]), version: 99 });
    fs.writeFileSync(s.journal, lines.join('\n'));
    await refusedEverywhere(
      s,
      /journal\.jsonl:1: the journal has format version 99, and this version of durable-run reads version 1/,
    );
  });

  it('a file that is not a journal at all is refused; the file is untouched', async () => {
    const s = await crashedState();
    fs.writeFileSync(s.journal, 'name,amount\nalice,12\n');
    await refusedEverywhere(s, /journal\.jsonl:1: the line is not valid JSON/);
  });

  it('the journal of another agent is refused by run and recover, and still readable by slots', async () => {
    const s = await crashedState();
    const payments = path.join(s.dir, 'payments-state');
    const other = await runCli(
      [
        'run',
        path.join(PAYMENTS, 'agent.ts'),
        '--inputs',
        path.join(PAYMENTS, 'inputs.jsonl'),
        '--state',
        payments,
      ],
      { env: { PAYMENTS_LEDGER: path.join(s.dir, 'payments-ledger.jsonl') } },
    );
    assert.equal(other.code, 0, other.stderr);
    const foreign = { ...s, state: payments, journal: path.join(payments, 'journal.jsonl') };
    await refusedEverywhere(
      foreign,
      /holds the journal of agent "payments", and this agent is "ledger-agent".*Give this agent a state folder of its own with --state DIR\./,
      true,
    );
    const slots = await runCli(['slots', '--state', payments]);
    assert.equal(slots.code, 0, slots.stderr);
    assert.match(slots.stdout, /alice#0\/0\/checkout/);
  });

  it('an empty journal file is refused and left in place', async () => {
    const s = await crashedState();
    fs.writeFileSync(s.journal, '');
    await refusedEverywhere(
      s,
      /journal\.jsonl:1: the journal is empty \(0 bytes\), so it has no header/,
    );
    assert.equal(fs.statSync(s.journal).size, 0);
  });

  it('a directory where the journal file should be is refused, also with --fresh, and left in place', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const journal = path.join(state, 'journal.jsonl');
    fs.mkdirSync(journal, { recursive: true });
    fs.writeFileSync(path.join(journal, 'keep.txt'), 'mine');
    const s = {
      dir,
      state,
      journal,
      ledger: '',
      inputs: writeInputs(dir, [{ key: 'a', input: { id: 'o', cents: 1 } }]),
      env: {},
    };
    await refusedEverywhere(
      s,
      /a directory stands where the journal file should be: move it away or choose another stateDir/,
    );
    const fresh = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', state, '--fresh']);
    assert.equal(fresh.code, 2);
    assert.match(fresh.stderr, /a directory stands where the journal file should be/);
    assert.equal(fs.readFileSync(path.join(journal, 'keep.txt'), 'utf8'), 'mine');
  });

  it('a symbolic link as the journal is refused, and neither it nor its target is changed', async () => {
    const s = await crashedState();
    const real = path.join(s.dir, 'elsewhere.jsonl');
    fs.renameSync(s.journal, real);
    fs.symlinkSync(real, s.journal);
    const bytes = fs.readFileSync(real);
    await refusedEverywhere(s, /the journal is a symbolic link, which is never followed/);
    assert.deepEqual(fs.readFileSync(real), bytes);
    assert.ok(fs.lstatSync(s.journal).isSymbolicLink());
  });

  it('a file where the state folder should be is refused', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    fs.writeFileSync(state, 'not a folder');
    const inputs = writeInputs(dir, [{ key: 'a', input: { id: 'o', cents: 1 } }]);
    const run = await runCli(['run', AGENT, '--inputs', inputs, '--state', state]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /a file stands where a folder of the state path should be/);
    assert.equal(fs.readFileSync(state, 'utf8'), 'not a folder');
  });
});

/** Mounts a tmpfs at `dir`; the reason it cannot, or undefined. */
function tryMount(dir: string, options: string): string | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}): needs root in a container that permits mount`;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Not mounted.
  }
}

describe('a state folder on a read-only or full disk (tmpfs mounts)', () => {
  const mounts: string[] = [];
  let cannotMount: string | undefined;

  before(() => {
    const probe = path.join(tempDir(), 'probe');
    cannotMount = tryMount(probe, 'size=64k');
    if (!cannotMount) unmount(probe);
  });
  after(() => mounts.forEach(unmount));

  it('a read-only state folder: run and recover say the disk is read-only, slots still reads it, nothing changes', async (t) => {
    if (cannotMount) return t.skip(cannotMount);
    const mount = path.join(tempDir(), 'ro');
    assert.equal(tryMount(mount, 'size=1m'), undefined);
    mounts.push(mount);
    const s = await crashedState('before-outcome:charge', path.join(mount, 'state'));
    execFileSync('mount', ['-o', 'remount,ro', mount]);
    const bytes = fs.readFileSync(s.journal);
    for (const args of [
      ['recover', AGENT, '--state', s.state],
      ['run', AGENT, '--inputs', s.inputs, '--state', s.state],
      ['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--fresh'],
      ['run', AGENT, '--inputs', s.inputs, '--state', path.join(mount, 'new-state')],
    ]) {
      const result = await runCli(args, { env: s.env });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /the file system is read-only: choose a stateDir on a writable disk/,
      );
    }
    const slots = await slotsOf(s.state);
    assert.deepEqual(slotSummary(slots), [
      'a#0/0/order #0 quote SUCCEEDED',
      'a#0/0/order #1 charge PENDING',
    ]);
    assert.deepEqual(fs.readFileSync(s.journal), bytes);
    assert.deepEqual(ledgerCounts(s.ledger), { 'charge:o1': 1 }, 'no call ran');
  });

  it('a full disk stops the run (exit 4) with a clear error, keeps what was persisted, and recovery completes once there is room', async (t) => {
    if (cannotMount) return t.skip(cannotMount);
    const mount = path.join(tempDir(), 'full');
    assert.equal(tryMount(mount, 'size=64k'), undefined);
    mounts.push(mount);
    const dir = tempDir();
    // Each call returns 10 KiB: the journal outgrows 64 KiB around the sixth call.
    const agent = writeAgent(
      dir,
      'blobs.ts',
      `import { defineAgent } from 'durable-run';
async function blob(i: number) { return String(i).repeat(10 * 1024); }
export default defineAgent({ name: 'blobs', actions: [{ name: 'a', on: ['InputEvent'], async run(_e, ctx) {
  for (let i = 0; i < 8; i++) await ctx.durableExecute(blob, [i]);
  ctx.sendEvent({ type: 'OutputEvent', attributes: { output: 'all blobs' } });
} }] });
`,
    );
    const inputs = writeInputs(dir, [{ key: 'k', input: null }]);
    const state = path.join(mount, 'state');
    const journal = path.join(state, 'journal.jsonl');
    const run = await runCli(['run', agent, '--inputs', inputs, '--state', state, '--json']);
    assert.equal(run.code, 4, run.stderr);
    const [error] = eventsOf(run, 'error');
    assert.deepEqual(error, {
      event: 'error',
      kind: 'storage',
      message: `cannot write to ${journal}: the disk is full: free some space (ENOSPC). The attempt stopped here: the journal is intact up to its last complete line and nothing after it counts as persisted; once the cause is fixed, recover continues from there`,
      file: journal,
    });
    assert.match(run.stderr, /^durable-run: cannot write to .*journal\.jsonl: the disk is full/m);
    const reported = eventsOf(run, 'call').length;
    assert.ok(reported >= 1 && reported < 8, `${reported} calls before the disk was full`);
    // Every call reported as done is in the journal.
    assert.equal((await slotsOf(state))[0].slots.length, reported);
    const bytes = fs.readFileSync(journal);

    const stillFull = await runCli(['recover', agent, '--state', state]);
    assert.equal(stillFull.code, 4);
    assert.match(stillFull.stderr, /the disk is full/);
    assert.deepEqual(fs.readFileSync(journal), bytes, 'a refused write changed nothing');

    execFileSync('mount', ['-o', 'remount,size=2m', mount]);
    const recovered = await runCli(['recover', agent, '--state', state, '--json']);
    assert.equal(recovered.code, 0, recovered.stderr);
    const paths = callPaths(recovered);
    assert.equal(paths.filter((p) => p.includes(' replay ')).length, reported);
    assert.equal(paths.length, 8);
    assert.deepEqual(
      eventsOf(recovered, 'output').map((e) => e.output),
      ['all blobs'],
    );
    assert.deepEqual(fs.readFileSync(journal).subarray(0, bytes.length), bytes);
  });
});
