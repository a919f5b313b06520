// The variables of each scope — Call, Slots, Event, Action State, Attempt — with payloads decoded
// into their real types, evaluateNames that evaluate back to the same value, and paged slots.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  childrenOf,
  endSession,
  launch,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  scopeVariables,
  startSession,
  step,
  TYPES,
  type Session,
} from './support';

async function topFrameId(s: Session, threadId: number): Promise<number> {
  return (await s.dc.stackTraceRequest({ threadId })).body.stackFrames[0].id;
}

describe('variables of a stopped durable call', () => {
  let s: Session;
  let frameId: number;
  before(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS }, { functions: ['receipt'] });
    const { event } = await stopped;
    frameId = await topFrameId(s, event.body.threadId!);
  });
  after(async () => {
    await endSession(s);
  });

  it('shows the Call scope: function id, decoded args, digest, plan, reason and phase', async () => {
    const call = await scopeVariables(s, frameId, 'Call');
    assert.equal(call.get('functionId')?.value, '"receipt"');
    assert.equal(call.get('plan')?.value, '"execute"');
    assert.match(call.get('reason')?.value ?? '', /no slot at this position yet/);
    assert.equal(call.get('phase')?.value, '"planned"');
    assert.match(call.get('argsDigest')?.value ?? '', /^"[0-9a-f]{16}"$/);
    const args = call.get('args')!;
    assert.equal(args.evaluateName, 'call.args');
    const items = await childrenOf(s, args.variablesReference);
    assert.equal(items.get('[0]')?.value, '"ch_o1"');
    assert.equal(items.get('[0]')?.evaluateName, 'call.args[0]');
  });

  it('shows every slot of the action with its status, decoded result and the path its call took', async () => {
    const slots = await scopeVariables(s, frameId, 'Slots');
    assert.deepEqual([...slots.keys()], ['[0]', '[1]']);
    assert.match(
      slots.get('[1]')!.value,
      /^charge SUCCEEDED \{chargeId: "ch_o1", total: 200\} \(execute\)$/,
    );
    const charge = await childrenOf(s, slots.get('[1]')!.variablesReference);
    assert.equal(charge.get('status')?.value, '"SUCCEEDED"');
    assert.equal(charge.get('path')?.value, '"execute"');
    const result = await childrenOf(s, charge.get('result')!.variablesReference);
    assert.equal(result.get('total')?.value, '200');
    assert.equal(result.get('total')?.evaluateName, 'slots[1].result.total');
  });

  it('shows the Event, the Action State and the Attempt', async () => {
    const event = await scopeVariables(s, frameId, 'Event');
    assert.equal(event.get('type')?.value, '"InputEvent"');
    const state = await scopeVariables(s, frameId, 'Action State');
    assert.equal(state.get('key')?.value, '"alice"');
    assert.equal(state.get('seq')?.value, '0');
    assert.equal(state.get('completed')?.value, 'false');
    assert.ok(state.has('outputEvents') && state.has('memoryUpdates'));
    const attempt = await scopeVariables(s, frameId, 'Attempt');
    assert.equal(attempt.get('attempt')?.value, '1');
    assert.equal(attempt.get('crashesSoFar')?.value, '0');
  });

  it('evaluates evaluateNames as paths, for Watch and Copy as Expression', async () => {
    const r = await s.dc.evaluateRequest({
      expression: 'slots[1].result.chargeId',
      frameId,
      context: 'watch',
    });
    assert.equal(r.body.result, '"ch_o1"');
    const args = await s.dc.evaluateRequest({ expression: 'call.args', frameId, context: 'watch' });
    assert.ok(args.body.variablesReference > 0);
    const input = await s.dc.evaluateRequest({
      expression: 'event.attributes["input"].cents',
      frameId,
      context: 'watch',
    });
    assert.equal(input.body.result, '100');
  });

  it('refuses to run code in evaluate', async () => {
    await assert.rejects(
      s.dc.evaluateRequest({ expression: 'process.exit(1)', frameId, context: 'repl' }),
      /unknown name "process"/,
    );
  });
});

describe('decoded payload types', () => {
  let s: Session;
  let frameId: number;
  let threadId: number;
  before(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(
      s,
      { program: TYPES, inputs: [{ key: 'k', input: 1 }] },
      { functions: ['explode'] },
    );
    threadId = (await stopped).event.body.threadId!;
    frameId = await topFrameId(s, threadId);
  });
  after(async () => {
    await endSession(s);
  });

  async function result(): Promise<Map<string, DebugProtocol.Variable>> {
    const slots = await scopeVariables(s, frameId, 'Slots');
    const slot = await childrenOf(s, slots.get('[0]')!.variablesReference);
    return childrenOf(s, slot.get('result')!.variablesReference);
  }

  it('shows a Date as a Date', async () => {
    const when = (await result()).get('when')!;
    assert.equal(when.type, 'Date');
    assert.equal(when.value, '2024-05-06T07:08:09.000Z');
  });

  it('shows a BigInt as a bigint', async () => {
    const big = (await result()).get('big')!;
    assert.equal(big.type, 'bigint');
    assert.equal(big.value, '12345678901234567890n');
  });

  it('shows a Set with its items', async () => {
    const tags = (await result()).get('tags')!;
    assert.equal(tags.type, 'Set');
    assert.match(tags.value, /^Set\(2\)/);
    const items = await childrenOf(s, tags.variablesReference);
    assert.equal(items.get('[1]')?.value, '"green"');
    assert.equal(items.get('[1]')?.evaluateName, 'slots[0].result.tags.at(1)');
  });

  it('shows a Map with its entries, each looked up by key', async () => {
    const prices = (await result()).get('prices')!;
    assert.equal(prices.type, 'Map');
    const entries = await childrenOf(s, prices.variablesReference);
    assert.equal(entries.get('"eur"')?.value, '1.5');
    const e = await s.dc.evaluateRequest({
      expression: entries.get('"usd"')!.evaluateName!,
      frameId,
      context: 'watch',
    });
    assert.equal(e.body.result, '2');
  });

  it('shows a thrown Error with its message, stack and properties', async () => {
    const { top } = await step(s, 'stepIn', threadId);
    assert.match(top.name, /explode #1 · function threw/);
    const id = await topFrameId(s, threadId);
    const call = await scopeVariables(s, id, 'Call');
    const error = call.get('error')!;
    assert.equal(error.type, 'Error');
    assert.equal(error.value, 'Error: boom');
    const fields = await childrenOf(s, error.variablesReference);
    assert.equal(fields.get('message')?.value, '"boom"');
    assert.equal(fields.get('code')?.value, '"E_BOOM"');
    assert.match(fields.get('stack')?.value ?? '', /types\.ts:\d+/);
  });
});

describe('an action with 100k slots', () => {
  it('pages its slots, fetching only the page asked for', async () => {
    const { writeManySlots } = await import('./manySlots');
    const s = await startSession();
    // Replaying 100k calls to reach the stop takes seconds, more on a loaded machine.
    s.dc.defaultTimeout = 60_000;
    try {
      const fixture = writeManySlots(100_000);
      const stopped = nextStop(s);
      await launch(
        s,
        {
          program: fixture.program,
          inputs: fixture.inputs,
          stateDir: fixture.stateDir,
          fresh: false,
        },
        { functions: ['finish'] },
      );
      const { event } = await stopped;
      const id = await topFrameId(s, event.body.threadId!);
      const scopes = (await s.dc.scopesRequest({ frameId: id })).body.scopes;
      const slots = scopes.find((sc) => sc.name.startsWith('Slots'))!;
      assert.equal(slots.indexedVariables, 100_000);
      const page = await childrenOf(s, slots.variablesReference, 50_000, 100);
      assert.equal(page.size, 100);
      assert.match(page.get('[50099]')!.value, /^step SUCCEEDED 100198 \(replay\)$/);
    } finally {
      await endSession(s);
    }
  });
});
