// UI scenario: breakpoint on the charge call, F5, step in, Inject Crash before-outcome, Recover, reconcile, charged once.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  paletteCommands,
  runCommand,
  waitForDebuggersAvailable,
} from '../../../scripts/e2e/codeServer.mjs';
import {
  allTreeRows,
  callStackState,
  clickGlyphMargin,
  debugConsoleText,
  errorToasts,
  glyphOnLine,
  goToLine,
  layoutBoxes,
  openFile,
  pane,
  paneRows,
  removeAllBreakpoints,
  resizeSidebar,
  setPaneExpanded,
  settled,
  statusBarText,
  stopDebugSessions,
  toolbarButton,
  variableRows,
  waitForNoDebugSession,
  waitForTopFrame,
  waitUntil,
  webviewFrame,
} from '../../../scripts/e2e/workbench.mjs';

const SLOTS_VIEW = 'Durable Slots';
const README_SCREENSHOT = fileURLToPath(new URL('../../../media/screenshot.png', import.meta.url));

/** The charges of one order in the sample's ledger (the payment provider's own record). */
function chargesOf(workspace, orderId) {
  const ledger = join(workspace, 'ledger.jsonl');
  if (!existsSync(ledger)) return 0;
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && JSON.parse(l).orderId === orderId).length;
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export async function run({ page, workspace, screenshot, log }) {
  const agentLines = readFileSync(join(workspace, 'agent.ts'), 'utf8').split('\n');
  const chargeLine = agentLines.findIndex((l) => l.includes('ctx.durableExecute(charge')) + 1;
  expect(chargeLine > 0, 'agent.ts has no ctx.durableExecute(charge call');
  const chargedBefore = chargesOf(workspace, 'order-1');
  // The top frame of the Call Stack: name, file, line:column.
  const atCharge = (phase) =>
    new RegExp(`^charge #1 · ${phase.replace(/[()]/g, '\\$&')} agent\\.ts ${chargeLine}:\\d+$`);

  // A clean start: no session, editors or breakpoints left by the suites or another scenario.
  await stopDebugSessions(page);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await runCommand(page, 'View: Close All Editors');
  await removeAllBreakpoints(page);
  // The suites' last session still shows in the Slots view, CodeLenses and gutter: forget it.
  const clearSlots = 'Durable Run: Clear Slots of the Ended Session';
  if ((await paletteCommands(page, clearSlots)).includes(clearSlots))
    await runCommand(page, clearSlots);
  await runCommand(page, 'View: Show Run and Debug');
  // Wide enough for the frame names and the slots' descriptions.
  await resizeSidebar(page, 470);

  // Room for the Variables view: its rows are drawn only while on screen.
  await setPaneExpanded(page, 'Watch', false);
  await setPaneExpanded(page, SLOTS_VIEW, false);

  await openFile(page, 'agent.ts');
  await goToLine(page, chargeLine);
  await clickGlyphMargin(page, chargeLine);
  await waitUntil(
    () => glyphOnLine(page, 'codicon-debug-breakpoint', chargeLine),
    `a breakpoint glyph on line ${chargeLine}`,
  );
  log(`breakpoint set on line ${chargeLine} from the glyph margin`);
  await screenshot('01-breakpoint-on-charge');

  // F5 only starts debugging once debuggers are registered; while paused it would mean continue.
  await waitForDebuggersAvailable(page);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('F5');
  await waitForTopFrame(page, atCharge('plan decided (execute)'));
  expect(
    (await callStackState(page)) === 'Paused on breakpoint',
    `the Call Stack says "${await callStackState(page)}", not "Paused on breakpoint"`,
  );
  await waitUntil(
    () => glyphOnLine(page, 'codicon-debug-stackframe', chargeLine),
    `the editor's current-statement glyph on line ${chargeLine}`,
  );
  // The Call scope opens by itself, a moment after the scopes are listed.
  const scopes = await waitUntil(async () => {
    const rows = await allTreeRows(page, '.debug-variables');
    if (rows.some((r) => /^Slots \(1\)/.test(r)) && rows.includes('phase = "planned"')) return rows;
    throw new Error(`Variables shows ${JSON.stringify(rows)}`);
  }, 'the Call and Slots scopes in the Variables view');
  expect(scopes[0] === 'Call', `the first scope is "${scopes[0]}", not Call`);
  expect(scopes.includes('plan = "execute"'), `Call does not show plan = "execute": ${scopes}`);
  log(
    'stopped on the charge call; Variables shows',
    scopes.filter((r) => !r.includes('=')),
  );
  await screenshot('02-stopped-on-charge');

  // Step into the call's phases: PENDING is persisted before the function runs.
  await toolbarButton(page, 'Step Into').click();
  await waitForTopFrame(page, /^charge #1 · PENDING persisted \(execute\)/);
  expect(
    chargesOf(workspace, 'order-1') === chargedBefore,
    'the card was charged before the call ran',
  );
  log('stepped in: PENDING persisted');
  await screenshot('03-pending-persisted');

  // Inject Crash from the debug toolbar, at before-outcome of this very call.
  await toolbarButton(page, 'Inject Crash').click();
  const choice = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: /^\s*this call: before-outcome\s*$/ }),
  });
  await choice.first().waitFor({ timeout: 30_000 });
  // PENDING is persisted: only the points still to come for this call are offered.
  const here = (
    await page.locator('.quick-input-widget .quick-input-list .label-name').allInnerTexts()
  )
    .map((t) => t.trim())
    .filter((t) => t.startsWith('this call:'));
  expect(
    JSON.stringify(here) ===
      JSON.stringify(['this call: before-outcome', 'this call: after-outcome']),
    `the picker offers ${JSON.stringify(here)} for this call`,
  );
  await screenshot('04-inject-crash-quick-pick');
  await choice.first().click();
  await waitUntil(
    async () =>
      /a crash is armed at before-outcome of alice#0\/0\/checkout call #1/.test(
        await debugConsoleText(page),
      ),
    'the Debug Console saying the crash is armed',
  );
  log('crash armed at before-outcome');

  // The function runs (the card is charged); its outcome is not persisted yet.
  await toolbarButton(page, 'Step Into').click();
  await waitForTopFrame(page, /^charge #1 · function returned \(execute\)/);
  expect(
    chargesOf(workspace, 'order-1') === chargedBefore + 1,
    'the charge did not reach the ledger when the function returned',
  );
  log('stepped in: function returned, the ledger has the charge');

  await toolbarButton(page, 'Continue').click();
  const crashLine = await waitUntil(async () => {
    const text = await debugConsoleText(page);
    return /CRASH at before-outcome[^\n]*/.exec(text)?.[0];
  }, 'the crash reported in the Debug Console');
  expect(
    /call #1 \(charge\)/.test(crashLine),
    `the crash is not reported at the charge: ${crashLine}`,
  );
  await waitUntil(
    async () => /crashed at before-outcome/.test(await statusBarText(page)),
    'the status bar saying the attempt crashed',
  );
  // Nothing runs: the crashed attempt waits for Recover at the line the crash struck.
  await waitForTopFrame(
    page,
    new RegExp(`^CRASH at before-outcome · charge #1 agent\\.ts ${chargeLine}:\\d+$`),
  );
  expect((await toolbarButton(page, 'Pause').count()) === 0, 'Pause is offered after the crash');
  log('crash reported:', crashLine);
  await screenshot('05-crashed');

  // Recover from the toolbar: the next attempt stops at the same call, planned to reconcile.
  await toolbarButton(page, 'Recover').click();
  await waitForTopFrame(page, atCharge('plan decided (reconcile)'));
  await waitUntil(
    async () => (await variableRows(page)).includes('plan = "reconcile"'),
    'plan = "reconcile" in the Call scope',
  );
  await setPaneExpanded(page, 'Breakpoints', false);
  await setPaneExpanded(page, SLOTS_VIEW, true);
  const pendingRows = await waitUntil(async () => {
    const rows = await paneRows(page, SLOTS_VIEW);
    return rows.some((r) => /#1 charge.*PENDING/.test(r)) ? rows : false;
  }, 'the charge slot PENDING in the Slots view');
  await waitUntil(
    () => glyphOnLine(page, 'codicon-debug-stackframe', chargeLine),
    `the current-statement glyph on line ${chargeLine} in the recovery`,
  );
  log('recovery stopped on the charge call to reconcile; Slots view:', pendingRows.join(' | '));
  // The picture for the README: Variables from the top, no tooltip, panes done moving.
  await page.locator('.debug-variables .monaco-list').first().hover();
  await page.mouse.wheel(0, -10_000);
  await page.mouse.move(1000, 700);
  await settled(page, 'the panes done moving, no tooltip', layoutBoxes);
  const best = await screenshot('06-recovery-stopped-on-charge');
  // The README's picture, refreshed on request only: every run's differs (paths, times).
  if (process.env.DURABLE_E2E_README_SCREENSHOT === '1') {
    copyFileSync(best, README_SCREENSHOT);
    log('copied to', README_SCREENSHOT);
  }

  // Continue to the end: the reconciler finds the charge in the ledger.
  await toolbarButton(page, 'Continue').click();
  await waitForNoDebugSession(page);
  expect(
    /attempt 2 done/.test(await debugConsoleText(page)),
    'the Debug Console lacks "attempt 2 done"',
  );
  const slotRows = await waitUntil(async () => {
    const rows = await paneRows(page, SLOTS_VIEW);
    return rows.some((r) => /#1 charge.*SUCCEEDED · reconciled/.test(r)) ? rows : false;
  }, 'the charge slot SUCCEEDED · reconciled in the Slots view');
  const lens = await waitUntil(async () => {
    const texts = await page.locator('.editor-instance .codelens-decoration').allInnerTexts();
    return texts.find((t) => /slot #1 .*reconciled/.test(t));
  }, 'the CodeLens above the charge call saying it was reconciled');
  log('session ended; Slots view:', slotRows.join(' | '), '; CodeLens:', lens);
  await screenshot('07-slots-reconciled');

  // The timeline: attempt 1 crashed at the charge, attempt 2 reconciled it.
  await pane(page, SLOTS_VIEW).locator('.pane-header').hover();
  await pane(page, SLOTS_VIEW).locator('.action-label[aria-label="Show Timeline"]').click();
  const timeline = await webviewFrame(page, 'Durable Run Timeline');
  const reconciled = timeline.locator('.cell.path-reconcile');
  await reconciled.first().waitFor({ timeout: 45_000 });
  const cellText = (await reconciled.first().innerText()).replace(/\s+/g, ' ');
  expect(/reconciled · SUCCEEDED/.test(cellText), `the reconciled cell says "${cellText}"`);
  const crashed = await timeline.locator('.cell.crashed').first().innerText();
  expect(/before-outcome/.test(crashed), `the crashed cell says "${crashed}"`);
  const heads = await timeline.locator('.column-head').allInnerTexts();
  expect(heads.length === 2, `the timeline shows ${heads.length} attempts, not 2: ${heads}`);
  log('timeline:', heads.map((h) => h.replace(/\s+/g, ' ')).join(' | '));
  await screenshot('08-timeline');

  // The provider's ledger: the card was charged once, crash and recovery included.
  const charged = chargesOf(workspace, 'order-1') - chargedBefore;
  expect(charged === 1, `order-1 was charged ${charged} times in this run, not once`);
  log('ledger: order-1 charged once');
  const errors = await errorToasts(page);
  expect(errors.length === 0, `error notifications were shown: ${JSON.stringify(errors)}`);
  // Later scenarios start without this breakpoint.
  await removeAllBreakpoints(page);
}
