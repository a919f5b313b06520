// CLI tests: the --json lines of run/recover and the shapes of `slots --json` and
// `timeline --json`, field by field (other tools parse them), plus exit codes 0, 1 and 3 and
// the agent's own console output kept off the JSON stream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { writeManySlots } from '../dap/manySlots';
import {
  builtCli,
  PAYMENTS,
  jsonLines,
  runCli,
  tempDir,
  writeAgent,
  writeInputs,
  type CliResult,
  type JsonEvent,
} from '../crash/cliHarness';

const AGENT = path.join(PAYMENTS, 'agent.ts');
const INPUTS = path.join(PAYMENTS, 'inputs.jsonl');

function keysOf(e: object): string[] {
  return Object.keys(e).sort();
}

const SHAPES: Record<string, string[]> = {
  attempt: ['attempt', 'event', 'kind'],
  call: ['action', 'attempt', 'event', 'functionId', 'index', 'key', 'path', 'seq', 'status'],
  crash: ['action', 'event', 'functionId', 'index', 'point'],
  output: ['event', 'key', 'output', 'replayed', 'seq'],
  done: ['attempt', 'event', 'failures'],
  warning: ['event', 'message'],
};

function checkShapes(events: JsonEvent[]): void {
  for (const e of events) {
    const shape = SHAPES[e.event ?? ''];
    assert.ok(shape, `unexpected --json event ${JSON.stringify(e)}`);
    assert.deepEqual(keysOf(e), shape, `fields of the "${e.event}" line ${JSON.stringify(e)}`);
  }
}

describe('durable-run --json lines of run and recover', () => {
  let crashed: CliResult;
  let recovered: CliResult;
  let state: string;

  before(async () => {
    const dir = tempDir();
    state = path.join(dir, 'state');
    const env = { PAYMENTS_LEDGER: path.join(dir, 'ledger.jsonl') };
    const common = ['--state', state, '--json'];
    crashed = await runCli(
      [
        'run',
        AGENT,
        '--inputs',
        INPUTS,
        '--fresh',
        '--crash',
        'before-outcome:charge#0',
        ...common,
      ],
      { env },
    );
    recovered = await runCli(['recover', AGENT, ...common], { env });
  });

  it('a crashed run exits 3 and prints attempt, call and crash lines with exactly their fields', () => {
    assert.equal(crashed.code, 3, crashed.stderr);
    const events = jsonLines(crashed.stdout);
    checkShapes(events);
    assert.deepEqual(events[0], { event: 'attempt', attempt: 1, kind: 'run' });
    const calls = events.filter((e) => e.event === 'call');
    assert.ok(calls.length >= 1);
    assert.deepEqual(calls[0], {
      event: 'call',
      attempt: 1,
      key: 'alice',
      seq: 0,
      action: 'checkout',
      index: 0,
      functionId: 'priceOrder',
      path: 'execute',
      status: 'SUCCEEDED',
    });
    assert.deepEqual(events.at(-1), {
      event: 'crash',
      point: 'before-outcome',
      action: 'checkout',
      index: 1,
      functionId: 'charge',
    });
    assert.equal(events.filter((e) => e.event === 'done').length, 0);
  });

  it('a recovery exits 0 and prints call, output and done lines with exactly their fields', () => {
    assert.equal(recovered.code, 0, recovered.stderr);
    const events = jsonLines(recovered.stdout);
    checkShapes(events);
    assert.deepEqual(events[0], { event: 'attempt', attempt: 2, kind: 'recover' });
    const reconciled = events.find((e) => e.event === 'call' && e.path === 'reconcile');
    assert.deepEqual(reconciled, {
      event: 'call',
      attempt: 2,
      key: 'alice',
      seq: 0,
      action: 'checkout',
      index: 1,
      functionId: 'charge',
      path: 'reconcile',
      status: 'SUCCEEDED',
    });
    const outputs = events.filter((e) => e.event === 'output');
    assert.deepEqual(
      outputs.map((e) => [
        e.key,
        e.seq,
        e.replayed,
        (e.output as { chargeId: string }).chargeId.replace(/_\w+$/, ''),
      ]),
      [
        ['alice', 0, false, 'ch_order-1'],
        ['bob', 0, false, 'ch_order-2'],
      ],
    );
    assert.deepEqual(events.at(-1), { event: 'done', attempt: 2, failures: [] });
  });

  it('slots --json prints one object per action state with its slots', async () => {
    const result = await runCli(['slots', '--state', state, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const states = jsonLines(result.stdout);
    assert.deepEqual(
      states.map((s) => s.id),
      ['alice#0/0/checkout', 'alice#0/1/notify', 'bob#0/0/checkout', 'bob#0/1/notify'],
    );
    for (const s of states) {
      assert.deepEqual(keysOf(s), ['action', 'completed', 'id', 'key', 'seq', 'slots']);
      for (const slot of s.slots as object[]) {
        assert.deepEqual(keysOf(slot), ['argsDigest', 'functionId', 'index', 'result', 'status']);
      }
    }
    const alice = states[0] as unknown as { slots: Array<Record<string, unknown>> };
    assert.deepEqual(alice.slots[1], {
      index: 1,
      functionId: 'charge',
      argsDigest: alice.slots[1].argsDigest,
      status: 'SUCCEEDED',
      result: {
        chargeId: (alice.slots[1].result as { chargeId: string }).chargeId,
        orderId: 'order-1',
        card: '4242',
        totalCents: 1500,
      },
    });
    // The charge is made under the id its price named, new on every run.
    assert.match((alice.slots[1].result as { chargeId: string }).chargeId, /^ch_order-1_\w+$/);
    assert.equal(
      (alice.slots[1].result as { chargeId: string }).chargeId,
      (alice.slots[0].result as { chargeId: string }).chargeId,
    );
    assert.match(String(alice.slots[1].argsDigest), /^[0-9a-f]{16}$/);
    assert.deepEqual(
      states.map((s) => [s.key, s.seq, s.action, s.completed]),
      [
        ['alice', 0, 'checkout', true],
        ['alice', 0, 'notify', true],
        ['bob', 0, 'checkout', true],
        ['bob', 0, 'notify', true],
      ],
    );
  });

  it('timeline --json prints one object per attempt with its calls and crash', async () => {
    const result = await runCli(['timeline', '--state', state, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const attempts = jsonLines(result.stdout);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.kind, a.outcome]),
      [
        [1, 'run', 'crashed'],
        [2, 'recover', 'done'],
      ],
    );
    assert.deepEqual(keysOf(attempts[0]), [
      'actions',
      'at',
      'attempt',
      'calls',
      'crash',
      'kind',
      'outcome',
    ]);
    assert.deepEqual(attempts[0].crash, {
      point: 'before-outcome',
      id: 'alice#0/0/checkout',
      index: 1,
      functionId: 'charge',
    });
    const call = (attempts[1].calls as Array<Record<string, unknown>>).find(
      (c) => c.path === 'reconcile',
    );
    assert.deepEqual(keysOf(call!), ['functionId', 'id', 'index', 'path', 'reason', 'status']);
  });

  it('without --json the same commands print tables for a person, not JSON', async () => {
    const slots = await runCli(['slots', '--state', state]);
    assert.equal(slots.code, 0);
    assert.match(slots.stdout, /^STATE +ACTION +COMPLETED +# +FUNCTION +STATUS +RESULT \/ ERROR/);
    assert.match(slots.stdout, /alice#0\/0\/checkout +checkout +yes +1 +charge +SUCCEEDED/);
    const timeline = await runCli(['timeline', '--state', state]);
    assert.equal(timeline.code, 0);
    assert.match(timeline.stdout, /attempt 1 \(run, .*\): crashed/);
    assert.match(
      timeline.stdout,
      /crash at before-outcome in alice#0\/0\/checkout call #1 \(charge\)/,
    );
    assert.match(timeline.stdout, /alice#0\/0\/checkout +1 +charge +reconcile +SUCCEEDED/);
  });
});

describe('durable-run --json with failures, warnings and agent output', () => {
  const FLAKY = `import { defineAgent } from 'durable-run';
async function risky(n: number) {
  if (n < 0) throw new RangeError('negative: ' + n);
  return n * 2;
}
async function held(n: number) { return n; }
export default defineAgent({
  name: 'flaky',
  actions: [{ name: 'work', on: ['InputEvent'], async run(e, ctx) {
    console.log('agent says hello on stdout');
    console.error('agent says hello on stderr');
    const n = e.attributes.input as number;
    const options = process.env.FLAKY_RECONCILE === '1' ? { reconciler: async () => -1 } : {};
    await ctx.durableExecute(held, [n], options);
    const out = await ctx.durableExecute(risky, [n]);
    ctx.sendEvent({ type: 'OutputEvent', attributes: { output: out } });
  } }],
});
`;

  it('an agent failure exits 1 with the failure in the done line and a FAILED slot', async () => {
    const dir = tempDir();
    const agent = writeAgent(dir, 'flaky.ts', FLAKY);
    const inputs = writeInputs(dir, [
      { key: 'good', input: 2 },
      { key: 'bad', input: -3 },
    ]);
    const state = path.join(dir, 'state');
    const result = await runCli(['run', agent, '--inputs', inputs, '--state', state, '--json']);
    assert.equal(result.code, 1, result.stderr);
    const events = jsonLines(result.stdout);
    checkShapes(events);
    assert.deepEqual(events.at(-1), {
      event: 'done',
      attempt: 1,
      failures: [
        {
          key: 'bad',
          seq: 0,
          action: 'work',
          error: { name: 'RangeError', message: 'negative: -3' },
        },
      ],
    });
    const slots = jsonLines((await runCli(['slots', '--state', state, '--json'])).stdout);
    const bad = slots.find((s) => s.key === 'bad') as unknown as {
      completed: boolean;
      slots: object[];
    };
    assert.equal(bad.completed, false);
    assert.deepEqual(keysOf(bad.slots[1]), [
      'argsDigest',
      'error',
      'functionId',
      'index',
      'status',
    ]);
    assert.deepEqual((bad.slots[1] as { error: unknown }).error, {
      name: 'RangeError',
      message: 'negative: -3',
    });
  });

  it("the agent's console output goes to stderr, so stdout stays one JSON object a line", async () => {
    const dir = tempDir();
    const agent = writeAgent(dir, 'flaky.ts', FLAKY);
    const inputs = writeInputs(dir, [{ key: 'k', input: 1 }]);
    const result = await runCli([
      'run',
      agent,
      '--inputs',
      inputs,
      '--state',
      path.join(dir, 's'),
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    checkShapes(jsonLines(result.stdout));
    assert.match(result.stderr, /agent says hello on stdout/);
    assert.match(result.stderr, /agent says hello on stderr/);
    const plain = await runCli(['run', agent, '--inputs', inputs, '--state', path.join(dir, 's2')]);
    assert.match(plain.stdout, /agent says hello on stdout/);
  });

  it('a PENDING slot met without a reconciler is a warning line, and a PENDING slot has no result', async () => {
    const dir = tempDir();
    const agent = writeAgent(dir, 'flaky.ts', FLAKY);
    const inputs = writeInputs(dir, [{ key: 'k', input: 1 }]);
    const state = path.join(dir, 'state');
    const crashed = await runCli(
      [
        'run',
        agent,
        '--inputs',
        inputs,
        '--state',
        state,
        '--json',
        '--crash',
        'after-pending:held',
      ],
      { env: { FLAKY_RECONCILE: '1' } },
    );
    assert.equal(crashed.code, 3, crashed.stderr);
    const slots = jsonLines((await runCli(['slots', '--state', state, '--json'])).stdout);
    const pending = (slots[0].slots as object[])[0];
    assert.deepEqual(keysOf(pending), ['argsDigest', 'functionId', 'index', 'status']);
    assert.equal((pending as { status: string }).status, 'PENDING');
    const recovered = await runCli(['recover', agent, '--state', state, '--json']);
    assert.equal(recovered.code, 0, recovered.stderr);
    const events = jsonLines(recovered.stdout);
    checkShapes(events);
    const warnings = events.filter((e) => e.event === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(
      String(warnings[0].message),
      /held: found a PENDING slot but the call has no reconciler/,
    );
  });
});

describe('a reader that stops early', () => {
  it('ends slots --json quietly when the pipe closes after the first line', async () => {
    const { stateDir } = writeManySlots(20_000);
    const child = spawn(process.execPath, [builtCli(), 'slots', '--state', stateDir, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    // Like `| head -1`: one chunk read, then the reading end goes away.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'nothing on stderr');
    assert.equal(code, 0);
  });
});
