// Runs the debug adapter inside the extension host (no adapter process): VS Code talks DAP to a
// DurableDebugSession object, which starts the worker that runs the agent in its own process.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchFailure } from '../adapter/durableDebugSession';
import { adapterBundle } from './adapterBundle';
import { COMMANDS, DEBUG_TYPE } from './constants';

/** A `command:` link that opens a file at a line, for a failed launch's message. */
function openLink(file: string, line?: number, column?: number): { url: string; label: string } {
  const site = { file, line: line ?? 1, column: column ?? 1 };
  const args = encodeURIComponent(JSON.stringify([site]));
  const where = line ? `${path.basename(file)}:${line}` : path.basename(file);
  return { url: `command:${COMMANDS.revealCallSite}?${args}`, label: `Open ${where}` };
}

/** Whether the session's configuration is one of its folder's launch.json (else we made it). */
function fromLaunchJson(session: vscode.DebugSession): boolean {
  const configs = vscode.workspace
    .getConfiguration('launch', session.workspaceFolder?.uri)
    .get<Array<{ type?: string; name?: string }>>('configurations', []);
  return configs.some((c) => c?.type === DEBUG_TYPE && c.name === session.configuration.name);
}

/**
 * What a failed launch's message offers instead of VS Code's "Open 'launch.json'": the file at
 * fault (the agent that does not compile, the journal that cannot be read); for a configuration
 * we made (Debug Agent File, F5 with no launch.json), the agent file. A launch.json
 * configuration with a wrong attribute keeps VS Code's offer: that is where to fix it.
 */
export function launchFailureLink(
  failure: LaunchFailure,
  madeForTheUser: boolean,
): { url: string; label: string } | undefined {
  if (failure.kind !== 'config' && failure.kind !== 'internal' && failure.file)
    return openLink(failure.file, failure.line, failure.column);
  if (madeForTheUser && failure.file) return openLink(failure.file);
  return undefined;
}

export class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  async createDebugAdapterDescriptor(
    session: vscode.DebugSession,
  ): Promise<vscode.DebugAdapterDescriptor> {
    // Restricted Mode: the configuration provider refuses first; this holds for any other way in.
    if (!vscode.workspace.isTrusted) {
      throw new Error(
        'Durable Run: this folder is not trusted, so no agent code runs in it. Trust the folder to debug agents.',
      );
    }
    // Loaded on the first session, not at activation: the adapter is a bundle of its own.
    const { DurableDebugSession } = adapterBundle();
    const workerScript = path.join(this.extensionPath, 'dist', 'worker.js');
    const madeForTheUser = !fromLaunchJson(session);
    return new vscode.DebugAdapterInlineImplementation(
      new DurableDebugSession({
        workerScript,
        launchFailureLink: (failure) => launchFailureLink(failure, madeForTheUser),
      }),
    );
  }
}

export function registerAdapterFactory(extensionPath: string): vscode.Disposable {
  return vscode.debug.registerDebugAdapterDescriptorFactory(
    DEBUG_TYPE,
    new InlineAdapterFactory(extensionPath),
  );
}
