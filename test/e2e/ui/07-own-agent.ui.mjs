// UI scenario: after the sample, an agent of the user's own, written from scratch in a folder of
// its own (with interfaces, so compiled and source lines differ; a call that throws, caught and
// retried; a reconciler): it type-checks with nothing installed, the editor title's run button
// debugs it, Step Into walks its calls on its own lines (the persisted error's stack too), F5
// debugs it although launch.json only names the sample, each agent keeps its own state, and the
// messages on the way say what happened and what to do, once.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from '../../../scripts/e2e/codeServer.mjs';
import {
  codeLensesAbove,
  debugConsoleText,
  errorToasts,
  goToLine,
  openFile,
  openFolder,
  pickRow,
  problemsStatus,
  removeAllBreakpoints,
  resizeSidebar,
  stopDebugSessions,
  toolbarButton,
  waitForNoDebugSession,
  waitForTopFrame,
  waitUntil,
} from '../../../scripts/e2e/workbench.mjs';

const MAILER = `// My mailer: renders a welcome email and sends it. The template service fails the first
// time it is called; the action catches that and tries again.
import { defineAgent } from 'durable-run';

interface Email {
  to: string;
  subject: string;
  body: string;
}

let renderCalls = 0;
async function renderTemplate(email: Email): Promise<string> {
  renderCalls++;
  if (renderCalls === 1) throw new Error('template service unavailable');
  return \`<h1>\${email.subject}</h1><p>\${email.body}</p>\`;
}

interface Sent {
  messageId: string;
}

async function sendEmail(to: string, html: string): Promise<Sent> {
  return { messageId: \`<\${to}.\${html.length}@mailer>\` };
}

export default defineAgent({
  name: 'mailer',
  actions: [
    {
      name: 'welcome',
      on: ['InputEvent'],
      async run(event, ctx) {
        const email = event.attributes.input as Email;
        let html: string;
        try {
          html = await ctx.durableExecute(renderTemplate, [email]);
        } catch {
          html = await ctx.durableExecute(renderTemplate, [email]);
        }
        const sent = await ctx.durableExecute(sendEmail, [email.to, html], {
          reconciler: async () => ({ messageId: 'unknown (reconciled)' }),
        });
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: sent } });
      },
    },
  ],
});
`;

const CAROL = `{"key": "carol", "input": {"to": "carol@example.com", "subject": "Welcome", "body": "Hi Carol"}}\n`;

// A job agent without inputs yet, whose durable call is an anonymous function.
const JOBS = `import { defineAgent } from 'durable-run';

interface Job {
  id: string;
}

export default defineAgent({
  name: 'jobs',
  actions: [
    {
      name: 'work',
      on: ['InputEvent'],
      async run(event, ctx) {
        const job = event.attributes.input as Job;
        await ctx.durableExecute(async () => job.id.length);
      },
    },
  ],
});
`;

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const lineIn = (text, needle, from = 0) =>
  text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

/** The Debug Agent File button of the editor title's run menu (shown on agent files). */
const runButton = (page) =>
  page.locator('.editor-actions .action-label[aria-label^="Debug Agent File"]').first();

const toast = (page, text) =>
  page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });

/** Makes TypeScript report one problem on purpose, then takes it back: proof it checked the file. */
async function noProblemsBesideAProbe(page, log) {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type("const probe: number = 'x';");
  const seen = await waitUntil(
    async () => {
      const status = await problemsStatus(page);
      return /Errors?: 1\b|1 error/i.test(status) && status;
    },
    'TypeScript reporting the one deliberate problem (and no other)',
    { timeout: 90_000 },
  );
  log('with a deliberate error:', seen);
  // Take it back as a user would: delete the line, and save the file as it was.
  await page.keyboard.press('Control+Shift+K');
  await page.keyboard.press('Control+S');
  await waitUntil(async () => /No Problems/i.test(await problemsStatus(page)), 'no problems');
}

export async function run({ page, workspace, screenshot, log }) {
  const folder = join(dirname(workspace), 'own-agent');
  mkdirSync(folder, { recursive: true });
  try {
    await openFolder(page, folder);
    await runCommand(page, 'Durable Run: Create Sample Agent');
    await pickRow(page, 'TypeScript payments agent');
    await waitUntil(() => existsSync(join(folder, '.vscode', 'launch.json')), 'the sample');
    // The sample opens its agent.ts: once it has, the palette keeps the focus.
    await page.locator('.tabs-container .tab.active', { hasText: 'agent.ts' }).waitFor();
    // My own agent, beside the sample, written from scratch.
    mkdirSync(join(folder, 'mailer'));
    writeFileSync(join(folder, 'mailer', 'agent.ts'), MAILER);
    writeFileSync(join(folder, 'mailer', 'inputs.jsonl'), CAROL);
    await resizeSidebar(page, 470);
    await openFile(page, 'agent.ts', 'mailer');

    // Types: durable-run resolves with nothing installed; the only problem is the deliberate one.
    await noProblemsBesideAProbe(page, log);
    log('mailer/agent.ts type-checks with no problems');

    // F5 on my agent, although launch.json names only the sample: it debugs my agent.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await waitForNoDebugSession(page);
    await runCommand(page, 'Debug Console: Focus on Debug Console View');
    const console = await waitUntil(async () => {
      const text = await debugConsoleText(page);
      return /output carol#0/.test(text) && text;
    }, "the mailer's output in the Debug Console");
    expect(
      /Debugging mailer\/agent\.ts, the agent file in the editor/.test(console),
      `F5 said: ${console}`,
    );
    log('F5 debugged mailer/agent.ts');

    // The editor title's run button, and Step Into from a breakpoint on the first call: every
    // frame on the line of its call (after the throw too).
    const first = lineIn(MAILER, 'html = await ctx.durableExecute(renderTemplate');
    const retry = lineIn(MAILER, 'html = await ctx.durableExecute(renderTemplate', first);
    const send = lineIn(MAILER, 'ctx.durableExecute(sendEmail');
    const threw = lineIn(MAILER, "throw new Error('template service unavailable')");
    // F9 on the line (its glyph margin holds the slot's mark from the run before).
    await goToLine(page, first);
    await page.keyboard.press('F9');
    await waitUntil(
      async () =>
        (await page.locator('.debug-breakpoints .monaco-list-row').allInnerTexts()).some((t) =>
          t.includes(String(first)),
        ),
      `a breakpoint on line ${first} in the Breakpoints view`,
    );
    await runButton(page).waitFor({ timeout: 15_000 });
    await screenshot('01-run-button');
    await runButton(page).click();
    const at = (name, line) =>
      new RegExp(`^${name.replace(/[()]/g, '\\$&')} agent\\.ts ${line}:\\d+$`);
    await waitForTopFrame(page, at('renderTemplate #0 · plan decided (execute)', first));
    const walk = [
      ['renderTemplate #0 · function threw (execute)', first],
      ['renderTemplate #0 · outcome persisted (execute)', first],
      ['renderTemplate #1 · plan decided (execute)', retry],
      ['renderTemplate #1 · function returned (execute)', retry],
      ['renderTemplate #1 · outcome persisted (execute)', retry],
      ['sendEmail #2 · plan decided (execute)', send],
      ['sendEmail #2 · PENDING persisted (execute)', send],
      ['sendEmail #2 · function returned (execute)', send],
    ];
    for (const [name, line] of walk) {
      await page.keyboard.press('F11');
      await waitForTopFrame(page, at(name, line));
    }
    log('Step Into x8: every frame on its own line', walk.map(([, l]) => l).join(' '));
    // A lens above each call, the retry and the send included.
    for (const line of [first, retry, send]) {
      await waitUntil(
        async () => (await codeLensesAbove(page, line)).length > 0,
        `a CodeLens above line ${line}`,
      );
    }
    await screenshot('02-stepped-into-send');

    // Recover while nothing crashed: told once why not.
    await toolbarButton(page, 'Recover').click();
    const refused = toast(page, 'nothing to recover');
    await refused.first().waitFor({ timeout: 10_000 });
    const errors = await errorToasts(page);
    expect(errors.length === 1, `one click, ${errors.length} messages: ${JSON.stringify(errors)}`);
    expect(!/`recover`|request/.test(errors[0]), `protocol words in "${errors[0]}"`);
    log('Recover with nothing crashed:', errors[0]);
    await runCommand(page, 'Notifications: Clear All Notifications');

    await page.keyboard.press('F5');
    await waitForNoDebugSession(page);
    // The state is the mailer's own, and its persisted error is on the line that threw, with
    // the agent's frames only.
    const journal = join(folder, '.durable', 'mailer', 'agent', 'journal.jsonl');
    const failed = readFileSync(journal, 'utf8')
      .split('\n')
      .find((l) => l.includes('"FAILED"'));
    expect(failed && failed.includes(`agent.ts:${threw}:`), `the persisted stack: ${failed}`);
    expect(
      !/worker\.js|node:internal/.test(failed),
      `worker frames in the persisted stack: ${failed}`,
    );
    log(`the persisted error is on line ${threw}`);
    await removeAllBreakpoints(page);

    // The sample's own state beside it: switching agents mixes nothing, and piles nothing up.
    await openFile(page, 'agent.ts', 'payments');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await waitForTopFrame(page, /^checkout · start agent\.ts \d+:\d+$/);
    await page.keyboard.press('F5');
    await waitForNoDebugSession(page);
    await openFile(page, 'agent.ts', 'mailer');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await waitForNoDebugSession(page);
    const durable = readdirSync(join(folder, '.durable'), { recursive: true }).map(String).sort();
    expect(
      JSON.stringify(durable.filter((f) => f.endsWith('.jsonl'))) ===
        JSON.stringify(['mailer/agent/journal.jsonl', 'payments/agent/journal.jsonl']),
      `.durable holds ${JSON.stringify(durable)}`,
    );
    expect(
      (await errorToasts(page)).length === 0,
      `errors: ${JSON.stringify(await errorToasts(page))}`,
    );
    log('.durable:', durable.join(', '));

    // An agent without inputs: offered an inputs.jsonl, not a launch error.
    await stopDebugSessions(page);
    mkdirSync(join(folder, 'jobs'));
    writeFileSync(join(folder, 'jobs', 'agent.ts'), JOBS);
    await openFile(page, 'agent.ts', 'jobs');
    await runButton(page).waitFor({ timeout: 15_000 });
    await runButton(page).click();
    const offer = toast(page, 'has no inputs');
    await offer.first().waitFor({ timeout: 10_000 });
    await screenshot('03-no-inputs');
    await offer.first().locator('.monaco-button', { hasText: 'Create inputs.jsonl' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'inputs.jsonl' }).waitFor();
    expect(existsSync(join(folder, 'jobs', 'inputs.jsonl')), 'no inputs.jsonl created');
    expect((await page.locator('.monaco-dialog-box').count()) === 0, 'a dialog was shown');

    // Its anonymous function: stopped where the call is, titled with the error's class, the
    // agent's frames only.
    await openFile(page, 'agent.ts', 'jobs');
    await runButton(page).click();
    const call = lineIn(JOBS, 'await ctx.durableExecute(async');
    await waitForTopFrame(page, new RegExp(`^work · threw agent\\.ts ${call}:\\d+$`));
    const widget = page.locator('.exception-widget');
    await widget.first().waitFor({ timeout: 10_000 });
    const widgetText = (await widget.first().innerText()).replace(/\s+/g, ' ');
    expect(
      /TypeError/.test(widgetText) && !/agentError/.test(widgetText),
      `the widget says ${widgetText}`,
    );
    expect(/the function is anonymous/.test(widgetText), `the widget says ${widgetText}`);
    expect(!/worker\.js|node:internal/.test(widgetText), `worker frames in ${widgetText}`);
    await screenshot('04-anonymous-function');
    log('anonymous function:', widgetText.slice(0, 160));
  } catch (error) {
    await screenshot('failure-in-folder').catch(() => undefined);
    throw error;
  } finally {
    await stopDebugSessions(page).catch(() => undefined);
    await removeAllBreakpoints(page).catch(() => undefined);
    await openFolder(page, workspace);
  }
}
