// Values that are hard to show, and requests with bad arguments: a cyclic argument and result
// expand as references, a megabyte string comes back cut and in pages (whole when copied), paths
// follow one rule and never reach a prototype, and bad slots pages or frames are refused.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  childrenOf,
  endSession,
  FIXTURES,
  launch,
  nextStop,
  ORDERS,
  ORDER_INPUTS,
  scopeVariables,
  startSession,
  step,
  type Session,
} from './support';

const ODD = path.join(FIXTURES, 'odd.ts');

async function topFrameId(s: Session, threadId: number): Promise<number> {
  return (await s.dc.stackTraceRequest({ threadId })).body.stackFrames[0].id;
}

describe('cyclic, long and odd values', () => {
  let s: Session;
  let threadId: number;
  before(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ODD, inputs: [{ key: 'k', input: 1 }] }, { functions: ['link'] });
    threadId = (await stopped).event.body.threadId!;
  });
  after(async () => {
    await endSession(s);
  });

  it('shows a cyclic argument at every phase of its call, its cycle expanding as a reference', async () => {
    for (const phase of ['planned', 'returned', 'outcome-persisted']) {
      const frameId = await topFrameId(s, threadId);
      const call = await scopeVariables(s, frameId, 'Call');
      assert.equal(call.get('phase')?.value, JSON.stringify(phase));
      const args = await childrenOf(s, call.get('args')!.variablesReference);
      const root = await childrenOf(s, args.get('[0]')!.variablesReference);
      assert.equal(root.get('name')?.value, '"root"');
      assert.equal(root.get('self')?.value, '{name: "root", children: Array(1) […], self: {…}}');
      // Round and round: the cycle expands as deep as one asks.
      const again = await childrenOf(s, root.get('self')!.variablesReference);
      const thrice = await childrenOf(s, again.get('self')!.variablesReference);
      assert.equal(thrice.get('self')?.evaluateName, 'call.args[0].self.self.self');
      const evaluated = await s.dc.evaluateRequest({
        expression: 'call.args[0].self.self.children[0].name',
        frameId,
        context: 'watch',
      });
      assert.equal(evaluated.body.result, '"root"');
      if (phase !== 'planned') {
        const result = await childrenOf(s, call.get('result')!.variablesReference);
        assert.equal(result.get('name')?.value, '"root linked"');
        assert.ok(result.get('self')!.variablesReference > 0);
      }
      if (phase !== 'outcome-persisted') await step(s, 'stepIn', threadId);
    }
  });

  it('cuts a megabyte string, pages it, and gives it whole to Copy Value', async () => {
    const { top } = await step(s, 'next', threadId);
    assert.match(top.name, /^big #1/);
    await step(s, 'stepIn', threadId);
    const frameId = await topFrameId(s, threadId);
    const call = await scopeVariables(s, frameId, 'Call');
    const result = call.get('result')!;
    assert.ok(result.value.length < 1200, `the value is ${result.value.length} characters long`);
    assert.match(result.value, /^"xxx.*…" \(1000000 characters; expand for all of it\)$/);
    assert.equal(result.indexedVariables, 1000);
    const pages = await childrenOf(s, result.variablesReference, 999, 1);
    const last = pages.get('[999000…999999]')!;
    assert.match(last.value, /end"$/);
    assert.equal(last.evaluateName, 'call.result.slice(999000, 1000000)');
    const page = await s.dc.evaluateRequest({
      expression: last.evaluateName!,
      frameId,
      context: 'watch',
    });
    assert.equal(page.body.result, last.value);
    const watched = await s.dc.evaluateRequest({
      expression: 'call.result',
      frameId,
      context: 'watch',
    });
    assert.ok(watched.body.result.length < 1200);
    const copied = await s.dc.evaluateRequest({
      expression: 'call.result',
      frameId,
      context: 'clipboard',
    });
    assert.equal(copied.body.result.length, 1_000_000);
  });

  it('looks paths up by one rule: what the Variables view shows, never a prototype', async () => {
    const { top } = await step(s, 'next', threadId);
    assert.match(top.name, /^report #2/);
    const frameId = await topFrameId(s, threadId);
    const message = await s.dc.evaluateRequest({
      expression: 'call.args[0].message',
      frameId,
      context: 'watch',
    });
    assert.equal(message.body.result, '"bad"');
    for (const expression of [
      'call.args[0].__proto__',
      'call.args[0].constructor',
      'call.args[1].length',
      'call.args.__proto__',
      'call.__proto__',
      'slots[0].toString',
    ]) {
      await assert.rejects(
        s.dc.evaluateRequest({ expression, frameId, context: 'watch' }),
        /there is no "(__proto__|constructor|toString)" here|cannot read "length" of string/,
        expression,
      );
    }
  });
});

describe('requests with bad arguments', () => {
  let s: Session;
  let threadId: number;
  before(async () => {
    s = await startSession();
    const stopped = nextStop(s);
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS }, { functions: ['receipt'] });
    threadId = (await stopped).event.body.threadId!;
  });
  after(async () => {
    await endSession(s);
  });

  it('refuses slots pages that no one could mean, saying which argument is wrong', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ count: -1 }, /"count" must be a whole number ≥ 0, got -1/],
      [{ start: -1 }, /"start" must be a whole number ≥ 0, got -1/],
      [{ start: 1.5 }, /"start" must be a whole number ≥ 0, got 1.5/],
      [{ count: 'x' }, /"count" must be a whole number ≥ 0, got "x"/],
      [{ limit: null }, /"limit" must be a whole number ≥ 0, got null/],
      [{ stateId: 7 }, /"stateId" must be the id of an action state/],
    ];
    for (const [args, message] of cases)
      await assert.rejects(s.dc.customRequest('slots', args), message, JSON.stringify(args));
    const page = (await s.dc.customRequest('slots', { start: 1, count: 1 })).body as {
      states: Array<{ slots: Array<{ index: number }> }>;
    };
    assert.deepEqual(
      page.states[0].slots.map((sl) => sl.index),
      [1],
    );
  });

  it('refuses to restart a frame that says it cannot be restarted', async () => {
    const frames = (await s.dc.stackTraceRequest({ threadId })).body.stackFrames;
    assert.equal(frames[0].canRestart, false);
    assert.equal(frames[2].canRestart, false);
    for (const frame of [frames[0], frames[2]]) {
      await assert.rejects(
        s.dc.restartFrameRequest({ frameId: frame.id }),
        /only the action frame of a stopped key can be restarted/,
      );
    }
    // Nothing crashed: the agent is still stopped where it was.
    assert.equal(
      (await s.dc.stackTraceRequest({ threadId })).body.stackFrames[0].name,
      'receipt #2 · plan decided (execute)',
    );
  });

  it('refuses an injected crash for an action the agent does not have, naming its actions', async () => {
    await assert.rejects(
      s.dc.customRequest('injectCrash', { point: 'before-outcome', action: 'nosuch' }),
      /"action": the agent has no action "nosuch"; its actions are checkout/,
    );
  });

  it('warns when an injected crash names a function id no call has, listing the ids known', async () => {
    await s.dc.customRequest('injectCrash', { point: 'before-outcome', call: 'nosuchfn' });
    const warning = s.output.find((o) => o.text.includes('"nosuchfn"'));
    assert.ok(warning, 'no warning');
    assert.match(warning.text, /function ids seen: price, charge, receipt/);
  });
});
