// Extension-host suite: breakpoints, the debug toolbar's steps through a durable call's phases, scopes and exception filters.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  addBreakpoint,
  ALICE,
  callScope,
  debugHooks,
  isolated,
  launch,
  nextStop,
  press,
  recorder,
  sample,
  scopesOf,
  sourceFile,
  variablesOf,
  launchAliceStoppedAt,
} from './support';

/** A small agent whose durable call can fail, and whose action can throw, for the exception filters. */
const FILTERS_AGENT = `import { defineAgent } from 'durable-run';

async function double(n: number): Promise<number> {
  if (n < 0) throw new RangeError('negative: ' + n);
  return n * 2;
}

export default defineAgent({
  name: 'filters',
  actions: [
    {
      name: 'work',
      on: ['InputEvent'],
      async run(event, ctx) {
        const n = event.attributes.input as number;
        const shift = Number(process.env.SHIFT ?? 0);
        const doubled = await ctx.durableExecute(double, [n + shift]);
        try {
          await ctx.durableExecute(double, [-1], { id: 'mayFail' });
        } catch {
          // A failed call is a result too.
        }
        if (doubled === 0) throw new Error('zero is not allowed');
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: doubled } });
      },
    },
  ],
});
`;

function writeFiltersAgent(dir: string): string {
  const file = path.join(dir, 'filters.ts');
  fs.writeFileSync(file, FILTERS_AGENT);
  return file;
}

describe('Breakpoints and stepping', () => {
  debugHooks();

  const chargeLine = () => sample().lineOf('ctx.durableExecute(charge');

  it('stops on a breakpoint at the charge call with the Call, Slots, Event, Action State and Attempt scopes', async () => {
    const { s, stop } = await launchAliceStoppedAt(chargeLine());
    assert.equal(stop.reason, 'breakpoint');
    assert.equal(sourceFile(stop.top.source), sample().agent);
    assert.equal(stop.top.line, chargeLine());
    assert.match(stop.top.name, /^charge #1 · plan decided \(execute\)$/);
    // The breakpoint VS Code set is the one the adapter says was hit.
    const set = recorder().response('setBreakpoints', s.since);
    const bp = (set?.body as { breakpoints: Array<{ id: number; verified: boolean }> })
      .breakpoints[0];
    assert.equal(bp.verified, true);
    assert.deepEqual(stop.hitBreakpointIds, [bp.id]);

    const scopes = (await scopesOf(s.session, stop.top.id)).map((sc) => sc.name);
    assert.deepEqual(scopes, ['Call', 'Slots (1)', 'Event', 'Action State', 'Attempt']);
    const call = await callScope(s.session, stop.top.id);
    assert.equal(call.functionId, '"charge"');
    assert.equal(call.plan, '"execute"');
    assert.equal(call.phase, '"planned"');
    assert.equal(call.hasReconciler, 'true');
    const slotsScope = (await scopesOf(s.session, stop.top.id)).find((sc) =>
      sc.name.startsWith('Slots'),
    );
    const slot0 = await variablesOf(s.session, slotsScope!.variablesReference);
    assert.ok(
      Object.values(slot0).some((v) => /priceOrder/.test(v)),
      `slot 0 is not priceOrder: ${JSON.stringify(slot0)}`,
    );
  });

  it('steps in through the phases of the charge call with the Step Into button', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, chargeLine());
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    let stop = await nextStop(s);
    const phases = [stop.top.name];
    for (let i = 0; i < 3; i++) {
      stop = await press(s, 'stepInto', stop);
      assert.equal(stop.reason, 'step');
      assert.equal(stop.top.line, chargeLine(), `step ${i + 1} left the charge call line`);
      phases.push(stop.top.name);
    }
    assert.deepEqual(phases, [
      'charge #1 · plan decided (execute)',
      'charge #1 · PENDING persisted (execute)',
      'charge #1 · function returned (execute)',
      'charge #1 · outcome persisted (execute)',
    ]);
    // The side effect happened between "PENDING persisted" and "function returned".
    assert.equal(iso.charges().length, 1);
  });

  it('steps over from one durable call to the next with the Step Over button', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, sample().lineOf('ctx.durableExecute(priceOrder'));
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    const first = await nextStop(s);
    assert.match(first.top.name, /^priceOrder #0 · plan decided/);
    const next = await press(s, 'stepOver', first);
    assert.match(next.top.name, /^charge #1 · plan decided \(execute\)$/);
    assert.equal(next.top.line, chargeLine());
  });

  it('steps out of the charge call to the end of the action with the Step Out button', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, chargeLine());
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    const out = await press(s, 'stepOut', await nextStop(s));
    assert.match(out.top.name, /^checkout · returned/);
  });

  it('steps back by re-running the action in a rewind attempt, without charging again', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, chargeLine());
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    let stop = await nextStop(s);
    stop = await press(s, 'stepInto', stop);
    stop = await press(s, 'stepInto', stop);
    assert.match(stop.top.name, /function returned/);
    const mark = recorder().mark();
    const back = await press(s, 'stepBack', stop);
    assert.equal(back.description, 'Stepped back');
    // The charge ran but its outcome was never persisted: the re-run reconciles it.
    assert.equal(back.top.name, 'charge #1 · plan decided (reconcile)');
    assert.equal(back.top.line, chargeLine());
    const worker = recorder().events('durableRun.worker', mark)[0]?.body as { kind: string };
    assert.equal(worker?.kind, 'rewind', 'stepping back starts a rewind attempt');
    assert.equal(
      iso.charges().length,
      1,
      'the rewind reconciled the charge instead of charging twice',
    );
  });

  it('continues from one breakpoint to the next with the Continue button', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, chargeLine());
    addBreakpoint(sample().agent, sample().lineOf('ctx.durableExecute(sendReceipt'));
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    const next = await press(s, 'continue', await nextStop(s));
    assert.equal(next.reason, 'breakpoint');
    assert.match(next.top.name, /^sendReceipt #0 · plan decided/);
    assert.match(next.frames[1].name, /action notify/);
  });

  it('stops before the reconciler runs when the reconcile exception filter is on', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      crash: { point: 'before-outcome', call: 'charge' },
      autoRecover: true,
      stopOnEntry: true,
    });
    const entry = await nextStop(s);
    // What the Breakpoints view's checkbox sends; set directly, VS Code keeps its own list.
    await s.session.customRequest('setExceptionBreakpoints', { filters: ['reconcile'] });
    let stop = await press(s, 'continue', entry);
    // The recovery attempt stops on entry too (stopOnEntry applies to each attempt).
    if (stop.reason === 'entry') stop = await press(s, 'continue', stop);
    assert.equal(stop.reason, 'exception');
    assert.equal(stop.description, 'A reconciler is about to run');
    assert.match(stop.top.name, /^charge #1 · plan decided \(reconcile\)$/);
    const info = (await s.session.customRequest('exceptionInfo', { threadId: stop.threadId })) as {
      exceptionId: string;
    };
    // No error here: titled with what the filter stops at.
    assert.equal(info.exceptionId, 'Reconcile');
  });

  it('stops just before an injected crash when the crash exception filter is on', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      crash: { point: 'after-outcome', call: 'charge' },
      stopOnEntry: true,
    });
    const entry = await nextStop(s);
    await s.session.customRequest('setExceptionBreakpoints', { filters: ['crash'] });
    const stop = await press(s, 'continue', entry);
    assert.equal(stop.description, 'A crash is about to happen');
    assert.match(stop.top.name, /^charge #1 · outcome persisted/);
    const mark = recorder().mark();
    await s.session.customRequest('continue', { threadId: stop.threadId });
    const crash = await recorder().event<{ point: string }>('durableRun.crash', mark);
    assert.equal(crash.point, 'after-outcome');
  });

  it('stops where a durable call fails with the durableFailure filter, and where an action throws by default', async () => {
    const iso = isolated();
    const program = writeFiltersAgent(iso.dir);
    const s = await launch({
      program,
      inputs: [{ key: 'k', input: 0 }],
      stateDir: iso.stateDir,
      stopOnEntry: true,
    });
    const entry = await nextStop(s);
    // agentError is on by default: VS Code sent it at configuration time.
    const defaults = recorder().requests('setExceptionBreakpoints', s.since)[0]?.arguments as {
      filters: string[];
    };
    assert.deepEqual(defaults?.filters, ['agentError']);
    await s.session.customRequest('setExceptionBreakpoints', {
      filters: ['durableFailure', 'agentError'],
    });
    const failed = await press(s, 'continue', entry);
    assert.equal(failed.description, 'Durable call mayFail failed');
    assert.match(failed.text ?? '', /RangeError: negative: -1/);
    const threw = await press(s, 'continue', failed);
    assert.equal(threw.description, 'Action work threw');
    assert.match(threw.text ?? '', /zero is not allowed/);
  });

  it('stops where a call no longer matches its slot with the nonDeterminism filter', async () => {
    const iso = isolated();
    const program = writeFiltersAgent(iso.dir);
    const base = { program, stateDir: iso.stateDir };
    // Attempt 1 persists double(1) and crashes before the action's completion is persisted.
    const first = await launch({
      ...base,
      inputs: [{ key: 'k', input: 1 }],
      crash: { point: 'before-complete' },
    });
    await recorder().event('durableRun.crash', first.since);
    await vscode.debug.stopDebugging(first.session);
    // Attempt 2 recovers with other arguments for the same call: the slot is cleared.
    const second = await launch({ ...base, fresh: false, stopOnEntry: true, env: { SHIFT: '5' } });
    const entry = await nextStop(second);
    await second.session.customRequest('setExceptionBreakpoints', { filters: ['nonDeterminism'] });
    const stop = await press(second, 'continue', entry);
    assert.equal(stop.description, 'Non-deterministic call: slots cleared');
    assert.match(stop.top.name, /^double #0 · plan decided \(clear-and-execute\)$/);
  });
});
