// Extension-host suite: the configuration provider refuses what cannot run and fills defaults from the settings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ALICE,
  debugHooks,
  isolated,
  launch,
  openInEditor,
  recorder,
  sample,
  terminated,
} from './support';

describe('Configuration provider', () => {
  debugHooks();

  it('refuses F5 without a program while the active file is not an agent', async () => {
    await openInEditor(sample().ledgerJs);
    const s = await launch({ env: isolated().env }, { expectFailure: true });
    assert.equal(recorder().requests('initialize', s.since).length, 0, 'an adapter was started');
  });

  it('refuses a crash point that does not exist before any process starts', async () => {
    const iso = isolated();
    const s = await launch(
      {
        program: sample().agent,
        inputs: ALICE,
        stateDir: iso.stateDir,
        crash: { point: 'sometime' },
      },
      { expectFailure: true },
    );
    assert.equal(
      recorder().requests('launch', s.since).length,
      0,
      'the launch reached the adapter',
    );
  });

  it('refuses inputs and inputsFile together', async () => {
    const iso = isolated();
    const s = await launch(
      {
        program: sample().agent,
        inputs: ALICE,
        inputsFile: sample().inputsFile,
        stateDir: iso.stateDir,
      },
      { expectFailure: true },
    );
    assert.equal(
      recorder().requests('launch', s.since).length,
      0,
      'the launch reached the adapter',
    );
  });

  it('keeps the state of an agent with no stateDir in a folder of its own under the settings root, and takes autoRecover from the settings', async () => {
    const iso = isolated();
    const settingsFile = path.join(sample().root, '.vscode', 'settings.json');
    const hadSettings = fs.existsSync(settingsFile);
    const config = vscode.workspace.getConfiguration('durableRun', sample().folder.uri);
    const stateDir = path.join(iso.dir, 'from-settings');
    const target = vscode.ConfigurationTarget.Workspace;
    try {
      await config.update('defaultStateDir', stateDir, target);
      await config.update('autoRecover', true, target);
      const s = await launch({
        program: sample().agent,
        inputs: ALICE,
        env: iso.env,
        crash: { point: 'before-outcome', call: 'charge' },
      });
      await terminated(s.session);
      const args = recorder().requests('launch', s.since)[0]?.arguments as Record<string, unknown>;
      // agent.ts at the workspace root: its folder under the root is named after it.
      assert.equal(args.stateDir, path.join(stateDir, 'agent'));
      assert.equal(args.autoRecover, true);
      assert.ok(
        fs.existsSync(path.join(stateDir, 'agent', 'journal.jsonl')),
        "no journal in the agent's folder under the settings root",
      );
      // autoRecover from the settings: the recovery ran without a Recover request.
      assert.match(recorder().output(s.since), /attempt 2 done/);
      assert.equal(iso.charges().length, 1);
    } finally {
      // Later tests and the UI scenarios must see the defaults again, whatever failed above.
      await config.update('defaultStateDir', undefined, target).then(undefined, () => undefined);
      await config.update('autoRecover', undefined, target).then(undefined, () => undefined);
      if (!hadSettings) fs.rmSync(settingsFile, { force: true });
    }
  });
});
