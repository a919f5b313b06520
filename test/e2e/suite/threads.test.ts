// Extension-host suite: the thread model (all-stop, steps per key) in VS Code, with the sample's
// own configuration (stopOnEntry, alice and bob): a breakpoint is never run past by any key,
// stepping one key leaves the other held (and VS Code's Call Stack is told so), and a recovery
// stops on the crashed charge with plan `reconcile`, every time.
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  addBreakpoint,
  debugHooks,
  eventually,
  focusedOn,
  isolated,
  launch,
  nextStop,
  press,
  recorder,
  sample,
  stackOf,
  type Started,
  type Stop,
} from './support';

type Stopped = Awaited<ReturnType<typeof nextStop>>;

/** The key a stop is on, from its event frame (`InputEvent key=alice seq=0`). */
function keyOf(stop: Stopped): string {
  const key = /key=(\S+)/.exec(stop.frames[stop.frames.length - 1].name)?.[1];
  assert.ok(key, `no key in ${stop.frames.map((f) => f.name).join(' / ')}`);
  return key;
}

async function threads(s: Started): Promise<DebugProtocol.Thread[]> {
  const body = (await s.session.customRequest('threads')) as DebugProtocol.ThreadsResponse['body'];
  return body.threads;
}

async function threadOf(s: Started, key: string): Promise<number> {
  return eventually(
    async () => (await threads(s)).find((t) => t.name === key)?.id,
    `a thread for ${key}`,
  );
}

/** What VS Code's Call Stack last fetched for a thread since `since`: the top frame it shows. */
function shownTop(s: Started, threadId: number, since: number): string | undefined {
  const traffic = recorder()
    .since(since)
    .filter((t) => t.session.id === s.session.id);
  const asked = traffic
    .filter((t) => t.dir === 'in')
    .map((t) => t.message as DebugProtocol.StackTraceRequest)
    .filter((m) => m.command === 'stackTrace' && m.arguments.threadId === threadId)
    .map((m) => m.seq);
  const answers = traffic
    .filter((t) => t.dir === 'out')
    .map((t) => t.message as DebugProtocol.StackTraceResponse)
    .filter((m) => m.type === 'response' && asked.includes(m.request_seq) && m.success);
  return answers.at(-1)?.body.stackFrames[0]?.name;
}

function launchSample(iso: ReturnType<typeof isolated>): Promise<Started> {
  // As the sample's generated configuration: both orders, stopped on entry.
  return launch({
    program: sample().agent,
    inputsFile: sample().inputsFile,
    stopOnEntry: true,
    stateDir: iso.stateDir,
    env: iso.env,
  });
}

describe('Threads: one per key, all stopped together', () => {
  debugHooks();

  const chargeLine = () => sample().lineOf('ctx.durableExecute(charge');

  it('never runs past a breakpoint with two keys, and stepping one key leaves the other held', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, chargeLine());
    const s = await launchSample(iso);
    const entry = await nextStop(s);
    assert.equal(entry.reason, 'entry');
    let stop = await press(s, 'continue', entry);
    assert.equal(stop.reason, 'breakpoint');
    assert.equal(stop.top.line, chargeLine());
    const first = keyOf(stop);
    const other = first === 'alice' ? 'bob' : 'alice';
    const otherThread = await threadOf(s, other);
    const mark = recorder().mark();
    const phases: string[] = [];
    for (let i = 0; i < 5; i++) {
      stop = await press(s, 'stepInto', stop);
      assert.equal(keyOf(stop), first, `step ${i + 1} stopped ${keyOf(stop)}, not ${first}`);
      phases.push(stop.top.name);
    }
    assert.deepEqual(phases.slice(0, 3), [
      'charge #1 · PENDING persisted (execute)',
      'charge #1 · function returned (execute)',
      'charge #1 · outcome persisted (execute)',
    ]);
    // The other key never moved: nothing of it was charged or printed, and it waits before its
    // next boundary, which VS Code's Call Stack was told.
    assert.deepEqual(
      iso.charges().map((c) => c.orderId),
      [`order-${first === 'alice' ? 1 : 2}`],
    );
    assert.doesNotMatch(recorder().output(s.since), new RegExp(`output ${other}#`));
    const held = await stackOf(s.session, otherThread);
    assert.match(held[0].name, /^held before /);
    await eventually(
      () => (/^held before /.test(shownTop(s, otherThread, mark) ?? '') ? true : undefined),
      `VS Code shows ${other} held (it showed "${shownTop(s, otherThread, mark)}")`,
    );
    // Each step said it moved that key alone; each stop, that every key stopped.
    const continued = recorder()
      .events('continued', mark)
      .map((e) => e.body as DebugProtocol.ContinuedEvent['body']);
    assert.equal(continued.length, 5);
    for (const c of continued) assert.equal(c.allThreadsContinued, false);
    const stopped = recorder()
      .events('stopped', s.since)
      .map((e) => e.body as DebugProtocol.StoppedEvent['body']);
    for (const b of stopped) assert.equal(b.allThreadsStopped, true);
    // Continue: the other key's held boundary is checked now, and its breakpoint stops it.
    stop = await press(s, 'continue', stop);
    assert.equal(keyOf(stop), other);
    assert.equal(stop.reason, 'breakpoint');
    assert.equal(stop.top.name, 'charge #1 · plan decided (execute)');
    assert.equal(stop.top.line, chargeLine());
  });

  for (const round of [1, 2]) {
    it(`stops the recovery on the crashed charge with plan reconcile (round ${round})`, async () => {
      const iso = isolated();
      addBreakpoint(sample().agent, chargeLine());
      const s = await launchSample(iso);
      let stop: Stop = await press(s, 'continue', await nextStop(s));
      const crashedKey = keyOf(stop as Stopped);
      stop = await press(s, 'stepInto', stop);
      assert.equal((stop as Stopped).top.name, 'charge #1 · PENDING persisted (execute)');
      await s.session.customRequest('injectCrash', { point: 'before-outcome', here: true });
      // Continue until the crash: the other key may stop at its own charge on the way.
      const crashed = recorder().event<{ point: string; stateId?: string }>(
        'durableRun.crash',
        s.since,
      );
      await continueUntil(s, stop, crashed, (next) =>
        assert.equal(next.top.line, chargeLine(), `stopped elsewhere: ${next.top.name}`),
      );
      const crash = await crashed;
      assert.equal(crash.point, 'before-outcome');
      assert.equal(crash.stateId, `${crashedKey}#0/0/checkout`);
      const mark = recorder().mark();
      await vscode.commands.executeCommand('durableRun.recover');
      const entry = await nextStop(s, mark);
      assert.equal(entry.reason, 'entry');
      // Every stop of the recovery is at the charge, and the crashed key's is reconciled.
      const ended = recorder().event('durableRun.attempt', mark, {
        where: (b: { attempt?: number; phase?: string }) => b.attempt === 2 && b.phase === 'end',
      });
      const seen: string[] = [];
      await continueUntil(s, entry, ended, (next) => {
        assert.equal(next.top.line, chargeLine(), `stopped elsewhere: ${next.top.name}`);
        seen.push(`${keyOf(next)}: ${next.top.name}`);
      });
      assert.ok(
        seen.includes(`${crashedKey}: charge #1 · plan decided (reconcile)`),
        `the recovery stopped at ${JSON.stringify(seen)}`,
      );
      // The reconciler found the charge made before the crash: that order was charged once.
      const order = `order-${crashedKey === 'alice' ? 1 : 2}`;
      assert.equal(iso.charges().filter((c) => c.orderId === order).length, 1);
    });
  }
});

/** Continues from `from`, stop after stop (each one checked), until `end` settles. */
async function continueUntil(
  s: Started,
  from: Stop,
  end: Promise<unknown>,
  check: (stop: Stopped) => void,
): Promise<void> {
  let over = false;
  void end.then(() => (over = true));
  let stop = from;
  while (!over) {
    const mark = recorder().mark();
    await focusedOn(s.session, stop.threadId);
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const stopped = nextStop(s, mark);
    stopped.catch(() => undefined);
    const next = await Promise.race([stopped, end.then(() => undefined)]);
    if (!next) return;
    check(next);
    stop = next;
  }
}
