// Whether the editor shows an agent file, as the context key `durableRun.agentFileActive`: it
// puts "Debug Agent File" on the editor title's run button, as the JavaScript debugger does for
// its files. Re-checked when the editor changes and, a moment after typing stops, when its text does.
import * as vscode from 'vscode';
import { isAgentFileName, isAgentSource } from './agentFiles';
import { CONTEXT_AGENT_FILE_ACTIVE } from './constants';

/** The active editor's file when it is an agent file (its text is in memory: no I/O). */
export function activeAgentFile(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== 'file') return undefined;
  const file = document.uri.fsPath;
  return isAgentFileName(file) && isAgentSource(document.getText()) ? file : undefined;
}

export function registerAgentEditorContext(): vscode.Disposable[] {
  let shown: boolean | undefined;
  const sync = () => {
    const active = activeAgentFile() !== undefined;
    if (active === shown) return;
    shown = active;
    void vscode.commands.executeCommand('setContext', CONTEXT_AGENT_FILE_ACTIVE, active);
  };
  let timer: NodeJS.Timeout | undefined;
  sync();
  return [
    vscode.window.onDidChangeActiveTextEditor(sync),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      clearTimeout(timer);
      timer = setTimeout(sync, 300);
    }),
    { dispose: () => clearTimeout(timer) },
  ];
}
