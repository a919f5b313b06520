// The status bar item during a durable session: attempt number and slot counts. A click shows
// the timeline, or recovers when the last attempt crashed (the next thing the developer wants).
import * as vscode from 'vscode';
import { COMMANDS } from './constants';
import type { SessionTracker } from './sessionTracker';
import { statusBarText } from './slotLabels';

export function registerStatusBar(tracker: SessionTracker): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem(
    'durableRun.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  item.name = 'Durable Run';
  const sync = () => {
    const shown = tracker.view();
    const progress = shown?.live ? shown.progress : undefined;
    if (!progress) {
      item.hide();
      return;
    }
    const { text, tooltip } = statusBarText(progress, shown?.session.name ?? 'Durable Run');
    item.text = text;
    item.tooltip = tooltip;
    item.command = progress.phase === 'crashed' ? COMMANDS.recover : COMMANDS.showTimeline;
    item.backgroundColor =
      progress.phase === 'crashed'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    item.show();
  };
  sync();
  return [item, tracker.onDidChange(sync)];
}
