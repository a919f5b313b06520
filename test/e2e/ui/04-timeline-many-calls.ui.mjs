// UI scenario: the timeline of an action with thousands of calls: long runs fold into a row, and
// an action whose calls keep changing course is drawn 200 rows at a time.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../../scripts/e2e/codeServer.mjs';
import {
  errorToasts,
  stopDebugSessions,
  waitForNoDebugSession,
  waitUntil,
  webviewFrame,
} from '../../../scripts/e2e/workbench.mjs';

const ALTERNATING = 600;
const UNIFORM = 5000;

// 600 calls whose outcome alternates (no two neighbouring rows alike), then 5000 alike calls.
const AGENT = `import { defineAgent } from 'durable-run';

async function flaky(i: number): Promise<number> {
  if (i % 2) throw new Error('odd ' + i);
  return i;
}

async function step(i: number): Promise<number> {
  return i;
}

export default defineAgent({
  name: 'many',
  actions: [
    {
      name: 'crunch',
      on: ['InputEvent'],
      run: async (_event, ctx) => {
        for (let i = 0; i < ${ALTERNATING}; i++) {
          try {
            await ctx.durableExecute(flaky, [i]);
          } catch {
            // A FAILED slot: the next call goes on.
          }
        }
        for (let i = 0; i < ${UNIFORM}; i++) await ctx.durableExecute(step, [i]);
      },
    },
  ],
});
`;

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const quickPickRows = (page) =>
  page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

export async function run({ page, workspace, screenshot, log }) {
  await stopDebugSessions(page);
  await runCommand(page, 'View: Close All Editors');
  const agent = join(workspace, 'many.ts');
  writeFileSync(agent, AGENT);
  try {
    // Debugged to the end through its dynamic configuration, with the inputs beside it: one
    // action execution per key, each of 5600 calls.
    await runCommand(page, 'Debug: Select and Start Debugging');
    await quickPickRows(page)
      .filter({ hasText: /^\s*Durable Agent\.\.\./ })
      .first()
      .click();
    await quickPickRows(page)
      .filter({ hasText: /Debug agent many\.ts/ })
      .first()
      .click();
    await page.locator('.debug-toolbar').waitFor({ timeout: 45_000 });
    await waitForNoDebugSession(page, 60_000);

    await runCommand(page, 'Durable Run: Show Timeline');
    const timeline = await webviewFrame(page, 'Durable Run Timeline');
    const groups = timeline.locator('.group-label');
    const labels = timeline.locator('.row-label');
    const more = timeline.locator('.more-rows');
    await more.first().waitFor({ timeout: 45_000 });
    const keys = await groups.count();
    expect(keys >= 1, 'the timeline shows no action execution');
    const rows = await labels.count();
    expect(rows === 200 * keys, `the timeline first draws ${rows} rows for ${keys} actions`);
    const first = (await more.first().innerText()).trim();
    expect(first === 'Show 200 more rows (401 not shown)', `the button says "${first}"`);
    await screenshot('01-first-page');

    // 601 rows: three clicks draw 200, 200 and the last one.
    for (const drawn of [rows + 200, rows + 400, rows + 401]) {
      await more.first().click();
      await waitUntil(async () => {
        const n = await labels.count();
        if (n !== drawn) throw new Error(`${n} rows drawn, ${await more.count()} buttons`);
        return true;
      }, `${drawn} rows drawn`);
    }
    expect(
      (await more.count()) === keys - 1,
      'the button of the first action is gone once it is drawn',
    );
    const folded = (await timeline.locator('.row-label.folded').allInnerTexts()).map((t) =>
      t.trim(),
    );
    const run = `#${ALTERNATING}–#${ALTERNATING + UNIFORM - 1} step (${UNIFORM} calls)`;
    expect(folded[0] === run, `the folded rows are ${JSON.stringify(folded)}`);
    log(`timeline: ${keys} actions, 600 rows a call each drawn 200 at a time, and`, folded[0]);
    await timeline.locator('.row-label.folded').first().scrollIntoViewIfNeeded();
    await screenshot('02-folded-run');
    const errors = await errorToasts(page);
    expect(errors.length === 0, `error notifications were shown: ${JSON.stringify(errors)}`);
  } finally {
    // Later runs of the scenarios before this one expect the workspace's one agent file.
    rmSync(agent, { force: true });
  }
}
