// Breakpoints of each kind: on a durable call's line, inside an action, on a line that can never
// stop, conditional and hit-counted, on action names and function ids, and exception filters.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  endSession,
  launch,
  lineOf,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  step,
  TYPES,
  type Session,
  waitForEventWhere,
} from './support';

const TWO_KEYS = [...ORDER_INPUTS, { key: 'bob', input: { id: 'o2', cents: 7 } }];

describe('breakpoints', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('stops on the line of a durable call, at the call, with the breakpoint verified and hit', async () => {
    const line = lineOf(ORDERS, 'durableExecute(charge');
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, true);
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'breakpoint');
    assert.deepEqual(event.body.hitBreakpointIds, [set.lines[0].id]);
    assert.equal(top.line, line);
    assert.ok(top.column > 1);
    assert.match(top.name, /^charge #1 · plan decided \(execute\)$/);
  });

  it('leaves a line inside an action that holds no durable call unverified, with the reason, and never stops there', async () => {
    const line = lineOf(ORDERS, 'const order = event.attributes.input');
    const exited = s.dc.waitForEvent('exited');
    let stops = 0;
    s.dc.on('stopped', () => stops++);
    const set = await launch(
      s,
      { program: ORDERS, inputs: TWO_KEYS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, false);
    assert.match(
      set.lines[0].message ?? '',
      /holds no durable call, so the debugger cannot stop on it/,
    );
    await exited;
    assert.equal(stops, 0);
  });

  it('stops when the action starts for a breakpoint on its first line, reported as a breakpoint', async () => {
    const line = lineOf(ORDERS, 'run: async (event, ctx)');
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, true);
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'breakpoint');
    assert.deepEqual(event.body.hitBreakpointIds, [set.lines[0].id]);
    assert.equal(top.name, 'checkout · start');
    assert.equal(top.line, line);
  });

  it('stops when the action ends for a breakpoint on its last line', async () => {
    const line = lineOf(ORDERS, "ctx.sendEvent({ type: 'OutputEvent'") + 1;
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, true);
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'breakpoint');
    assert.equal(top.name, 'checkout · returned (completion not persisted)');
    assert.equal(top.line, line);
  });

  it('stops at the durable call for a line of its arguments', async () => {
    const call = lineOf(ORDERS, 'durableExecute(charge');
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line: call + 2 }] },
    );
    assert.equal(set.lines[0].verified, true);
    assert.match(
      set.lines[0].message ?? '',
      new RegExp(`durable call that starts on line ${call}`),
    );
    const { top } = await stopped;
    assert.equal(top.name, 'charge #1 · plan decided (execute)');
  });

  it('stops in a recovery just before a reconciler runs for a breakpoint in its body, and never where it does not run', async () => {
    const line = lineOf(ORDERS, 'reconciler: async ()');
    // The crash itself stops the session on its crashed thread; only breakpoint stops count.
    const crashed = waitForEventWhere(s, 'stopped', (b) => b.reason === 'crash');
    let breakpointStops = 0;
    s.dc.on('stopped', (e) => {
      if ((e as DebugProtocol.StoppedEvent).body.reason === 'breakpoint') breakpointStops++;
    });
    const set = await launch(
      s,
      { program: ORDERS, inputs: TWO_KEYS, crash: { point: 'before-outcome', call: 'charge' } },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, true);
    assert.match(set.lines[0].message ?? '', /just before this reconciler runs/);
    await crashed;
    // The first attempt ran the charge, not its reconciler: it never stopped for the breakpoint.
    assert.equal(breakpointStops, 0);
    const stopped = nextStop(s);
    await s.dc.customRequest('recover', {});
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'breakpoint');
    assert.deepEqual(event.body.hitBreakpointIds, [set.lines[0].id]);
    assert.equal(top.name, 'charge #1 · plan decided (reconcile)');
    assert.equal(top.line, lineOf(ORDERS, 'durableExecute(charge'));
  });

  it('leaves a line that can never stop unverified, with the reason', async () => {
    const line = lineOf(ORDERS, 'return order.cents * 2');
    const exited = s.dc.waitForEvent('exited');
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, false);
    assert.match(set.lines[0].message ?? '', /can never stop/);
    await exited;
  });

  it('stops only where the condition holds', async () => {
    const line = lineOf(ORDERS, 'durableExecute(price');
    const stopped = nextStop(s);
    await launch(
      s,
      { program: ORDERS, inputs: TWO_KEYS },
      { lines: [{ file: ORDERS, line, condition: "key === 'bob' && args[0].cents === 7" }] },
    );
    const { frames } = await stopped;
    assert.equal(frames[2].name, 'InputEvent key=bob seq=0');
  });

  it('turns a breakpoint whose condition names something unknown off, says why once, and never stops on it', async () => {
    const line = lineOf(ORDERS, 'durableExecute(price');
    const exited = s.dc.waitForEvent('exited');
    const changed = s.dc.waitForEvent('breakpoint');
    let stops = 0;
    s.dc.on('stopped', () => stops++);
    const set = await launch(
      s,
      { program: ORDERS, inputs: [...TWO_KEYS, { key: 'carol', input: { id: 'o3', cents: 1 } }] },
      { lines: [{ file: ORDERS, line, condition: 'nosuchvar.x > 1' }] },
    );
    assert.equal(set.lines[0].verified, true);
    const bp = ((await changed) as DebugProtocol.BreakpointEvent).body.breakpoint;
    assert.equal(bp.id, set.lines[0].id);
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /nosuchvar is not defined; a condition can use key, seq/);
    await exited;
    assert.equal(stops, 0);
    const warnings = s.output.filter((o) => o.text.includes('nosuchvar'));
    assert.equal(warnings.length, 1, warnings.map((w) => w.text).join(''));
  });

  it('counts a condition that throws for a call as false, and warns once', async () => {
    const line = lineOf(ORDERS, 'durableExecute(price');
    const exited = s.dc.waitForEvent('exited');
    let stops = 0;
    s.dc.on('stopped', () => stops++);
    await launch(
      s,
      { program: ORDERS, inputs: [...TWO_KEYS, { key: 'carol', input: { id: 'o3', cents: 1 } }] },
      { lines: [{ file: ORDERS, line, condition: 'args[0].missing.deeper === 1' }] },
    );
    await exited;
    assert.equal(stops, 0);
    const warnings = s.output.filter((o) => o.text.includes('missing.deeper'));
    assert.equal(warnings.length, 1, warnings.map((w) => w.text).join(''));
  });

  it('refuses a condition that does not compile', async () => {
    const line = lineOf(ORDERS, 'durableExecute(price');
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line, condition: 'key ===' }] },
    );
    assert.equal(set.lines[0].verified, false);
    assert.match(set.lines[0].message ?? '', /does not compile/);
  });

  it('stops on the second hit with a hit count of 2', async () => {
    const line = lineOf(ORDERS, 'durableExecute(price');
    const inputs = [
      { key: 'k', input: { id: 'a', cents: 1 } },
      { key: 'k', input: { id: 'b', cents: 2 } },
    ];
    const stopped = nextStop(s);
    await launch(
      s,
      { program: ORDERS, inputs },
      { lines: [{ file: ORDERS, line, hitCondition: '2' }] },
    );
    const { frames } = await stopped;
    assert.equal(frames[2].name, 'InputEvent key=k seq=1');
  });

  it('stops at the start of an action named by a function breakpoint', async () => {
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { functions: ['checkout'] },
    );
    assert.equal(set.functions[0].verified, true);
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'function breakpoint');
    assert.match(top.name, /checkout · start/);
  });

  it('stops at a durable call named by its function id', async () => {
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { functions: ['receipt'] },
    );
    assert.equal(set.functions[0].verified, true);
    const { top } = await stopped;
    assert.equal(top.line, lineOf(ORDERS, 'durableExecute(receipt'));
  });

  it('leaves a function breakpoint on an unknown name unverified', async () => {
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { functions: ['nothingLikeThis'] },
    );
    assert.equal(set.functions[0].verified, false);
  });

  it('takes new breakpoints while the agent runs', async () => {
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
    const line = lineOf(ORDERS, 'durableExecute(receipt');
    await s.dc.setBreakpointsRequest({ source: { path: ORDERS }, breakpoints: [{ line }] });
    const { event, top } = await step(s, 'continue');
    assert.equal(event.body.reason, 'breakpoint');
    assert.equal(top.line, line);
  });

  it('stops when a durable call fails with the durableFailure filter', async () => {
    const stopped = nextStop(s);
    await launch(
      s,
      { program: TYPES, inputs: [{ key: 'k', input: 1 }] },
      { exceptions: ['durableFailure'] },
    );
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.match(top.name, /explode #1 · function threw/);
    const info = await s.dc.exceptionInfoRequest({ threadId: event.body.threadId! });
    assert.equal(info.body.exceptionId, 'Error');
    assert.equal(info.body.details?.message, 'boom');
  });

  it('stops just before an injected crash with the crash filter', async () => {
    const stopped = nextStop(s);
    await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS, crash: { point: 'before-outcome', call: 'charge' } },
      { exceptions: ['crash'] },
    );
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.match(top.name, /charge #1 · function returned/);
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await s.dc.continueRequest({ threadId: event.body.threadId! });
    assert.equal((await crashed).body.point, 'before-outcome');
  });
});
