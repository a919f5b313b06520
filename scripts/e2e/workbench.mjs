// DOM helpers for the UI scenarios: the editor's margin, the debug views and toolbar, panes, webviews.
import { readFileSync, statSync } from 'node:fs';
import {
  afterPaint,
  paletteCommands,
  runCommand,
  waitForDebuggersAvailable,
} from './codeServer.mjs';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Polls `probe` until it returns something truthy; the error says what was awaited and last seen.
 * The timeout is a hang guard, generous for a loaded machine: a passing step never reaches it.
 */
export async function waitUntil(probe, what, { timeout = 45_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last seen: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Waits until what `measure` reads from the page (positions, scroll offsets) is the same over two
 * painted frames in a row: panes done moving, a list done scrolling.
 */
export async function settled(page, what, measure, arg) {
  let last;
  await waitUntil(
    async () => {
      await afterPaint(page);
      const now = JSON.stringify(await page.evaluate(measure, arg));
      const same = now === last;
      last = now;
      return same;
    },
    what,
    { interval: 0 },
  );
}

/** The boxes of the workbench's panes and list rows, to see whether the layout still moves. */
export const layoutBoxes = () =>
  [...document.querySelectorAll('.split-view-view, .monaco-list-row, .monaco-hover')].map((e) => {
    const r = e.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height];
  });

/**
 * Opens a workspace file by name with Quick Open (Ctrl+P), and waits for its editor tab; `dir`
 * picks one of several files of that name by its folder (Quick Open's description).
 */
export async function openFile(page, name, dir) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(dir ? `${dir}/${name}` : name);
  let row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
  });
  if (dir)
    row = row.filter({
      has: page.locator('.label-description', { hasText: new RegExp(`^${escapeRegExp(dir)}$`) }),
    });
  // A file of the same name opened earlier from outside the workspace (another suite's agent.ts)
  // is offered too, among the recently opened, described by its absolute folder: never that one.
  else row = row.filter({ hasNot: page.locator('.label-description', { hasText: /^[/~]/ }) });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Accepts the row of the open quick pick that starts with `label`, once the pick shows it. */
export async function pickRow(page, label) {
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}`) });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().click();
}

/** Moves the cursor to a line with Go to Line (Ctrl+G), which also scrolls it into view. */
export async function goToLine(page, line) {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await lineNumber(page, line).waitFor();
}

/** The line number element of a line of the active editor (rendered only while visible). */
export function lineNumber(page, line) {
  return page
    .locator('.editor-instance .monaco-editor .margin .line-numbers')
    .filter({ hasText: new RegExp(`^\\s*${line}\\s*$`) })
    .first();
}

/** Clicks the glyph margin left of a line, where a user sets a breakpoint. */
export async function clickGlyphMargin(page, line) {
  // A line at the editor's edge scrolls when clicked, and the breakpoint lands elsewhere: bring
  // it to the upper middle of the editor first.
  const editor = await page
    .locator('.editor-instance .monaco-editor .overflow-guard')
    .first()
    .boundingBox();
  const target = editor.y + editor.height * 0.4;
  const first = await lineNumber(page, line).boundingBox();
  if (!first || Math.abs(first.y - target) > editor.height * 0.2) {
    await page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height / 2);
    await page.mouse.wheel(0, (first?.y ?? target) - target);
  }
  // CodeLenses and other view zones arrive a moment after the editor opens and push lines down:
  // click only once the line has stayed where it is.
  let number = await lineNumber(page, line).boundingBox();
  await waitUntil(
    async () => {
      const now = await lineNumber(page, line).boundingBox();
      const still = now && number && now.y === number.y;
      number = now;
      return still;
    },
    `line ${line} to stay in place`,
    { interval: 400 },
  );
  const margin = await page
    .locator('.editor-instance .monaco-editor .margin .glyph-margin')
    .first()
    .boundingBox();
  if (!number || !margin) throw new Error(`line ${line} or the glyph margin is not on screen`);
  await page.mouse.click(margin.x + margin.width / 2, number.y + number.height / 2);
}

/** Whether a margin glyph (a codicon class) is drawn on that line of the active editor. */
export async function glyphOnLine(page, codicon, line) {
  const number = await lineNumber(page, line).boundingBox();
  if (!number) return false;
  const boxes = await page
    .locator(`.editor-instance .monaco-editor .margin .${codicon}`)
    .evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { y: r.y, height: r.height };
      }),
    );
  const center = number.y + number.height / 2;
  return boxes.some((b) => b.y <= center && center <= b.y + b.height);
}

/** A debug toolbar button by its label (the command title, e.g. 'Inject Crash', 'Step Into'). */
export function toolbarButton(page, label) {
  return page.locator(
    `.debug-toolbar .action-label[aria-label^="${label}"], .debug-toolbar .action-label[title^="${label}"]`,
  );
}

/** The text of the top stack frame in the Call Stack view ('' when nothing is paused). */
export async function topFrame(page) {
  const frames = await page
    .locator('.debug-call-stack .monaco-list-row .stack-frame')
    .evaluateAll((els) => els.map((e) => e.innerText));
  return (frames[0] ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until the top stack frame's text matches, and returns it. */
export function waitForTopFrame(page, pattern, timeout = 60_000) {
  return waitUntil(
    async () => {
      const text = await topFrame(page);
      return pattern.test(text) ? text : false;
    },
    `the top stack frame to match ${pattern}`,
    { timeout },
  );
}

/** The state message of the Call Stack header ('Paused on breakpoint', 'Paused on entry', ...). */
export async function callStackState(page) {
  const message = page.locator('.pane-header .call-stack-state-message');
  // textContent of what is there now: a locator's innerText would wait for it to appear.
  const texts = await message.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  return texts.join(' ').trim();
}

/** The rows of the Variables view, each as its text on one line. */
export async function variableRows(page) {
  const rows = await page.locator('.debug-variables .monaco-list-row').allInnerTexts();
  return rows.map((r) => r.replace(/\s+/g, ' ').trim());
}

/** A view pane of the side bar by its title. */
export function pane(page, title) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) });
}

/** Expands or collapses a view pane by clicking its header if needed. */
export async function setPaneExpanded(page, title, expanded) {
  const header = pane(page, title).locator('.pane-header').first();
  await header.waitFor();
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
  await waitUntil(
    async () => ((await header.getAttribute('aria-expanded')) === 'true') === expanded,
    `${title} ${expanded ? 'expanded' : 'collapsed'}`,
  );
}

/** The rows of a tree view pane, each as its text on one line. */
export async function paneRows(page, title) {
  const rows = await pane(page, title).locator('.monaco-list-row').allInnerTexts();
  return rows.map((r) => r.replace(/\s+/g, ' ').trim());
}

/** What the Debug Console shows (its visible rows). */
export async function debugConsoleText(page) {
  const rows = await page.locator('.repl .monaco-list-row').allInnerTexts();
  return rows.join('\n');
}

/** The text of the status bar items. */
export async function statusBarText(page) {
  return (await page.locator('.part.statusbar').innerText()).replace(/\s+/g, ' ');
}

/** The content frame of the webview panel whose tab has that title. */
export async function webviewFrame(page, title) {
  await page.locator('.tabs-container .tab', { hasText: title }).first().waitFor();
  // A webview is an iframe (the host) holding another (the content, #active-frame).
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** Drags the sash between the side bar and the editor so that the side bar is `width` pixels wide. */
export async function resizeSidebar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) throw new Error('the side bar is not shown');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  await waitUntil(
    async () =>
      Math.abs(((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) < 8,
    `a side bar ${width} px wide`,
    { timeout: 3000 },
  );
}

/** A position in the driver extension's DAP log (run.mjs passes the file as `dapLogFile`). */
export function dapLogMark(file) {
  return statSync(file).size;
}

/** The DAP messages logged after a mark, one line each: `time [session] → request launch {...}`. */
export function dapMessagesSince(file, mark) {
  return readFileSync(file).subarray(mark).toString('utf8').split('\n').filter(Boolean);
}

/** Removes every breakpoint with the palette's "Remove All Breakpoints" (offered while there are some). */
export async function removeAllBreakpoints(page) {
  if ((await paletteCommands(page, 'Remove All Breakpoints')).includes('Remove All Breakpoints'))
    await runCommand(page, 'Remove All Breakpoints');
}

/**
 * Waits until no debug session is left: the toolbar is gone and the status bar no longer has its
 * debugging colour. Until then F5 is not "start" (it means continue, or nothing while ending).
 */
export async function waitForNoDebugSession(page, timeout = 60_000) {
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout });
  await waitUntil(
    async () =>
      !(await page.locator('.part.statusbar').getAttribute('class')).includes('debugging'),
    'the status bar to leave its debugging colour',
    { timeout },
  );
}

/** Stops every debug session a previous scenario left (Debug: Stop until the toolbar is gone). */
export async function stopDebugSessions(page) {
  for (let i = 0; i < 5 && (await page.locator('.debug-toolbar').isVisible()); i++) {
    try {
      await runCommand(page, 'Debug: Stop');
    } catch {
      // The session ended between the look at the toolbar and the palette, which then no longer
      // offers Debug: Stop: close the palette and look again.
      await page.keyboard.press('Escape');
    }
    await page
      .locator('.debug-toolbar')
      .waitFor({ state: 'hidden', timeout: 3000 })
      .catch(() => undefined);
  }
  await waitForNoDebugSession(page);
}

/**
 * Every row of a tree in a view, scrolled through from top to bottom (a list draws only the rows
 * on screen), each as its text on one line; the tree is scrolled back to the top afterwards.
 */
export async function allTreeRows(page, viewSelector) {
  const list = page.locator(`${viewSelector} .monaco-list`).first();
  await list.hover();
  // From the top, and by each row's index: a list reuses its row elements, so their order in the
  // page is not the order on screen.
  const scrolled = (what) =>
    settled(
      page,
      what,
      (selector) =>
        [...document.querySelectorAll(`${selector} .monaco-list-row`)].map((e) =>
          e.getAttribute('data-index'),
        ),
      viewSelector,
    );
  await page.mouse.wheel(0, -100_000);
  await scrolled('the tree scrolled to its top');
  const seen = new Map();
  let unchanged = 0;
  for (let i = 0; i < 30 && unchanged < 2; i++) {
    const rows = await page
      .locator(`${viewSelector} .monaco-list-row`)
      .evaluateAll((els) =>
        els.map((e) => [
          Number(e.getAttribute('data-index')),
          e.innerText.replace(/\s+/g, ' ').trim(),
        ]),
      );
    const before = seen.size;
    for (const [index, text] of rows) seen.set(index, text);
    unchanged = seen.size === before ? unchanged + 1 : 0;
    await page.mouse.wheel(0, 120);
    await scrolled('the tree scrolled one step');
  }
  await page.mouse.wheel(0, -100_000);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}

/** The texts of the error notifications on screen (toasts), which a good run never shows. */
export async function errorToasts(page) {
  return page
    .locator('.notifications-toasts .notification-toast')
    .filter({ has: page.locator('.codicon-error') })
    .evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
}

/**
 * Opens another folder in the page, as File: Open Folder does: the workbench reloads with a new
 * extension host. Resolves once the window shows the folder and its debuggers are registered
 * (the palette works, and F5 starts debugging).
 */
export async function openFolder(page, folder) {
  const url = new URL(page.url());
  url.searchParams.set('folder', folder);
  await page.goto(url.toString(), { waitUntil: 'domcontentloaded' });
  const name = folder.split(/[\\/]/).pop();
  await waitUntil(async () => (await page.title()).includes(name), `a window titled ${name}`, {
    timeout: 60_000,
  });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  await waitForDebuggersAvailable(page, 60_000);
}

/** The Problems item of the status bar, as its accessible label ("No Problems", "Errors: 1, …"). */
export async function problemsStatus(page) {
  const item = page.locator('.statusbar-item[id="status.problems"]').first();
  const label = await item.getAttribute('aria-label').catch(() => null);
  return (label ?? (await item.innerText().catch(() => ''))).replace(/\s+/g, ' ').trim();
}

/** Every row of the Call Stack view (sessions, threads, frames), each as its text on one line. */
export async function callStackRows(page) {
  const rows = await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
  return rows.map((r) => r.replace(/\s+/g, ' ').trim());
}

/** The lenses drawn above a line of the active editor, as their texts. */
export async function codeLensesAbove(page, line) {
  const number = await lineNumber(page, line).boundingBox();
  if (!number) return [];
  const lenses = await page.locator('.editor-instance .codelens-decoration').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { y: r.y + r.height, text: e.innerText.replace(/\s+/g, ' ').trim() };
    }),
  );
  // A lens is drawn in the view zone just above its line.
  return lenses
    .filter((l) => l.y <= number.y + 2 && l.y >= number.y - number.height * 1.5)
    .map((l) => l.text);
}
