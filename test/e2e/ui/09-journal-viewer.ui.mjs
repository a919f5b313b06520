// UI scenario: the read-only viewer (custom editor durableRun.journalViewer) on an exported state
// file and on a journal: both open in it by default, show the action states with their slots and
// the timeline with the edit made after the attempt, hold no script, and run nothing (no debug
// session, no new charge in the ledger, the journal unchanged).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../../scripts/e2e/codeServer.mjs';
import {
  stopDebugSessions,
  waitForNoDebugSession,
  webviewFrame,
} from '../../../scripts/e2e/workbench.mjs';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const STATE_ID = 'alice#0/0/checkout';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** Opens a file with Quick Open and waits for its tab (a custom editor has no text editor). */
async function openByName(page, name, dir) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(dir ? `${dir}/${name}` : name);
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: name }) });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
}

async function viewerShows(page, name, kind) {
  const frame = await webviewFrame(page, name);
  await frame.locator('h1', { hasText: kind }).waitFor({ timeout: 45_000 });
  const text = await frame.locator('body').innerText();
  for (const wanted of ['Action states', STATE_ID, 'charge', 'Timeline', 'edited', 'read-only'])
    expect(text.includes(wanted), `the viewer of ${name} does not show "${wanted}":\n${text}`);
  expect((await frame.locator('script').count()) === 0, `the viewer of ${name} holds a script`);
  return text;
}

export async function run({ page, workspace, screenshot, log }) {
  await stopDebugSessions(page);
  await runCommand(page, 'View: Close All Editors');
  const ledger = join(workspace, 'viewer-ledger.jsonl');
  const state = join(workspace, 'viewer-state');
  const exportFile = join(workspace, 'viewer.durable.json');
  const env = { ...process.env, PAYMENTS_LEDGER: ledger };
  const cli = (...args) => execFileSync(process.execPath, [CLI, ...args], { cwd: workspace, env });
  try {
    cli('run', 'agent.ts', '--inputs', 'inputs.jsonl', '--state', state, '--fresh');
    cli('edit', '--state', state, '--slot', `${STATE_ID}#1`, '--pending');
    cli('export', '--state', state, '--out', exportFile);
    const journal = join(state, 'journal.jsonl');
    const journalBefore = lines(journal);
    const ledgerBefore = lines(ledger);

    await openByName(page, 'viewer.durable.json');
    const exported = await viewerShows(page, 'viewer.durable.json', 'exported state');
    await screenshot('08-viewer-export');
    log('exported file shown:', exported.split('\n').slice(0, 3).join(' | '));

    await openByName(page, 'journal.jsonl', 'viewer-state');
    await viewerShows(page, 'journal.jsonl', 'journal');
    await screenshot('08-viewer-journal');

    await waitForNoDebugSession(page);
    expect(lines(ledger) === ledgerBefore, 'opening the files charged again: something ran');
    expect(lines(journal) === journalBefore, 'opening the journal changed it');
    await runCommand(page, 'View: Close All Editors');
  } finally {
    // The workspace is shared with the scenarios after this one: leave it as it was.
    for (const made of [state, exportFile, ledger]) rmSync(made, { recursive: true, force: true });
  }
}
