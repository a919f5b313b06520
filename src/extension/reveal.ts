// Opens the user's source at a durable call site: used by the Slots view, the CodeLens and the
// timeline. Call sites come from the worker as 1-based line and column.
import * as vscode from 'vscode';
import type { CallSite } from './sessionTracker';

export async function revealCallSite(site: CallSite, preserveFocus = false): Promise<void> {
  const position = new vscode.Position(Math.max(0, site.line - 1), Math.max(0, site.column - 1));
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(site.file));
    await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(position, position),
      preserveFocus,
      preview: true,
    });
  } catch (error) {
    void vscode.window.showWarningMessage(
      `Durable Run: cannot open ${site.file}:${site.line}: ${(error as Error).message}`,
    );
  }
}

export function noCallSiteMessage(what: string): void {
  void vscode.window.showInformationMessage(
    `Durable Run: the call site of ${what} is not known: it is recorded when the call runs while debugging.`,
  );
}
