// Extension-host suite: the adapter's custom requests (slots, timeline, injectCrash, recover) and custom events, through session.customRequest.
import type { SlotsResponseBody, TimelineResponseBody } from '../../../src/adapter/customProtocol';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  addBreakpoint,
  ALICE,
  debugHooks,
  isolated,
  launch,
  nextStop,
  recorder,
  sample,
  terminated,
  launchAliceStoppedAt,
} from './support';

describe('Custom requests and events', () => {
  debugHooks();

  const chargeLine = () => sample().lineOf('ctx.durableExecute(charge');
  const receiptLine = () => sample().lineOf('ctx.durableExecute(sendReceipt');

  it('answers slots with each action execution and its slots, a page at a time', async () => {
    const { s } = await launchAliceStoppedAt(receiptLine());
    const all = (await s.session.customRequest('slots')) as SlotsResponseBody;
    assert.equal(all.attempt, 1);
    const checkout = all.states.find((st) => st.action === 'checkout');
    assert.ok(checkout, `no checkout state in ${JSON.stringify(all.states.map((st) => st.id))}`);
    assert.equal(checkout.key, 'alice');
    assert.equal(checkout.completed, true);
    assert.deepEqual(
      checkout.slots.map((sl) => [sl.index, sl.functionId, sl.status, sl.path]),
      [
        [0, 'priceOrder', 'SUCCEEDED', 'execute'],
        [1, 'charge', 'SUCCEEDED', 'execute'],
      ],
    );
    const charge = checkout.slots[1];
    const { chargeId, ...rest } = charge.result as { chargeId: string };
    assert.match(chargeId, /^ch_order-1_\w+$/);
    assert.deepEqual(rest, { orderId: 'order-1', card: '4242', totalCents: 1500 });
    assert.equal(charge.callSite?.line, chargeLine());

    const page = (await s.session.customRequest('slots', {
      stateId: checkout.id,
      start: 1,
      count: 1,
    })) as SlotsResponseBody;
    assert.deepEqual(
      page.states.map((st) => st.id),
      [checkout.id],
    );
    assert.deepEqual(
      page.states[0].slots.map((sl) => sl.functionId),
      ['charge'],
    );
  });

  it('answers timeline with every attempt, where the crash struck, and the path of each call', async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, receiptLine());
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    await recorder().event('durableRun.crash', s.since);
    const mark = recorder().mark();
    await s.session.customRequest('recover');
    await nextStop(s, mark);
    const timeline = (await s.session.customRequest('timeline')) as TimelineResponseBody;
    assert.deepEqual(
      timeline.attempts.map((a) => [a.attempt, a.kind, a.outcome]),
      [
        [1, 'run', 'crashed'],
        [2, 'recover', 'unfinished'],
      ],
    );
    assert.equal(timeline.attempts[0].crash?.point, 'before-outcome');
    assert.equal(timeline.attempts[0].crash?.functionId, 'charge');
    const recovered = timeline.attempts[1].calls.map((c) => [c.functionId, c.path, c.status]);
    assert.deepEqual(recovered.slice(0, 2), [
      ['priceOrder', 'replay', 'SUCCEEDED'],
      ['charge', 'reconcile', 'SUCCEEDED'],
    ]);
    assert.equal(timeline.callSites['charge#0']?.line, chargeLine());

    const slots = (await s.session.customRequest('slots')) as SlotsResponseBody;
    const charge = slots.states.find((st) => st.action === 'checkout')?.slots[1];
    assert.equal(charge?.path, 'reconcile');
    assert.equal(iso.charges().length, 1, 'the reconciler found the charge in the ledger');
  });

  it('crashes the paused agent where it stands with injectCrash now', async () => {
    const { s, iso } = await launchAliceStoppedAt(chargeLine());
    const mark = recorder().mark();
    await s.session.customRequest('injectCrash', { point: 'before-call', now: true });
    const crash = await recorder().event<{ attempt: number; functionId?: string }>(
      'durableRun.crash',
      mark,
    );
    assert.equal(crash.attempt, 1);
    assert.equal(crash.functionId, 'charge');
    // Nothing was persisted for the charge: its slot does not exist, and no card was charged.
    const slots = (await s.session.customRequest('slots')) as SlotsResponseBody;
    const checkout = slots.states.find((st) => st.action === 'checkout');
    assert.deepEqual(
      checkout?.slots.map((sl) => sl.functionId),
      ['priceOrder'],
    );
    assert.equal(iso.charges().length, 0);
  });

  it('arms a crash for one call of one action with injectCrash', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    const entry = await nextStop(s);
    await s.session.customRequest('injectCrash', {
      point: 'after-outcome',
      action: 'notify',
      call: 0,
    });
    const mark = recorder().mark();
    await s.session.customRequest('continue', { threadId: entry.threadId });
    const crash = await recorder().event<{ point: string; action?: string; functionId?: string }>(
      'durableRun.crash',
      mark,
    );
    assert.deepEqual(
      [crash.point, crash.action, crash.functionId],
      ['after-outcome', 'notify', 'sendReceipt'],
    );
  });

  it('refuses an unknown crash point, and Recover while an attempt is running', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    await nextStop(s);
    await assert.rejects(
      Promise.resolve(s.session.customRequest('injectCrash', { point: 'sometime' })),
      /before-call/,
      'the error lists the crash points',
    );
    await assert.rejects(
      Promise.resolve(s.session.customRequest('recover')),
      /nothing to recover: the attempt is still running/,
    );
    await assert.rejects(
      Promise.resolve(s.session.customRequest('noSuchRequest')),
      /unknown request/,
    );
  });

  it('sends its custom events to extensions through onDidReceiveDebugSessionCustomEvent', async () => {
    const iso = isolated();
    const seen: string[] = [];
    const sub = vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type === 'durable-agent') seen.push(e.event);
    });
    try {
      const s = await launch({
        program: sample().agent,
        inputs: ALICE,
        stateDir: iso.stateDir,
        env: iso.env,
        crash: { point: 'before-outcome', call: 'charge' },
        autoRecover: true,
      });
      await terminated(s.session);
    } finally {
      sub.dispose();
    }
    const count = (name: string) => seen.filter((e) => e === name).length;
    assert.equal(count('durableRun.attempt'), 4, `events seen: ${seen.join(', ')}`);
    assert.equal(count('durableRun.crash'), 1);
    assert.equal(count('durableRun.worker'), 2);
    assert.ok(count('durableRun.slotsChanged') >= 1, 'no slotsChanged event');
  });
});
