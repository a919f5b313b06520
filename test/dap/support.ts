// Shared by the DAP tests: a DebugClient on the standalone adapter (dist/debugAdapter.js, build
// first), fixture paths and lines, a launch that configures breakpoints the way VS Code does, and
// the check that no worker process outlives its session.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ADAPTER = path.resolve('dist/debugAdapter.js');
export const FIXTURES = path.resolve('test/fixtures/dap');
export const ORDERS = path.join(FIXTURES, 'orders.ts');
export const TYPES = path.join(FIXTURES, 'types.ts');
export const DRIFTING = path.join(FIXTURES, 'drifting.ts');
export const BUSY = path.join(FIXTURES, 'busy.ts');
export const GATED = path.join(FIXTURES, 'gated.ts');

export const ORDER_INPUTS = [{ key: 'alice', input: { id: 'o1', cents: 100 } }];

/** The 1-based line of the first line of `file` that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const index = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `${needle} is not in ${file}`);
  return index + 1;
}

export function tempDir(prefix = 'durable-dap-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Session {
  dc: DebugClient;
  /** Every worker process the session started. */
  pids: number[];
  /** Every output event's text, in order. */
  output: Array<{ category: string; text: string }>;
  events: DebugProtocol.Event[];
  /**
   * A stop that came while launch() waited for its response: the response and the first stop can
   * come in one chunk, and DebugClient emits the event before the awaited launch resolves, so a
   * nextStop() after launch() would miss it. The next nextStop() takes it.
   */
  earlyStop?: DebugProtocol.StoppedEvent;
  /** Stopped events a waiter of this module has returned, so none is returned twice. */
  taken: WeakSet<DebugProtocol.Event>;
}

export async function startSession(): Promise<Session> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run npm run build first`);
  const dc = new DebugClient(
    process.execPath,
    ADAPTER,
    'durable-agent',
    undefined,
    process.env.DAP_STDERR === '1',
  );
  // A hang guard, not a timed assertion: generous, as a loaded 2-core machine is many times slower.
  dc.defaultTimeout = 30_000;
  const session: Session = { dc, pids: [], output: [], events: [], taken: new WeakSet() };
  dc.on('durableRun.worker', (e: DebugProtocol.Event) => session.pids.push(e.body.pid));
  dc.on('output', (e: DebugProtocol.OutputEvent) =>
    session.output.push({ category: e.body.category ?? 'console', text: e.body.output }),
  );
  for (const name of [
    'stopped',
    'continued',
    'thread',
    'breakpoint',
    'durableRun.crash',
    'durableRun.attempt',
    'durableRun.slotsChanged',
    'exited',
    'terminated',
  ]) {
    dc.on(name, (e: DebugProtocol.Event) => session.events.push(e));
  }
  await dc.start();
  return session;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until every listed worker process is gone; fails the test if one is left behind. */
export async function assertNoWorkerLeft(pids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const left = pids.filter(alive);
  assert.deepEqual(left, [], `worker processes left behind: ${left.join(', ')}`);
}

/** Ends the session and checks no worker outlived it. */
export async function endSession(s: Session): Promise<void> {
  await s.dc.stop();
  await assertNoWorkerLeft(s.pids);
}

export interface Breakpoints {
  lines?: Array<{ file: string; line: number; condition?: string; hitCondition?: string }>;
  functions?: Array<string | { name: string; condition?: string; hitCondition?: string }>;
  exceptions?: string[];
}

/** Launches as VS Code does: initialize, launch, and on `initialized` the breakpoints then configurationDone. */
export async function launch(
  s: Session,
  args: Record<string, unknown>,
  bps: Breakpoints = {},
): Promise<{ lines: DebugProtocol.Breakpoint[]; functions: DebugProtocol.Breakpoint[] }> {
  const set = {
    lines: [] as DebugProtocol.Breakpoint[],
    functions: [] as DebugProtocol.Breakpoint[],
  };
  const configure = s.dc.waitForEvent('initialized').then(async () => {
    const byFile = new Map<
      string,
      Array<{ line: number; condition?: string; hitCondition?: string }>
    >();
    for (const b of bps.lines ?? []) byFile.set(b.file, [...(byFile.get(b.file) ?? []), b]);
    for (const [file, list] of byFile) {
      const r = await s.dc.setBreakpointsRequest({ source: { path: file }, breakpoints: list });
      set.lines.push(...r.body.breakpoints);
    }
    if (bps.functions) {
      const r = await s.dc.setFunctionBreakpointsRequest({
        breakpoints: bps.functions.map((f) => (typeof f === 'string' ? { name: f } : f)),
      });
      set.functions.push(...r.body.breakpoints);
    }
    await s.dc.setExceptionBreakpointsRequest({ filters: bps.exceptions ?? [] });
    await s.dc.configurationDoneRequest();
  });
  const early = (e: DebugProtocol.StoppedEvent) => {
    s.earlyStop ??= e;
  };
  s.dc.on('stopped', early);
  try {
    await Promise.all([configure, s.dc.launch({ stateDir: tempDir(), ...args })]);
  } finally {
    s.dc.removeListener('stopped', early);
  }
  return set;
}

/** A position in the session's events: `eventsSince` looks at what came after it. */
export function mark(s: Session): number {
  return s.events.length;
}

/** The events of that name received after `since`, in order. */
export function eventsSince(s: Session, since: number, name: string): DebugProtocol.Event[] {
  return s.events.slice(since).filter((e) => e.event === name);
}

/** The thread id of a key, from the threads request. */
export async function threadOfKey(s: Session, key: string): Promise<number> {
  const threads = (await s.dc.threadsRequest()).body.threads;
  const thread = threads.find((t) => t.name === key);
  assert.ok(thread, `no thread ${key} among ${threads.map((t) => t.name).join(', ')}`);
  return thread.id;
}

/** Polls the threads until the key has one (a key shows up when it reaches its first boundary). */
export async function untilThreadOf(s: Session, key: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const threads = (await s.dc.threadsRequest()).body.threads;
    const thread = threads.find((t) => t.name === key);
    if (thread) return thread.id;
    if (Date.now() > deadline)
      assert.fail(`no thread ${key} among ${threads.map((t) => t.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls a thread's top frame until its name matches (a key reaches its hold just after a stop). */
export async function untilTop(s: Session, threadId: number, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const frames = await stackOf(s, threadId).catch(() => []);
    const name = frames[0]?.name ?? '(no frames)';
    if (pattern.test(name)) return name;
    if (Date.now() > deadline)
      assert.fail(`thread ${threadId}'s top frame is "${name}", not ${pattern}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The name of a thread's top frame. */
export async function topOf(s: Session, threadId: number): Promise<string> {
  return (await stackOf(s, threadId))[0].name;
}

export function threadOf(e: DebugProtocol.Event): number {
  return (e as DebugProtocol.StoppedEvent).body.threadId!;
}

/** The stack of a thread, top first. */
export async function stackOf(s: Session, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await s.dc.stackTraceRequest({ threadId })).body.stackFrames;
}

/** Waits for the next stop and returns it with its top frame. */
export async function nextStop(s: Session): Promise<{
  event: DebugProtocol.StoppedEvent;
  top: DebugProtocol.StackFrame;
  frames: DebugProtocol.StackFrame[];
}> {
  const early = s.earlyStop;
  s.earlyStop = undefined;
  const event =
    early && !s.taken.has(early)
      ? early
      : ((await s.dc.waitForEvent('stopped')) as DebugProtocol.StoppedEvent);
  s.taken.add(event);
  const frames = await stackOf(s, event.body.threadId!);
  return { event, top: frames[0], frames };
}

/** The variables of a scope of the top frame, by scope name prefix, as name → variable. */
export async function scopeVariables(
  s: Session,
  frameId: number,
  scope: string,
): Promise<Map<string, DebugProtocol.Variable>> {
  const scopes = (await s.dc.scopesRequest({ frameId })).body.scopes;
  const found = scopes.find((sc) => sc.name.startsWith(scope));
  assert.ok(found, `no scope ${scope} among ${scopes.map((sc) => sc.name).join(', ')}`);
  return childrenOf(s, found.variablesReference);
}

export async function childrenOf(
  s: Session,
  ref: number,
  start?: number,
  count?: number,
): Promise<Map<string, DebugProtocol.Variable>> {
  const vars = (await s.dc.variablesRequest({ variablesReference: ref, start, count })).body
    .variables;
  return new Map(vars.map((v) => [v.name, v]));
}

/** Waits for an event whose body satisfies `match`. */
export function waitForEventWhere(
  s: Session,
  name: string,
  match: (body: Record<string, unknown>) => boolean,
  timeoutMs = 30_000,
): Promise<DebugProtocol.Event> {
  const early = s.earlyStop;
  if (name === 'stopped' && early && !s.taken.has(early) && match(early.body ?? {})) {
    s.earlyStop = undefined;
    s.taken.add(early);
    return Promise.resolve(early);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.dc.removeListener(name, on);
      reject(new Error(`no ${name} event matched within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (e: DebugProtocol.Event) => {
      if (!match(e.body ?? {})) return;
      clearTimeout(timer);
      s.dc.removeListener(name, on);
      s.taken.add(e);
      resolve(e);
    };
    s.dc.on(name, on);
  });
}

export type StepKind = 'next' | 'stepIn' | 'stepOut' | 'continue' | 'stepBack' | 'reverseContinue';

/** Sends a step (listening for the stop first, so a fast stop is never missed) and returns the stop. */
export async function step(s: Session, kind: StepKind, threadId = 1): ReturnType<typeof nextStop> {
  const stopped = nextStop(s);
  const requests = {
    next: () => s.dc.nextRequest({ threadId }),
    stepIn: () => s.dc.stepInRequest({ threadId }),
    stepOut: () => s.dc.stepOutRequest({ threadId }),
    continue: () => s.dc.continueRequest({ threadId }),
    stepBack: () => s.dc.stepBackRequest({ threadId }),
    reverseContinue: () => s.dc.reverseContinueRequest({ threadId }),
  };
  await requests[kind]();
  return stopped;
}
