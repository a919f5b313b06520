// Breakpoints of each kind: on a durable call's line, inside an action, on a line that can never
// stop, conditional and hit-counted, on action names and function ids, and exception filters.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
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

  it('stops at the start of the action for a line inside its body that holds no call, and says so', async () => {
    const line = lineOf(ORDERS, 'const order = event.attributes.input');
    const stopped = nextStop(s);
    const set = await launch(
      s,
      { program: ORDERS, inputs: ORDER_INPUTS },
      { lines: [{ file: ORDERS, line }] },
    );
    assert.equal(set.lines[0].verified, true);
    assert.match(set.lines[0].message ?? '', /stops when action "checkout" starts/);
    const { top } = await stopped;
    assert.match(top.name, /checkout · start/);
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
