// Crash tests: hostile inputs and hostile agents through the built CLI. Each case must end in a
// clear error or a documented behaviour: no hang (every run has a hang guard), no process left
// behind (worker and agent children are checked by pid), no state lost.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  FIXTURES,
  callPaths,
  eventsOf,
  isAlive,
  jsonLines,
  ledgerCounts,
  runCli,
  slotsOf,
  tempDir,
  waitFor,
  workerOf,
  writeAgent,
  writeInputs,
  runCrashing,
  recoverJson,
} from './cliHarness';
import { encode } from '../../src/runtime/codec';
import { JournalStore } from '../../src/runtime/journalStore';

const AGENT = path.join(FIXTURES, 'hostileAgent.ts');

function setup(kind: string, extra: Record<string, unknown> = {}) {
  const dir = tempDir();
  const marker = path.join(dir, 'marker');
  const ledger = path.join(dir, 'ledger.jsonl');
  return {
    dir,
    marker,
    ledger,
    state: path.join(dir, 'state'),
    inputs: writeInputs(dir, [{ key: 'k', input: { kind, ...extra } }]),
    env: { HOSTILE_MARKER: marker, HOSTILE_LEDGER: ledger },
  };
}

async function gone(pids: number[]): Promise<void> {
  const allGone = await waitFor(() => pids.every((pid) => !isAlive(pid)));
  assert.ok(allGone, `processes left behind: ${pids.filter(isAlive).join(', ')}`);
}

describe('hostile inputs files', () => {
  it('a line that is not JSON names its line, and nothing runs', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'in.jsonl');
    fs.writeFileSync(file, '{"key":"a","input":1}\n\u0000\u00ff binary junk\n');
    const result = await runCli(['run', AGENT, '--inputs', file, '--state', path.join(dir, 's')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${file}:2: not valid JSON`));
    assert.equal(fs.existsSync(path.join(dir, 's')), false);
  });

  it('a line over the 64 MiB limit is refused with its length and the limit', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.jsonl');
    const size = 64 * 1024 * 1024 + 16;
    const line = Buffer.alloc(size, 'x');
    line.write('{"key":"k","input":"', 0);
    line.write('"}', size - 2);
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('{"key":"a","input":1}\n'), line, Buffer.from('\n')]),
    );
    const result = await runCli(['run', AGENT, '--inputs', file, '--state', path.join(dir, 's')]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      new RegExp(`${file}:2: the line is ${size} characters long; the limit is 67108864`),
    );
  });

  it('an input nested 100,000 levels deep is a clear error, not a stack overflow or a hang', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'deep.jsonl');
    const n = 100_000;
    fs.writeFileSync(file, `{"key":"k","input":${'['.repeat(n)}${']'.repeat(n)}}\n`);
    const result = await runCli(['run', AGENT, '--inputs', file, '--state', path.join(dir, 's')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `${file}:1: "input" is nested more than 900 levels deep, which cannot be persisted; flatten it`,
      ),
    );
    assert.doesNotMatch(result.stderr, /Maximum call stack|internal error/);
  });

  it('an input nested 900 levels deep (the limit) runs and is persisted', async () => {
    const dir = tempDir();
    const agent = writeAgent(
      dir,
      'depth.ts',
      `import { defineAgent } from 'durable-run';
async function depth(v: unknown) { let d = 0; while (Array.isArray(v)) { d++; v = v[0]; } return d; }
export default defineAgent({ name: 'depth', actions: [{ name: 'a', on: ['InputEvent'], async run(e, ctx) {
  ctx.sendEvent({ type: 'OutputEvent', attributes: { output: await ctx.durableExecute(depth, [e.attributes.input]) } });
} }] });
`,
    );
    const file = path.join(dir, 'deep.jsonl');
    fs.writeFileSync(file, `{"key":"k","input":${'['.repeat(900)}${']'.repeat(900)}}\n`);
    const state = path.join(dir, 's');
    const result = await runCli(['run', agent, '--inputs', file, '--state', state, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(eventsOf(result, 'output')[0].output, 900);
    assert.equal((await slotsOf(state))[0].slots[0].status, 'SUCCEEDED');
  });
});

describe('payloads that cannot be encoded, circular and large payloads', () => {
  it('a result holding a function fails the call with a message naming where, is persisted as FAILED, and is not run again', async () => {
    const s = setup('function');
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 1, run.stderr);
    const [done] = eventsOf(run, 'done');
    assert.deepEqual(done.failures, [
      {
        key: 'k',
        seq: 0,
        action: 'misbehave',
        error: {
          name: 'PayloadEncodingError',
          message:
            'the result of giveFunction.callback is a function (callback), which cannot be persisted; durable args, results, events and memory must be data (JSON values, Date, Map, Set, BigInt, Buffer and typed arrays, Error, or instances of classes registered with registerClass)',
        },
      },
    ]);
    const again = await recoverJson(AGENT, s);
    assert.equal(again.code, 1);
    assert.deepEqual(callPaths(again), ['k misbehave#0 giveFunction replay FAILED']);
    assert.deepEqual(ledgerCounts(s.ledger), { 'giveFunction:x': 1 });
  });

  it('a result holding a symbol, and args holding a function, are refused with the path of the value', async () => {
    for (const [kind, message] of [
      [
        'symbol',
        /the result of giveSymbol\.1 is a symbol \(Symbol\(nope\)\), which cannot be persisted/,
      ],
      [
        'function-arg',
        /the args of takeAnything\.0\.handler is a function \(handler\), which cannot be persisted/,
      ],
    ] as const) {
      const s = setup(kind);
      const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
        env: s.env,
      });
      assert.equal(run.code, 1, run.stderr);
      const [done] = eventsOf(run, 'done');
      const failure = (done.failures as Array<{ error: { name: string; message: string } }>)[0];
      assert.equal(failure.error.name, 'PayloadEncodingError');
      assert.match(failure.error.message, message);
    }
  });

  it('a circular result with a Map, a Set, a Date and a BigInt round-trips through the journal', async () => {
    const s = setup('circular');
    const expected = {
      selfIsSelf: true,
      mapHoldsSameNode: true,
      dateIsDate: '2024-01-02T00:00:00.000Z',
      tags: ['a', 'b'],
      big: (2n ** 70n).toString(),
    };
    const run = await runCrashing(AGENT, s, 'before-complete:misbehave');
    assert.equal(run.code, 3, run.stderr);
    const recovered = await recoverJson(AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), ['k misbehave#0 circular replay SUCCEEDED']);
    assert.deepEqual(eventsOf(recovered, 'output')[0].output, expected);
  });

  it('a 200 MiB result is refused with its size and the limit, persisted as that failure, and replayed without running again', async () => {
    const s = setup('big', { mb: 200 });
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 1, run.stderr);
    const [done] = eventsOf(run, 'done');
    const [failure] = done.failures as Array<{ error: { name: string; message: string } }>;
    assert.equal(failure.error.name, 'PayloadTooLargeError');
    assert.match(
      failure.error.message,
      /^the outcome of call #0 \(blob\) of k#0\/0\/misbehave encodes to 200\.0 MiB, over the 64\.0 MiB a journal record may hold: keep large data outside the durable state/,
    );
    // Nothing of the 200 MiB reached the journal.
    assert.ok(fs.statSync(path.join(s.state, 'journal.jsonl')).size < 64 * 1024);
    const again = await recoverJson(AGENT, s);
    assert.equal(again.code, 1);
    assert.deepEqual(callPaths(again), ['k misbehave#0 blob replay FAILED']);
  });

  it('a journal larger than the longest string V8 can hold (9 records of 60 MiB) opens', () => {
    const dir = path.join(tempDir(), 'state');
    const store = JournalStore.open(dir, { agent: 'big' });
    const id = 'k#0/0/act';
    const event = encode({ type: 'InputEvent', attributes: { key: 'k', input: 1 } });
    store.persist({ op: 'init', id, key: 'k', seq: 0, eventIndex: 0, action: 'act', event });
    const text = 'x'.repeat(60 * 1024 * 1024);
    for (let index = 0; index < 9; index++) {
      const result = encode(`${index}${text}`);
      const slot = {
        functionId: 'blob',
        argsDigest: '0'.repeat(16),
        status: 'SUCCEEDED' as const,
        result,
      };
      store.persist({ op: 'slot', id, index, slot });
    }
    store.close();
    assert.ok(fs.statSync(path.join(dir, 'journal.jsonl')).size > 2 ** 29);
    const again = JournalStore.open(dir, { agent: 'big', readOnly: true });
    const slots = again.get(id)!.slots;
    assert.equal(slots.length, 9);
    assert.equal((slots[8].result!.json as string).slice(0, 2), '8x');
    again.close();
  });

  it('a 24 MiB result is persisted and replayed intact', async () => {
    const s = setup('big', { mb: 24 });
    const run = await runCrashing(AGENT, s, 'before-complete:misbehave');
    assert.equal(run.code, 3, run.stderr);
    assert.ok(fs.statSync(path.join(s.state, 'journal.jsonl')).size > 24 * 1024 * 1024);
    const recovered = await recoverJson(AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), ['k misbehave#0 blob replay SUCCEEDED']);
    assert.deepEqual(eventsOf(recovered, 'output')[0].output, {
      size: 24 * 1024 * 1024,
      intact: true,
    });
  });
});

describe('hostile agents', () => {
  it('an agent that throws at import is reported with its message and its own line, exit 2', async () => {
    const dir = tempDir();
    const agent = writeAgent(
      dir,
      'throws.ts',
      `import { defineAgent } from 'durable-run';\nconst config = JSON.parse('{');\nexport default defineAgent({ name: 't', actions: [{ name: 'a', on: ['InputEvent'], run: async () => void config }] });\n`,
    );
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
    assert.equal(result.code, 2);
    const [error] = eventsOf(result, 'error');
    assert.equal(error.kind, 'agent');
    assert.match(
      String(error.message),
      new RegExp(`the agent ${agent} threw while loading: SyntaxError`),
    );
    assert.match(String(error.message), /throws\.ts:2:\d+/);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`an agent that loops forever never yields; killing the CLI with ${signal} takes the worker with it`, async () => {
      const s = setup('loop');
      let cliPid = 0;
      let workerPid = 0;
      const finished = runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state], {
        env: s.env,
        onSpawn: (child) => {
          cliPid = child.pid!;
        },
      });
      assert.ok(await waitFor(() => fs.existsSync(s.marker), 30_000), 'the agent reached its loop');
      workerPid = await workerOf(cliPid);
      process.kill(cliPid, signal);
      const result = await finished;
      assert.equal(result.signal, signal);
      await gone([workerPid]);
      // What was persisted before the loop is still there.
      assert.deepEqual(
        (await slotsOf(s.state))[0].slots.map((slot) => `${slot.functionId} ${slot.status}`),
        ['step SUCCEEDED'],
      );
    });
  }

  it('an agent that awaits forever is stopped by SIGINT to the CLI, worker included', async () => {
    const s = setup('hang');
    let cliPid = 0;
    const finished = runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state], {
      env: s.env,
      onSpawn: (child) => {
        cliPid = child.pid!;
      },
    });
    assert.ok(await waitFor(() => fs.existsSync(s.marker), 30_000));
    const workerPid = await workerOf(cliPid);
    process.kill(cliPid, 'SIGINT');
    assert.equal((await finished).signal, 'SIGINT');
    await gone([workerPid]);
  });

  it('an agent that exits the process itself gets a clear message and exit 1, and recovery keeps what it persisted', async () => {
    const s = setup('exit');
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /the agent's process ended unexpectedly \(exit code 7\) before the attempt finished; run "recover" to continue/,
    );
    assert.deepEqual(eventsOf(run, 'done'), []);
    const recovered = await recoverJson(AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), ['k misbehave#0 step replay SUCCEEDED']);
    assert.deepEqual(eventsOf(recovered, 'output')[0].output, { after: 2 });
    assert.deepEqual(ledgerCounts(s.ledger), { 'step:x': 1 });
  });

  it('children an agent spawned and left running are ended with the run: no hang, no orphans', async () => {
    const s = setup('spawn');
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
      timeoutMs: 30_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const pids = (eventsOf(run, 'output')[0].output as { pids: number[] }).pids;
    assert.equal(pids.length, 3);
    assert.deepEqual(JSON.parse(fs.readFileSync(s.marker, 'utf8')), pids);
    await gone(pids);
  });

  it('children an agent spawned are ended when the worker is killed at a crash point too', async () => {
    const s = setup('spawn');
    const run = await runCli(
      [
        'run',
        AGENT,
        '--inputs',
        s.inputs,
        '--state',
        s.state,
        '--crash',
        'after-outcome:step',
        '--json',
      ],
      { env: s.env, timeoutMs: 30_000 },
    );
    assert.equal(run.code, 3, run.stderr);
    const pids = JSON.parse(fs.readFileSync(s.marker, 'utf8')) as number[];
    assert.equal(pids.length, 3);
    await gone(pids);
  });

  it('an unhandled promise rejection in the agent is a warning line, and the run goes on', async () => {
    const s = setup('reject');
    const run = await runCli(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(run.code, 0, run.stderr);
    const warnings = jsonLines(run.stdout).filter((e) => e.event === 'warning');
    assert.deepEqual(warnings, [
      {
        event: 'warning',
        message: 'unhandled promise rejection in the agent: Error: nobody handles me',
      },
    ]);
    assert.deepEqual(eventsOf(run, 'output')[0].output, 'survived');
  });
});
