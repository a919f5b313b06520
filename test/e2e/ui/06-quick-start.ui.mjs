// UI scenario: the README's Quick Start, step by step, as a new user follows it: an empty folder,
// Create Sample Agent, F5 (stopped on entry, alice and bob), F10 twice, F11, Inject Crash "this
// call: before-outcome", Continue (the crash), Recover, F10 twice (reconcile), Continue, the
// timeline. What the user is told to expect (frame names, console lines) is read from the README
// itself, so the walk and the text cannot drift apart.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, waitForDebuggersAvailable } from '../../../scripts/e2e/codeServer.mjs';
import {
  callStackRows,
  callStackState,
  codeLensesAbove,
  debugConsoleText,
  errorToasts,
  openFolder,
  pickRow,
  paneRows,
  problemsStatus,
  resizeSidebar,
  setPaneExpanded,
  statusBarText,
  stopDebugSessions,
  toolbarButton,
  topFrame,
  variableRows,
  waitForNoDebugSession,
  waitForTopFrame,
  waitUntil,
  webviewFrame,
} from '../../../scripts/e2e/workbench.mjs';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const SLOTS_VIEW = 'Durable Slots';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Quick Start's numbered steps, each with the code spans it shows the user. */
function quickStartSteps() {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(
    text.indexOf('## Quick Start'),
    text.indexOf('\n## ', text.indexOf('## Quick Start') + 1),
  );
  const steps = section.split(/\n(?=\d+\. )/).filter((s) => /^\d+\. /.test(s));
  return steps.map((s) => ({
    text: s.replace(/\s+/g, ' '),
    codes: [...s.replace(/\s+/g, ' ').matchAll(/`([^`]+)`/g)].map((m) => m[1]),
  }));
}

/** The frame names a step says the Call Stack shows (`charge #1 · plan decided (execute)`). */
function framesOf(step) {
  return step.codes.filter((c) => / · /.test(c) && !c.includes('/'));
}

/** A top frame pattern: the README's frame name, on agent.ts at `line` when given. */
function frame(name, line) {
  return new RegExp(`^${escape(name)} agent\\.ts ${line ?? '\\d+'}:\\d+$`);
}

function ledgerCharges(folder, orderId) {
  const ledger = join(folder, 'payments', 'ledger.jsonl');
  if (!existsSync(ledger)) return [];
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .filter((c) => c.orderId === orderId);
}

export async function run({ page, workspace, screenshot, log }) {
  const steps = quickStartSteps();
  expect(steps.length === 10, `the Quick Start has ${steps.length} steps, this walk knows 10`);
  const folder = join(dirname(workspace), 'quick-start');
  mkdirSync(folder, { recursive: true });
  try {
    // 1. An empty folder.
    await openFolder(page, folder);
    log('opened the empty folder', folder);

    // 2. Create Sample Agent.
    expect(/Create Sample Agent/.test(steps[1].text), `step 2 is "${steps[1].text}"`);
    await runCommand(page, 'Durable Run: Create Sample Agent');
    await pickRow(page, 'TypeScript payments agent');
    await page.locator('.tabs-container .tab.active', { hasText: 'agent.ts' }).waitFor();
    for (const f of [
      'payments/agent.ts',
      'payments/ledger.js',
      'payments/inputs.jsonl',
      '.vscode/launch.json',
    ])
      await waitUntil(() => existsSync(join(folder, f)), `${f} written`);
    const agent = readFileSync(join(folder, 'payments', 'agent.ts'), 'utf8').split('\n');
    const chargeLine = agent.findIndex((l) => l.includes('ctx.durableExecute(charge')) + 1;
    const priceLine = agent.findIndex((l) => l.includes('ctx.durableExecute(priceOrder')) + 1;
    // No red squiggles: the sample opens with no problems, offline (the run fetches no types).
    await waitUntil(async () => /No Problems/i.test(await problemsStatus(page)), 'no problems');
    await resizeSidebar(page, 470);
    await screenshot('02-sample-created');
    log('sample created; problems:', await problemsStatus(page));

    // 3. F5: both orders, stopped on entry.
    await waitForDebuggersAvailable(page);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    const [entryFrame] = framesOf(steps[2]);
    expect(entryFrame === 'checkout · start', `step 3 shows "${entryFrame}"`);
    await waitForTopFrame(page, frame(entryFrame));
    // alice paused on entry, bob held with her: every key stops together.
    const threads = await waitUntil(async () => {
      const rows = await callStackRows(page);
      const alice = rows.some((r) => /^alice Paused on entry$/i.test(r));
      return alice && rows.some((r) => /^bob\b/.test(r)) && rows;
    }, 'alice paused on entry and bob beside her in the Call Stack');
    log('stopped on entry; Call Stack:', threads.join(' | '));
    await screenshot('03-stopped-on-entry');

    // 4. F10 twice: from call to call, to the charge.
    const [priceFrame, chargeFrame] = framesOf(steps[3]);
    await page.keyboard.press('F10');
    await waitForTopFrame(page, frame(priceFrame, priceLine));
    await page.keyboard.press('F10');
    await waitForTopFrame(page, frame(chargeFrame, chargeLine));
    log('stepped over to', chargeFrame);

    // 5. F11: PENDING persisted, shown in the Durable Slots view and the CodeLens.
    const [pendingFrame] = framesOf(steps[4]);
    await page.keyboard.press('F11');
    await waitForTopFrame(page, frame(pendingFrame, chargeLine));
    // The editor has the focus after a stop; VS Code redraws lenses only while it does.
    await waitUntil(
      async () => (await codeLensesAbove(page, chargeLine)).some((t) => /in flight/.test(t)),
      'the CodeLens above the charge saying it is in flight',
    );
    await setPaneExpanded(page, 'Watch', false);
    await setPaneExpanded(page, SLOTS_VIEW, true);
    await waitUntil(
      async () => (await paneRows(page, SLOTS_VIEW)).some((r) => /#1 charge.*PENDING/.test(r)),
      'the charge PENDING in the Durable Slots view',
    );
    expect(
      ledgerCharges(folder, 'order-1').length === 0,
      'the card was charged before the function ran',
    );
    await screenshot('05-pending-persisted');

    // 6. Inject Crash → this call: before-outcome. Nothing happens yet.
    const pick = steps[5].text.match(/\*\*(this call: [\w-]+)\*\*/)?.[1];
    expect(pick === 'this call: before-outcome', `step 6 picks "${pick}"`);
    await toolbarButton(page, 'Inject Crash').click();
    const choice = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escape(pick)}\\s*$`) }),
    });
    await choice.first().waitFor({ timeout: 15_000 });
    await choice.first().click();
    await waitUntil(
      async () =>
        /a crash is armed at before-outcome of alice#0\/0\/checkout call #1/.test(
          await debugConsoleText(page),
        ),
      'the Debug Console saying the crash is armed',
    );
    expect(
      frame(pendingFrame, chargeLine).test(await topFrame(page)),
      'arming the crash moved the agent',
    );
    await screenshot('06-crash-armed');

    // 7. F5 (Continue): the charge runs, the process is killed.
    const crashLine = steps[6].codes.find((c) => c.startsWith('CRASH at'));
    await page.keyboard.press('F5');
    await waitUntil(
      async () => (await debugConsoleText(page)).includes(crashLine),
      `"${crashLine}" in the Debug Console`,
    );
    await waitUntil(
      async () => /crashed at before-outcome/.test(await statusBarText(page)),
      'the status bar saying crashed at before-outcome',
    );
    await waitForTopFrame(
      page,
      new RegExp(`^CRASH at before-outcome · charge #1 agent\\.ts ${chargeLine}:\\d+$`),
    );
    // Its one thread's state is in the Call Stack's header (a thread row when there are several).
    await waitUntil(
      async () =>
        /^Crashed at before-outcome/.test(await callStackState(page)) ||
        (await callStackRows(page)).some((r) =>
          /^attempt 1 crashed Crashed at before-outcome/i.test(r),
        ),
      'the Call Stack showing attempt 1 crashed at before-outcome',
    );
    // Nothing runs: Continue is offered, not Pause.
    expect((await toolbarButton(page, 'Pause').count()) === 0, 'Pause is offered after the crash');
    expect(ledgerCharges(folder, 'order-1').length === 1, 'the ledger does not have the charge');
    log('crashed:', crashLine);
    await screenshot('07-crashed');

    // 8. Recover: attempt 2 stops on entry; F10 twice reaches the charge, planned to reconcile.
    await toolbarButton(page, 'Recover').click();
    await waitForTopFrame(page, frame(entryFrame));
    await waitUntil(
      async () => (await callStackRows(page)).some((r) => /^alice Paused on entry$/i.test(r)),
      'attempt 2 paused on entry',
    );
    const [replayFrame, reconcileFrame] = framesOf(steps[7]);
    await page.keyboard.press('F10');
    await waitForTopFrame(page, frame(replayFrame, priceLine));
    await page.keyboard.press('F10');
    await waitForTopFrame(page, frame(reconcileFrame, chargeLine));
    await waitUntil(
      async () => (await variableRows(page)).includes('plan = "reconcile"'),
      'plan = "reconcile" in the Call scope',
    );
    log('recovery stopped on', reconcileFrame);
    await screenshot('08-reconcile');

    // 9. Continue: attempt 2 done, the charge reconciled, charged once.
    await page.keyboard.press('F5');
    await waitForNoDebugSession(page);
    expect(
      (await debugConsoleText(page)).includes('attempt 2 done'),
      'the Debug Console lacks "attempt 2 done"',
    );
    await waitUntil(
      async () =>
        (await paneRows(page, SLOTS_VIEW)).some((r) => /#1 charge.*SUCCEEDED · reconciled/.test(r)),
      'the charge SUCCEEDED · reconciled in the Durable Slots view',
    );
    const charges = ledgerCharges(folder, 'order-1');
    expect(charges.length === 1, `alice's order was charged ${charges.length} times`);
    log("alice's order charged once:", charges[0].chargeId);
    await screenshot('09-done');

    // 10. The timeline: attempt 1 crashed at the charge, attempt 2 reconciled it.
    await runCommand(page, 'Durable Run: Show Timeline');
    const timeline = await webviewFrame(page, 'Durable Run Timeline');
    await timeline.locator('.cell.path-reconcile').first().waitFor({ timeout: 15_000 });
    const heads = await timeline.locator('.column-head').allInnerTexts();
    expect(heads.length === 2, `the timeline shows ${heads.length} attempts, not 2`);
    expect(
      /before-outcome/.test(await timeline.locator('.cell.crashed').first().innerText()),
      'no crashed cell at before-outcome',
    );
    await screenshot('10-timeline');
    const errors = await errorToasts(page);
    expect(errors.length === 0, `error notifications were shown: ${JSON.stringify(errors)}`);
    // The state of the sample is its own: .durable/payments/agent.
    expect(
      existsSync(join(folder, '.durable', 'payments', 'agent', 'journal.jsonl')),
      'no journal in .durable/payments/agent',
    );
  } catch (error) {
    // The failure report's screenshot is taken after the workspace is back: take this one now.
    await screenshot('failure-in-folder').catch(() => undefined);
    throw error;
  } finally {
    // Later scenarios expect the run's workspace.
    await stopDebugSessions(page).catch(() => undefined);
    await openFolder(page, workspace);
  }
}
