// UI scenario: the workbench shows the test workspace, and the Run and Debug view opens.
import { basename } from 'node:path';
import { runCommand, waitForDebuggersAvailable } from '../../../scripts/e2e/codeServer.mjs';

export async function run({ page, workspace, screenshot, log }) {
  const sidebar = page.locator('.part.sidebar');
  await sidebar.waitFor();
  // textContent, not innerText: the explorer upper-cases the folder name with CSS only.
  const explorerText = (await sidebar.textContent()) ?? '';
  if (!explorerText.includes(basename(workspace))) {
    throw new Error(`explorer does not show the workspace folder ${basename(workspace)}`);
  }
  log('workbench shows', basename(workspace));

  await runCommand(page, 'View: Show Run and Debug');
  const title = sidebar.locator('.composite.title');
  await title.filter({ hasText: /run and debug/i }).waitFor({ timeout: 30_000 });
  log('Run and Debug view is open');
  await screenshot('run-and-debug');
  // What a debugging scenario must confirm before it presses F5.
  await waitForDebuggersAvailable(page);
  log('debuggers available');
}
