// Activation only: wires the configuration providers, the inline adapter factory, the views and
// the commands. Activation is lazy (debug, command and view events) and does no I/O: everything
// here only registers; data is fetched once a durable-agent session exists.
import * as vscode from 'vscode';
import { registerAdapterFactory } from './adapterFactory';
import { registerAgentEditorContext } from './agentEditor';
import { registerCallSiteDecorations } from './callSiteDecorations';
import { registerCommands } from './commands';
import { registerJournalViewer } from './journalViewer';
import { registerSurgeryCommands } from './surgeryCommands';
import { registerConfigurationProviders } from './configurationProvider';
import { openQuickPick, type OpenQuickPick } from './quickPick';
import { SessionTracker } from './sessionTracker';
import { isAgentFileName, isAgentSource } from './agentFiles';
import { stateDirOfAgentFile } from './settings';
import { registerSlotsView } from './slotsView';
import { registerStatusBar } from './statusBar';
import { TimelinePanel } from './timelinePanel';

/**
 * What activate() returns: its own duration (for the activation benchmark and e2e tests), and the
 * quick pick it shows right now (so a test waits until a pick is up with its rows, never for time).
 */
export interface DurableRunExtensionApi {
  activationMs: number;
  openQuickPick(): OpenQuickPick | undefined;
}

export function activate(context: vscode.ExtensionContext): DurableRunExtensionApi {
  const started = performance.now();
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const tracker = new SessionTracker();
  const slots = registerSlotsView(tracker);
  // Without a session, the timeline reads the state of the agent file in the editor.
  const timeline = new TimelinePanel(tracker, media, () => {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.uri.scheme !== 'file' || !isAgentFileName(document.uri.fsPath)) return undefined;
    return isAgentSource(document.getText()) ? stateDirOfAgentFile(document.uri.fsPath) : undefined;
  });
  context.subscriptions.push(
    tracker,
    timeline,
    ...slots.disposables,
    ...registerConfigurationProviders(),
    ...registerAgentEditorContext(),
    registerAdapterFactory(context.extensionPath),
    ...registerCallSiteDecorations(tracker, media),
    ...registerStatusBar(tracker),
    ...registerCommands({ context, tracker, slots, timeline }),
    ...registerSurgeryCommands(tracker),
    registerJournalViewer(),
  );
  return { activationMs: performance.now() - started, openQuickPick };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; an adapter's worker is killed by its session.
}
