// The read-only custom editor of journals (journal.jsonl) and exported state files
// (*.durable.json): glue between VS Code's custom editor API, the journal reader of the adapter
// bundle and the page of journalViewerHtml.ts. The webview runs no script; nothing runs at all.
import * as vscode from 'vscode';
import { adapterBundle } from './adapterBundle';
import { JOURNAL_VIEWER } from './constants';
import { journalViewerHtml } from './journalViewerHtml';
import { makeNonce } from './timelineHtml';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

class JournalViewer implements vscode.CustomReadonlyEditorProvider {
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: false };
    const render = async () => {
      try {
        const view = adapterBundle().openJournalFile(document.uri.fsPath);
        panel.webview.html = journalViewerHtml(view, await makeNonce());
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>Durable Run cannot show this file: ${escapeText(message)}</p></body></html>`;
      }
    };
    void render();
    // A journal grows while an attempt runs: shown anew when the file changes.
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), '*'),
    );
    const onChange = (uri: vscode.Uri) => {
      if (uri.fsPath === document.uri.fsPath) void render();
    };
    watcher.onDidChange(onChange);
    panel.onDidDispose(() => watcher.dispose());
  }
}

export function registerJournalViewer(): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(JOURNAL_VIEWER, new JournalViewer(), {
    supportsMultipleEditorsPerDocument: true,
  });
}
