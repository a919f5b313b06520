// The extension's quick picks: shown with their final items at once (computed before, never
// added to or reordered after), and known while open, so the extension's API can say which pick
// is up, with its rows and the highlighted one. A test (or another extension) waits for that
// instead of for time, then moves and accepts as a user would.
import * as vscode from 'vscode';

/** The quick pick the extension shows right now, as the user sees it. */
export interface OpenQuickPick {
  title: string | undefined;
  /** The rows' labels, top to bottom. */
  labels: string[];
  /** The highlighted row's label (Enter accepts it); known once VS Code has shown the pick. */
  active: string | undefined;
}

let open: vscode.QuickPick<vscode.QuickPickItem> | undefined;

export function openQuickPick(): OpenQuickPick | undefined {
  if (!open) return undefined;
  return {
    title: open.title,
    labels: open.items.map((i) => i.label),
    active: open.activeItems[0]?.label,
  };
}

export interface PickOptions {
  title: string;
  placeholder: string;
  matchOnDetail?: boolean;
  /** Keeps the pick open when focus moves (a stop elsewhere moves it to the editor). */
  ignoreFocusOut?: boolean;
}

/** Shows `items` (all of them, final) and resolves with the accepted one, or undefined. */
export function showPick<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: PickOptions,
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDetail = options.matchOnDetail ?? false;
  pick.ignoreFocusOut = options.ignoreFocusOut ?? false;
  pick.items = items;
  return new Promise((resolve) => {
    let chosen: T | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      if (open === (pick as vscode.QuickPick<vscode.QuickPickItem>)) open = undefined;
      pick.dispose();
      resolve(chosen);
    });
    open?.hide();
    open = pick as vscode.QuickPick<vscode.QuickPickItem>;
    pick.show();
  });
}
