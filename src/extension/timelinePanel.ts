// The timeline webview (durableRun.showTimeline): attempts side by side, one cell per durable
// call coloured by status and path, crashes where they struck; a click reveals the call site.
// With no session running it reads the last state folder's journal, read-only.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TimelineResponseBody } from '../adapter/customProtocol';
import { adapterBundle } from './adapterBundle';
import { TIMELINE_VIEW_TYPE } from './constants';
import { noCallSiteMessage, revealCallSite } from './reveal';
import type { SessionTracker } from './sessionTracker';
import { makeNonce, timelineHtml } from './timelineHtml';
import { buildTimelineModel, type RevealTarget, type TimelineModel } from './timelineModel';

type FromWebview = { type: 'ready' } | { type: 'reveal'; target: RevealTarget };

function isRevealTarget(value: unknown): value is RevealTarget {
  const t = value as RevealTarget | undefined;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.stateId === 'string' &&
    typeof t.index === 'number' &&
    typeof t.functionId === 'string' &&
    typeof t.occurrence === 'number'
  );
}

export class TimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private model: TimelineModel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly tracker: SessionTracker,
    private readonly mediaUri: vscode.Uri,
    /** The state folder to read when no session ran in this window. */
    private readonly defaultStateDir: () => string | undefined,
  ) {
    this.disposables.push(tracker.onDidChange(() => void this.refresh()));
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      void this.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      'Durable Run Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        // Only media/ may be loaded: no other file of the extension or the workspace.
        localResourceRoots: [this.mediaUri],
      },
    );
    this.panel = panel;
    const nonce = await makeNonce();
    panel.iconPath = vscode.Uri.joinPath(this.mediaUri, 'timeline-icon.svg');
    const webview = panel.webview;
    webview.html = timelineHtml({
      cspSource: webview.cspSource,
      nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaUri, 'timeline.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaUri, 'timeline.css')).toString(),
    });
    webview.onDidReceiveMessage((m: FromWebview) => this.received(m), undefined, this.disposables);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.tracker.setTimelineWanted(false);
    });
    this.tracker.setTimelineWanted(true);
    void this.refresh();
  }

  private received(message: FromWebview): void {
    if (message?.type === 'ready') {
      if (this.model) void this.panel?.webview.postMessage({ type: 'model', model: this.model });
    } else if (message?.type === 'reveal' && isRevealTarget(message.target)) {
      const site = this.tracker.callSiteFor(message.target);
      if (site) void revealCallSite(site);
      else noCallSiteMessage(`#${message.target.index} ${message.target.functionId}`);
    }
  }

  private async refresh(): Promise<void> {
    if (!this.panel) return;
    const shown = this.tracker.view();
    // A live session answers from its worker; otherwise the journal on disk is the whole truth.
    const model = shown?.live
      ? shown.timeline && buildTimelineModel(shown.timeline)
      : await this.fromDisk(shown?.stateDir);
    if (!this.panel) return;
    if (!model) return;
    this.model = model;
    void this.panel.webview.postMessage({ type: 'model', model });
  }

  /** The journal of the last session (or the default state folder), opened read-only. */
  private async fromDisk(stateDir: string | undefined): Promise<TimelineModel> {
    const dir = stateDir ?? this.defaultStateDir();
    if (!dir)
      return buildTimelineModel(
        { attempts: [], callSites: {} },
        'No debug session, and no state folder to read.',
      );
    try {
      // Loaded when first needed: reading a journal is rare, activation is not.
      const { JournalStore, attemptViews } = adapterBundle();
      const store = JournalStore.open(dir, { readOnly: true });
      const body: TimelineResponseBody = {
        attempts: attemptViews(store.timeline()),
        callSites: {},
      };
      store.close();
      const where = path.basename(path.dirname(dir)) + path.sep + path.basename(dir);
      return buildTimelineModel(body, `No debug session is running: showing what ${where} holds.`);
    } catch (error) {
      return buildTimelineModel(
        { attempts: [], callSites: {} },
        `No debug session is running, and ${dir} cannot be read: ${(error as Error).message}`,
      );
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
