// The extension's commands: crash injection and recovery (debug toolbar, Slots view), the
// timeline, the state folder reset, and the Slots view's helpers. Each forwards to the adapter
// through a custom request; errors come back as messages the developer can act on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reachableCallPoints } from '../adapter/crashRequest';
import type { InjectCrashArguments } from '../adapter/customProtocol';
import { pathKey, samePath } from '../platform/paths';
import type { CrashPoint } from '../worker/protocol';
import {
  isAgentFileName,
  isAgentSource,
  launchConfigFor,
  INPUTS_FILE_NAME,
  noInputsBeside,
} from './agentFiles';
import { offerInputsFile } from './agentInputs';
import { COMMANDS, SLOTS_VIEW } from './constants';
import { CRASH_NOW_DETAIL, CRASH_POINT_CHOICES } from './crashPoints';
import { noCallSiteMessage, revealCallSite } from './reveal';
import { showPick } from './quickPick';
import { createSample } from './sample';
import type { CallSite, SessionTracker } from './sessionTracker';
import { stateRootOf } from './settings';
import { payloadText } from './slotLabels';
import type { SlotNode, SlotsTreeProvider } from './slotsView';
import {
  clearStateFolder,
  findStateFolders,
  partitionStateFolder,
  resetRefusal,
} from './stateFolder';
import type { TimelinePanel } from './timelinePanel';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  tracker: SessionTracker;
  slots: { provider: SlotsTreeProvider; view: vscode.TreeView<SlotNode> };
  timeline: TimelinePanel;
}

const NO_SESSION =
  'Durable Run: no durable agent debug session is running. Start one with F5 on an agent file.';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The session a command acts on: the one VS Code passed (toolbar), else the current one. */
function sessionOf(tracker: SessionTracker, arg: unknown): vscode.DebugSession | undefined {
  const id =
    typeof arg === 'string' ? arg : (arg as { sessionId?: unknown } | undefined)?.sessionId;
  return (typeof id === 'string' ? tracker.liveSession(id) : undefined) ?? tracker.current();
}

interface CrashPick extends vscode.QuickPickItem {
  point: CrashPoint;
  now?: boolean;
  here?: boolean;
}

/**
 * The crash points still to come for the durable call where the agent is stopped, none when it
 * is running or stopped elsewhere. Asked of the adapter with `evaluate` (a path lookup: no code
 * runs), so the picker offers only what the adapter would accept.
 */
async function pointsOfStoppedCall(session: vscode.DebugSession): Promise<CrashPoint[]> {
  const field = async (name: string): Promise<unknown> => {
    const r = (await session.customRequest('evaluate', {
      expression: `call.${name}`,
      context: 'hover',
    })) as { result: string };
    return JSON.parse(r.result);
  };
  try {
    const [phase, plan, hasReconciler] = await Promise.all(
      ['phase', 'plan', 'hasReconciler'].map(field),
    );
    return reachableCallPoints(String(phase), String(plan), hasReconciler === true);
  } catch {
    return [];
  }
}

async function pickCrashPoint(
  perCallOnly: boolean,
  title: string,
  here: CrashPoint[] = [],
): Promise<CrashPick | undefined> {
  const items: CrashPick[] = CRASH_POINT_CHOICES.filter((c) => !perCallOnly || c.perCall).map(
    (c) => ({
      label: `$(flame) ${c.label}`,
      description: c.scope,
      detail: c.detail,
      point: c.point,
    }),
  );
  // Armed for the call where the agent is stopped, and no other.
  items.unshift(
    ...CRASH_POINT_CHOICES.filter((c) => here.includes(c.point)).map((c) => ({
      label: `$(debug-stackframe) this call: ${c.label}`,
      description: 'the call where the agent is stopped',
      detail: c.detail,
      point: c.point,
      here: true,
    })),
  );
  if (!perCallOnly) {
    // The point is required by the request but unused with `now`: the crash strikes where paused.
    items.unshift({
      label: '$(zap) now',
      detail: CRASH_NOW_DETAIL,
      point: 'before-call',
      now: true,
    });
  }
  // Every row is known before the pick shows (the adapter was asked first): none moves later.
  return showPick(items, {
    title,
    placeholder: 'Where should the agent process be killed?',
    matchOnDetail: true,
    // A stop elsewhere moves focus to the editor; the choice must survive that.
    ignoreFocusOut: true,
  });
}

async function injectCrash(tracker: SessionTracker, arg: unknown): Promise<void> {
  const session = sessionOf(tracker, arg);
  if (!session) return void vscode.window.showErrorMessage(NO_SESSION);
  const pick = await pickCrashPoint(
    false,
    'Durable Run: Inject Crash',
    await pointsOfStoppedCall(session),
  );
  if (!pick) return;
  const args: InjectCrashArguments = pick.now
    ? { point: pick.point, now: true }
    : pick.here
      ? { point: pick.point, here: true }
      : { point: pick.point };
  try {
    await session.customRequest('injectCrash', args);
    if (!pick.now) {
      const where = pick.here
        ? ' of the call where it is stopped'
        : ': it strikes at the next matching point';
      vscode.window.setStatusBarMessage(`$(flame) Crash armed at ${pick.point}${where}`, 6000);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Durable Run: cannot inject the crash: ${errorText(error)}`,
    );
  }
}

async function injectCrashAtSlot(
  tracker: SessionTracker,
  node: SlotNode | undefined,
): Promise<void> {
  if (node?.kind !== 'slot') return;
  const session = tracker.current();
  if (!session) return void vscode.window.showErrorMessage(NO_SESSION);
  const { state, slot } = node;
  const pick = await pickCrashPoint(
    true,
    `Inject crash at #${slot.index} ${slot.functionId} in ${state.action}`,
  );
  if (!pick) return;
  // The state id, not only the action: another key's execution of the action has the same call.
  const args: InjectCrashArguments = { point: pick.point, stateId: state.id, call: slot.index };
  try {
    await session.customRequest('injectCrash', args);
    vscode.window.setStatusBarMessage(
      `$(flame) Crash armed at ${pick.point} of call #${slot.index} in ${state.id}`,
      6000,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Durable Run: cannot inject the crash: ${errorText(error)}`,
    );
  }
}

async function recover(tracker: SessionTracker, arg: unknown): Promise<void> {
  const session = sessionOf(tracker, arg);
  if (!session) return void vscode.window.showErrorMessage(NO_SESSION);
  try {
    await session.customRequest('recover', {});
  } catch (error) {
    // The adapter says what stands in the way ("nothing to recover: ..."), for us to say once.
    void vscode.window.showErrorMessage(`Durable Run: ${errorText(error)}`);
  }
}

/**
 * The state folders the user may mean: the last session's, then every agent's under each
 * workspace folder's root of state folders.
 */
function stateDirCandidates(tracker: SessionTracker): string[] {
  const dirs = [
    ...(tracker.lastStateDir ? [tracker.lastStateDir] : []),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) => findStateFolders(stateRootOf(f))),
  ];
  const unique = new Map(dirs.map((d) => [pathKey(path.resolve(d)), path.resolve(d)]));
  return [...unique.values()];
}

async function resetState(tracker: SessionTracker, arg: unknown): Promise<void> {
  let dir = typeof arg === 'string' ? path.resolve(arg) : undefined;
  if (!dir) {
    if (!vscode.workspace.workspaceFolders?.length && !tracker.lastStateDir) {
      return void vscode.window.showInformationMessage(
        'Durable Run: open a folder first: state folders are found in the workspace.',
      );
    }
    const candidates = stateDirCandidates(tracker);
    if (candidates.length === 0) {
      return void vscode.window.showInformationMessage(
        'Durable Run: no agent has durable state in this workspace yet: there is nothing to reset.',
      );
    }
    const picked =
      candidates.length === 1
        ? { dir: candidates[0] }
        : await vscode.window.showQuickPick(
            candidates.map((d) => ({ label: vscode.workspace.asRelativePath(d), dir: d })),
            { title: 'Durable Run: Reset State', placeHolder: 'Which state folder?' },
          );
    dir = picked?.dir;
    if (!dir) return;
  }
  // `c:\x` and `C:\x` are one folder on Windows: a session using it must not lose its journal.
  if (tracker.stateDirsInUse().some((d) => samePath(path.resolve(d), dir))) {
    return void vscode.window.showErrorMessage(
      `Durable Run: a debug session is using ${dir}. Stop it before resetting its state.`,
    );
  }
  // Any other writer too: a `durable-run run` in a terminal, a session of another window.
  const refusal = await resetRefusal(dir);
  if (refusal) return void vscode.window.showErrorMessage(`Durable Run: ${refusal}`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return void vscode.window.showInformationMessage(
      `Durable Run: nothing to reset: ${dir} does not exist.`,
    );
  }
  const { state, other } = partitionStateFolder(names);
  if (state.length === 0) {
    return void vscode.window.showInformationMessage(`Durable Run: ${dir} holds no durable state.`);
  }
  const kept = other.length > 0 ? ` The ${other.length} other file(s) in it are kept.` : '';
  const choice = await vscode.window.showWarningMessage(
    `Delete the durable state in ${dir}?`,
    {
      modal: true,
      detail: `Every persisted slot and the timeline of every attempt are lost; the next run starts from empty state.${kept}`,
    },
    'Delete',
  );
  if (choice !== 'Delete') return;
  try {
    // Under the folder's lock: a writer that started while the dialog was open wins, and nothing goes.
    await clearStateFolder(dir, state, other.length === 0);
  } catch (error) {
    return void vscode.window.showErrorMessage(
      `Durable Run: cannot reset ${dir}: ${errorText(error)}`,
    );
  }
  if (tracker.lastStateDir && path.resolve(tracker.lastStateDir) === dir) tracker.clearEnded();
  void vscode.window.showInformationMessage(`Durable Run: state cleared in ${dir}.`);
}

async function revealSlot(deps: CommandDeps, id: unknown): Promise<void> {
  const node = typeof id === 'string' ? deps.slots.provider.node(id) : undefined;
  if (!node) return;
  await vscode.commands.executeCommand(`${SLOTS_VIEW}.focus`);
  await deps.slots.view.reveal(node, { select: true, focus: true, expand: true });
}

async function debugAgentFile(uri: unknown): Promise<void> {
  const file =
    uri instanceof vscode.Uri ? uri.fsPath : vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!file)
    return void vscode.window.showErrorMessage(
      'Durable Run: no agent file is open. Open one (it imports durable-run and calls defineAgent), then run Debug Agent File.',
    );
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (!isAgentFileName(file) || !isAgentSource(text)) {
    return void vscode.window.showErrorMessage(
      `Durable Run: ${path.basename(file)} is not an agent file: an agent imports 'durable-run' and calls defineAgent.`,
    );
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  if (!fs.existsSync(path.join(path.dirname(file), INPUTS_FILE_NAME)))
    return offerInputsFile(noInputsBeside(file, folder?.uri.fsPath), file);
  await vscode.debug.startDebugging(
    folder,
    launchConfigFor(file, folder?.uri.fsPath, true) as vscode.DebugConfiguration,
  );
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { tracker } = deps;
  const register = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, run);
  return [
    register(COMMANDS.injectCrash, (arg) => injectCrash(tracker, arg)),
    register(COMMANDS.recover, (arg) => recover(tracker, arg)),
    register(COMMANDS.showTimeline, () => deps.timeline.show()),
    register(COMMANDS.createSample, (kind?: unknown) =>
      createSample(deps.context.extensionUri, kind),
    ),
    register(COMMANDS.resetState, (arg) => resetState(tracker, arg)),
    register(COMMANDS.copyPayload, async (node) => {
      const n = node as SlotNode | undefined;
      if (n?.kind !== 'slot') return;
      await vscode.env.clipboard.writeText(payloadText(n.slot));
      vscode.window.setStatusBarMessage(
        `Copied the payload of #${n.slot.index} ${n.slot.functionId}`,
        3000,
      );
    }),
    register(COMMANDS.injectCrashAtSlot, (node) => injectCrashAtSlot(tracker, node as SlotNode)),
    register(COMMANDS.revealCallSite, (site, preserveFocus) => {
      const s = site as CallSite | SlotNode | undefined;
      // From the view's context menu the argument is the node; from a click, the call site.
      const target = s && 'kind' in s ? (s.kind === 'slot' ? s.slot.callSite : undefined) : s;
      if (target) return revealCallSite(target, preserveFocus === true);
      noCallSiteMessage('this slot');
    }),
    register(COMMANDS.revealSlot, (id) => revealSlot(deps, id)),
    register(COMMANDS.refreshSlots, () => tracker.refresh()),
    register(COMMANDS.clearSlots, () => tracker.clearEnded()),
    register(COMMANDS.debugAgentFile, (uri) => debugAgentFile(uri)),
  ];
}
