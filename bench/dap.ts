// Benchmark: the debug adapter as a DAP client feels it, against the standalone adapter
// (dist/debugAdapter.js; `npm run bench` builds first). Figures and their same-run baselines:
// dap_launch_ms     launch → first stop (TypeScript agent compiled)   vs. a bare worker spawn → ready
// dap_step_ms_p50/95 next → stopped                                   vs. the same step over raw IPC
// dap_slots_page_ms  a page of 100 slots of an action with 100k slots vs. a DAP round trip (threads)
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FromWorker } from '../src/worker/protocol';
import { WorkerClient } from '../src/worker/workerClient';
import { writeManySlots } from '../test/dap/manySlots';
import { median, report } from './report';

const ADAPTER = path.resolve('dist/debugAdapter.js');
const WORKER = path.resolve('dist/worker.js');
const ORDERS = path.resolve('test/fixtures/dap/orders.ts');
const ORDER_INPUTS = [{ key: 'alice', input: { id: 'o1', cents: 100 } }];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-dap-'));
}

async function session(): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'durable-agent');
  dc.defaultTimeout = 120_000;
  await dc.start();
  return dc;
}

/** Launches as VS Code does and resolves with the first stop. */
async function launchToStop(
  dc: DebugClient,
  args: Record<string, unknown>,
  functions: string[] = [],
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped');
  const configure = dc.waitForEvent('initialized').then(async () => {
    if (functions.length > 0)
      await dc.setFunctionBreakpointsRequest({ breakpoints: functions.map((name) => ({ name })) });
    await dc.configurationDoneRequest();
  });
  await Promise.all([configure, dc.launch(args)]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/** An agent that makes `n` durable calls in one action, for stepping from one to the next. */
function stepsAgent(dir: string): string {
  const file = path.join(dir, 'steps.ts');
  fs.writeFileSync(
    file,
    `import { defineAgent } from 'durable-run';
async function step(i: number): Promise<number> {
  return i + 1;
}
export default defineAgent({
  name: 'bench-steps',
  actions: [{ name: 'steps', on: ['InputEvent'], run: async (event, ctx) => {
    const n = event.attributes.input as number;
    for (let i = 0; i < n; i++) await ctx.durableExecute(step, [i]);
  } }],
});
`,
  );
  return file;
}

async function launchFigure(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const dc = await session();
    const start = performance.now();
    await launchToStop(dc, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir: tempDir(),
      stopOnEntry: true,
    });
    times.push(performance.now() - start);
    await dc.stop();
  }
  const bare: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    const worker = WorkerClient.spawn({ workerScript: WORKER });
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m) =>
        m.type === 'ready'
          ? resolve()
          : m.type === 'startFailed'
            ? reject(new Error(m.failure.message))
            : undefined,
      );
      worker.send({
        type: 'start',
        program: ORDERS,
        inputs: ORDER_INPUTS,
        stateDir: tempDir(),
        fresh: true,
        kind: 'run',
      });
    });
    bare.push(performance.now() - start);
    await worker.kill();
  }
  report('dap_launch_ms', median(times.slice(1)), 'ms', median(bare.slice(1)));
}

async function stepFigures(): Promise<void> {
  const dir = tempDir();
  const program = stepsAgent(dir);
  const STEPS = 300;
  const dc = await session();
  const first = await launchToStop(dc, {
    program,
    inputs: [{ key: 'k', input: STEPS + 50 }],
    stateDir: path.join(dir, 'a'),
    stopOnEntry: true,
  });
  const threadId = first.body.threadId!;
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const stopped = dc.waitForEvent('stopped');
    const start = performance.now();
    await dc.nextRequest({ threadId });
    await stopped;
    times.push(performance.now() - start);
  }
  await dc.stop();

  // The same steps over the worker protocol alone: what the adapter adds is the difference.
  const worker = WorkerClient.spawn({ workerScript: WORKER });
  let onStop: (() => void) | undefined;
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'stopped') onStop?.();
  });
  const nextStop = () => new Promise<void>((resolve) => (onStop = resolve));
  let stopped = nextStop();
  worker.send({
    type: 'start',
    program,
    inputs: [{ key: 'k', input: STEPS + 50 }],
    stateDir: path.join(dir, 'b'),
    fresh: true,
    kind: 'run',
    debug: { stopOnEntry: true },
  });
  await stopped;
  const raw: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    stopped = nextStop();
    const start = performance.now();
    worker.send({ type: 'resume', mode: 'next', key: 'k' });
    await stopped;
    raw.push(performance.now() - start);
  }
  await worker.kill();
  report('dap_step_ms_p50', percentile(times, 50), 'ms', percentile(raw, 50));
  report('dap_step_ms_p95', percentile(times, 95), 'ms', percentile(raw, 95));
}

async function pageFigure(): Promise<void> {
  const fixture = writeManySlots(100_000);
  const dc = await session();
  const stop = await launchToStop(
    dc,
    { program: fixture.program, inputs: fixture.inputs, stateDir: fixture.stateDir, fresh: false },
    ['finish'],
  );
  const frame = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames[0];
  const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
  const slots = scopes.find((s) => s.name.startsWith('Slots'))!;
  if (slots.indexedVariables !== 100_000)
    throw new Error(`expected 100k slots, saw ${slots.indexedVariables}`);
  const times: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = ((i * 7919) % 999) * 100;
    let t = performance.now();
    const page = await dc.variablesRequest({
      variablesReference: slots.variablesReference,
      filter: 'indexed',
      start,
      count: 100,
    });
    times.push(performance.now() - t);
    if (page.body.variables.length !== 100) throw new Error('a page of slots was short');
    t = performance.now();
    await dc.threadsRequest();
    floor.push(performance.now() - t);
  }
  await dc.stop();
  report('dap_slots_page_ms', median(times), 'ms', median(floor));
}

export async function run(): Promise<void> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run npm run build first`);
  await launchFigure();
  await stepFigures();
  await pageFigure();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
