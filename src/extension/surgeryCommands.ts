// State surgery from the Durable Slots view (context menu: edit a slot, mark an action not
// completed) and the command palette (diff two state folders). Thin glue: a live session is asked
// with the `editState` request (the adapter refuses while an attempt runs); with no live session
// the edit is written to the state folder directly, under its lock (runtime/stateEdit.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EditStateArguments } from '../adapter/slotEdits';
import { adapterBundle } from './adapterBundle';
import { COMMANDS } from './constants';
import { showPick } from './quickPick';
import type { SessionTracker } from './sessionTracker';
import type { SlotNode } from './slotsView';

interface EditPick extends vscode.QuickPickItem {
  edit: EditStateArguments['kind'];
}

const SLOT_EDITS: EditPick[] = [
  {
    edit: 'pending',
    label: 'Make PENDING',
    detail: 'The next recovery asks the call’s reconciler (without one, the call runs again)',
  },
  {
    edit: 'succeed',
    label: 'Give it another result…',
    detail: 'SUCCEEDED with a JSON value you type; the next recovery replays it',
  },
  {
    edit: 'fail',
    label: 'Give it another error…',
    detail: 'FAILED with a message you type; the next recovery throws it into the action',
  },
  {
    edit: 'drop',
    label: 'Drop it and every slot after it',
    detail: 'The next recovery runs those calls again',
  },
];

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The extra the edit needs (a result, a message), asked for; undefined when the user gave up. */
async function detailsOf(
  kind: EditStateArguments['kind'],
  node: Extract<SlotNode, { kind: 'slot' }>,
): Promise<Partial<EditStateArguments> | undefined> {
  if (kind === 'succeed') {
    const text = await vscode.window.showInputBox({
      title: `New result of #${node.slot.index} ${node.slot.functionId}`,
      prompt: 'A JSON value: {"ok":true}, 42, "text" (strings in quotes)',
      value: node.slot.result === undefined ? '' : JSON.stringify(node.slot.result),
      validateInput: (value) => {
        try {
          JSON.parse(value);
          return undefined;
        } catch (error) {
          return `not valid JSON: ${errorText(error)}`;
        }
      },
    });
    return text === undefined ? undefined : { result: JSON.parse(text) as unknown };
  }
  if (kind === 'fail') {
    const message = await vscode.window.showInputBox({
      title: `New error of #${node.slot.index} ${node.slot.functionId}`,
      prompt: 'The error message the call throws on the next recovery',
      value: node.slot.error?.message ?? '',
      validateInput: (value) => (value.trim() === '' ? 'an error needs a message' : undefined),
    });
    return message === undefined ? undefined : { message };
  }
  return {};
}

/** Sends the edit to the live session, else writes it to the state folder shown. */
async function applyEdit(tracker: SessionTracker, args: EditStateArguments): Promise<void> {
  const session = tracker.current();
  try {
    if (session) await session.customRequest('editState', args);
    else {
      const dir = tracker.lastStateDir;
      if (!dir) throw new Error('no state folder is shown: start a durable agent session first');
      const request =
        args.kind === 'not-completed'
          ? { kind: args.kind, id: args.stateId }
          : args.kind === 'succeed'
            ? { kind: args.kind, id: args.stateId, index: args.index!, result: args.result }
            : args.kind === 'fail'
              ? { kind: args.kind, id: args.stateId, index: args.index!, message: args.message! }
              : { kind: args.kind, id: args.stateId, index: args.index! };
      // No session to name an interpreter: a Python slot is pickled by DURABLE_RUN_PYTHON or python3.
      const bundle = adapterBundle();
      const python = bundle.pythonReencoder(undefined);
      await bundle.editStateFolder(dir, request, 'VS Code (Durable Run edit)', python);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Durable Run: the edit was refused: ${errorText(error)}`);
    return;
  }
  tracker.refresh();
  const where = args.index === undefined ? args.stateId : `${args.stateId} #${args.index}`;
  vscode.window.setStatusBarMessage(
    `Durable Run: edited ${where} (${args.kind}); Recover to see what it changes`,
    5000,
  );
}

async function editSlot(tracker: SessionTracker, node: SlotNode | undefined): Promise<void> {
  if (node?.kind !== 'slot') return;
  const pick = await showPick(SLOT_EDITS, {
    title: `Edit #${node.slot.index} ${node.slot.functionId} (${node.slot.status})`,
    placeholder: 'What should this slot hold at the next recovery?',
    // Edits follow a crash, whose frame VS Code then reveals in the editor: focus moving there
    // used to close the pick, and the edit was silently lost.
    ignoreFocusOut: true,
  });
  if (!pick) return;
  const details = await detailsOf(pick.edit, node);
  if (!details) return;
  await applyEdit(tracker, {
    stateId: node.state.id,
    index: node.slot.index,
    kind: pick.edit,
    ...details,
  });
}

const DIFF_SCHEME = 'durable-run-diff';
const diffTexts = new Map<string, string>();
let diffCount = 0;

/**
 * Compares two state folders, shown as a read-only text document. The folders are asked for,
 * unless given as arguments (another extension, or a test: dialogs cannot be answered there).
 */
async function diffFolders(tracker: SessionTracker, given: unknown[]): Promise<void> {
  const pickFolder = async (title: string, start?: string) =>
    (
      await vscode.window.showOpenDialog({
        title,
        canSelectFolders: true,
        canSelectFiles: false,
        defaultUri: start ? vscode.Uri.file(start) : undefined,
      })
    )?.[0]?.fsPath;
  const [first, second] = given.map((g) => (typeof g === 'string' ? g : undefined));
  const left =
    first ?? (await pickFolder('Durable Run: the first state folder', tracker.lastStateDir));
  if (!left) return;
  const right =
    second ?? (await pickFolder('Durable Run: the state folder to compare it with', left));
  if (!right) return;
  try {
    const text = adapterBundle().diffFolders(left, right);
    // A read-only document of its own scheme, not an untitled one: an untitled document is dirty,
    // and the next F5 (debug.saveBeforeStart) then stops on a Save As dialog.
    const uri = vscode.Uri.from({
      scheme: DIFF_SCHEME,
      path: `/${path.basename(left)} vs ${path.basename(right)}.txt`,
      query: String(++diffCount),
    });
    diffTexts.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Durable Run: cannot compare ${path.basename(left)} and ${path.basename(right)}: ${errorText(error)}`,
    );
  }
}

export function registerSurgeryCommands(tracker: SessionTracker): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.editSlot, (node) =>
      editSlot(tracker, node as SlotNode | undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.markNotCompleted, (node) => {
      const n = node as SlotNode | undefined;
      if (n?.kind === 'state')
        return applyEdit(tracker, { stateId: n.state.id, kind: 'not-completed' });
    }),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
      provideTextDocumentContent: (uri) => diffTexts.get(uri.toString()) ?? '',
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => diffTexts.delete(doc.uri.toString())),
    vscode.commands.registerCommand(COMMANDS.diffStates, (...args: unknown[]) =>
      diffFolders(tracker, args),
    ),
  ];
}
