// UI scenario: the timeline webview's own script in Chromium, fed a model of 250 action executions
// (one of 450 rows), as 10k actions would be: it draws them a page at a time, keeps what was drawn
// when the model comes again, and asks to reveal the call of a clicked cell.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../../scripts/e2e/workbench.mjs';

const media = (file) =>
  readFileSync(fileURLToPath(new URL(`../../../media/${file}`, import.meta.url)), 'utf8');
const GROUPS = 250;
const BIG_ROWS = 450;

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** A TimelineModel (src/extension/timelineModel.ts) of one attempt. */
function modelOf(groups) {
  const cell = (stateId, index) => ({
    status: 'SUCCEEDED',
    path: 'execute',
    text: 'executed · SUCCEEDED',
    title: `#${index} step`,
    target: { stateId, index, functionId: 'step', occurrence: index },
  });
  return {
    columns: [{ attempt: 1, title: 'Attempt 1', subtitle: 'run · done', outcome: 'done' }],
    groups: Array.from({ length: groups }, (_, g) => {
      const stateId = `key-${g}#0/0/act`;
      const rows = g === 0 ? BIG_ROWS : 1;
      return {
        stateId,
        label: stateId,
        marks: [{ kind: 'completed', text: 'completed' }],
        rows: Array.from({ length: rows }, (_, index) => ({
          index,
          label: `#${index} step`,
          cells: [cell(stateId, index)],
        })),
      };
    }),
  };
}

export async function run({ page, log }) {
  // A page of its own, beside the workbench's: the script needs no VS Code around it.
  const context = await page.context().browser().newContext();
  const view = await context.newPage();
  try {
    await view.setContent(
      `<!DOCTYPE html><html><head><style>${media('timeline.css')}</style></head>` +
        '<body><p id="note" hidden></p><main id="timeline"></main></body></html>',
    );
    // What VS Code gives a webview: a message channel to the extension and a state slot.
    await view.evaluate(() => {
      window.posted = [];
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.posted.push(m),
        getState: () => undefined,
        setState: () => {},
      });
    });
    await view.addScriptTag({ content: media('timeline.js') });
    const model = modelOf(GROUPS);
    const send = () =>
      view.evaluate((m) => window.postMessage({ type: 'model', model: m }, '*'), model);
    await send();

    const groups = view.locator('.group-label');
    const firstRows = () =>
      view.evaluate(() => {
        // The rows of the first group: the row labels before the second group's label.
        const second = document.querySelectorAll('.group-label')[1];
        return [...document.querySelectorAll('.row-label')].filter(
          (r) => r.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING,
        ).length;
      });
    await view.locator('.more-groups').waitFor({ timeout: 30_000 });
    expect((await groups.count()) === 100, `${await groups.count()} action executions drawn first`);
    const moreGroups = (await view.locator('.more-groups').innerText()).trim();
    expect(
      moreGroups === 'Show 100 more action executions (150 not shown)',
      `the groups button says "${moreGroups}"`,
    );
    expect((await firstRows()) === 200, `the first action shows ${await firstRows()} rows`);
    const moreRows = (await view.locator('.more-rows').innerText()).trim();
    expect(moreRows === 'Show 200 more rows (250 not shown)', `the rows button says "${moreRows}"`);

    await view.locator('.more-rows').click();
    await waitUntil(async () => (await firstRows()) === 400, 'the first action at 400 rows');
    // A refresh draws the model again, and keeps the rows the user asked for.
    await send();
    await waitUntil(async () => (await firstRows()) === 400, '400 rows kept across a refresh');

    await view.locator('.more-groups').click();
    await waitUntil(async () => (await groups.count()) === 200, '200 action executions');
    await view.locator('.more-groups').click();
    await waitUntil(async () => (await groups.count()) === GROUPS, 'every action execution');
    expect(
      (await view.locator('.more-groups').count()) === 0,
      'the groups button is gone at the end',
    );

    await view.locator('button.cell').last().click();
    const posted = await view.evaluate(() => window.posted);
    const reveal = posted.find((m) => m.type === 'reveal');
    expect(
      reveal?.target?.stateId === `key-${GROUPS - 1}#0/0/act`,
      `a click asked for ${JSON.stringify(posted)}`,
    );
    log(`drew ${GROUPS} action executions 100 at a time, and 450 rows 200 at a time`);
  } finally {
    await context.close();
  }
}
