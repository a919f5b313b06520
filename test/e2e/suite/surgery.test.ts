// Extension-host suite: state surgery from the Durable Slots view (Edit Slot (What If)…, answered
// through its quick pick) in a live session after a crash, the recovery taking the path the edit
// implies, and Compare Two State Folders on the folder before and after the edit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ALICE,
  answerQuickPick,
  debugHooks,
  eventually,
  isolated,
  launch,
  nextStop,
  recorder,
  sample,
  tempDir,
  terminated,
} from './support';

interface JournalLine {
  op: string;
  attempt?: number;
  functionId?: string;
  path?: string;
  /** A `calls` record (a run of alike calls): each function with its count. */
  functions?: Array<[string, number]>;
  id?: string;
  kind?: string;
  index?: number;
  slot?: { functionId: string; status: string };
}

/** Awaits `work`, failing with `what` when it takes longer than `ms` (a hang names its step). */
async function step<T>(what: string, work: Thenable<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

function journal(stateDir: string): JournalLine[] {
  return fs
    .readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JournalLine);
}

describe('State surgery in VS Code', () => {
  debugHooks();

  it('Edit Slot (What If) drops a crashed charge, the recovery charges again, and Compare shows the edit', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    const entry = await nextStop(s);
    await s.session.customRequest('continue', { threadId: entry.threadId });
    await recorder().event('durableRun.crash', s.since);
    const charge = await eventually(
      () => journal(iso.stateDir).find((l) => l.op === 'slot' && l.slot?.functionId === 'charge'),
      'the charge slot in the journal',
    );
    const before = tempDir('durable-e2e-before-');
    fs.cpSync(iso.stateDir, before, { recursive: true });
    // The Slots view's context menu hands the command its tree node.
    const node = {
      kind: 'slot',
      id: `slot:${charge.id}/${charge.index}`,
      state: { id: charge.id },
      slot: { index: charge.index, functionId: 'charge', status: charge.slot?.status },
    };
    const picked = vscode.commands.executeCommand('durableRun.editSlot', node);
    await answerQuickPick(picked, 'Drop it and every slot after it');
    const edit = await eventually(
      () => journal(iso.stateDir).find((l) => l.op === 'edit'),
      'the edit record in the journal',
    );
    assert.deepEqual([edit.kind, edit.id, edit.index], ['drop', charge.id, charge.index]);

    const beforeRecover = recorder().mark();
    await vscode.commands.executeCommand('durableRun.recover');
    const again = await nextStop(s, beforeRecover);
    await s.session.customRequest('continue', { threadId: again.threadId });
    await terminated(s.session);
    // Dropped, the charge ran again instead of being reconciled: the provider saw two charges.
    assert.deepEqual(
      iso.charges().map((c) => c.orderId),
      ['order-1', 'order-1'],
    );

    await vscode.commands.executeCommand('durableRun.diffStates', before, iso.stateDir);
    const text = await eventually(() => {
      const doc = vscode.window.activeTextEditor?.document;
      return doc?.uri.scheme === 'durable-run-diff' &&
        !doc.isDirty &&
        doc.getText().includes(charge.id ?? '?')
        ? doc.getText()
        : undefined;
    }, 'the comparison document naming the edited state');
    assert.match(text, /charge/);
  });

  it('Mark Action Not Completed after the session makes the next recovery rerun the action, replaying its calls', async () => {
    const iso = isolated();
    const first = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    await step('the first session ends', terminated(first.session), 100_000);
    const id = 'alice#0/0/checkout';
    assert.ok(
      journal(iso.stateDir).some((l) => l.op === 'complete' && l.id === id),
      `${id} completed in attempt 1`,
    );
    // No live session: the edit goes to the state folder the Slots view shows, under its lock.
    await step(
      'Mark Action Not Completed',
      vscode.commands.executeCommand('durableRun.markNotCompleted', {
        kind: 'state',
        id: `state:${id}`,
        state: { id },
      }),
    );
    const edit = await eventually(
      () => journal(iso.stateDir).find((l) => l.op === 'edit'),
      'the edit record in the journal',
    );
    assert.deepEqual([edit.kind, edit.id], ['not-completed', id]);

    const second = await step(
      'the recovery starts',
      launch({ program: sample().agent, stateDir: iso.stateDir, env: iso.env, fresh: false }),
    );
    await step('the recovery ends', terminated(second.session), 100_000);
    // Replayed calls are journaled in runs (`calls` records), executed ones one by one.
    const rerun = journal(iso.stateDir)
      .filter((l) => (l.op === 'call' || l.op === 'calls') && l.attempt === 2 && l.id === id)
      .flatMap((l) =>
        l.op === 'calls'
          ? (l.functions ?? []).map(([f]) => `${f} ${l.path}`)
          : [`${l.functionId} ${l.path}`],
      );
    assert.deepEqual(rerun, ['priceOrder replay', 'charge replay']);
    assert.deepEqual(
      iso.charges().map((c) => c.orderId),
      ['order-1'],
    );
  });
});
