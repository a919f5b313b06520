// Stepping in durable units: next goes call to call, stepIn through the phases of one call,
// stepOut to the end of the action, continue to the end, pause a busy agent.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  BUSY,
  endSession,
  launch,
  lineOf,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  step,
  type Session,
} from './support';

describe('stepping', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stopOnEntry: true });
    await stopped;
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('steps over from durable call to durable call, then to the end of the action', async () => {
    const names: string[] = [];
    const lines: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { event, top } = await step(s, 'next');
      assert.equal(event.body.reason, 'step');
      names.push(top.name);
      lines.push(top.line);
    }
    assert.deepEqual(names, [
      'price #0 · plan decided (execute)',
      'charge #1 · plan decided (execute)',
      'receipt #2 · plan decided (execute)',
      'checkout · returned (completion not persisted)',
    ]);
    assert.deepEqual(lines.slice(0, 3), [
      lineOf(ORDERS, 'durableExecute(price'),
      lineOf(ORDERS, 'durableExecute(charge'),
      lineOf(ORDERS, 'durableExecute(receipt'),
    ]);
    assert.equal(lines[3], lineOf(ORDERS, "ctx.sendEvent({ type: 'OutputEvent'") + 1);
  });

  it('steps into the phases of a call with a reconciler: plan, PENDING persisted, returned, outcome persisted', async () => {
    await step(s, 'next');
    await step(s, 'next');
    const phases: string[] = [];
    for (let i = 0; i < 3; i++) phases.push((await step(s, 'stepIn')).top.name);
    assert.deepEqual(phases, [
      'charge #1 · PENDING persisted (execute)',
      'charge #1 · function returned (execute)',
      'charge #1 · outcome persisted (execute)',
    ]);
  });

  it('steps into a call without a reconciler: plan, returned, outcome persisted', async () => {
    const first = await step(s, 'stepIn');
    assert.equal(first.top.name, 'price #0 · plan decided (execute)');
    assert.equal((await step(s, 'stepIn')).top.name, 'price #0 · function returned (execute)');
    assert.equal((await step(s, 'stepIn')).top.name, 'price #0 · outcome persisted (execute)');
  });

  it('steps out to the end of the action', async () => {
    await step(s, 'next');
    const { top } = await step(s, 'stepOut');
    assert.equal(top.name, 'checkout · returned (completion not persisted)');
  });

  it('continues to the end of the run', async () => {
    const exited = s.dc.waitForEvent('exited');
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });
});

describe('pausing', () => {
  it('pauses an agent busy in its own code at its next durable boundary', async () => {
    const s = await startSession();
    try {
      await launch(s, { program: BUSY, inputs: [{ key: 'k', input: 0 }] });
      await new Promise((r) => setTimeout(r, 100));
      const stopped = nextStop(s);
      await s.dc.pauseRequest({ threadId: 1 });
      const { event, top } = await stopped;
      assert.equal(event.body.reason, 'pause');
      assert.match(top.name, /^tick #\d+/);
    } finally {
      await endSession(s);
    }
  });
});
