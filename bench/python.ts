// Benchmark: Flink Agents Python agents under the TypeScript runtime (the Python agent host). Each
// figure with its same-run baseline; skipped, saying why, when the project's venv cannot be made:
// python_durable_call_us       a ctx.durable_execute in Python  vs. a plain Python call (in the action)
// python_vs_ts_durable_call_us a ctx.durable_execute in Python  vs. a ctx.durableExecute in TypeScript
// python_recovery_replay_ms_10k `recover` replaying 10k Python slots vs. reading the same journal
// python_dap_launch_ms         DAP launch → first stop, Python agent vs. the same for a TypeScript agent
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { preparePython } from '../scripts/python/prepare.mjs';
import { JOURNAL_FILE } from '../src/runtime/journalStore';
import { median, report, timeMs } from './report';

const CLI = path.resolve('dist/cli.js');
const ADAPTER = path.resolve('dist/debugAdapter.js');
const TS_ORDERS = path.resolve('test/fixtures/dap/orders.ts');
const PY_SAMPLE = path.resolve('samples/payments-python');
const CALLS = 2_000;
const REPLAY_SLOTS = 10_000;

const PY_HEADER = `import time

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent, OutputEvent
from flink_agents.api.runner_context import RunnerContext


def step(i: int) -> int:
    return i + 1


def finish(n: int) -> int:
    return n
`;

/** Times n plain calls, then n durable calls, inside one action; outputs both (seconds). */
const PY_CALLS = `${PY_HEADER}

class CallsAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def calls(event: Event, ctx: RunnerContext) -> None:
        n = event.input
        total = 0
        t0 = time.perf_counter()
        for i in range(n):
            total += step(i)
        plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(n):
            total += ctx.durable_execute(step, i)
        durable = time.perf_counter() - t0
        ctx.send_event(OutputEvent(output={"plainS": plain, "durableS": durable, "total": total}))
`;

/** n durable calls, then one to \`finish\`, where the bench's crash strikes. */
const PY_REPLAY = `${PY_HEADER}

class ReplayAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def steps(event: Event, ctx: RunnerContext) -> None:
        n = event.input
        total = sum(ctx.durable_execute(step, i) for i in range(n))
        ctx.send_event(OutputEvent(output=total + ctx.durable_execute(finish, n)))
`;

const TS_CALLS = `import { defineAgent } from 'durable-run';
async function step(i: number): Promise<number> {
  return i + 1;
}
export default defineAgent({
  name: 'bench-ts-calls',
  actions: [{ name: 'calls', on: ['InputEvent'], run: async (event, ctx) => {
    const n = event.attributes.input as number;
    let total = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) total += await ctx.durableExecute(step, [i]);
    ctx.sendEvent({ type: 'OutputEvent', attributes: { output: { durableS: (performance.now() - t0) / 1000, total } } });
  } }],
});
`;

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** `durable-run ARGS --json`; the exit code is the caller's to judge. */
function cli(args: string[]): { status: number | null; output: unknown; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], {
    encoding: 'utf8',
    // --json prints a line per replayed call: 10k of them outgrow the default 1 MB.
    maxBuffer: 1 << 30,
  });
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event?: string; output?: unknown });
  return {
    status: r.status,
    output: events.find((e) => e.event === 'output')?.output,
    stderr: r.stderr,
  };
}

function inputsFile(dir: string, input: unknown): string {
  return write(dir, 'inputs.jsonl', `${JSON.stringify({ key: 'k', input })}\n`);
}

/** Per-call microseconds of the agent's own timings (plain, durable), in one fresh run. */
function perCallRun(
  agent: string,
  python: string,
  dir: string,
  name: string,
): { plainUs: number; durableUs: number } {
  const state = path.join(dir, name);
  const r = cli([
    'run',
    agent,
    '--inputs',
    inputsFile(dir, CALLS),
    '--state',
    state,
    '--python',
    python,
  ]);
  const out = r.output as { plainS?: number; durableS?: number } | undefined;
  if (r.status !== 0 || out?.durableS === undefined)
    throw new Error(`the call bench run failed (${r.status}): ${r.stderr}`);
  const us = (seconds: number) => (seconds * 1e6) / CALLS;
  return { plainUs: us(out.plainS ?? Number.NaN), durableUs: us(out.durableS) };
}

function callFigures(python: string, dir: string): void {
  const pyAgent = write(dir, 'py_calls.py', PY_CALLS);
  const tsAgent = write(dir, 'ts_calls.ts', TS_CALLS);
  const pyDurable: number[] = [];
  const pyPlain: number[] = [];
  const tsDurable: number[] = [];
  // Interleaved, so that both languages see the same machine load; one Python run times
  // both its plain calls and its durable ones.
  for (let round = 0; round < 5; round++) {
    const py = perCallRun(pyAgent, python, dir, `calls-py-${round}`);
    pyDurable.push(py.durableUs);
    pyPlain.push(py.plainUs);
    tsDurable.push(perCallRun(tsAgent, python, dir, `calls-ts-${round}`).durableUs);
  }
  report('python_durable_call_us', median(pyDurable), 'us', median(pyPlain));
  report('python_vs_ts_durable_call_us', median(pyDurable), 'us', median(tsDurable));
}

async function replayFigure(python: string, dir: string): Promise<void> {
  const agent = write(dir, 'py_replay.py', PY_REPLAY);
  const inputs = inputsFile(dir, REPLAY_SLOTS);
  const runs: Array<{ ms: number; floor: number }> = [];
  for (let i = 0; i < 3; i++) {
    const state = path.join(dir, `replay-${i}`);
    const crashed = cli([
      'run',
      agent,
      '--inputs',
      inputs,
      '--state',
      state,
      '--python',
      python,
      '--crash',
      'before-outcome:finish',
    ]);
    if (crashed.status === 0 || crashed.status === null)
      throw new Error('the replay bench run did not crash at finish');
    const journal = path.join(
      state,
      fs.readdirSync(state).find((d) => fs.existsSync(path.join(state, d, JOURNAL_FILE))) ?? '',
      JOURNAL_FILE,
    );
    const floor = await timeMs(() => {
      for (const line of fs.readFileSync(journal, 'utf8').split('\n')) if (line) JSON.parse(line);
    });
    let recovered: ReturnType<typeof cli> | undefined;
    const ms = await timeMs(
      () => (recovered = cli(['recover', agent, '--state', state, '--python', python])),
    );
    const expected = (REPLAY_SLOTS * (REPLAY_SLOTS + 1)) / 2 + REPLAY_SLOTS;
    if (recovered?.status !== 0 || recovered.output !== expected)
      throw new Error(
        `the replay bench recovery failed (${recovered?.status}): ${recovered?.stderr}`,
      );
    runs.push({ ms, floor });
  }
  report(
    'python_recovery_replay_ms_10k',
    median(runs.map((r) => r.ms)),
    'ms',
    median(runs.map((r) => r.floor)),
  );
}

/** DAP launch → the first stop (stopped on entry), as VS Code's F5 does it. */
async function launchMs(args: Record<string, unknown>): Promise<number> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'durable-agent');
  dc.defaultTimeout = 120_000;
  await dc.start();
  const start = performance.now();
  const stopped = dc.waitForEvent('stopped');
  const configure = dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest());
  await Promise.all([configure, dc.launch(args)]);
  await stopped;
  const ms = performance.now() - start;
  await dc.stop();
  return ms;
}

async function launchFigure(python: string, dir: string): Promise<void> {
  const sample = path.join(dir, 'payments-python');
  fs.cpSync(PY_SAMPLE, sample, {
    recursive: true,
    filter: (s) => !/ledger\.jsonl|\.durable|__pycache__/.test(s),
  });
  const py: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < 6; i++) {
    py.push(
      await launchMs({
        program: path.join(sample, 'payments_agent.py'),
        python,
        inputsFile: path.join(sample, 'inputs.jsonl'),
        stateDir: path.join(dir, `py-${i}`),
        stopOnEntry: true,
      }),
    );
    ts.push(
      await launchMs({
        program: TS_ORDERS,
        inputs: [{ key: 'alice', input: { id: 'o1', cents: 100 } }],
        stateDir: path.join(dir, `ts-${i}`),
        stopOnEntry: true,
      }),
    );
  }
  report('python_dap_launch_ms', median(py.slice(1)), 'ms', median(ts.slice(1)));
}

export async function run(): Promise<void> {
  let python: string;
  try {
    python = preparePython({ quiet: true });
  } catch (error) {
    console.log(`bench/python skipped: no Python venv (${(error as Error).message})`);
    return;
  }
  for (const file of [CLI, ADAPTER])
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-python-'));
  try {
    callFigures(python, dir);
    await replayFigure(python, dir);
    await launchFigure(python, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
