// Extension-host suite: F5 on an agent file, CodeLens, Inject Crash and Recover, the timeline, the sample, Reset State.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ALICE,
  answerQuickPick,
  debugHooks,
  dialogShown,
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
} from './support';

/** The titles of the CodeLenses on a 1-based line of a file, from every provider. */
async function lensTitles(file: string, line: number): Promise<string[]> {
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      vscode.Uri.file(file),
    )) ?? [];
  return lenses.filter((l) => l.range.start.line === line - 1).map((l) => l.command?.title ?? '');
}

describe('Extension views and commands', () => {
  debugHooks();

  it('F5 on an agent file with no program debugs that file with the inputs beside it', async () => {
    const { agent, inputsFile } = sample();
    const iso = isolated();
    await openInEditor(agent);
    const s = await launch({ stateDir: iso.stateDir, env: iso.env });
    await terminated(s.session);
    const args = recorder().requests('launch', s.since)[0]?.arguments as Record<string, unknown>;
    assert.equal(args.program, agent);
    assert.equal(args.inputsFile, inputsFile);
    assert.equal(args.fresh, true);
    assert.deepEqual(
      iso
        .charges()
        .map((c) => c.orderId)
        .sort(),
      ['order-1', 'order-2'],
    );
  });

  it('shows slot, status and recovery path above each durable call, live and after the end', async () => {
    const { agent, lineOf } = sample();
    const iso = isolated();
    const chargeLine = lineOf('durableExecute(charge');
    const s = await launch({
      program: agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
      crash: { point: 'before-outcome', call: 'charge' },
      autoRecover: true,
    });
    const entry = await nextStop(s);
    const beforeCrash = recorder().mark();
    await s.session.customRequest('continue', { threadId: entry.threadId });
    // autoRecover: the recovery attempt starts by itself, and stops on entry again.
    const again = await nextStop(s, beforeCrash);
    await s.session.customRequest('continue', { threadId: again.threadId });
    await terminated(s.session);
    const titles = await eventually(async () => {
      const t = await lensTitles(agent, chargeLine);
      return t.some((x) => /reconciled/.test(x)) ? t : undefined;
    }, `a CodeLens on line ${chargeLine} saying the charge was reconciled`);
    assert.deepEqual(titles, ['slot #1 ✓ SUCCEEDED · reconciled']);
    const priceTitles = await lensTitles(agent, lineOf('durableExecute(priceOrder'));
    assert.deepEqual(priceTitles, ['slot #0 ✓ SUCCEEDED · replayed']);
  });

  it('injects a crash "now" from the Inject Crash quick pick, and Recover runs the next attempt', async () => {
    const { agent } = sample();
    const iso = isolated();
    const s = await launch({
      program: agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    await stopShown(s, await nextStop(s));
    const picked = vscode.commands.executeCommand('durableRun.injectCrash');
    await answerQuickPick(picked, '$(zap) now');
    const crash = await recorder().event<{ point: string; attempt: number }>(
      'durableRun.crash',
      s.since,
    );
    assert.equal(crash.point, 'now');
    assert.equal(crash.attempt, 1);
    const beforeRecover = recorder().mark();
    await vscode.commands.executeCommand('durableRun.recover');
    const attempt = await recorder().event<{ attempt: number; kind?: string }>(
      'durableRun.attempt',
      beforeRecover,
    );
    assert.deepEqual([attempt.attempt, attempt.kind], [2, 'recover']);
    const again = await nextStop(s, beforeRecover);
    await s.session.customRequest('continue', { threadId: again.threadId });
    await terminated(s.session);
    assert.deepEqual(
      iso.charges().map((c) => c.orderId),
      ['order-1'],
    );
  });

  it('opens the timeline in a webview panel beside the editor', async () => {
    await vscode.commands.executeCommand('durableRun.showTimeline');
    const tab = await eventually(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find(
            (t) => t.input instanceof vscode.TabInputWebview && t.label === 'Durable Run Timeline',
          ),
      'the Durable Run Timeline tab',
    );
    assert.match((tab.input as vscode.TabInputWebview).viewType, /durableRun\.timeline/);
    await vscode.window.tabGroups.close(tab);
  });

  it('creates the sample and its launch configurations, never overwriting, and copies no type declarations', async () => {
    const { root } = sample();
    const launchJson = path.join(root, '.vscode', 'launch.json');
    const hadLaunchJson = fs.existsSync(launchJson);
    // The UI scenarios press F5 with the workspace's own launch.json: restored as it was.
    const launchText = hadLaunchJson ? fs.readFileSync(launchJson, 'utf8') : undefined;
    const created: string[] = [];
    try {
      for (const expected of ['payments', 'payments-2']) {
        await vscode.commands.executeCommand('durableRun.createSample', 'typescript');
        const dir = path.join(root, expected);
        created.push(dir);
        assert.deepEqual(fs.readdirSync(dir).sort(), ['agent.ts', 'inputs.jsonl', 'ledger.js']);
        assert.equal(
          vscode.window.activeTextEditor?.document.uri.fsPath,
          path.join(dir, 'agent.ts'),
        );
      }
      const names = await eventually(() => {
        const configs = vscode.workspace
          .getConfiguration('launch')
          .get<Array<{ name: string }>>('configurations');
        const n = (configs ?? []).map((c) => c.name);
        return n.includes('Debug payments-2 agent') ? n : undefined;
      }, 'the sample launch configurations in launch.json');
      for (const n of [
        'Debug payments agent',
        'Debug payments agent: crash while charging',
        'Debug payments-2 agent',
      ]) {
        assert.ok(names.includes(n), `launch.json lacks "${n}"`);
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
      if (launchText !== undefined) fs.writeFileSync(launchJson, launchText);
      else fs.rmSync(path.dirname(launchJson), { recursive: true, force: true });
    }
  });

  it('asks before resetting the state folder, and keeps it when the user cancels', async function () {
    needsDialogWatcher(this);
    const iso = isolated();
    fs.mkdirSync(iso.stateDir, { recursive: true });
    const journal = path.join(iso.stateDir, 'journal.jsonl');
    fs.writeFileSync(journal, '{"format":"durable-run-journal","version":1,"agent":"payments"}\n');
    fs.writeFileSync(path.join(iso.stateDir, 'notes.md'), 'mine');
    const since = Date.now();
    await vscode.commands.executeCommand('durableRun.resetState', iso.stateDir);
    const text = await dialogShown(/Delete the durable state/, since);
    assert.match(text, /other file\(s\) in it are kept/);
    assert.ok(fs.existsSync(journal), 'the journal was deleted although the user cancelled');
  });
});
