// Security: agent code never runs in an untrusted workspace. The manifest declares limited support
// for untrusted workspaces (Restricted Mode) and says no agent code runs there; the extension's
// own configuration provider and inline adapter factory, loaded with a stand-in `vscode` module,
// refuse to start a session while `vscode.workspace.isTrusted` is false, and do start one when it
// is true (so the refusal is the trust check's doing, not a broken stand-in).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { installVscodeStub, ROOT, tempDir } from './support';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

const shown: string[] = [];
const vscode = {
  workspace: {
    isTrusted: true,
    getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }),
  },
  window: {
    activeTextEditor: undefined,
    showErrorMessage: (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    },
  },
  DebugAdapterInlineImplementation: class {
    constructor(readonly implementation: { dispose(): void }) {}
  },
};
installVscodeStub(vscode);
const load = createRequire(__filename);
const { DurableConfigurationProvider } = load(
  '../../src/extension/configurationProvider',
) as typeof import('../../src/extension/configurationProvider');
const { InlineAdapterFactory } = load(
  '../../src/extension/adapterFactory',
) as typeof import('../../src/extension/adapterFactory');

function agentFolder(): { uri: { fsPath: string }; name: string; index: number } {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'agent.ts'),
    "import { defineAgent } from 'durable-run';\nexport default defineAgent({ name: 'a', actions: [] });\n",
  );
  return { uri: { fsPath: dir }, name: 'folder', index: 0 };
}

describe('the manifest', () => {
  it('declares limited support for untrusted workspaces, saying no agent code runs there', () => {
    const untrusted = pkg.capabilities.untrustedWorkspaces;
    assert.ok(
      untrusted.supported === false || untrusted.supported === 'limited',
      `capabilities.untrustedWorkspaces.supported is ${JSON.stringify(untrusted.supported)}`,
    );
    if (untrusted.supported === 'limited')
      assert.match(untrusted.description, /no agent code runs/i);
  });

  it('holds back the state folder setting in Restricted Mode, where a folder could aim it anywhere', () => {
    assert.ok(
      pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(
        'durableRun.defaultStateDir',
      ),
    );
  });

  it('tells the user in the Slots view that debugging needs a trusted folder', () => {
    const untrusted = pkg.contributes.viewsWelcome.filter((w: { when?: string }) =>
      /!isWorkspaceTrusted/.test(w.when ?? ''),
    );
    assert.equal(untrusted.length, 1);
    assert.match(untrusted[0].contents, /no agent code runs/i);
    // The other welcome texts, with their buttons that start a debug session, are for trusted folders.
    const debugButtons = pkg.contributes.viewsWelcome.filter((w: { contents: string }) =>
      w.contents.includes('command:durableRun.debugAgentFile'),
    );
    for (const w of debugButtons) assert.match(w.when, /(^|&& )isWorkspaceTrusted/);
  });
});

describe('the configuration provider', () => {
  const config = (folder: { uri: { fsPath: string } }) => ({
    type: 'durable-agent',
    request: 'launch',
    name: 'debug',
    program: path.join(folder.uri.fsPath, 'agent.ts'),
    inputs: [{ key: 'k', input: 1 }],
  });

  it('refuses to resolve a launch in an untrusted workspace, and says why', () => {
    vscode.workspace.isTrusted = false;
    shown.length = 0;
    const folder = agentFolder();
    const resolved = new DurableConfigurationProvider().resolveDebugConfiguration(
      folder as never,
      config(folder) as never,
    );
    assert.equal(resolved, undefined);
    assert.equal(shown.length, 1);
    assert.match(shown[0], /not trusted/);
  });

  it('resolves the same launch once the workspace is trusted', () => {
    vscode.workspace.isTrusted = true;
    shown.length = 0;
    const folder = agentFolder();
    const resolved = new DurableConfigurationProvider().resolveDebugConfiguration(
      folder as never,
      config(folder) as never,
    );
    assert.deepEqual(shown, []);
    assert.equal(resolved?.program, path.join(folder.uri.fsPath, 'agent.ts'));
  });
});

/** A session as VS Code hands it to the factory, with a configuration of launch.json. */
const session = { configuration: { name: 'x', type: 'durable-agent' } } as never;

describe('the inline adapter factory', () => {
  it('refuses to create an adapter (no session, no worker) in an untrusted workspace', async () => {
    vscode.workspace.isTrusted = false;
    await assert.rejects(
      new InlineAdapterFactory(ROOT).createDebugAdapterDescriptor(session),
      /not trusted/,
    );
  });

  it('creates the inline adapter once the workspace is trusted', async () => {
    vscode.workspace.isTrusted = true;
    const descriptor = (await new InlineAdapterFactory(ROOT).createDebugAdapterDescriptor(
      session,
    )) as unknown as InstanceType<typeof vscode.DebugAdapterInlineImplementation>;
    assert.ok(descriptor instanceof vscode.DebugAdapterInlineImplementation);
    descriptor.implementation.dispose();
  });
});
