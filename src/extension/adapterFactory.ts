// Runs the debug adapter inside the extension host (no adapter process): VS Code talks DAP to a
// DurableDebugSession object, which starts the worker that runs the agent in its own process.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './constants';

export class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  async createDebugAdapterDescriptor(): Promise<vscode.DebugAdapterDescriptor> {
    // Restricted Mode: the configuration provider refuses first; this holds for any other way in.
    if (!vscode.workspace.isTrusted) {
      throw new Error(
        'Durable Run: this folder is not trusted, so no agent code runs in it. Trust the folder to debug agents.',
      );
    }
    // Loaded on the first session, not at activation: the adapter and the worker client are most
    // of the bundle's start-up work (see bench/activation.ts).
    const { DurableDebugSession } = await import('../adapter/durableDebugSession');
    const workerScript = path.join(this.extensionPath, 'dist', 'worker.js');
    return new vscode.DebugAdapterInlineImplementation(new DurableDebugSession({ workerScript }));
  }
}

export function registerAdapterFactory(extensionPath: string): vscode.Disposable {
  return vscode.debug.registerDebugAdapterDescriptorFactory(
    DEBUG_TYPE,
    new InlineAdapterFactory(extensionPath),
  );
}
