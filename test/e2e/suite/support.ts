// Shared by the extension-host suites: the sample workspace, a DAP recorder on every durable-agent session, waits on its traffic.
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DurableRunExtensionApi } from '../../../src/extension/extension';
import type { OpenQuickPick } from '../../../src/extension/quickPick';
import { onTestFailure } from '../../e2e/driver/src/failureContext';

export const EXTENSION_ID = 'durable-run.durable-run-debugger';
export const DEBUG_TYPE = 'durable-agent';

/** The stable surface of DESIGN.md §5, plus the commands the views use. */
export const PUBLIC_COMMANDS = [
  'durableRun.injectCrash',
  'durableRun.recover',
  'durableRun.showTimeline',
  'durableRun.createSample',
  'durableRun.resetState',
] as const;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  return extension;
}

/** The sample workspace the run opened (a copy of samples/payments). */
export function sample() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const agent = path.join(root, 'agent.ts');
  assert.ok(fs.existsSync(agent), `${agent} is missing: the workspace is not the payments sample`);
  return {
    folder,
    root,
    agent,
    /** The sample's ledger helper: a file of the agent's folder that is not an agent. */
    ledgerJs: path.join(root, 'ledger.js'),
    inputsFile: path.join(root, 'inputs.jsonl'),
    /** 1-based line of the first line containing `needle` in agent.ts. */
    lineOf(needle: string): number {
      const index = fs
        .readFileSync(agent, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle));
      assert.ok(index >= 0, `"${needle}" is not in ${agent}`);
      return index + 1;
    },
  };
}

/** One order of the sample's inputs, as a launch's `inputs`. */
export const ALICE = [
  { key: 'alice', input: { orderId: 'order-1', amountCents: 1250, card: '4242' } },
];

const tempDirs: string[] = [];

/** A fresh temporary folder, removed by cleanupTempDirs(). */
export function tempDir(prefix = 'durable-e2e-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Per-test state folder and payment ledger, so no test touches the workspace's own. */
export function isolated() {
  const dir = tempDir();
  const ledger = path.join(dir, 'ledger.jsonl');
  return {
    dir,
    stateDir: path.join(dir, 'state'),
    ledger,
    env: { PAYMENTS_LEDGER: ledger },
    /** The charges the agent made, from the ledger file (the payment provider's truth). */
    charges(): Array<{ orderId: string; chargeId: string }> {
      if (!fs.existsSync(ledger)) return [];
      return fs
        .readFileSync(ledger, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
    },
  };
}

// ---- modal dialogs ------------------------------------------------------------------------

const dialogsFile = process.env.DURABLE_E2E_DIALOGS;

/**
 * A test that makes VS Code show a modal dialog (a failed launch, a confirmation) runs only where
 * the e2e runner watches for dialogs: it writes each one to DURABLE_E2E_DIALOGS and closes it
 * (Escape). Elsewhere (@vscode/test-electron) the dialog would wait for a person: skipped.
 */
export function needsDialogWatcher(test: Mocha.Context): void {
  if (!dialogsFile) test.skip();
}

/** The texts of the dialogs shown after `sinceMs` (and closed by the runner) so far. */
export function dialogsSince(sinceMs: number): string[] {
  const lines = fs.readFileSync(dialogsFile!, 'utf8').split('\n').filter(Boolean);
  return lines
    .map((l) => JSON.parse(l) as { at: number; text: string })
    .filter((d) => d.at >= sinceMs)
    .map((d) => d.text);
}

/** Waits for a dialog shown after `sinceMs` whose text matches, and returns its text. */
export async function dialogShown(
  pattern: RegExp,
  sinceMs: number,
  timeoutMs = 30_000,
): Promise<string> {
  return eventually(
    () => {
      const lines = fs.readFileSync(dialogsFile!, 'utf8').split('\n').filter(Boolean);
      const dialogs = lines.map((l) => JSON.parse(l) as { at: number; text: string });
      return dialogs.find((d) => d.at >= sinceMs && pattern.test(d.text))?.text;
    },
    `a dialog matching ${pattern}`,
    timeoutMs,
  );
}

// ---- DAP recorder ------------------------------------------------------------------------

export interface Traffic {
  at: number;
  session: vscode.DebugSession;
  /** 'in': VS Code to the adapter; 'out': the adapter to VS Code. */
  dir: 'in' | 'out';
  message: DebugProtocol.ProtocolMessage;
}

type Waiter = { match: (t: Traffic) => boolean; resolve: (t: Traffic) => void };

/** Every DAP message of every durable-agent session, through a debug adapter tracker. */
export class DapRecorder {
  readonly traffic: Traffic[] = [];
  private waiters: Waiter[] = [];
  readonly sessions: vscode.DebugSession[] = [];
  private readonly exits = new Map<string, { code?: number; signal?: string }>();
  private readonly errors: string[] = [];

  /** Sessions VS Code has finished with (onDidTerminateDebugSession). */
  readonly ended = new Set<string>();

  constructor() {
    vscode.debug.onDidTerminateDebugSession((s) => this.ended.add(s.id));
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => {
        this.sessions.push(session);
        return {
          onWillReceiveMessage: (m) => this.push(session, 'in', m as DebugProtocol.ProtocolMessage),
          onDidSendMessage: (m) => this.push(session, 'out', m as DebugProtocol.ProtocolMessage),
          onError: (e) => this.errors.push(`${session.name}: ${e.message}`),
          onExit: (code, signal) => this.exits.set(session.id, { code, signal }),
        };
      },
    });
  }

  private push(
    session: vscode.DebugSession,
    dir: 'in' | 'out',
    message: DebugProtocol.ProtocolMessage,
  ) {
    const t: Traffic = { at: Date.now(), session, dir, message };
    this.traffic.push(t);
    for (const w of this.waiters.filter((w) => w.match(t))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(t);
    }
  }

  /** A position in the traffic: waits look at what comes after it. */
  mark(): number {
    return this.traffic.length;
  }

  since(mark: number): Traffic[] {
    return this.traffic.slice(mark);
  }

  /** The first message after `mark` that matches, already there or yet to come. */
  waitFor(
    match: (t: Traffic) => boolean,
    { since = 0, timeoutMs = 60_000, what = 'a DAP message' } = {},
  ): Promise<Traffic> {
    const seen = this.traffic.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next event of that name from the adapter after `since`. */
  async event<T = DebugProtocol.Event['body']>(
    name: string,
    since: number,
    options: { timeoutMs?: number; where?: (body: T) => boolean } = {},
  ): Promise<T> {
    const t = await this.waitFor(
      (t) => {
        const m = t.message as DebugProtocol.Event;
        return (
          t.dir === 'out' &&
          m.type === 'event' &&
          m.event === name &&
          (options.where?.(m.body) ?? true)
        );
      },
      { since, timeoutMs: options.timeoutMs, what: `the "${name}" event` },
    );
    return (t.message as DebugProtocol.Event).body as T;
  }

  events(name: string, since = 0): DebugProtocol.Event[] {
    return this.since(since)
      .map((t) => t.message as DebugProtocol.Event)
      .filter((m) => m.type === 'event' && m.event === name);
  }

  requests(command: string, since = 0): DebugProtocol.Request[] {
    return this.since(since)
      .filter((t) => t.dir === 'in')
      .map((t) => t.message as DebugProtocol.Request)
      .filter((m) => m.type === 'request' && m.command === command);
  }

  response(command: string, since = 0): DebugProtocol.Response | undefined {
    return this.since(since)
      .map((t) => t.message as DebugProtocol.Response)
      .find((m) => m.type === 'response' && m.command === command);
  }

  /** Everything the adapter printed (output events) after `since`. */
  output(since = 0): string {
    return this.events('output', since)
      .map((e) => (e.body as DebugProtocol.OutputEvent['body']).output)
      .join('');
  }

  exitOf(session: vscode.DebugSession) {
    return this.exits.get(session.id);
  }

  /** The traffic after `since`, one line a message, for a failure report. */
  format(since = 0, max = 120): string {
    const t0 = this.traffic[since]?.at ?? Date.now();
    const lines = this.since(since).map((t) => {
      const m = t.message as DebugProtocol.Request & DebugProtocol.Response & DebugProtocol.Event;
      const what =
        m.type === 'request'
          ? `request ${m.command} ${JSON.stringify(m.arguments ?? {})}`
          : m.type === 'response'
            ? `response ${m.command} ${m.success ? 'ok' : `FAILED ${m.message}`} ${JSON.stringify(m.body ?? {})}`
            : `event ${m.event} ${JSON.stringify(m.body ?? {})}`;
      const line = `+${String(t.at - t0).padStart(5)} ms ${t.dir === 'in' ? '→' : '←'} ${what}`;
      return line.length > 220 ? `${line.slice(0, 219)}…` : line;
    });
    const cut = lines.length > max ? [`(${lines.length - max} earlier messages left out)`] : [];
    const errors = this.errors.length ? [`tracker errors: ${this.errors.join('; ')}`] : [];
    return [...cut, ...lines.slice(-max), ...errors].join('\n');
  }
}

let shared: DapRecorder | undefined;
let testMark = 0;

/** The one recorder of the run; its traffic since the current test began goes into failure reports. */
export function recorder(): DapRecorder {
  if (!shared) {
    const r = new DapRecorder();
    shared = r;
    onTestFailure(() => {
      const text = r.format(testMark);
      return text ? `DAP traffic of this test (→ to the adapter, ← from it):\n${text}` : undefined;
    });
  }
  return shared;
}

// ---- sessions -----------------------------------------------------------------------------

export interface Started {
  session: vscode.DebugSession;
  /** Traffic mark taken just before the launch. */
  since: number;
}

/** Starts a durable-agent session from a launch configuration and returns it once launched. */
export async function launch(
  config: Record<string, unknown>,
  options: { expectFailure?: boolean; folder?: vscode.WorkspaceFolder | null } = {},
): Promise<Started> {
  const r = recorder();
  const since = r.mark();
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== DEBUG_TYPE) return;
      sub.dispose();
      resolve(s);
    });
  });
  const folder = options.folder === null ? undefined : (options.folder ?? sample().folder);
  const ok = await vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: 'launch',
    name: 'e2e',
    ...config,
  });
  if (options.expectFailure) {
    assert.equal(ok, false, 'the launch was expected to be refused');
    return { session: undefined as unknown as vscode.DebugSession, since };
  }
  assert.equal(ok, true, `startDebugging refused the configuration ${JSON.stringify(config)}`);
  const session = await Promise.race([
    started,
    sleep(60_000).then(() => Promise.reject(new Error('no durable-agent session started'))),
  ]);
  return { session, since };
}

export interface Stop {
  reason: string;
  description?: string;
  threadId: number;
  hitBreakpointIds?: number[];
  text?: string;
}

/** Waits for the next stopped event after `since` and returns it with the top stack frame. */
/** Debugs the sample for alice, with a breakpoint on `line`, in a state folder of its own, until it stops. */
export async function launchAliceStoppedAt(line: number) {
  const iso = isolated();
  addBreakpoint(sample().agent, line);
  const s = await launch({
    program: sample().agent,
    inputs: ALICE,
    stateDir: iso.stateDir,
    env: iso.env,
  });
  const stop = await nextStop(s);
  return { iso, s, stop };
}

export async function nextStop(
  s: Started,
  since = s.since,
): Promise<Stop & { top: DebugProtocol.StackFrame; frames: DebugProtocol.StackFrame[] }> {
  // A crashed attempt's stop (waiting for Recover) is not a stop of the agent.
  const body = await recorder().event<Stop>('stopped', since, {
    timeoutMs: 60_000,
    where: (b) => b.reason !== 'crash',
  });
  const frames = await stackOf(s.session, body.threadId);
  return { ...body, top: frames[0], frames };
}

export async function stackOf(
  session: vscode.DebugSession,
  threadId: number,
): Promise<DebugProtocol.StackFrame[]> {
  const body = (await session.customRequest('stackTrace', {
    threadId,
  })) as DebugProtocol.StackTraceResponse['body'];
  assert.ok(body.stackFrames.length > 0, `thread ${threadId} has no stack frames`);
  return body.stackFrames;
}

export async function scopesOf(
  session: vscode.DebugSession,
  frameId: number,
): Promise<DebugProtocol.Scope[]> {
  const body = (await session.customRequest('scopes', {
    frameId,
  })) as DebugProtocol.ScopesResponse['body'];
  return body.scopes;
}

/** A scope's variables as name → value text. */
export async function variablesOf(
  session: vscode.DebugSession,
  variablesReference: number,
): Promise<Record<string, string>> {
  const body = (await session.customRequest('variables', {
    variablesReference,
  })) as DebugProtocol.VariablesResponse['body'];
  return Object.fromEntries(body.variables.map((v) => [v.name, v.value]));
}

/** The Call scope of a stopped frame, as name → value text. */
export async function callScope(session: vscode.DebugSession, frameId: number) {
  const call = (await scopesOf(session, frameId)).find((s) => s.name === 'Call');
  assert.ok(call, 'the stopped frame has no Call scope');
  return variablesOf(session, call.variablesReference);
}

/**
 * The file of a DAP source as a path: VS Code hands sources to extensions as URIs when the
 * workspace is remote (code-server's vscode-remote://), as plain paths in desktop VS Code.
 */
export function sourceFile(source: DebugProtocol.Source | undefined): string | undefined {
  const p = source?.path;
  if (!p) return undefined;
  return /^[a-z][\w+.-]+:\/\//i.test(p) ? vscode.Uri.parse(p).path : p;
}

/**
 * Resolves when the adapter has ended the session and VS Code has finished with it: custom events
 * reach extensions through VS Code after the tracker sees them, and before the session's end does.
 */
export async function terminated(session: vscode.DebugSession, timeoutMs = 60_000): Promise<void> {
  const r = recorder();
  await r.waitFor(
    (t) =>
      t.session.id === session.id &&
      t.dir === 'out' &&
      (t.message as DebugProtocol.Event).type === 'event' &&
      (t.message as DebugProtocol.Event).event === 'terminated',
    { timeoutMs, what: `the end of session ${session.name}` },
  );
  await eventually(
    () => (r.ended.has(session.id) ? true : undefined),
    `VS Code ends session ${session.name}`,
  );
}

/** Stops every debug session still running and waits until VS Code has none. */
export async function stopAllSessions(): Promise<void> {
  if (!vscode.debug.activeDebugSession) return;
  await vscode.debug.stopDebugging();
  const deadline = Date.now() + 30_000;
  while (vscode.debug.activeDebugSession && Date.now() < deadline) await sleep(50);
}

/**
 * Waits until VS Code's own focus (what the toolbar's step buttons act on) is on that thread, so
 * a command such as workbench.action.debug.stepInto steps the thread the test means.
 */
export async function focusedOn(session: vscode.DebugSession, threadId: number): Promise<void> {
  const debug = vscode.debug as unknown as {
    activeStackItem?: { session: vscode.DebugSession; threadId: number };
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const item = debug.activeStackItem;
    // VS Code before 1.90 cannot tell the thread: its session being the active one is the best sign.
    if (!('activeStackItem' in debug) && vscode.debug.activeDebugSession?.id === session.id) return;
    if (item && item.session.id === session.id && item.threadId === threadId) return;
    if (Date.now() > deadline) {
      throw new Error(
        `VS Code did not focus thread ${threadId} (focus: ${JSON.stringify(item && { thread: item.threadId })})`,
      );
    }
    await sleep(25);
  }
}

/** The debug toolbar's commands, with the DAP request each one sends. */
export const TOOLBAR = {
  continue: ['workbench.action.debug.continue', 'continue'],
  stepOver: ['workbench.action.debug.stepOver', 'next'],
  stepInto: ['workbench.action.debug.stepInto', 'stepIn'],
  stepOut: ['workbench.action.debug.stepOut', 'stepOut'],
  stepBack: ['workbench.action.debug.stepBack', 'stepBack'],
} as const;

/**
 * Presses a debug toolbar button through its command, as a user would, on the thread VS Code has
 * focused after `from`; checks the adapter got the request, and returns the next stop.
 */
export async function press(
  s: Started,
  button: keyof typeof TOOLBAR,
  from: Stop,
): ReturnType<typeof nextStop> {
  const [command, request] = TOOLBAR[button];
  await focusedOn(s.session, from.threadId);
  const mark = recorder().mark();
  await vscode.commands.executeCommand(command);
  const stop = await nextStop(s, mark);
  assert.equal(recorder().requests(request, mark).length, 1, `${command} did not send ${request}`);
  return stop;
}

/**
 * Waits until VS Code has shown a stop: focused its thread, and opened the editor at the top
 * frame's line (which takes the focus: a command that opens a quick pick comes after that).
 */
export async function stopShown(
  s: Started,
  stop: Stop & { top?: DebugProtocol.StackFrame },
): Promise<void> {
  await focusedOn(s.session, stop.threadId);
  const file = sourceFile(stop.top?.source);
  const line = (stop.top?.line ?? 0) - 1;
  if (!file || line < 0) return;
  await eventually(
    () => {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.uri.fsPath !== file) return undefined;
      return editor.visibleRanges.some((r) => r.start.line <= line && line <= r.end.line)
        ? true
        : undefined;
    },
    `the editor shows ${path.basename(file)}:${line + 1}, where the agent stopped`,
  );
}

/**
 * Polls `probe` until it returns a value that is not undefined. The timeout is a hang guard (a
 * passing test never reaches it), generous for a loaded machine.
 */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms: ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    }
    await sleep(100);
  }
}

/** The quick pick the extension shows now (its API: src/extension/quickPick.ts). */
function openPick(): OpenQuickPick | undefined {
  const api = vscode.extensions.getExtension(EXTENSION_ID)?.exports as
    DurableRunExtensionApi | undefined;
  return api?.openQuickPick();
}

/**
 * Answers the quick pick that the command behind `picked` opens: waits until the pick is shown
 * with its rows and a highlighted one, moves down one row at a time (each move confirmed by the
 * pick) to the row labelled `label`, accepts it as Enter would, and waits for the command to
 * finish. Returns the rows the pick showed; the caller checks the effect.
 */
export async function answerQuickPick(
  picked: Thenable<unknown>,
  label: string,
  timeoutMs = 45_000,
): Promise<string[]> {
  const shown = await eventually(
    () => {
      const pick = openPick();
      return pick && pick.labels.length > 0 && pick.active !== undefined ? pick : undefined;
    },
    'the quick pick is shown with its rows',
    timeoutMs,
  );
  assert.ok(
    shown.labels.includes(label),
    `no row "${label}" in the quick pick "${shown.title}": ${shown.labels.join(' | ')}`,
  );
  for (let moves = 0; openPick()?.active !== label; moves++) {
    assert.ok(moves < shown.labels.length, `the selection never reached "${label}"`);
    const from = openPick()?.active;
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await eventually(
      () => (openPick()?.active !== from ? true : undefined),
      `the selection moves down from "${from}"`,
      timeoutMs,
    );
  }
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await picked;
  return shown.labels;
}

/** Closes whatever quick pick is open (a test that failed half-way may leave one). */
export async function closeQuickPick(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
}

export const addBreakpoint = (file: string, line: number) => {
  const bp = new vscode.SourceBreakpoint(
    new vscode.Location(vscode.Uri.file(file), new vscode.Position(line - 1, 0)),
  );
  vscode.debug.addBreakpoints([bp]);
  return bp;
};

export function removeAllBreakpoints(): void {
  if (vscode.debug.breakpoints.length > 0) vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
}

export async function openInEditor(file: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document);
}

/** Mocha hooks every suite that debugs wants: a recorder, and nothing left behind by a test. */
export function debugHooks(): void {
  const r = recorder();
  // Each failure report shows only its own test's traffic.
  beforeEach(() => {
    testMark = r.mark();
  });
  afterEach(async () => {
    await closeQuickPick();
    await stopAllSessions();
    removeAllBreakpoints();
    cleanupTempDirs();
  });
}
