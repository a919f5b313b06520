// Smoke suite: the Durable Run Debugger is installed in the real VS Code, activates, and has its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'durable-run.durable-run-debugger';

async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  return extension;
}

describe('Durable Run Debugger smoke', () => {
  it('is installed and activates', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
  });

  it('registers the durableRun.injectCrash command', async () => {
    // Commands are registered at activation, so each test activates rather than relying on order.
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('durableRun.injectCrash'), 'durableRun.injectCrash is missing');
  });
});
