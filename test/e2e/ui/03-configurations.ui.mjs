// UI scenario: the Durable Agent entries of "Select and Start Debugging", and F5 on agent.ts with no launch.json.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, waitForDebuggersAvailable } from '../../../scripts/e2e/codeServer.mjs';
import {
  dapLogMark,
  dapMessagesSince,
  debugConsoleText,
  errorToasts,
  openFile,
  removeAllBreakpoints,
  stopDebugSessions,
  waitForNoDebugSession,
  waitUntil,
} from '../../../scripts/e2e/workbench.mjs';

const quickPickRows = (page) =>
  page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function ledgerLines(workspace) {
  const ledger = join(workspace, 'ledger.jsonl');
  return existsSync(ledger) ? readFileSync(ledger, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** The arguments of the launch requests VS Code sent after `mark`. */
function launches(dapLogFile, mark) {
  return dapMessagesSince(dapLogFile, mark)
    .map((line) => /→ request launch (\{.*\})$/.exec(line)?.[1])
    .filter(Boolean)
    .map((json) => JSON.parse(json));
}

/** Waits for a session that ran both orders of inputs.jsonl to the end. */
async function ranToTheEnd(page, workspace, linesBefore) {
  await waitUntil(
    () => ledgerLines(workspace) === linesBefore + 2,
    'both orders charged in the ledger',
  );
  await waitForNoDebugSession(page);
  await waitUntil(async () => {
    const text = await debugConsoleText(page);
    const done =
      /output alice#0/.test(text) && /output bob#0/.test(text) && /attempt 1 done/.test(text);
    if (!done) throw new Error(`the Debug Console shows ${JSON.stringify(text)}`);
    return true;
  }, 'both outputs and "attempt 1 done" in the Debug Console');
  const errors = await errorToasts(page);
  expect(errors.length === 0, `error notifications were shown: ${JSON.stringify(errors)}`);
}

export async function run({ page, workspace, screenshot, log, dapLogFile }) {
  await stopDebugSessions(page);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await runCommand(page, 'View: Close All Editors');
  await removeAllBreakpoints(page);
  await waitForDebuggersAvailable(page);

  // Dynamic configurations: one entry per agent file of the workspace.
  let lines = ledgerLines(workspace);
  let mark = dapLogMark(dapLogFile);
  await runCommand(page, 'Debug: Select and Start Debugging');
  await quickPickRows(page)
    .filter({ hasText: /^\s*Durable Agent\.\.\./ })
    .first()
    .click();
  const entry = quickPickRows(page).filter({ hasText: /Debug agent agent\.ts/ });
  await entry.first().waitFor({ timeout: 30_000 });
  const entries = (await quickPickRows(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  expect(entries.length === 1, `expected one agent file on offer, got ${JSON.stringify(entries)}`);
  await screenshot('01-dynamic-configuration');
  await entry.first().click();
  await ranToTheEnd(page, workspace, lines);
  const [dynamic] = launches(dapLogFile, mark);
  expect(dynamic?.program === join(workspace, 'agent.ts'), `launched ${dynamic?.program}`);
  expect(dynamic?.inputsFile === join(workspace, 'inputs.jsonl'), `inputs ${dynamic?.inputsFile}`);
  log('the dynamic configuration debugged agent.ts with inputs.jsonl');

  // F5 with no launch.json, the agent file active.
  const launchJson = join(workspace, '.vscode', 'launch.json');
  const aside = `${launchJson}.aside`;
  renameSync(launchJson, aside);
  try {
    await waitUntil(
      async () => !(await page.locator('.part.sidebar').innerText()).includes('(one order)'),
      'the Run and Debug view to forget the launch.json configurations',
    );
    await openFile(page, 'agent.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    lines = ledgerLines(workspace);
    mark = dapLogMark(dapLogFile);
    await page.keyboard.press('F5');
    // TypeScript files interest other debuggers too (Node.js, Chrome, ...): VS Code asks which
    // one, with Durable Agent the first suggestion.
    const first = quickPickRows(page).first();
    await first.waitFor({ timeout: 30_000 });
    const firstText = (await first.innerText()).replace(/\s+/g, ' ').trim();
    expect(/^Durable Agent\b/.test(firstText), `the first debugger offered is "${firstText}"`);
    await screenshot('02-f5-select-debugger');
    await first.click();
    await ranToTheEnd(page, workspace, lines);
    const [resolved] = launches(dapLogFile, mark);
    expect(resolved?.program === join(workspace, 'agent.ts'), `F5 launched ${resolved?.program}`);
    expect(
      resolved?.inputsFile === join(workspace, 'inputs.jsonl'),
      `inputs ${resolved?.inputsFile}`,
    );
    // The agent's own state folder under .durable, named after the file.
    expect(
      resolved?.stateDir === join(workspace, '.durable', 'agent'),
      `stateDir ${resolved?.stateDir}`,
    );
    log('F5 with no launch.json debugged the active agent file');
  } finally {
    renameSync(aside, launchJson);
  }
}
