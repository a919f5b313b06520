// In the editor: a CodeLens above each durable call site (slot index, status, path in the last
// attempt) and a gutter mark by status, both following the current session live. The grouping
// and the text are in callSiteIndex.ts; this file only talks to the editor.
import * as vscode from 'vscode';
import type { SlotStatus } from '../runtime/actionState';
import {
  buildCallSiteIndex,
  lensTexts,
  lineHover,
  lineStatus,
  normalizeFile,
  type CallSiteIndex,
} from './callSiteIndex';
import { COMMANDS, CONFIG_SECTION } from './constants';
import type { SessionTracker } from './sessionTracker';
import { STATUS_ICONS } from './slotLabels';
import { slotNodeId } from './slotsView';

export const AGENT_DOCUMENTS: vscode.DocumentSelector = [
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'python' },
];

const GUTTER_ICONS: Record<SlotStatus, string> = {
  SUCCEEDED: 'gutter-succeeded.svg',
  FAILED: 'gutter-failed.svg',
  PENDING: 'gutter-pending.svg',
};

export class CallSiteDecorations implements vscode.CodeLensProvider, vscode.Disposable {
  private index: CallSiteIndex = new Map();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly types: Record<SlotStatus, vscode.TextEditorDecorationType>;
  private readonly disposables: vscode.Disposable[] = [this.lensesChanged];

  constructor(
    private readonly tracker: SessionTracker,
    mediaUri: vscode.Uri,
  ) {
    const type = (status: SlotStatus) =>
      vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(mediaUri, GUTTER_ICONS[status]),
        gutterIconSize: '70%',
        overviewRulerColor: new vscode.ThemeColor(STATUS_ICONS[status].color),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
      });
    this.types = { SUCCEEDED: type('SUCCEEDED'), FAILED: type('FAILED'), PENDING: type('PENDING') };
    this.disposables.push(
      ...Object.values(this.types),
      tracker.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateVisible()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CONFIG_SECTION)) {
          this.lensesChanged.fire();
          this.decorateVisible();
        }
      }),
    );
  }

  private setting(name: 'showCodeLens' | 'showGutterMarks'): boolean {
    return vscode.workspace.getConfiguration(CONFIG_SECTION).get<boolean>(name, true);
  }

  private update(): void {
    const states = this.tracker.view()?.slots?.states ?? [];
    const next = buildCallSiteIndex(states);
    // Nothing to redraw when there was and is nothing: most sessions' events change no call site.
    if (next.size === 0 && this.index.size === 0) return;
    this.index = next;
    this.lensesChanged.fire();
    this.decorateVisible();
  }

  private linesOf(document: vscode.TextDocument) {
    return this.index.get(normalizeFile(document.uri.fsPath));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.setting('showCodeLens')) return [];
    const lines = this.linesOf(document);
    if (!lines) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const [line, entries] of lines) {
      if (line < 1 || line > document.lineCount) continue;
      const range = document.lineAt(line - 1).range;
      for (const text of lensTexts(entries)) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: text.title,
            tooltip: text.tooltip,
            command: text.entry ? COMMANDS.revealSlot : '',
            arguments: text.entry ? [slotNodeId(text.entry.state.id, text.entry.slot.index)] : [],
          }),
        );
      }
    }
    return lenses;
  }

  private decorateVisible(): void {
    const show = this.setting('showGutterMarks');
    for (const editor of vscode.window.visibleTextEditors) {
      const byStatus: Record<SlotStatus, vscode.DecorationOptions[]> = {
        SUCCEEDED: [],
        FAILED: [],
        PENDING: [],
      };
      const lines = show ? this.linesOf(editor.document) : undefined;
      for (const [line, entries] of lines ?? []) {
        const status = lineStatus(entries);
        if (!status || line < 1 || line > editor.document.lineCount) continue;
        byStatus[status].push({
          range: new vscode.Range(line - 1, 0, line - 1, 0),
          hoverMessage: new vscode.MarkdownString().appendText(lineHover(entries)),
        });
      }
      for (const status of Object.keys(byStatus) as SlotStatus[]) {
        editor.setDecorations(this.types[status], byStatus[status]);
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerCallSiteDecorations(
  tracker: SessionTracker,
  mediaUri: vscode.Uri,
): vscode.Disposable[] {
  const decorations = new CallSiteDecorations(tracker, mediaUri);
  return [decorations, vscode.languages.registerCodeLensProvider(AGENT_DOCUMENTS, decorations)];
}
