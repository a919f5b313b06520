// Extension-host suite: the commands behind the toolbar, the Slots view, the CodeLens and the explorer, run as VS Code runs them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { acquireStateLock } from '../../../src/runtime/stateLock';
import {
  addBreakpoint,
  ALICE,
  answerQuickPick,
  debugHooks,
  dialogShown,
  dialogsSince,
  eventually,
  isolated,
  launch,
  needsDialogWatcher,
  nextStop,
  openInEditor,
  recorder,
  sample,
  stopShown,
  terminated,
  launchAliceStoppedAt,
} from './support';

/** Rows of the Inject Crash quick pick (commands.ts, crashPoints.ts), by label. */
const ROW = {
  now: '$(zap) now',
  point: (point: string) => `$(flame) ${point}`,
  thisCall: (point: string) => `$(debug-stackframe) this call: ${point}`,
};
const POINTS = ['before-call', 'after-pending', 'before-outcome', 'after-outcome'];
/** Stopped at the charge (it has a reconciler, not started yet): its later points come first. */
const STOPPED_AT_CHARGE = [
  ROW.now,
  ...['after-pending', 'before-outcome', 'after-outcome'].map(ROW.thisCall),
  ...[...POINTS, 'before-complete'].map(ROW.point),
];

describe('Commands', () => {
  debugHooks();

  const chargeLine = () => sample().lineOf('ctx.durableExecute(charge');

  it('arms a before-outcome crash from the Inject Crash quick pick, and it strikes the charge', async () => {
    const { s, stop, iso } = await launchAliceStoppedAt(chargeLine());
    await stopShown(s, stop);
    const mark = recorder().mark();
    const picked = vscode.commands.executeCommand('durableRun.injectCrash');
    const rows = await answerQuickPick(picked, ROW.point('before-outcome'));
    assert.deepEqual(rows, STOPPED_AT_CHARGE);
    const request = recorder().requests('injectCrash', mark)[0];
    assert.deepEqual(request?.arguments, { point: 'before-outcome' });
    await s.session.customRequest('continue', { threadId: stop.threadId });
    const crash = await recorder().event<{ point: string; functionId?: string }>(
      'durableRun.crash',
      mark,
    );
    assert.deepEqual([crash.point, crash.functionId], ['before-outcome', 'charge']);
    assert.equal(iso.charges().length, 1, 'the charge ran before the crash');
  });

  it("arms a crash at one slot's call from the Slots view (Inject Crash at This Call)", async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    await stopShown(s, await nextStop(s));
    // The tree node the view passes to its context menu command.
    const node = {
      kind: 'slot',
      id: 'slot:alice#0/0/checkout/1',
      state: { id: 'alice#0/0/checkout', action: 'checkout', key: 'alice', seq: 0, slots: [] },
      slot: { index: 1, functionId: 'charge', status: 'SUCCEEDED', argsDigest: '' },
    };
    const mark = recorder().mark();
    const picked = vscode.commands.executeCommand('durableRun.injectCrashAtSlot', node);
    // Only the per-call points are offered there.
    const rows = await answerQuickPick(picked, ROW.point('before-outcome'));
    assert.deepEqual(rows, POINTS.map(ROW.point));
    const request = recorder().requests('injectCrash', mark)[0];
    assert.deepEqual(request?.arguments, {
      point: 'before-outcome',
      stateId: 'alice#0/0/checkout',
      call: 1,
    });
  });

  it('arms a crash at a later point of the call where the agent is stopped ("this call")', async () => {
    const { s, stop } = await launchAliceStoppedAt(chargeLine());
    await stopShown(s, stop);
    const mark = recorder().mark();
    const picked = vscode.commands.executeCommand('durableRun.injectCrash');
    const rows = await answerQuickPick(picked, ROW.thisCall('before-outcome'));
    assert.deepEqual(rows, STOPPED_AT_CHARGE);
    const request = recorder().requests('injectCrash', mark)[0];
    assert.deepEqual(request?.arguments, { point: 'before-outcome', here: true });
    await s.session.customRequest('continue', { threadId: stop.threadId });
    const crash = await recorder().event<{ point: string; stateId?: string; index?: number }>(
      'durableRun.crash',
      mark,
    );
    assert.deepEqual(
      [crash.point, crash.stateId, crash.index],
      ['before-outcome', 'alice#0/0/checkout', 1],
    );
  });

  it('asks the adapter for the slots again with Refresh Slots', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    await nextStop(s);
    // The Slots view asks once by itself when the session stops: that one answered, it is idle.
    await recorder().waitFor(
      (t) => t.dir === 'out' && (t.message as { command?: string }).command === 'slots',
      { since: s.since, what: "the Slots view's own slots request answered" },
    );
    const mark = recorder().mark();
    await vscode.commands.executeCommand('durableRun.refreshSlots');
    await recorder().waitFor(
      (t) => t.dir === 'in' && (t.message as { command?: string }).command === 'slots',
      {
        since: mark,
        what: 'a slots request after Refresh Slots',
      },
    );
  });

  it("shows a slot from its call site's CodeLens, which names the slot it reveals", async () => {
    const iso = isolated();
    addBreakpoint(sample().agent, sample().lineOf('ctx.durableExecute(sendReceipt'));
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    await nextStop(s);
    const lenses = await eventually(async () => {
      const found =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          vscode.Uri.file(sample().agent),
        )) ?? [];
      const mine = found.filter(
        (l: vscode.CodeLens) => l.command?.command === 'durableRun.revealSlot',
      );
      return mine.some((l: vscode.CodeLens) => l.range.start.line === chargeLine() - 1)
        ? mine
        : undefined;
    }, 'a CodeLens on the charge line');
    const charge = lenses.find((l) => l.range.start.line === chargeLine() - 1);
    assert.ok(charge, `no CodeLens on the charge line: ${lenses.map((l) => l.command?.title)}`);
    assert.equal(charge.command?.title, 'slot #1 ✓ SUCCEEDED · executed');
    assert.deepEqual(charge.command?.arguments, ['slot:alice#0/0/checkout/1']);
    // What a click on the lens runs: it focuses the Slots view and selects the slot.
    await vscode.commands.executeCommand(
      charge.command!.command,
      ...(charge.command!.arguments ?? []),
    );
  });

  it('opens the call site of a slot in the editor (Go to Call Site)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const site = { file: sample().agent, line: chargeLine(), column: 35 };
    await vscode.commands.executeCommand('durableRun.revealCallSite', site);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, sample().agent);
    assert.deepEqual(
      [editor?.selection.active.line, editor?.selection.active.character],
      [chargeLine() - 1, 34],
    );
  });

  it('debugs the file given to Debug Agent File, and refuses a file that is not an agent', async () => {
    const refusedMark = recorder().mark();
    const sessionsBefore = recorder().sessions.length;
    // The command refuses before it would start anything, and a launch it started would be
    // under way by the time it returns (it awaits startDebugging).
    await vscode.commands.executeCommand(
      'durableRun.debugAgentFile',
      vscode.Uri.file(sample().ledgerJs),
    );
    assert.equal(recorder().requests('launch', refusedMark).length, 0, 'ledger.js was launched');
    assert.equal(recorder().sessions.length, sessionsBefore, 'a session started for ledger.js');

    const mark = recorder().mark();
    await vscode.commands.executeCommand(
      'durableRun.debugAgentFile',
      vscode.Uri.file(sample().agent),
    );
    const session = recorder().sessions.at(-1)!;
    await terminated(session);
    const args = recorder().requests('launch', mark)[0]?.arguments as Record<string, unknown>;
    assert.equal(args?.program, sample().agent);
    assert.equal(args?.inputsFile, sample().inputsFile);
  });

  it('refuses to reset a state folder that a debug session is using', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    await nextStop(s);
    const journal = path.join(iso.stateDir, 'journal.jsonl');
    assert.ok(fs.existsSync(journal));
    // No confirmation is asked (it would wait for a person): the command refuses at once.
    await vscode.commands.executeCommand('durableRun.resetState', iso.stateDir);
    assert.ok(fs.existsSync(journal), 'the journal of a running session was deleted');
  });

  it("refuses Reset State at once while another writer (a terminal's durable-run) holds the folder", async function () {
    needsDialogWatcher(this);
    const iso = isolated();
    fs.mkdirSync(iso.stateDir, { recursive: true });
    const journal = path.join(iso.stateDir, 'journal.jsonl');
    fs.writeFileSync(journal, '{"format":"durable-run-journal","version":1,"agent":"payments"}\n');
    // What `durable-run run` takes first (stateLock.ts), held here on its behalf.
    const writer = await acquireStateLock(iso.stateDir, 'durable-run run agent.ts');
    try {
      const since = Date.now();
      // Refused before any confirmation: the command returns without a dialog to answer.
      await vscode.commands.executeCommand('durableRun.resetState', iso.stateDir);
      assert.deepEqual(
        dialogsSince(since),
        [],
        'a confirmation was asked although a writer holds the folder',
      );
      assert.ok(fs.existsSync(journal), 'the journal was deleted under its writer');
    } finally {
      await writer.release();
    }
    // Once the writer let go, Reset State asks (and the dialog watcher cancels).
    const since = Date.now();
    await vscode.commands.executeCommand('durableRun.resetState', iso.stateDir);
    await dialogShown(/Delete the durable state/, since);
    assert.ok(fs.existsSync(journal));
  });

  it('leaves a folder without durable state untouched on Reset State', async () => {
    const iso = isolated();
    fs.mkdirSync(iso.stateDir);
    const mine = path.join(iso.stateDir, 'notes.md');
    fs.writeFileSync(mine, 'mine');
    await vscode.commands.executeCommand('durableRun.resetState', iso.stateDir);
    assert.equal(fs.readFileSync(mine, 'utf8'), 'mine');
  });

  it('opens the agent at the call site when Go to Call Site gets a Slots view node', async () => {
    await openInEditor(sample().ledgerJs);
    const line = sample().lineOf('ctx.durableExecute(priceOrder');
    const node = {
      kind: 'slot',
      slot: {
        index: 0,
        functionId: 'priceOrder',
        callSite: { file: sample().agent, line, column: 1 },
      },
    };
    await vscode.commands.executeCommand('durableRun.revealCallSite', node);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, sample().agent);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, line - 1);
  });

  it("copies a slot's payload to the clipboard as JSON (Copy Payload)", async () => {
    const node = {
      kind: 'slot',
      slot: { index: 1, functionId: 'charge', status: 'SUCCEEDED', result: { chargeId: 'ch_1' } },
    };
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('durableRun.copyPayload', node);
    assert.equal(await vscode.env.clipboard.readText(), '{\n  "chargeId": "ch_1"\n}');
  });
});
