// UI scenario: a Flink Agents Python agent in its own folder (the Python payments sample, run by
// the project's venv): breakpoint on the charge's ctx.durable_execute line of the .py file, F5,
// stopped on that .py line, Step Into its phases, Inject Crash before-outcome, Continue to the
// crash, Recover, the reconciler's path in the Slots view and CodeLens, and the card charged once.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, waitForDebuggersAvailable } from '../../../scripts/e2e/codeServer.mjs';
import {
  callStackState,
  clickGlyphMargin,
  debugConsoleText,
  errorToasts,
  glyphOnLine,
  goToLine,
  openFile,
  openFolder,
  paneRows,
  removeAllBreakpoints,
  resizeSidebar,
  setPaneExpanded,
  statusBarText,
  stopDebugSessions,
  toolbarButton,
  variableRows,
  waitForNoDebugSession,
  waitForTopFrame,
  waitUntil,
} from '../../../scripts/e2e/workbench.mjs';

const SAMPLE = fileURLToPath(new URL('../../../samples/payments-python', import.meta.url));
const AGENT = 'payments_agent.py';
const SLOTS_VIEW = 'Durable Slots';
// A Python function's id is module.qualname: the frames name the charge by it.
const CHARGE = 'payments_agent\\.charge';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** The charges of one order in the sample's ledger (the payment provider's own record). */
function chargesOf(folder, orderId) {
  const ledger = join(folder, 'ledger.jsonl');
  if (!existsSync(ledger)) return 0;
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && JSON.parse(l).orderId === orderId).length;
}

/**
 * A copy of the Python sample with a launch.json debugging its first order with `python`: one
 * key, so that stepping stays on it and the recovery stops where the crash struck.
 */
function makePythonFolder(workspace, python) {
  const folder = join(dirname(workspace), 'payments-python');
  cpSync(SAMPLE, folder, {
    recursive: true,
    filter: (src) => !/[\\/](ledger\.jsonl|\.durable|\.vscode|__pycache__)$/.test(src),
  });
  const firstInput = JSON.parse(readFileSync(join(SAMPLE, 'inputs.jsonl'), 'utf8').split('\n')[0]);
  const launch = {
    version: '0.2.0',
    configurations: [
      {
        type: 'durable-agent',
        request: 'launch',
        name: 'Debug Python payments agent (one order)',
        program: `\${workspaceFolder}/${AGENT}`,
        python,
        inputs: [firstInput],
      },
    ],
  };
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'launch.json'), `${JSON.stringify(launch, null, 2)}\n`);
  return folder;
}

export async function run({ page, workspace, screenshot, log, python }) {
  expect(python, 'no Python venv: scripts/python/prepare.mjs could not make it (see the log)');
  const folder = makePythonFolder(workspace, python);
  const lines = readFileSync(join(folder, AGENT), 'utf8').split('\n');
  const chargeLine = lines.findIndex((l) => /= ctx\.durable_execute\($/.test(l.trim())) + 1;
  expect(chargeLine > 0, `${AGENT} has no multi-line ctx.durable_execute( call (the charge)`);
  const atCharge = (phase) =>
    new RegExp(
      `^${CHARGE} #\\d+ · ${phase.replace(/[()]/g, '\\$&')} ${AGENT.replace('.', '\\.')} ${chargeLine}:\\d+$`,
    );
  try {
    await stopDebugSessions(page);
    await openFolder(page, folder);
    log('opened', folder, 'with python', python);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await removeAllBreakpoints(page);
    await runCommand(page, 'View: Show Run and Debug');
    await resizeSidebar(page, 470);
    await setPaneExpanded(page, 'Watch', false);
    await setPaneExpanded(page, SLOTS_VIEW, false);

    await openFile(page, AGENT);
    await goToLine(page, chargeLine);
    await clickGlyphMargin(page, chargeLine);
    await waitUntil(
      () => glyphOnLine(page, 'codicon-debug-breakpoint', chargeLine),
      `a breakpoint glyph on line ${chargeLine} of ${AGENT}`,
    );
    log(`breakpoint set on ${AGENT}:${chargeLine}`);
    await screenshot('01-breakpoint-on-charge');

    await waitForDebuggersAvailable(page);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    // The Python host starts and imports Flink Agents: slower than a TypeScript agent.
    await waitForTopFrame(page, atCharge('plan decided (execute)'), 120_000);
    expect(
      (await callStackState(page)) === 'Paused on breakpoint',
      `the Call Stack says "${await callStackState(page)}", not "Paused on breakpoint"`,
    );
    await waitUntil(
      () => glyphOnLine(page, 'codicon-debug-stackframe', chargeLine),
      `the editor's current-statement glyph on ${AGENT}:${chargeLine}`,
    );
    await waitUntil(
      async () => (await variableRows(page)).includes('plan = "execute"'),
      'plan = "execute" in the Call scope',
    );
    log('stopped on the charge call of the .py file');
    await screenshot('02-stopped-on-charge');

    const chargedBefore = chargesOf(folder, 'order-1');
    await toolbarButton(page, 'Step Into').click();
    await waitForTopFrame(page, new RegExp(`^${CHARGE} #\\d+ · PENDING persisted \\(execute\\)`));
    expect(chargesOf(folder, 'order-1') === chargedBefore, 'charged before the call ran');
    log('stepped in: PENDING persisted');
    await screenshot('03-pending-persisted');

    await toolbarButton(page, 'Inject Crash').click();
    const choice = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
      has: page.locator('.label-name', { hasText: /^\s*this call: before-outcome\s*$/ }),
    });
    await choice.first().waitFor({ timeout: 30_000 });
    await screenshot('04-inject-crash-quick-pick');
    await choice.first().click();
    await waitUntil(
      async () => /a crash is armed at before-outcome/.test(await debugConsoleText(page)),
      'the Debug Console saying the crash is armed',
    );
    log('crash armed at before-outcome');

    // The Python function runs (the card is charged); its outcome is not persisted yet.
    await toolbarButton(page, 'Step Into').click();
    await waitForTopFrame(page, new RegExp(`^${CHARGE} #\\d+ · function returned \\(execute\\)`));
    expect(
      chargesOf(folder, 'order-1') === chargedBefore + 1,
      'the charge did not reach the ledger when the Python function returned',
    );
    log('stepped in: function returned, the ledger has the charge');

    await toolbarButton(page, 'Continue').click();
    const crashLine = await waitUntil(async () => {
      const text = await debugConsoleText(page);
      return /CRASH at before-outcome[^\n]*/.exec(text)?.[0];
    }, 'the crash reported in the Debug Console');
    await waitUntil(
      async () => /crashed at before-outcome/.test(await statusBarText(page)),
      'the status bar saying the attempt crashed',
    );
    await waitForTopFrame(
      page,
      new RegExp(
        `^CRASH at before-outcome · ${CHARGE} #\\d+ ${AGENT.replace('.', '\\.')} ${chargeLine}:\\d+$`,
      ),
    );
    log('crash reported:', crashLine);
    await screenshot('05-crashed');

    await toolbarButton(page, 'Recover').click();
    await waitForTopFrame(page, atCharge('plan decided (reconcile)'), 120_000);
    await waitUntil(
      async () => (await variableRows(page)).includes('plan = "reconcile"'),
      'plan = "reconcile" in the Call scope',
    );
    log('recovery stopped on the .py charge call to reconcile');
    await screenshot('06-recovery-stopped-on-charge');

    await toolbarButton(page, 'Continue').click();
    await waitForNoDebugSession(page, 120_000);
    await setPaneExpanded(page, 'Breakpoints', false);
    await setPaneExpanded(page, SLOTS_VIEW, true);
    const slotRows = await waitUntil(async () => {
      const rows = await paneRows(page, SLOTS_VIEW);
      return rows.some((r) => /charge.*SUCCEEDED · reconciled/.test(r)) ? rows : false;
    }, 'the charge slot SUCCEEDED · reconciled in the Slots view');
    // VS Code drops a lens refresh that a focus change interrupts and asks again on focus: a
    // user reading the lens has the editor focused, so the scenario focuses it too.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    const lens = await waitUntil(async () => {
      const texts = await page.locator('.editor-instance .codelens-decoration').allInnerTexts();
      return texts.find((t) => /slot #\d+ .*reconciled/.test(t));
    }, 'the CodeLens above the charge call saying it was reconciled');
    log('session ended; Slots view:', slotRows.join(' | '), '; CodeLens:', lens);
    await screenshot('07-slots-reconciled');

    const charged = chargesOf(folder, 'order-1') - chargedBefore;
    expect(charged === 1, `order-1 was charged ${charged} times, not once`);
    log('ledger: order-1 charged once');
    const errors = await errorToasts(page);
    expect(errors.length === 0, `error notifications were shown: ${JSON.stringify(errors)}`);
    await removeAllBreakpoints(page);
  } catch (error) {
    await screenshot('failure-in-folder').catch(() => undefined);
    throw error;
  } finally {
    await stopDebugSessions(page).catch(() => undefined);
    await openFolder(page, workspace);
  }
}
