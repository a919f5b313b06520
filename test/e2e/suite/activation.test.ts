// Extension-host suite: the VSIX installs into VS Code, activates, and registers what package.json contributes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, DEBUG_TYPE, PUBLIC_COMMANDS } from './support';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string }>;
    debuggers: Array<{
      type: string;
      configurationAttributes: { launch: { properties: Record<string, unknown> } };
    }>;
    views: Record<string, Array<{ id: string }>>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
}

describe('Activation', () => {
  it('activates the installed extension and returns its API with the activation time', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
    const api = extension.exports as { activationMs?: unknown };
    assert.equal(typeof api?.activationMs, 'number', 'activate() returns { activationMs }');
    assert.ok((api.activationMs as number) < 1000, `activation took ${api.activationMs} ms`);
  });

  it('registers every command that package.json contributes', async () => {
    const extension = await activateExtension();
    const manifest = extension.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command);
    for (const id of PUBLIC_COMMANDS)
      assert.ok(contributed.includes(id), `${id} is not contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the durable-agent debugger with every launch attribute of the design', async () => {
    const manifest = (await activateExtension()).packageJSON as Manifest;
    const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === DEBUG_TYPE);
    assert.ok(debuggerEntry, 'no durable-agent debugger is contributed');
    const attributes = Object.keys(debuggerEntry.configurationAttributes.launch.properties);
    const design = [
      'program',
      'inputs',
      'inputsFile',
      'stateDir',
      'fresh',
      'stopOnEntry',
      'crash',
      'autoRecover',
    ];
    for (const name of design)
      assert.ok(attributes.includes(name), `launch attribute ${name} is missing`);
  });

  it('puts Inject Crash and Recover on the debug toolbar of durable-agent sessions', async () => {
    const manifest = (await activateExtension()).packageJSON as Manifest;
    const toolbar = manifest.contributes.menus['debug/toolBar'] ?? [];
    for (const id of ['durableRun.injectCrash', 'durableRun.recover']) {
      const entry = toolbar.find((m) => m.command === id);
      assert.ok(entry, `${id} is not on the debug toolbar`);
      assert.match(entry.when ?? '', /debugType == '?durable-agent'?/);
    }
  });

  it('shows the Slots view in the Run and Debug container', async () => {
    const manifest = (await activateExtension()).packageJSON as Manifest;
    assert.ok(
      (manifest.contributes.views.debug ?? []).some((v) => v.id === 'durableRun.slots'),
      'durableRun.slots is not in the debug views',
    );
    // The workbench creates a focus command per registered view: the view really exists.
    await vscode.commands.executeCommand('durableRun.slots.focus');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });
});
