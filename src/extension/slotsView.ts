// The Slots view (durableRun.slots, in Run and Debug): the action executions of the current
// durable session, each with its slots (status icon, function id, payload preview, the path the
// call took in the latest attempt). Clicking a slot reveals its call site.
import * as vscode from 'vscode';
import type { SlotRow } from '../adapter/customProtocol';
import { COMMANDS, CONTEXT_HAS_DATA, CONTEXT_RUNNING, SLOTS_VIEW } from './constants';
import type { SessionTracker } from './sessionTracker';
import {
  STATUS_ICONS,
  slotDescription,
  slotLabel,
  slotTooltip,
  stateDescription,
  stateLabel,
  type StateRow,
} from './slotLabels';

export type SlotNode =
  | { kind: 'state'; id: string; state: StateRow }
  | { kind: 'slot'; id: string; state: StateRow; slot: SlotRow };

/** Tree item ids are stable across refreshes, so expansion and selection survive them. */
export const stateNodeId = (stateId: string) => `state:${stateId}`;
export const slotNodeId = (stateId: string, index: number) => `slot:${stateId}/${index}`;

export class SlotsTreeProvider implements vscode.TreeDataProvider<SlotNode> {
  private readonly changed = new vscode.EventEmitter<SlotNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, SlotNode>();
  private roots: SlotNode[] = [];

  constructor(private readonly tracker: SessionTracker) {}

  /** Rebuilds the nodes from the tracker's latest slots. */
  update(): void {
    const nodes = new Map<string, SlotNode>();
    const roots: SlotNode[] = [];
    for (const state of this.tracker.view()?.slots?.states ?? []) {
      const root: SlotNode = { kind: 'state', id: stateNodeId(state.id), state };
      nodes.set(root.id, root);
      roots.push(root);
      for (const slot of state.slots) {
        const node: SlotNode = { kind: 'slot', id: slotNodeId(state.id, slot.index), state, slot };
        nodes.set(node.id, node);
      }
    }
    this.nodes = nodes;
    this.roots = roots;
    this.changed.fire(undefined);
  }

  node(id: string): SlotNode | undefined {
    return this.nodes.get(id);
  }

  getChildren(element?: SlotNode): SlotNode[] {
    if (!element) return this.roots;
    if (element.kind === 'slot') return [];
    return element.state.slots.map((slot) =>
      this.nodes.get(slotNodeId(element.state.id, slot.index))!,
    );
  }

  getParent(element: SlotNode): SlotNode | undefined {
    return element.kind === 'slot' ? this.nodes.get(stateNodeId(element.state.id)) : undefined;
  }

  getTreeItem(element: SlotNode): vscode.TreeItem {
    if (element.kind === 'state') {
      // Always Expanded: VS Code keeps the first collapsible state it saw for an id, and an
      // execution starts with no slots (None would leave it collapsed once slots arrive).
      const item = new vscode.TreeItem(
        stateLabel(element.state),
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = element.id;
      item.description = stateDescription(element.state);
      item.tooltip = `${element.state.id}: ${item.description}`;
      item.iconPath = new vscode.ThemeIcon(
        element.state.completed ? 'check-all' : 'circle-large-outline',
        element.state.completed ? new vscode.ThemeColor('testing.iconPassed') : undefined,
      );
      // Completed ones can be marked not completed (state surgery).
      item.contextValue = element.state.completed
        ? 'durableRun.state.completed'
        : 'durableRun.state';
      return item;
    }
    const { slot, state } = element;
    const item = new vscode.TreeItem(slotLabel(slot), vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = slotDescription(slot);
    const tooltip = new vscode.MarkdownString(slotTooltip(slot, state));
    tooltip.supportThemeIcons = false;
    item.tooltip = tooltip;
    const icon = STATUS_ICONS[slot.status];
    item.iconPath = new vscode.ThemeIcon(icon.icon, new vscode.ThemeColor(icon.color));
    // The context menu offers "copy payload" only where there is one.
    item.contextValue = slot.status === 'PENDING' ? 'durableRun.slot' : 'durableRun.slot.payload';
    item.accessibilityInformation = {
      label: `slot ${slot.index} ${slot.functionId}, ${slot.status}, ${item.description}`,
    };
    if (slot.callSite) {
      item.command = {
        command: COMMANDS.revealCallSite,
        title: 'Reveal call site',
        arguments: [slot.callSite, true],
      };
    }
    return item;
  }
}

/** Creates the view and keeps it, its description and the welcome text's context in step. */
export function registerSlotsView(tracker: SessionTracker): {
  provider: SlotsTreeProvider;
  view: vscode.TreeView<SlotNode>;
  disposables: vscode.Disposable[];
} {
  const provider = new SlotsTreeProvider(tracker);
  const view = vscode.window.createTreeView(SLOTS_VIEW, {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  const context = new Map<string, boolean>();
  const setContext = (key: string, value: boolean) => {
    if (context.get(key) === value) return;
    context.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  // Views of the Run and Debug container start collapsed: open this one when the first session
  // of the window has slots, once, so the developer finds it (and may close it for good).
  let revealedOnce = false;
  const sync = () => {
    provider.update();
    const shown = tracker.view();
    const first = provider.getChildren()[0];
    if (!revealedOnce && shown?.live && first) {
      revealedOnce = true;
      if (!view.visible) {
        void view
          .reveal(first, { select: false, focus: false, expand: true })
          .then(undefined, () => undefined);
      }
    }
    setContext(CONTEXT_HAS_DATA, shown !== undefined);
    setContext(CONTEXT_RUNNING, shown?.live === true);
    const attempt = shown && shown.progress.attempt > 0 ? `attempt ${shown.progress.attempt}` : '';
    view.description = !shown
      ? undefined
      : shown.live
        ? attempt
        : `session ended${attempt ? ` · ${attempt}` : ''}`;
  };
  sync();
  return { provider, view, disposables: [view, tracker.onDidChange(sync)] };
}
