// Benchmark: the debugger and the runtime under load, against the built adapter and CLI (dist/;
// `npm run bench` builds first). Figures, each with a baseline measured in the same run:
// load_slots_scope_ms_100k        scopes (the Slots scope) of an action with 100k slots  vs. a DAP threads round trip
// load_slots_page_ms_100k         a page of 100 of those slots                           vs. a DAP threads round trip
// load_slots_view_refresh_ms_100k the `slots` request as the views send it (latest 1000)  vs. the unpaged request
// load_timeline_refresh_ms_100k   the timeline panel's refresh (request and model) after   vs. the slots view's refresh
//                                 7 recoveries replayed those 100k calls
// load_slots_request_ms_100k      the custom `slots` request for them, unpaged (a client  vs. the same body built in process from the journal
//                                 wanting every slot), the worker answering
// load_worker_bytes_per_slot      worker peak RSS (VmHWM), 100k vs 10k slots, per slot   vs. journal bytes per slot
// load_adapter_bytes_per_slot     the same for the adapter process                       vs. journal bytes per slot
// load_worker_bytes_per_attempt_100k  worker peak RSS growth per crash-and-recover of that  vs. journal growth per attempt
//                                 action (replaying 100k calls each time), from the first recovery on
// load_adapter_bytes_per_attempt_100k  the same for the adapter process                   vs. journal growth per attempt
// load_cli_run_ms_10k_actions     `durable-run run` of 10k actions over 1k keys          vs. the same attempt in process on a MemoryStore
// load_threads_ms_1k_keys         threads with 1k keys, stopped                          vs. threads with 1 key
// load_slots_request_ms_10k_actions  the custom `slots` request, the worker answering     vs. the same body built in process from the journal
// load_slots_request_ms_10k_actions_ended  the same once the worker is gone (read from the journal)  vs. the same baseline
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { journalSource } from '../src/adapter/stateSource';
import { slotsBody } from '../src/adapter/viewData';
import { buildTimelineModel } from '../src/extension/timelineModel';
import { defineAgent } from '../src/runtime/agent';
import { runAttempt } from '../src/runtime/agentRunner';
import { JOURNAL_FILE } from '../src/runtime/journalStore';
import { MemoryStore } from '../src/runtime/stateStore';
import { writeManySlots } from '../test/dap/manySlots';
import { median, medianMs, report, timeMs } from './report';

const ADAPTER = path.resolve('dist/debugAdapter.js');
const CLI = path.resolve('dist/cli.js');
const KEYS = 1_000;
const ACTIONS = 10_000;

const scratch: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-load-'));
  scratch.push(dir);
  return dir;
}

/** Peak resident set size of a process, in bytes (VmHWM of /proc/<pid>/status). */
function peakRss(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) * 1024;
}

function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

interface Session {
  dc: DebugClient;
  stop: DebugProtocol.StoppedEvent;
  worker: number;
  adapter: number;
}

/** Starts the standalone adapter and launches as VS Code does, up to the first stop. */
async function launchToStop(args: Record<string, unknown>, functions: string[]): Promise<Session> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'durable-agent');
  dc.defaultTimeout = 120_000;
  await dc.start();
  let worker = 0;
  dc.on('durableRun.worker', (e: DebugProtocol.Event) => (worker = e.body.pid));
  const stopped = dc.waitForEvent('stopped');
  const configure = dc.waitForEvent('initialized').then(async () => {
    if (functions.length > 0)
      await dc.setFunctionBreakpointsRequest({ breakpoints: functions.map((name) => ({ name })) });
    await dc.configurationDoneRequest();
  });
  await Promise.all([configure, dc.launch(args)]);
  const stop = (await stopped) as DebugProtocol.StoppedEvent;
  return { dc, stop, worker, adapter: parentOf(worker) };
}

async function slotsScope(s: Session): Promise<DebugProtocol.Scope> {
  const frame = (await s.dc.stackTraceRequest({ threadId: s.stop.body.threadId! })).body
    .stackFrames[0];
  const scopes = (await s.dc.scopesRequest({ frameId: frame.id })).body.scopes;
  return scopes.find((sc) => sc.name.startsWith('Slots'))!;
}

/** A session stopped at `finish` after replaying `n` slots of one action, and its memory. */
async function manySlots(n: number): Promise<Session & { journalBytes: number; stateDir: string }> {
  const fixture = writeManySlots(n);
  scratch.push(path.dirname(fixture.stateDir));
  const journalBytes = fs.statSync(path.join(fixture.stateDir, JOURNAL_FILE)).size;
  const s = await launchToStop(
    { program: fixture.program, inputs: fixture.inputs, stateDir: fixture.stateDir, fresh: false },
    ['finish'],
  );
  const scope = await slotsScope(s);
  if (scope.indexedVariables !== n)
    throw new Error(`expected ${n} slots, saw ${scope.indexedVariables}`);
  return { ...s, journalBytes, stateDir: fixture.stateDir };
}

async function slotFigures(): Promise<number> {
  const small = await manySlots(10_000);
  const smallMemory = { worker: peakRss(small.worker), adapter: peakRss(small.adapter) };
  await small.dc.stop();

  const big = await manySlots(100_000);
  const threadsMs = await medianMs(() => big.dc.threadsRequest(), 30, 3);
  const frame = (await big.dc.stackTraceRequest({ threadId: big.stop.body.threadId! })).body
    .stackFrames[0];
  const scopeMs = await medianMs(() => big.dc.scopesRequest({ frameId: frame.id }), 20, 2);
  const scope = await slotsScope(big);
  const pages: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = ((i * 7919) % 999) * 100;
    pages.push(
      await timeMs(async () => {
        const page = await big.dc.variablesRequest({
          variablesReference: scope.variablesReference,
          filter: 'indexed',
          start,
          count: 100,
        });
        if (page.body.variables.length !== 100) throw new Error('a page of slots was short');
      }),
    );
  }
  const bigMemory = { worker: peakRss(big.worker), adapter: peakRss(big.adapter) };
  // The custom `slots` request as the extension's views send it: the latest 1000 per action.
  const viewMs = await medianMs(
    async () => {
      const r = await big.dc.customRequest('slots', { limit: 1000 });
      if (r.body.states[0].slotCount !== 100_000) throw new Error('slots: a wrong count');
    },
    5,
    1,
  );
  // The same request unpaged, as a client that wants every slot at once sends it.
  const slotsMs = await medianMs(
    async () => {
      const r = await big.dc.customRequest('slots', {});
      if (r.body.states[0].slots.length !== 100_000) throw new Error('slots: a short answer');
    },
    3,
    0,
  );
  const inProcessMs = await medianMs(
    () => slotsBody(journalSource(big.stateDir), {}, () => undefined),
    3,
    0,
  );
  const growth = await attemptGrowth(big, 6);
  // The timeline panel's refresh once seven recoveries have replayed the 100k calls: the custom
  // request, and the model the webview draws (long runs of alike calls fold into a row).
  let timelineRows = 0;
  const timelineMs = await medianMs(
    async () => {
      const r = await big.dc.customRequest('timeline', {});
      timelineRows = buildTimelineModel(r.body).groups[0].rows.length;
    },
    3,
    1,
  );
  if (timelineRows > 10) throw new Error(`timeline: ${timelineRows} rows, expected a few`);
  await big.dc.stop();

  report('load_slots_scope_ms_100k', scopeMs, 'ms', threadsMs);
  report('load_slots_page_ms_100k', median(pages), 'ms', threadsMs);
  report('load_slots_request_ms_100k', slotsMs, 'ms', inProcessMs);
  report('load_slots_view_refresh_ms_100k', viewMs, 'ms', slotsMs);
  report('load_timeline_refresh_ms_100k', timelineMs, 'ms', viewMs);
  const slots = 90_000;
  const journalPerSlot = big.journalBytes / 100_000;
  report(
    'load_worker_bytes_per_slot',
    (bigMemory.worker - smallMemory.worker) / slots,
    'bytes',
    journalPerSlot,
  );
  report(
    'load_adapter_bytes_per_slot',
    (bigMemory.adapter - smallMemory.adapter) / slots,
    'bytes',
    journalPerSlot,
  );
  report(
    'load_worker_bytes_per_attempt_100k',
    growth.workerPerAttempt,
    'bytes',
    growth.journalPerAttempt,
  );
  report(
    'load_adapter_bytes_per_attempt_100k',
    growth.adapterPerAttempt,
    'bytes',
    growth.journalPerAttempt,
  );
  return threadsMs;
}

/**
 * Crashes the stopped session and recovers it, once to have a recovering worker to compare with,
 * then `attempts` times more (each recovery replays every slot and stops at `finish` again): how
 * much the last worker's peak RSS exceeds the first recovering worker's, per attempt, against how
 * much the journal grows per attempt. Flat when a worker's timeline does not grow with recoveries.
 */
async function attemptGrowth(
  s: Session & { stateDir: string },
  attempts: number,
): Promise<{ workerPerAttempt: number; adapterPerAttempt: number; journalPerAttempt: number }> {
  const journal = path.join(s.stateDir, JOURNAL_FILE);
  let worker = s.worker;
  s.dc.on('durableRun.worker', (e: DebugProtocol.Event) => (worker = e.body.pid));
  // A crash stops the session on its crashed thread (reason `crash`); the recovery stops again
  // at `finish`: each wait is for its own stop.
  const stopWhere = (reason: (r: string) => boolean) =>
    new Promise<void>((resolve) => {
      const on = (e: DebugProtocol.Event) => {
        if (!reason(String(e.body?.reason))) return;
        s.dc.removeListener('stopped', on);
        resolve();
      };
      s.dc.on('stopped', on);
    });
  const crashAndRecover = async () => {
    const crashed = stopWhere((r) => r === 'crash');
    await s.dc.customRequest('injectCrash', { point: 'before-call', now: true });
    await crashed;
    const stopped = stopWhere((r) => r !== 'crash');
    await s.dc.customRequest('recover', {});
    await stopped;
  };
  await crashAndRecover();
  const first = {
    rss: peakRss(worker),
    adapter: peakRss(s.adapter),
    bytes: fs.statSync(journal).size,
  };
  for (let i = 0; i < attempts; i++) await crashAndRecover();
  return {
    workerPerAttempt: (peakRss(worker) - first.rss) / attempts,
    adapterPerAttempt: (peakRss(s.adapter) - first.adapter) / attempts,
    journalPerAttempt: (fs.statSync(journal).size - first.bytes) / attempts,
  };
}

// ---- 10k actions over 1k keys -----------------------------------------------------------------

/** The agent of the keys figures: each input is one action making one durable call. */
const KEYS_AGENT = `import { defineAgent } from 'durable-run';

async function work(key: string, n: number): Promise<{ key: string; n: number; doubled: number }> {
  return { key, n, doubled: n * 2 };
}

export default defineAgent({
  name: 'load-keys',
  actions: [
    {
      name: 'handle',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        const { key, input } = event.attributes as { key: string; input: number };
        const result = await ctx.durableExecute(work, [key, input]);
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: result } });
      },
    },
  ],
});
`;

/** The same agent, in this process, for the baseline. */
async function work(key: string, n: number): Promise<{ key: string; n: number; doubled: number }> {
  return { key, n, doubled: n * 2 };
}
const keysAgent = defineAgent({
  name: 'load-keys',
  actions: [
    {
      name: 'handle',
      on: ['InputEvent'],
      run: async (event, ctx) => {
        const { key, input } = event.attributes as { key: string; input: number };
        const result = await ctx.durableExecute(work, [key, input]);
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: result } });
      },
    },
  ],
});

function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume(); // the table of events, read and dropped as a terminal would show it
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`durable-run exited ${code}: ${stderr}`)),
    );
  });
}

async function keysFigures(threadsOneKeyMs: number): Promise<void> {
  const dir = tempDir();
  const program = path.join(dir, 'agent.ts');
  fs.writeFileSync(program, KEYS_AGENT);
  const inputs = Array.from({ length: ACTIONS }, (_, i) => ({ key: `k${i % KEYS}`, input: i }));
  const inputsFile = path.join(dir, 'inputs.jsonl');
  fs.writeFileSync(inputsFile, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  const stateDir = path.join(dir, '.durable');

  const cliMs = await timeMs(() =>
    runCli(['run', program, '--inputs', inputsFile, '--state', stateDir, '--fresh']),
  );
  const memoryMs = await medianMs(
    async () => {
      const result = await runAttempt(inputs, { agent: keysAgent, store: new MemoryStore() });
      if (result.outputs.length !== ACTIONS) throw new Error('the in-process run went wrong');
    },
    3,
    1,
  );
  report('load_cli_run_ms_10k_actions', cliMs, 'ms', memoryMs);

  // Recover over that journal: every action is reused; stopped at the first, every key is held.
  const s = await launchToStop(
    { program, inputsFile, stateDir, fresh: false, stopOnEntry: true },
    [],
  );
  for (let i = 0; ; i++) {
    const threads = (await s.dc.threadsRequest()).body.threads.length;
    if (threads === KEYS) break;
    if (i > 2000) throw new Error(`expected ${KEYS} threads, saw ${threads}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const threadsMs = await medianMs(() => s.dc.threadsRequest(), 30, 3);
  report('load_threads_ms_1k_keys', threadsMs, 'ms', threadsOneKeyMs);

  const slotsRequest = async () => {
    const r = await s.dc.customRequest('slots', {});
    if (r.body.states.length !== ACTIONS) throw new Error(`slots: ${r.body.states.length} states`);
  };
  const slotsMs = await medianMs(slotsRequest, 3, 1);
  const inProcessMs = await medianMs(
    async () => {
      const body = await slotsBody(journalSource(stateDir), {}, () => undefined);
      if (body.states.length !== ACTIONS) throw new Error('the in-process slots body went wrong');
    },
    3,
    1,
  );
  report('load_slots_request_ms_10k_actions', slotsMs, 'ms', inProcessMs);

  // Once the worker is gone, the same request is answered from the journal.
  const ended = s.dc.waitForEvent('terminated');
  await s.dc.terminateRequest();
  await ended;
  const endedMs = await medianMs(slotsRequest, 3, 1);
  report('load_slots_request_ms_10k_actions_ended', endedMs, 'ms', inProcessMs);
  await s.dc.stop();
}

export async function run(): Promise<void> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run npm run build first`);
  try {
    const threadsOneKeyMs = await slotFigures();
    await keysFigures(threadsOneKeyMs);
  } finally {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  const started = performance.now();
  run().then(
    () => console.error(`load bench: ${Math.round((performance.now() - started) / 1000)} s`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
